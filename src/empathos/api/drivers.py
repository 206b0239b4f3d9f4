"""``GET /drivers``: topics and drivers as JSON, under the shared filters.

The same library call as ``empathos drivers`` and the dashboard's drivers page
(:func:`empathos.predict.drivers.drivers_report`), with the same notes, so the three say
the same things. Unknown figures are ``null`` with their reason in ``notes`` or the row's
``notes``; when there is no topic model yet, ``available`` is false with the ``reason``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request

from empathos.api._filters import (
    Day,
    ChannelQuery,
    CompanyQuery,
    EndQuery,
    LanguageQuery,
    PodQuery,
    StartQuery,
)
from empathos.web.tenancy import store_engine

router = APIRouter(tags=["drivers"])


@router.get("/drivers", summary="Topics and the drivers that lower the outcome most")
def drivers(
    request: Request,
    start: Day | None = StartQuery,
    end: Day | None = EndQuery,
    channel: str | None = ChannelQuery,
    language: str | None = LanguageQuery,
    pod: str | None = PodQuery,
    company: str | None = CompanyQuery,
    boot: int = Query(1000, ge=0, le=5000, description="bootstrap resamples for the CIs"),
) -> dict[str, Any]:
    from empathos.predict.drivers import drivers_report, report_notes

    report = drivers_report(
        store_engine(request),
        n_boot=boot,
        start=start,
        end=end,
        channel=channel,
        language=language,
        pod=pod,
        company=company,
    )
    out = report.as_dict()
    out["notes"] = report_notes(report) if report.available else []
    return out
