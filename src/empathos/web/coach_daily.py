"""The coaching and OODA pages' per-day summary (``web_coach_daily``, migration 0025).

Why its own table: the coaching report (:mod:`empathos.learn.coaching`) and OODA's observe
and current KPIs (:mod:`empathos.learn.ooda.observe`) loaded every contact of their window
into pandas to take means of it — per employee, per pod, per ISO week. Those means only
need counts and sums per day × channel × language × pod × employee × brand × source, which
:func:`rebuild_coach_daily` keeps inside ``refresh_aggregates`` (same transaction, same
change log, same model pair as ``web_daily``); ``web_daily`` itself lacks the employee and
counts a NULL score as 0 where these pages leave it out. The readers here give the same
figures as the libraries' frames (tests compare them under several filters); what needs
single contacts (the coaching examples, the employee replies, the OODA distinct customers
and outcomes) is still read row by row, narrowed to what the page shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, case, func, select

from empathos.store.queries import NO_COMPANY, NO_LANGUAGE, NO_POD, scores_on
from empathos.store.schema import customers, employees, interaction_scores, interactions
from empathos.store.tables_web import COACH_COUNTS, COACH_SUMS, web_coach_daily
from empathos.web.days import UNDATED, as_date, replace_days, summary_day

KEYS = ("channel", "language", "pod_id", "employee_id", "company", "source")


def rebuild_coach_daily(
    conn: Connection, model: tuple[str, str, str, str] | None, days: list[date] | None
) -> None:
    """Delete and re-insert ``web_coach_daily`` for ``days`` (``None``: all), in the
    caller's transaction, with one ``INSERT … SELECT`` (no row travels to Python)."""
    i, s, e, c = interactions.c, interaction_scores.c, employees.c, customers.c
    on = scores_on(model)
    day = summary_day(conn, i.started_at)
    keys = [
        day,
        i.channel,
        func.coalesce(c.language, NO_LANGUAGE),
        func.coalesce(e.pod_id, NO_POD),
        func.coalesce(i.employee_id, NO_POD),
        func.coalesce(i.company, NO_COMPANY),
        i.source,
    ]

    def n_when(cond: Any) -> Any:
        return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)

    counts = [
        func.count(),
        n_when(i.employee_id.is_(None)),
        func.count(s.interaction_id),
        func.count(s.remembered),
        func.count(s.experienced),
        func.count(s.end_valence),
        func.count(s.outcome),
        n_when(s.outcome == "improved"),
        n_when(s.outcome == "unchanged"),
        n_when(s.outcome == "worsened"),
    ]
    sums = [func.coalesce(func.sum(x), 0.0) for x in (s.remembered, s.experienced, s.end_valence)]
    q = (
        select(*keys, *counts, *sums)
        .select_from(interactions)
        .outerjoin(interaction_scores, on)
        .outerjoin(employees, e.employee_id == i.employee_id)
        .outerjoin(customers, c.customer_id == i.customer_id)
        .where(i.started_at.is_not(None))
        .group_by(*keys)
    )
    names = ["day", *KEYS, *COACH_COUNTS, *COACH_SUMS]
    replace_days(conn, web_coach_daily, names, q, i.started_at, days)


# --------------------------------------------------------------------------- readers
def conditions(
    start: date | None,
    end: date | None,
    channel: str | None = None,
    language: str | None = None,
    pod: str | None = None,
    company: str | None = None,
) -> list[Any]:
    """The shared filters on the summary (the same values as ``interaction_conditions``:
    ``(unknown)``, ``(none)`` match the rows without)."""
    w = web_coach_daily.c
    out: list[Any] = [w.day != UNDATED]
    if start is not None:
        out.append(w.day >= start)
    if end is not None:
        out.append(w.day <= end)
    for col, v in ((w.channel, channel), (w.language, language), (w.pod_id, pod),
                   (w.company, company)):  # fmt: skip
        if v:
            out.append(col == v)
    return out


def grouped(conn: Connection, conds: Iterable[Any], *by: str) -> list[dict[str, Any]]:
    """Summed counts and sums of the summary rows under ``conds``, one dict per group of
    the ``by`` columns (``day`` among them: a ``date``)."""
    w = web_coach_daily.c
    cols = [w[b] for b in by]
    q = select(*cols, *(func.sum(w[c]).label(c) for c in (*COACH_COUNTS, *COACH_SUMS)))
    q = q.where(*conds).group_by(*cols)
    out = []
    for r in conn.execute(q):
        m = dict(r._mapping)
        if "day" in m:
            m["day"] = as_date(m["day"])
        for k in COACH_COUNTS:
            m[k] = int(m[k] or 0)
        for k in COACH_SUMS:
            m[k] = float(m[k] or 0.0)
        out.append(m)
    return out


def add(rows: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The sum of several :func:`grouped` rows."""
    out: dict[str, Any] = {k: 0 for k in COACH_COUNTS} | {k: 0.0 for k in COACH_SUMS}
    for r in rows:
        for k in (*COACH_COUNTS, *COACH_SUMS):
            out[k] += r[k]
    return out


def mean(total: float, n: int) -> float | None:
    """The mean the libraries show (``round(·, 4)``), None without a value."""
    return None if n == 0 else round(total / n, 4)


def monday(d: date) -> date:
    """The Monday of ``d``'s ISO week (the libraries' weeks)."""
    return d - timedelta(days=d.weekday())


def source_counts(rows: Iterable[dict[str, Any]], count: str) -> dict[str, int]:
    """Contacts per source (``count``: which count column) over ``rows``."""
    out: dict[str, int] = {}
    for r in rows:
        if r[count]:
            out[r["source"]] = out.get(r["source"], 0) + r[count]
    return out
