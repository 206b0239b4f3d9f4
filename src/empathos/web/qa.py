"""The dashboard's QA page: auto-QA scorecards per pod and employee, items' pass rates,
the weekly trend (issue 16 item 3). Reads ``empathos.understand.qa.scorecards`` — the
same numbers as ``GET /qa/scorecards`` and ``empathos qa`` — under the shared filters."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from empathos.web import charts
from empathos.web.routes import PAGES, _engine, page_filters, render

router = APIRouter(include_in_schema=False)


def _scope(f: Any) -> Any:
    from empathos.understand.qa.scorecards import QAScope

    return QAScope(f.start, f.end, f.channel, f.language, f.pod, f.company)


@router.get(PAGES + "/qa", response_class=HTMLResponse)
def qa_page(request: Request) -> HTMLResponse:
    """Scorecards by pod and employee with each item's pass rate, and the weekly trend."""
    from empathos.understand.qa.scorecards import scorecards

    engine, f = _engine(request), page_filters(request)
    scope = _scope(f)
    overall = scorecards(engine, "all", scope)
    by_pod = scorecards(engine, "pod", scope)
    by_employee = scorecards(engine, "employee", scope)
    weeks = scorecards(engine, "week", scope)
    items = sorted({k for g in overall.get("groups", []) for k in g["items"]})
    figures: dict[str, str] = {}
    if overall.get("groups"):
        g = overall["groups"][0]
        figures["items"] = charts.to_json(
            charts.bars(
                "Pass rate per QA item (contacts the item scored)",
                [n.replace("_", " ") for n in items],
                [g["items"][n]["pass_rate"] for n in items],
                "pass rate",
            )
        )
    wk = [g for g in weeks.get("groups", []) if g["key"] and g["overall"] is not None]
    if wk:
        figures["trend"] = charts.to_json(
            charts.lines(
                "Mean QA score per week",
                [g["key"] for g in wk],
                {"overall QA score": [g["overall"] for g in wk]},
                "score",
            )
        )
    return render(
        request,
        "qa.html",
        filters=f,
        figures=figures,
        overall=overall,
        by_pod=by_pod,
        by_employee=by_employee,
        weeks=weeks,
        items=items,
    )
