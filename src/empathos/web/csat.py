"""Predicted CSAT for the faces: mean, trend per day and breakdowns, under the shared filters.

Why its own module: the figure lives in ``interaction_csat`` (not in the dashboard's daily
summary table, which other stages own), and the dashboard page, ``GET /csat`` and the CLI
must mean the same thing — so they all read :func:`csat_figures`. The figure read is the
calibrated one where the company's surveys allowed it, else the model's (as
``store.queries.predicted_csat``); contacts whose figure is unknown are counted as such,
never averaged in as 0. Each group says which sources (imported / sample / simulated) its
contacts came from.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Engine, func, select

from empathos.store.queries import NO_COMPANY, NO_LANGUAGE, NO_POD, interaction_conditions
from empathos.store.schema import customers, employees, interactions
from empathos.store.tables_csat import interaction_csat

#: The breakdowns: name -> the column (with its "not recorded" value).
BY = ("pod", "employee", "channel", "language", "company")
# The breakdowns join the customer and employee under their own names: the shared filter
# conditions are EXISTS subqueries on ``customers`` / ``employees`` correlated to the
# interaction, and would correlate away their own FROM if those tables were joined as is.
_CUSTOMER = customers.alias("csat_customer")
_EMPLOYEE = employees.alias("csat_employee")


def _columns() -> dict[str, Any]:
    i, c, e = interactions.c, _CUSTOMER.c, _EMPLOYEE.c
    return {
        "pod": func.coalesce(e.pod_id, NO_POD),
        "employee": func.coalesce(i.employee_id, NO_POD),
        "channel": i.channel,
        "language": func.coalesce(c.language, NO_LANGUAGE),
        "company": func.coalesce(i.company, NO_COMPANY),
    }


def _group(rows: list[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for r in rows:
        g = out.setdefault(
            str(r.key), {"contacts": 0, "predicted": 0, "sum": 0.0, "sources": set()}
        )
        g["contacts"] += int(r.n)
        g["predicted"] += int(r.n_known)
        g["sum"] += float(r.total or 0.0)
        g["sources"].add(r.source)
    return {
        k: {
            "contacts": g["contacts"],
            "predicted": g["predicted"],
            "unknown": g["contacts"] - g["predicted"],
            "mean_csat": g["sum"] / g["predicted"] if g["predicted"] else None,
            "sources": sorted(g["sources"]),
        }
        for k, g in out.items()
    }


def csat_figures(
    engine: Engine,
    *,
    start: date | None = None,
    end: date | None = None,
    channel: str | None = None,
    language: str | None = None,
    pod: str | None = None,
    company: str | None = None,
) -> dict[str, Any]:
    """Overall, per day and per :data:`BY` dimension: contacts, how many have a figure, the
    mean predicted CSAT (None when none has), and the sources behind it."""
    i, k, c, e = interactions.c, interaction_csat.c, _CUSTOMER.c, _EMPLOYEE.c
    value = func.coalesce(k.calibrated_csat, k.predicted_csat)
    joined = (
        interaction_csat.join(interactions, i.interaction_id == k.interaction_id)
        .outerjoin(_CUSTOMER, c.customer_id == i.customer_id)
        .outerjoin(_EMPLOYEE, e.employee_id == i.employee_id)
    )
    conds = interaction_conditions(
        start=start, end=end, channel=channel, language=language, pod=pod, company=company
    )
    cols = _columns()

    def grouped(key: Any) -> list[Any]:
        q = (
            select(
                key.label("key"),
                k.source,
                func.count().label("n"),
                func.count(k.predicted_csat).label("n_known"),
                func.sum(value).label("total"),
            )
            .select_from(joined)
            .where(*conds)
            .group_by(key, k.source)
        )
        with engine.connect() as conn:
            return conn.execute(q).all()

    from sqlalchemy import literal

    overall = _group(grouped(literal("all"))).get(
        "all", {"contacts": 0, "predicted": 0, "unknown": 0, "mean_csat": None, "sources": []}
    )
    with engine.connect() as conn:
        calibrated = conn.execute(
            select(func.count(k.calibrated_csat)).select_from(joined).where(*conds)
        ).scalar_one()
        reasons = conn.execute(
            select(k.reason, func.count())
            .select_from(joined)
            .where(*conds, k.predicted_csat.is_(None))
            .group_by(k.reason)
        ).all()
    day = func.date(i.started_at)
    trend = _group(grouped(day))
    return {
        "overall": overall | {"calibrated": int(calibrated)},
        "unknown_reasons": {str(r): int(n) for r, n in reasons},
        "trend": [{"day": d, **v} for d, v in sorted(trend.items()) if d != "None"],
        "by": {name: _group(grouped(cols[name])) for name in BY},
    }
