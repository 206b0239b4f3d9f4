"""The dashboard's predicted-CSAT page: trend and breakdowns of :func:`web.csat.csat_figures`.

Its own module (not ``stages.py``) so the three issue-16 pages merge without touching each
other; the experienced and remembered scores are on the scores page beside it.
"""

from __future__ import annotations

from fastapi import Request

from empathos.web import charts
from empathos.web.aggregates import Filters
from empathos.web.csat import BY, csat_figures
from empathos.web.stages import StageResult, _dict_table, pending
from empathos.web.tenancy import store_engine


def csat_stage(request: Request, f: Filters) -> StageResult:
    """Mean predicted CSAT under the filters, per day, and by pod, employee, channel,
    language and brand; unknown figures counted with their reasons, never as 0."""
    title = "Predicted CSAT"
    intro = (
        "A CSAT (1-5) for every contact, predicted from its turns by a small model trained "
        "on USS (test Spearman in docs/understand.md) and calibrated to your surveys where "
        "there are enough. Beside it, always: the experienced and remembered scores."
    )
    figs = csat_figures(
        store_engine(request),
        start=f.start,
        end=f.end,
        channel=f.channel,
        language=f.language,
        pod=f.pod,
        company=f.company,
        pre=request.app.state.settings.web_pre_aggregate,
    )
    o = figs["overall"]
    if not o["contacts"]:
        return pending(title, intro, "no predicted CSAT yet: run `empathos analyze`.")
    out = StageResult(title, intro, available=True)
    mean = f"{o['mean_csat']:.2f}" if o["mean_csat"] is not None else "unknown"
    out.kpis = [
        ("Mean predicted CSAT", mean),
        ("Contacts with a figure", f"{o['predicted']:,} of {o['contacts']:,}"),
        ("Calibrated to surveys", f"{o['calibrated']:,}"),
        ("Sources", ", ".join(o["sources"])),
    ]
    trend = [t for t in figs["trend"] if t["mean_csat"] is not None]
    if trend:
        out.figures["csat_trend"] = charts.lines(
            "Mean predicted CSAT per day",
            [t["day"] for t in trend],
            {"predicted CSAT": [t["mean_csat"] for t in trend]},
            "CSAT (1-5)",
        )
        out.tables.append(_dict_table("Per day", trend))
    for name in BY:
        rows = [{name: k, **v} for k, v in sorted(figs["by"][name].items())]
        for r in rows:
            r["sources"] = ", ".join(r["sources"])
        if rows:
            out.tables.append(_dict_table(f"By {name}", rows))
    for why, n in figs["unknown_reasons"].items():
        out.notes.append(f"{n:,} contacts without a figure: {why}")
    return out
