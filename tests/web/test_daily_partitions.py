"""The dashboard summary rebuilt through an engine's mapper (``web.daily_partitions``):
the pure partition sums, and the rebuild equal to the database's own on SQLite and
PostgreSQL — whatever the partitioning, full and incremental."""

from __future__ import annotations

import math
import random
from datetime import date

from sqlalchemy import Engine, select

from empathos.store.tables_web import web_daily
from empathos.understand.pipeline.mapper import SerialMapper
from empathos.web import aggregates as ag
from empathos.web.daily_partitions import VALUES, DayPartition, sum_partition
from tests.web import data


def _row(day: str, channel: str, experienced: float) -> tuple:
    values = [0] * len(VALUES)
    values[[n for n, _ in VALUES].index("experienced")] = experienced
    values[[n for n, _ in VALUES].index("scored")] = 1
    return (day, channel, *values)


def test_sum_partition_groups_counts_and_sums_exactly_in_any_order() -> None:
    rows = [_row("2026-03-01", "email", 0.1) for _ in range(10)]
    rows += [_row("2026-03-01", "chat", 0.5), _row("2026-03-02", "email", 0.25)]
    out = sum_partition(DayPartition((), 1, rows))
    assert [r[:3] for r in out] == [
        (date(2026, 3, 1), "chat", 1),
        (date(2026, 3, 1), "email", 10),
        (date(2026, 3, 2), "email", 1),
    ]
    k = 3 + [n for n, _ in VALUES].index("experienced")
    assert out[1][k] == 1.0 != sum([0.1] * 10)  # fsum: correctly rounded, not 0.999…
    assert out[1][3 + [n for n, _ in VALUES].index("scored")] == 10
    shuffled = rows[:]
    random.Random(1).shuffle(shuffled)
    assert sum_partition(DayPartition((), 1, shuffled)) == out


def _table(engine: Engine) -> list[tuple]:
    with engine.connect() as conn:
        rows = conn.execute(select(web_daily)).all()
    return sorted(tuple(str(v) if k == "day" else v for k, v in r._mapping.items()) for r in rows)


def _close(a: list[tuple], b: list[tuple]) -> bool:
    return len(a) == len(b) and all(
        x == y or (isinstance(x, float) and math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-12))
        for ra, rb in zip(a, b, strict=True)
        for x, y in zip(ra, rb, strict=True)
    )


def test_the_mapper_rebuild_equals_the_database_rebuild(engine: Engine) -> None:
    data.fill(engine)
    ag.refresh_aggregates(engine)
    by_db = _table(engine)
    assert by_db
    tables = []
    for days in (1, 2, 100):
        rep = ag.refresh_aggregates(engine, mapper=SerialMapper(), partition_days=days)
        assert rep.details["engine"].startswith("SerialMapper")
        tables.append(_table(engine))
    assert tables[0] == tables[1] == tables[2]  # partitioning changes nothing
    assert _close(tables[0], by_db)
    # an incremental rebuild through the mapper: a new contact on a known day
    from tests.web.test_aggregates_incremental import DAY3, _add

    _add(engine, "i-new", DAY3, scored=True)
    rep = ag.refresh_aggregates(engine, incremental=True, mapper=SerialMapper())
    assert rep.details["days_rebuilt"] == [DAY3.date().isoformat()]
    inc = _table(engine)
    ag.refresh_aggregates(engine)
    assert _close(inc, _table(engine)) and inc != tables[0]
