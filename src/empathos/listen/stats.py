"""What is in the store: counts per table, and interactions per channel, language and
period -- the first thing an analyst checks after an import -- and which imports died
before they finished (marked ``interrupted`` here, see ``listen/runs.py``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.sql.elements import ColumnElement

from empathos.listen.runs import mark_interrupted
from empathos.store import schema
from empathos.store.repository import TABLES, count_rows

Period = Literal["day", "week", "month"]
_SQLITE_FORMATS = {"day": "%Y-%m-%d", "week": "%Y-W%W", "month": "%Y-%m"}
_PG_FORMATS = {"day": "YYYY-MM-DD", "week": 'IYYY-"W"IW', "month": "YYYY-MM"}


@dataclass
class StoreStats:
    tables: dict[str, int] = field(default_factory=dict)
    by_channel: dict[str, int] = field(default_factory=dict)
    by_language: dict[str, int] = field(default_factory=dict)
    by_period: dict[str, int] = field(default_factory=dict)
    by_source: dict[str, int] = field(default_factory=dict)
    by_company: dict[str, int] = field(default_factory=dict)  # the brand side ("(none)")
    period: str = "month"
    #: Imports that died before finishing and were not re-run since (``listen/runs.py``).
    interrupted: list[dict[str, object]] = field(default_factory=list)
    company: str | None = None  # the brand the interaction counts are narrowed to


def period_label(conn: Connection, column: ColumnElement, period: Period) -> ColumnElement:
    """A text label of the period ``column`` falls in, in each database's own dialect."""
    if conn.dialect.name == "postgresql":
        return func.to_char(column, _PG_FORMATS[period])
    return func.strftime(_SQLITE_FORMATS[period], column)


def store_stats(engine: Engine, period: Period = "month", company: str | None = None) -> StoreStats:
    """Counts of everything stored. Languages are those of customer turns, counted once
    per interaction (its dominant language), because that is what staffing plans need.
    ``company`` narrows the interaction counts to one brand (``"(none)"``: unrecorded);
    the rows per table stay whole-store counts."""
    from empathos.store.queries import interaction_conditions

    i, t = schema.interactions, schema.turns
    stats = StoreStats(period=period, company=company)
    stats.interrupted = [{**asdict(run), "resume": run.resume} for run in mark_interrupted(engine)]
    brand = interaction_conditions(company=company)
    with engine.connect() as conn:
        stats.tables = {name: count_rows(conn, name) for name in TABLES}
        stats.by_channel = _grouped(
            conn, select(i.c.channel, func.count()).where(*brand).group_by(i.c.channel)
        )
        stats.by_source = _grouped(
            conn, select(i.c.source, func.count()).where(*brand).group_by(i.c.source)
        )
        stats.by_company = _grouped(
            conn, select(i.c.company, func.count()).where(*brand).group_by(i.c.company)
        )
        label = period_label(conn, i.c.started_at, period).label("p")
        stats.by_period = dict(
            sorted(
                _grouped(conn, select(label, func.count()).where(*brand).group_by(label)).items()
            )
        )
        per_interaction = (
            select(t.c.interaction_id, t.c.language, func.count().label("n"))
            .where(t.c.speaker == "customer")
            .where(
                *(
                    [t.c.interaction_id.in_(select(i.c.interaction_id).where(*brand))]
                    if brand
                    else []
                )
            )
            .group_by(t.c.interaction_id, t.c.language)
            .subquery()
        )
        ranked = select(
            per_interaction.c.language,
            func.row_number()
            .over(
                partition_by=per_interaction.c.interaction_id,
                order_by=(per_interaction.c.n.desc(), per_interaction.c.language),
            )
            .label("r"),
        ).subquery()
        stats.by_language = _grouped(
            conn,
            select(ranked.c.language, func.count())
            .where(ranked.c.r == 1)
            .group_by(ranked.c.language),
        )
    return stats


def _grouped(conn: Connection, query) -> dict[str, int]:  # noqa: ANN001
    rows = conn.execute(query).all()
    out = {("(none)" if key is None else str(key)): int(n) for key, n in rows}
    return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0]))) if rows else {}
