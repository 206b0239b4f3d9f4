"""Writes and reads that the stages share, written once for both databases.

Writes are bulk and idempotent: facts (interactions, turns, outcomes, transactions) are
inserted with ``ON CONFLICT DO NOTHING`` -- except that an interaction's empty fields may
be filled by a later record (enrichment, never overwrite) -- and master data (customers,
employees, pods) with ``ON CONFLICT DO UPDATE``, because a newer CRM export is the truth.
State rows (a live contact's current state, :data:`STATE`) are replaced by a newer row too,
except for the columns fixed when the row was created.

Rows are written in key order, whatever order they came in: two transactions that
upsert the same keys then lock them in the same order, so they wait for each other
instead of deadlocking (PostgreSQL; SQLite has one writer at a time anyway). Whether
an incoming record may change a stored one is decided before :func:`upsert`, by the
import's conflict policy (``listen/conflicts.py``), which reads the stored rows with
:func:`stored_rows` and writes its changes with :func:`update_rows`.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from functools import lru_cache
from operator import itemgetter
from typing import Any, TypeVar

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Dialect,
    Engine,
    MetaData,
    Table,
    bindparam,
    func,
    select,
    update,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.dialects import postgresql, sqlite

from empathos.store import schema
from empathos.store.tables_live import live_contacts

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
#: Tables whose row is the current state of something (the live desk's contacts, written
#: again on every turn): a newer row replaces the stored one, except for these columns,
#: fixed when the row was first written (when and for whom a contact was opened).
STATE: dict[str, tuple[str, ...]] = {"live_contacts": ("opened_at", "customer_id")}
# What :func:`upsert` can write: the ingested tables and the state tables.
_UPSERTABLE: dict[str, Table] = {**TABLES, live_contacts.name: live_contacts}
# Parents first, so foreign keys hold inside one transaction.
WRITE_ORDER = (
    "customers",
    "employees",
    "pods",
    "interactions",
    "turns",
    "outcomes",
    "transactions",
)


T = TypeVar("T")
#: SQLSTATEs after which the whole transaction may simply be run again: a deadlock
#: (PostgreSQL rolled back one of the two transactions) and a serialization failure.
RETRYABLE = frozenset({"40P01", "40001"})
ATTEMPTS = 5


class RetryExhausted(Exception):
    """A transaction failed with a retryable error :data:`ATTEMPTS` times in a row."""


def transaction_with_retry(
    engine: Engine, work: Callable[[Connection], T], attempts: int = ATTEMPTS
) -> T:
    """Run ``work`` in one transaction; on a deadlock or serialization failure roll it
    back and run it again, up to ``attempts`` times, after a jittered, growing pause (so
    two colliding writers do not collide again in step). ``work`` must be safe to run
    again: it reads what it needs inside the transaction and keeps no other state."""
    for attempt in range(1, attempts + 1):
        try:
            with engine.begin() as conn:
                return work(conn)
        except DBAPIError as exc:
            if getattr(exc.orig, "sqlstate", None) not in RETRYABLE:
                raise
            if attempt == attempts:
                raise RetryExhausted(
                    f"gave up after {attempts} attempts, each rolled back by the database"
                ) from exc
            time.sleep(random.uniform(0.5, 1.5) * 0.05 * 2**attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def upsert(
    conn: Connection, table_name: str, rows: Sequence[dict[str, Any]], *, fresh: bool = False
) -> None:
    """Store ``rows`` in ``table_name`` idempotently (see the module docstring).

    ``fresh``: the caller found none of these keys stored, in this transaction, and no
    key twice among ``rows`` (the import's conflict check), so no row is deduplicated.
    On PostgreSQL the rows are then COPYed straight into the table inside a savepoint,
    skipping the staging table and its ``INSERT ... SELECT``;
    should a concurrent writer have stored one of the keys meanwhile, the savepoint is
    rolled back and the rows take the usual conflict-safe path."""
    if not rows:
        return
    table = _UPSERTABLE[table_name]
    keys = [c.name for c in table.primary_key.columns]
    if table_name in STATE:  # the newest state of each key wins, as in the conflict rule
        rows = list({tuple(row[k] for k in keys): row for row in rows}.values())
    elif not fresh:
        rows = _dedupe(rows, keys, fill=table_name == "interactions")
    rows = sorted(rows, key=itemgetter(*keys))
    if conn.dialect.name == "postgresql" and len(rows) >= COPY_THRESHOLD:
        if fresh and _copy_fresh(conn, table_name, rows):
            return
        _copy_upsert(conn, table_name, rows)
        return
    statement = _upsert_statement(conn.dialect, table_name)
    conn.exec_driver_sql(statement.sql, statement.parameters(rows))


COPY_THRESHOLD = 200


def _copy_upsert(conn: Connection, table_name: str, rows: Sequence[dict[str, Any]]) -> None:
    """PostgreSQL's fast path: COPY the rows into a temporary table, then one
    ``INSERT ... SELECT ... ON CONFLICT`` with the same rules as the row-wise statement.
    ``executemany`` pays a round trip's worth of work per row; COPY streams them."""
    table = _UPSERTABLE[table_name]
    names = [c.name for c in table.columns]
    processors = [
        c.type.dialect_impl(conn.dialect).bind_processor(conn.dialect) for c in table.columns
    ]
    staging = f"_empathos_stage_{table_name}"
    statement = _copy_statement(conn.dialect, table_name, staging)
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {staging} "
            f"(LIKE {table.name} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
        )
        cursor.execute(f"TRUNCATE {staging}")
        _copy_rows(cursor, staging, names, processors, rows)
        cursor.execute(statement)
    finally:
        cursor.close()


