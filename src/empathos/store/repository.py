"""Writes and reads that the stages share, written once for both databases.

Writes are bulk and idempotent: facts (interactions, turns, outcomes, transactions) are
inserted with ``ON CONFLICT DO NOTHING`` -- except that an interaction's empty fields may
be filled by a later record (enrichment, never overwrite) -- and master data (customers,
employees, pods) with ``ON CONFLICT DO UPDATE``, because a newer CRM export is the truth.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, bindparam, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from empathos.store import schema

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        schema.customers,
        schema.employees,
        schema.pods,
        schema.interactions,
        schema.turns,
        schema.outcomes,
        schema.transactions,
    )
}
# Parents first, so foreign keys hold inside one transaction.
WRITE_ORDER = ("customers", "employees", "pods", "interactions", "turns", "outcomes", "transactions")


def _insert(conn: Connection, table: Table):  # noqa: ANN202 - dialect-specific Insert
    return (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(table)


def upsert(conn: Connection, table_name: str, rows: Sequence[dict[str, Any]]) -> None:
    """Store ``rows`` in ``table_name`` idempotently (see the module docstring)."""
    if not rows:
        return
    table = TABLES[table_name]
    stmt = _insert(conn, table)
    keys = [c.name for c in table.primary_key.columns]
    if table_name in schema.MASTER:
        stmt = stmt.on_conflict_do_update(
            index_elements=keys,
            set_={c.name: stmt.excluded[c.name] for c in table.columns if c.name not in keys},
        )
    elif table_name == "interactions":
        fillable = [c.name for c in table.columns if c.nullable and c.name not in keys]
        stmt = stmt.on_conflict_do_update(
            index_elements=keys,
            set_={name: func.coalesce(table.c[name], stmt.excluded[name]) for name in fillable},
        )
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=keys)
    conn.execute(stmt, _dedupe(rows, keys, fill=table_name == "interactions"))


def _dedupe(rows: Sequence[dict[str, Any]], keys: list[str], fill: bool) -> list[dict[str, Any]]:
    """PostgreSQL refuses one statement that touches the same key twice: keep the first
    row of each key and, where ``fill``, let later rows fill its empty fields -- the same
    rule the conflict clause applies to rows stored by earlier batches."""
    seen: dict[tuple, dict[str, Any]] = {}
    for row in rows:
        key = tuple(row[k] for k in keys)
        kept = seen.get(key)
        if kept is None:
            seen[key] = dict(row) if fill else row
        elif fill:
            for name, value in row.items():
                if kept.get(name) is None and value is not None:
                    kept[name] = value
    return list(seen.values())


def widen_interaction_bounds(conn: Connection, interaction_ids: Iterable[str]) -> None:
    """Make each interaction span all its stored turns (earliest start, latest end).

    Turn-per-row exports carry no interaction times, and their rows may arrive across
    batches, so the bounds are derived from the turns after each batch.
    """
    ids = sorted(set(interaction_ids))
    t, i = schema.turns, schema.interactions
    for chunk_start in range(0, len(ids), 500):
        chunk = ids[chunk_start : chunk_start + 500]
        bounds = conn.execute(
            select(t.c.interaction_id, func.min(t.c.ts), func.max(t.c.ts))
            .where(t.c.interaction_id.in_(chunk), t.c.ts.is_not(None))
            .group_by(t.c.interaction_id)
        ).all()
        current = dict(
            (r[0], (r[1], r[2]))
            for r in conn.execute(
                select(i.c.interaction_id, i.c.started_at, i.c.ended_at).where(
                    i.c.interaction_id.in_(chunk)
                )
            )
        )
        changes = []
        for iid, first, last in bounds:
            start, end = current.get(iid, (None, None))
            new_start, new_end = _earliest(start, first), _latest(end, last)
            if (new_start, new_end) != (start, end):
                changes.append({"iid": iid, "s": new_start, "e": new_end})
        if changes:
            conn.execute(
                update(i)
                .where(i.c.interaction_id == bindparam("iid"))
                .values(started_at=bindparam("s"), ended_at=bindparam("e")),
                changes,
            )


def _earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None else a if b is None else min(a, b)


def _latest(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None else a if b is None else max(a, b)


def count_rows(conn: Connection, table_name: str) -> int:
    return int(conn.execute(select(func.count()).select_from(TABLES[table_name])).scalar_one())
