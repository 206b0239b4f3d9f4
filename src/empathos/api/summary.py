"""``GET /summary``: the dashboard's contact figures as JSON, under the same filters.

Why: the dashboard's pages are HTML; a script or another tool reading the same figures
(contacts, remembered/experienced scores, endings, automation per day and per dimension)
should not scrape them, and must get the same numbers under the same filters — so this
reads the same functions (``empathos.web.aggregates``) with the same default period (the
30 days up to the latest day with data under the other filters), and names it.
"""

from __future__ import annotations

import time
from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Request

from empathos.api._filters import (
    Day,
    ChannelQuery,
    CompanyQuery,
    EndQuery,
    LanguageQuery,
    PodQuery,
    StartQuery,
)
from empathos.web.tenancy import store_engine, tenant_state

router = APIRouter(tags=["summary"])

RATIOS = (
    "experienced",
    "remembered",
    "effort",
    "empathy",
    "improved_share",
    "worsened_share",
    "automated_share",
    "analysed_share",
)


def _kpis(k: Any) -> dict[str, Any]:
    """Sums and the ratios derived from them (``None``: nothing to divide by)."""
    return asdict(k) | {name: getattr(k, name) for name in RATIOS}


@router.get("/summary", summary="Contact figures of the dashboard under the shared filters")
def summary(
    request: Request,
    start: Day | None = StartQuery,
    end: Day | None = EndQuery,
    channel: str | None = ChannelQuery,
    language: str | None = LanguageQuery,
    pod: str | None = PodQuery,
    company: str | None = CompanyQuery,
) -> dict[str, Any]:
    from empathos.web import aggregates as ag

    engine = store_engine(request)
    pre = request.app.state.settings.web_pre_aggregate
    if pre:
        state = tenant_state(request)
        now = time.monotonic()  # the same throttled staleness check as the pages
        if now - getattr(state, "web_fresh_checked", -1e9) >= 30.0:
            ag.ensure_fresh(engine)
            state.web_fresh_checked = now
    f = ag.with_default_period(
        engine,
        ag.Filters(start, end, channel, language, pod, company),
        pre=pre,
    )
    return {
        "period": {
            "start": f.start.isoformat() if f.start else None,
            "end": f.end.isoformat() if f.end else None,
            "chosen": "latest with data" if f.period_default else "as asked",
        },
        "filters": f.active(),
        "kpis": _kpis(ag.kpis(engine, f, pre=pre)),
        "daily": [{"day": d.day.isoformat(), **_kpis(d.kpis)} for d in ag.daily(engine, f, pre)],
        "by": {
            dim: {key: _kpis(v) for key, v in ag.breakdown(engine, f, dim, pre=pre).items()}
            for dim in ag.DIMENSIONS
        },
    }