#: Server types whose binary COPY form psycopg writes from the values the converters make
#: (str, int, float, bool, naive datetime, JSON wrapped by SQLAlchemy's processor).
_BINARY_SAFE = frozenset(
    {"varchar", "text", "int8", "int4", "int2", "float8", "float4", "bool", "timestamp", "json"}
)


def _column_types(cursor: Any, target: str, names: list[str]) -> list[int] | None:
    """The server's type OIDs of ``target``'s columns ``names``, in order, if every one is
    among :data:`_BINARY_SAFE`; else None (the rows then go as text COPY)."""
    cursor.execute(
        "SELECT a.attname, a.atttypid::int, t.typname FROM pg_attribute a "
        "JOIN pg_type t ON t.oid = a.atttypid "
        "WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped",
        (target,),
    )
    found = {name: (oid, typname) for name, oid, typname in cursor.fetchall()}
    if any(found.get(n, (0, ""))[1] not in _BINARY_SAFE for n in names):
        return None
    return [found[n][0] for n in names]


def _copy_rows(
    cursor: Any,
    target: str,
    names: list[str],
    processors: list[Any],
    rows: Sequence[dict[str, Any]],
) -> None:
    """COPY ``rows`` into ``target``: in PostgreSQL's binary format when every column's
    type allows it (measured here: 2.8 vs 4.8 us a turn row for text COPY, the server
    parsing no text), the values picked in C and only processed columns converted."""
    types = _column_types(cursor, target, names)
    binary = " (FORMAT BINARY)" if types is not None else ""
    get = itemgetter(*names) if len(names) > 1 else (lambda row: (row[names[0]],))
    processed = [(i, p) for i, p in enumerate(processors) if p is not None]
    with cursor.copy(f"COPY {target} ({', '.join(names)}) FROM STDIN{binary}") as copy:
        if types is not None:
            copy.set_types(types)
        write = copy.write_row
        for row in rows:
            try:
                values = get(row)
            except KeyError:
                values = tuple(row.get(n) for n in names)
            if processed:
                values = list(values)
                for i, process in processed:
                    values[i] = process(values[i])
            write(values)


def _copy_fresh(conn: Connection, table_name: str, rows: Sequence[dict[str, Any]]) -> bool:
    """COPY ``rows`` straight into the table in a savepoint; False (nothing written) if a
    key turned out to be stored already (a concurrent writer won the race)."""
    import psycopg

    table = _UPSERTABLE[table_name]
    names = [c.name for c in table.columns]
    processors = [
        c.type.dialect_impl(conn.dialect).bind_processor(conn.dialect) for c in table.columns
    ]
    cursor = conn.connection.driver_connection.cursor()
    savepoint = conn.begin_nested()
    try:
        _copy_rows(cursor, table.name, names, processors, rows)
    except psycopg.errors.UniqueViolation:
        savepoint.rollback()
        return False
    except BaseException:
        savepoint.rollback()
        raise
    finally:
        cursor.close()
    savepoint.commit()
    return True


