"""The dashboard summary (``web_daily``) rebuilt through an engine, partition by days.

Why a seam: by default :func:`empathos.web.aggregates.refresh_aggregates` lets the database
build the summary with one ``INSERT … SELECT`` — the fastest way on one machine. With an
engine (``empathos analyze|predict --engine local|ray``) the same sums are computed by
:func:`sum_partition`, a pure function over the per-interaction rows of a few days, run
by a :class:`~empathos.understand.pipeline.mapper.BatchMapper` (in process, worker
processes or Ray actors); the parent reads each partition's rows from the store, takes
the sums back in order and writes them in the refresh's one transaction. Counts are
integer sums; the float sums use :func:`math.fsum` (correctly rounded, so independent of
row order and partitioning): every engine writes the same rows, and they equal the
database's own sums up to its floating-point summation order (the tests compare both).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Select, insert, select

from empathos.store.schema import interactions
from empathos.store.tables_web import web_daily
from empathos.understand.pipeline.mapper import BatchMapper
from empathos.web.days import day_condition

__all__ = ["DAYS_PER_PARTITION", "VALUES", "DayPartition", "rebuild_days", "sum_partition"]

DAYS_PER_PARTITION = 7  # days per partition: ~20k contacts a partition at 1M contacts a year
# The per-interaction values summed (aggregates._per_interaction's columns, in the order of
# aggregates.SUM_COLUMNS after n_interactions) and whether each is a float.
VALUES: tuple[tuple[str, bool], ...] = (
    ("automated", False),
    ("scored", False),
    ("experienced", True),
    ("remembered", True),
    ("improved", False),
    ("unchanged", False),
    ("worsened", False),
    ("effort", True),
    ("recontact", False),
    ("transfers", False),
    ("has_empathy", False),
    ("empathy", True),
)


@dataclass(frozen=True)
class DayPartition:
    """The per-interaction rows of some days: ``(day, *dimensions, *VALUES)`` each."""

    days: tuple[date, ...]
    n_dimensions: int
    rows: list[tuple[Any, ...]]


def _as_date(v: Any) -> date:
    if isinstance(v, datetime):
        return v.date()
    return v if isinstance(v, date) else date.fromisoformat(str(v)[:10])


def sum_partition(part: DayPartition) -> list[tuple[Any, ...]]:
    """One row per (day, dimensions) of the partition: the key, the number of contacts,
    then the sum of each of :data:`VALUES` (pure: no store access), in key order."""
    k = 1 + part.n_dimensions
    groups: dict[tuple[Any, ...], list[list[Any]]] = {}
    for r in part.rows:
        key = (_as_date(r[0]), *r[1:k])
        acc = groups.get(key)
        if acc is None:
            acc = groups[key] = [[] for _ in VALUES]
        for j, v in enumerate(r[k:]):
            acc[j].append(v)
    out = []
    for key in sorted(groups, key=lambda t: tuple("" if x is None else str(x) for x in t)):
        acc = groups[key]
        sums = [
            math.fsum(vs) if is_float else int(sum(int(v) for v in vs))
            for vs, (_, is_float) in zip(acc, VALUES, strict=True)
        ]
        out.append((*key, len(acc[0]), *sums))
    return out


def _partitions(
    conn: Connection,
    per_interaction: Select,
    days: Sequence[date],
    dimensions: Sequence[str],
    size: int,
) -> Iterator[DayPartition]:
    for start in range(0, len(days), size):
        chunk = tuple(days[start : start + size])
        on_days = day_condition(interactions.c.started_at, list(chunk))
        sub = per_interaction.where(on_days).subquery()
        cols = [sub.c.day, *(sub.c[d] for d in dimensions), *(sub.c[v] for v, _ in VALUES)]
        rows = [tuple(r) for r in conn.execute(select(*cols)).all()]  # read before yielding
        yield DayPartition(chunk, len(dimensions), rows)


def rebuild_days(
    conn: Connection,
    per_interaction: Select,
    days: Sequence[date],
    dimensions: Sequence[str],
    sum_columns: Sequence[str],
    mapper: BatchMapper,
    partition_days: int = DAYS_PER_PARTITION,
) -> int:
    """Insert the ``web_daily`` rows of ``days`` (already deleted by the caller, in the same
    transaction): ``partition_days`` days a partition through ``mapper``; the number of
    partitions."""
    names = ["day", *dimensions, *sum_columns]
    n = 0
    parts = _partitions(conn, per_interaction, sorted(days), dimensions, max(1, partition_days))
    for rows in mapper.map(sum_partition, parts):
        n += 1
        if rows:
            conn.execute(insert(web_daily), [dict(zip(names, r, strict=True)) for r in rows])
    return n
