"""The dashboard's drivers page: topics and the drivers that lower the outcome most.

Its own module (and router, in ``api.app.ROUTER_MODULES`` after ``web.routes``) so the
shared ``routes`` module only gains a navigation entry. It reads the same library call as
``empathos drivers`` and ``GET /drivers`` (:func:`empathos.predict.drivers.drivers_report`)
and prints the same notes. The picture is the ranked impact with its CI (where a picture
beats a table: sizes and overlaps at a glance); every figure is also in the tables.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from empathos.web import charts
from empathos.web.routes import PAGES, page_filters, render
from empathos.web.tenancy import store_engine

router = APIRouter(include_in_schema=False)

PATH = PAGES + "/drivers"
TOP = 15  # drivers drawn in the chart


def impact_chart(drivers: list[Any], outcome: str) -> charts.Figure | None:
    """Horizontal bars of the impact with the 95% CI as error bars (known figures only)."""
    known = [d for d in drivers if d.impact is not None][:TOP]
    if not known:
        return None
    fig = charts.bars(
        f"Drivers of the {outcome}: impact (share × gap) with 95% CI",
        [d.name for d in known],
        [d.impact for d in known],
        f"impact on the mean {outcome}",
        colour=charts.RED,
        horizontal=True,
    )
    trace = fig["data"][0]
    trace["marker"]["color"] = [charts.RED if d.impact < 0 else charts.GREEN for d in known]
    plus = [(d.impact_ci[1] - d.impact) if d.impact_ci else 0.0 for d in known]
    minus = [(d.impact - d.impact_ci[0]) if d.impact_ci else 0.0 for d in known]
    trace["error_x"] = {
        "type": "data",
        "symmetric": False,
        "array": plus,
        "arrayminus": minus,
        "visible": True,
        "color": charts.GREY,
    }
    fig["layout"]["margin"]["l"] = 220
    return fig


def drivers_view(request: Request, f: Any) -> dict[str, Any]:
    """What the drivers page shows under filters ``f`` (the page and ``/data/pages/drivers``
    both read it): the report, its chart, its notes."""
    from empathos.predict.drivers import drivers_report, report_notes

    report = drivers_report(
        store_engine(request),
        n_boot=500,
        start=f.start,
        end=f.end,
        channel=f.channel,
        language=f.language,
        pod=f.pod,
        company=f.company,
    )
    figures: dict[str, Any] = {}
    if report.available and (fig := impact_chart(report.drivers, report.outcome)):
        figures["impact"] = fig
    return {
        "report": report,
        "figures": figures,
        "notes": report_notes(report) if report.available else [],
    }


@router.get(PATH, response_class=HTMLResponse)
def drivers_page(request: Request) -> HTMLResponse:
    """Topics with volume, predicted CSAT, remembered score, churn and value at risk; the
    ranked drivers with bootstrap CIs."""
    f = page_filters(request)
    view = drivers_view(request, f)
    figures = {k: charts.to_json(v) for k, v in view["figures"].items()}
    return render(
        request,
        "drivers.html",
        filters=f,
        figures=figures,
        report=view["report"],
        notes=view["notes"],
    )