@lru_cache(maxsize=32)
def _copy_statement(dialect: Dialect, table_name: str, staging: str) -> str:
    table = _UPSERTABLE[table_name]
    source = Table(staging, MetaData(), *(Column(c.name, c.type) for c in table.columns))
    keys = [source.c[c.name] for c in table.primary_key.columns]
    # Ordered by key, so the rows are locked in key order, as in the row-wise path.
    ordered = select(source).order_by(*keys)
    stmt = _conflict_rule(
        postgresql.insert(table).from_select([c.name for c in table.columns], ordered),
        table_name,
    )
    return str(stmt.compile(dialect=dialect))


class _Compiled:
    """An upsert compiled once per dialect and table, with the columns' own bind processors.

    Ingest writes hundreds of thousands of rows a second; SQLAlchemy's per-row parameter
    handling for ``executemany`` cost more than SQLite's own insert (profiled: 1.5 s vs
    0.7 s for 60k turns). Converting rows with the same type processors SQLAlchemy would
    use keeps the stored values identical while skipping that per-row machinery.
    """

    def __init__(self, dialect: Dialect, table: Table, stmt: Any) -> None:
        compiled = stmt.compile(dialect=dialect)
        self.sql = str(compiled)
        self.positional = bool(compiled.positional)
        self.names = (
            list(compiled.positiontup) if self.positional else [c.name for c in table.columns]
        )
        self.processors = [_fast_processor(table.c[name].type, dialect) for name in self.names]
        self._get = itemgetter(*self.names)
        self._processed = [(i, p) for i, p in enumerate(self.processors) if p is not None]

    def parameters(self, rows: Sequence[dict[str, Any]]) -> list[Any]:
        if self.positional:
            return [self._row(row) for row in rows]
        pairs = list(zip(self.names, self.processors, strict=True))
        return [{n: (p(row.get(n)) if p else row.get(n)) for n, p in pairs} for row in rows]

    def _row(self, row: dict[str, Any]) -> tuple[Any, ...]:
        """One row's parameters: its values picked in C (``itemgetter``), then only the
        columns with a processor converted (a row missing a column binds NULL for it)."""
        try:
            values = self._get(row)
        except KeyError:
            values = tuple(row.get(n) for n in self.names)
        if len(self.names) == 1:
            values = (values,)
        if not self._processed:
            return values
        out = list(values)
        for i, process in self._processed:
            out[i] = process(out[i])
        return tuple(out)


def _fast_processor(column_type: Any, dialect: Dialect) -> Callable[[Any], Any] | None:
    """The column's bind processor, except SQLite's DateTime, whose per-value ``%``
    formatting of a dict was a tenth of an import's write time: ``isoformat`` writes the
    same text (``YYYY-MM-DD HH:MM:SS.ffffff``, tested against SQLAlchemy's) for a naive
    datetime; anything else still goes through SQLAlchemy's processor."""
    process = column_type.dialect_impl(dialect).bind_processor(dialect)
    if process is None or dialect.name != "sqlite" or not isinstance(column_type, DateTime):
        return process
    if getattr(column_type.dialect_impl(dialect), "_storage_format", None) != _SQLITE_DT_FORMAT:
        return process

    def fast(value: Any) -> Any:
        if type(value) is datetime and value.tzinfo is None:
            return value.isoformat(" ", "microseconds")
        return process(value)

    return fast


_SQLITE_DT_FORMAT = (
    "%(year)04d-%(month)02d-%(day)02d %(hour)02d:%(minute)02d:%(second)02d.%(microsecond)06d"
)


@lru_cache(maxsize=64)
def _cached_statement(dialect_name: str, table_name: str, dialect: Dialect) -> _Compiled:
    table = _UPSERTABLE[table_name]
    stmt = (postgresql if dialect_name == "postgresql" else sqlite).insert(table)
    stmt = stmt.values({c.name: bindparam(c.name) for c in table.columns})
    return _Compiled(dialect, table, _conflict_rule(stmt, table_name))


def _conflict_rule(stmt: Any, table_name: str) -> Any:
    """What a key that is already stored means: see the module docstring."""
    table = _UPSERTABLE[table_name]
    keys = [c.name for c in table.primary_key.columns]
    if table_name in schema.MASTER:
        return stmt.on_conflict_do_update(
            index_elements=keys,
            set_={c.name: stmt.excluded[c.name] for c in table.columns if c.name not in keys},
        )
    if table_name in STATE:
        fixed = {*keys, *STATE[table_name]}
        return stmt.on_conflict_do_update(
            index_elements=keys,
            set_={c.name: stmt.excluded[c.name] for c in table.columns if c.name not in fixed},
        )
    if table_name == "interactions":
        fillable = [c.name for c in table.columns if c.nullable and c.name not in keys]
        return stmt.on_conflict_do_update(
            index_elements=keys,
            set_={name: func.coalesce(table.c[name], stmt.excluded[name]) for name in fillable},
        )
    return stmt.on_conflict_do_nothing(index_elements=keys)


