"""Calendar days as the dashboard's summaries and their change log key them.

Its own module so that the summaries' modules (``aggregates`` and ``daily_partitions`` for
``web_daily``, ``csat`` for ``web_csat_daily``, ``coach_daily`` for ``web_coach_daily``)
share the day arithmetic and the rebuild of a day without importing each other.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Date, Select, Table, and_, cast, delete, false, func, insert, or_
from sqlalchemy.sql.elements import ColumnElement

__all__ = ["UNDATED", "as_date", "day_condition", "replace_days", "summary_day"]

#: the day under which the change log (migration 0024) files contacts without ``started_at``
UNDATED = date(1, 1, 1)


def as_date(v: Any) -> date:
    """A day from what a driver returns (a date, a datetime or SQLite's text)."""
    if isinstance(v, datetime):
        return v.date()
    return v if isinstance(v, date) else date.fromisoformat(str(v)[:10])


def summary_day(conn: Connection, column: ColumnElement) -> ColumnElement:
    """The day a per-day summary files a contact under: ``column``'s calendar day, or
    :data:`UNDATED` without one (SQLite keeps dates as text, hence its own spelling)."""
    if conn.dialect.name == "sqlite":
        return func.coalesce(func.date(column), UNDATED.isoformat())
    return func.coalesce(cast(column, Date), UNDATED)


def day_condition(column: ColumnElement, days: list[date]) -> ColumnElement:
    """``column`` (a timestamp) falls on one of ``days`` (:data:`UNDATED`: is NULL); one
    index range per day."""
    ranges = [
        column.is_(None)
        if d == UNDATED
        else and_(
            column >= datetime.combine(d, datetime.min.time()),
            column < datetime.combine(d + timedelta(days=1), datetime.min.time()),
        )
        for d in days
    ]
    # false(), not literal(False): a bound "? = 1" term is opaque to SQLite's planner, which
    # then scans every contact instead of one index range per day
    return or_(false(), *ranges)


def replace_days(
    conn: Connection,
    table: Table,
    names: list[str],
    q: Select,
    started_at: ColumnElement,
    days: list[date] | None,
) -> None:
    """Delete ``table``'s rows of ``days`` (``None``: all) and insert ``q``'s for them, in
    the caller's transaction: how every per-day summary is rebuilt, fully or for the days
    the change log named (an empty list: nothing changed, nothing to do)."""
    if days is None:
        conn.execute(delete(table))
    else:
        if not days:
            return
        conn.execute(delete(table).where(table.c.day.in_(days)))
        q = q.where(day_condition(started_at, days))
    conn.execute(insert(table).from_select(names, q))
