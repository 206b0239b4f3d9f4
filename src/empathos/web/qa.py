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


def qa_view(engine: Any, f: Any) -> dict[str, Any]:
    """What the quality page shows under filters ``f`` (the page and ``/data/pages/qa`` both
    read it): scorecards overall, by pod, employee and week, the items, the charts."""
    from empathos.understand.qa.scorecards import scorecards

    scope = _scope(f)
    overall = scorecards(engine, "all", scope)
    weeks = scorecards(engine, "week", scope)
    items = sorted({k for g in overall.get("groups", []) for k in g["items"]})
    figures: dict[str, Any] = {}
    if overall.get("groups"):
        g = overall["groups"][0]
        figures["items"] = charts.bars(
            "Pass rate per QA item (contacts the item scored)",
            [n.replace("_", " ") for n in items],
            [g["items"][n]["pass_rate"] for n in items],
            "pass rate",
        )
    wk = [g for g in weeks.get("groups", []) if g["key"] and g["overall"] is not None]
    if wk:
        figures["trend"] = charts.lines(
            "Mean QA score per week",
            [g["key"] for g in wk],
            {"overall QA score": [g["overall"] for g in wk]},
            "score",
        )
    by_pod, by_employee = scorecards(engine, "pod", scope), scorecards(engine, "employee", scope)
    for card in (overall, by_pod, by_employee, weeks):
        for g in card.get("groups", []):
            g["label"] = g["key"] or "(none)"  # contacts with no pod / employee
    return {
        "overall": overall,
        "by_pod": by_pod,
        "by_employee": by_employee,
        "weeks": weeks,
        "items": items,
        "figures": figures,
    }


@router.get(PAGES + "/qa", response_class=HTMLResponse)
def qa_page(request: Request) -> HTMLResponse:
    """Scorecards by pod and employee with each item's pass rate, and the weekly trend."""
    f = page_filters(request)
    view = qa_view(_engine(request), f)
    figures = {k: charts.to_json(v) for k, v in view.pop("figures").items()}
    return render(request, "qa.html", filters=f, figures=figures, **view)
