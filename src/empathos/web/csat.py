"""Predicted CSAT for the faces: mean, trend per day and breakdowns, under the shared filters.

Why its own module: the figure lives in ``interaction_csat`` (not in the dashboard's daily
summary table, which other stages own), and the dashboard page, ``GET /csat`` and the CLI
must mean the same thing — so they all read :func:`csat_figures`. The figure read is the
calibrated one where the company's surveys allowed it, else the model's (as
``store.queries.predicted_csat``); contacts whose figure is unknown are counted as such,
never averaged in as 0. Each group says which sources (imported / sample / simulated) its
contacts came from.

The dashboard page reads ``web_csat_daily`` instead (``pre=True``): the same counts and
sums per day × channel × language × pod × employee × brand × source × reason, rebuilt by
:func:`rebuild_csat_daily` inside ``refresh_aggregates`` for the days the change log names,
so the page costs the period's summary rows, not the period's contacts (27.5 s → see
docs/scale.md at ten million). The raw query stays the API's and the CLI's, and the
tests' oracle: both paths must give the same figures.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine, case, func, literal, select

from empathos.store.queries import NO_COMPANY, NO_LANGUAGE, NO_POD, interaction_conditions
from empathos.store.schema import customers, employees, interactions
from empathos.store.tables_csat import interaction_csat
from empathos.store.tables_web import web_csat_daily
from empathos.web.days import UNDATED, as_date, replace_days, summary_day

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
    pre: bool = False,
) -> dict[str, Any]:
    """Overall, per day and per :data:`BY` dimension: contacts, how many have a figure, the
    mean predicted CSAT (None when none has), and the sources behind it. ``pre``: read the
    summary ``web_csat_daily`` (kept fresh by the dashboard's refresh) instead of the rows."""
    if pre:
        return _pre_figures(
            engine, start=start, end=end, channel=channel, language=language, pod=pod,
            company=company,
        )  # fmt: skip
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


# --------------------------------------------------------------------------- the summary
#: ``web_csat_daily.reason`` of contacts whose figure is unknown with no reason recorded
NO_REASON = "(no reason recorded)"
#: summary column -> the raw expression it groups by (breakdown names of :data:`BY`)
_SUMMARY_KEYS = {
    "channel": "channel",
    "language": "language",
    "pod_id": "pod",
    "employee_id": "employee",
    "company": "company",
}


def rebuild_csat_daily(conn: Connection, days: list[date] | None) -> None:
    """Delete and re-insert ``web_csat_daily`` for ``days`` (``None``: all; the date
    ``days.UNDATED`` stands for contacts without ``started_at``), in the caller's
    transaction, with one ``INSERT … SELECT`` (no row travels to Python)."""
    i, k, c, e = interactions.c, interaction_csat.c, _CUSTOMER.c, _EMPLOYEE.c
    cols = _columns()
    day = summary_day(conn, i.started_at)
    known = k.predicted_csat.is_not(None)
    reason = case((known, literal("")), else_=func.coalesce(k.reason, NO_REASON))
    keys = [day, *(cols[v] for v in _SUMMARY_KEYS.values()), k.source, reason]
    q = (
        select(
            *keys,
            func.count(),
            func.count(k.predicted_csat),
            func.count(k.calibrated_csat),
            func.coalesce(func.sum(func.coalesce(k.calibrated_csat, k.predicted_csat)), 0.0),
        )
        .select_from(
            interaction_csat.join(interactions, i.interaction_id == k.interaction_id)
            .outerjoin(_CUSTOMER, c.customer_id == i.customer_id)
            .outerjoin(_EMPLOYEE, e.employee_id == i.employee_id)
        )
        .group_by(*keys)
    )
    names = ["day", *_SUMMARY_KEYS, "source", "reason", "n", "n_known", "n_calibrated", "total"]
    replace_days(conn, web_csat_daily, names, q, i.started_at, days)


def _pre_figures(
    engine: Engine,
    *,
    start: date | None,
    end: date | None,
    channel: str | None,
    language: str | None,
    pod: str | None,
    company: str | None,
) -> dict[str, Any]:
    """:func:`csat_figures` from ``web_csat_daily``: the same groups (overall, per day, per
    breakdown, unknown reasons), summed by the database over the period's summary rows and
    folded by the same :func:`_group` as the raw path."""
    w = web_csat_daily.c
    conds = []
    if start is not None:
        conds.append(w.day >= start)
    if end is not None:
        conds.append(w.day <= end)
    for col, v in ((w.channel, channel), (w.language, language), (w.pod_id, pod),
                   (w.company, company)):  # fmt: skip
        if v:
            conds.append(col == v)
    by_col = {by: w[col] for col, by in _SUMMARY_KEYS.items()}

    with engine.connect() as conn:

        def grouped(key: Any, *extra: Any) -> list[Any]:
            q = (
                select(
                    key.label("key"),
                    w.source,
                    func.sum(w.n).label("n"),
                    func.sum(w.n_known).label("n_known"),
                    func.sum(w.total).label("total"),
                )
                .where(*conds, *extra)
                .group_by(key, w.source)
            )
            return conn.execute(q).all()

        overall = _group(grouped(literal("all"))).get(
            "all", {"contacts": 0, "predicted": 0, "unknown": 0, "mean_csat": None, "sources": []}
        )
        calibrated = conn.execute(select(func.sum(w.n_calibrated)).where(*conds)).scalar()
        unknown = func.sum(w.n - w.n_known)
        reasons = conn.execute(
            select(w.reason, unknown).where(*conds).group_by(w.reason).having(unknown > 0)
        ).all()
        trend = _group(grouped(w.day, w.day != UNDATED))
        by = {name: _group(grouped(by_col[name])) for name in BY}
    return {
        "overall": overall | {"calibrated": int(calibrated or 0)},
        "unknown_reasons": {
            ("None" if r == NO_REASON else str(r)): int(n) for r, n in sorted(reasons)
        },
        "trend": [{"day": as_date(d).isoformat(), **v} for d, v in sorted(trend.items())],
        "by": by,
    }