def _upsert_statement(dialect: Dialect, table_name: str) -> _Compiled:
    return _cached_statement(dialect.name, table_name, dialect)


def _dedupe(rows: Sequence[dict[str, Any]], keys: list[str], fill: bool) -> list[dict[str, Any]]:
    """PostgreSQL refuses one statement that touches the same key twice: keep the first
    row of each key and, where ``fill``, let later rows fill its empty fields -- the same
    rule the conflict clause applies to rows stored by earlier batches."""
    key_of = itemgetter(*keys)
    if len({key_of(row) for row in rows}) == len(rows):  # the common case: no key twice
        return list(rows)
    seen: dict[tuple, dict[str, Any]] = {}
    for row in rows:
        key = key_of(row)
        kept = seen.get(key)
        if kept is None:
            seen[key] = dict(row) if fill else row
        elif fill:
            for name, value in row.items():
                if kept.get(name) is None and value is not None:
                    kept[name] = value
    return list(seen.values())


#: Keys per ``IN (...)`` list when reading stored rows: well under SQLite's and
#: PostgreSQL's parameter limits, and small enough to keep each query cheap.
READ_CHUNK = 500


def stored_rows(
    conn: Connection, table_name: str, keys: Iterable[tuple[Any, ...]]
) -> dict[tuple[Any, ...], dict[str, Any]]:
    """The stored rows of ``table_name`` whose primary key is among ``keys``, by key.

    Turns are read by interaction (``keys`` are 1-tuples of interaction ids) and keyed by
    ``(interaction_id, seq)``: whoever compares an interaction's turns needs all of them.
    """
    table = TABLES[table_name]
    pk = [c.name for c in table.primary_key.columns]
    statement = _stored_rows_statement(table_name)
    wanted = sorted({k[0] for k in keys})
    found: dict[tuple[Any, ...], dict[str, Any]] = {}
    for start in range(0, len(wanted), READ_CHUNK):
        chunk = wanted[start : start + READ_CHUNK]
        for row in conn.execute(statement, {"keys": chunk}).mappings():
            found[tuple(row[k] for k in pk)] = dict(row)
    return found


@lru_cache(maxsize=16)
def _stored_rows_statement(table_name: str) -> Any:
    """``SELECT * ... WHERE key IN (...)`` built once per table with an expanding
    parameter: building it with the keys as literals coerced each of them, every batch
    (profiled: ~0.4 s of SQLAlchemy per 60,000 turns)."""
    table = TABLES[table_name]
    by = table.c[next(iter(table.primary_key.columns)).name]
    return select(table).where(by.in_(bindparam("keys", expanding=True)))


def update_rows(conn: Connection, table_name: str, rows: Sequence[dict[str, Any]]) -> None:
    """Overwrite stored rows of ``table_name`` (matched on the primary key) with ``rows``,
    every non-key column of the table; in key order, like :func:`upsert`."""
    if not rows:
        return
    table = TABLES[table_name]
    pk = [c.name for c in table.primary_key.columns]
    others = [c.name for c in table.columns if c.name not in pk]
    stmt = (
        update(table)
        .where(*(table.c[k] == bindparam(f"k_{k}") for k in pk))
        .values({name: bindparam(f"v_{name}") for name in others})
    )
    params = [
        {**{f"k_{k}": row[k] for k in pk}, **{f"v_{n}": row.get(n) for n in others}}
        for row in sorted(rows, key=lambda row: tuple(row[k] for k in pk))
    ]
    conn.execute(stmt, params)


def delete_turns(conn: Connection, interaction_ids: Iterable[str]) -> None:
    """Remove the stored turns of these interactions (an import replacing them); their
    annotations go with them (``ON DELETE CASCADE``): they described the old text."""
    ids = sorted(set(interaction_ids))
    t = schema.turns
    for start in range(0, len(ids), READ_CHUNK):
        conn.execute(t.delete().where(t.c.interaction_id.in_(ids[start : start + READ_CHUNK])))


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
