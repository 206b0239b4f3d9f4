"""PostgreSQL's binary COPY (``repository._copy_rows``) stores what the row-wise
statement stores, value for value, in every column type the import writes; a table with
a type the binary path does not know goes as text COPY. On SQLite the same rows take the
row-wise statement, so the test also holds the two databases to the same values."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, select, text

from empathos.store import schema
from empathos.store.repository import COPY_THRESHOLD, TABLES, _column_types, upsert

N = COPY_THRESHOLD + 5  # over the threshold: PostgreSQL COPYs them


def _employee(k: int) -> dict:
    return {
        "employee_id": f"e{k}",
        "name": "Zoë ✓" if k % 2 else None,
        "function": "care",
        "skills": ["billing", "ünïcode"],
        "languages": [],
        "pod_id": None,
        "capacity": k + 1,
        "hired_at": datetime(2020, 1, 2, 3, 4, 5, 678901),
        "source": "imported",
        "attributes": {"nested": {"a": [1, 2.5, None, True]}, "é": "x"},
    }


def _turn(k: int) -> dict:
    return {
        "interaction_id": "i1",
        "seq": 2**40 + k,
        "speaker": "customer",
        "text": f"Tab\there, newline\nthere, backslash \\ {k}",
        "ts": datetime(2026, 3, 1, 9, 15, k % 60, 123),
        "author_id": None,
        "language": "de",
        "language_score": 0.123456789,
    }


def test_copied_rows_equal_the_rows_given(engine: Engine) -> None:
    interaction = {
        "interaction_id": "i1",
        "customer_id": None,
        "channel": "chat",
        "started_at": None,
        "ended_at": None,
        "employee_id": None,
        "queue": None,
        "need": None,
        "source": "imported",
        "attributes": {},
    }
    employees = [_employee(k) for k in range(N)]
    turns = [_turn(k) for k in range(N)]
    with engine.begin() as conn:
        upsert(conn, "employees", employees, fresh=True)  # straight into the table
        upsert(conn, "interactions", [interaction])
        upsert(conn, "turns", turns)  # through the staging table
    with engine.connect() as conn:
        stored_e = {r.employee_id: dict(r._mapping) for r in conn.execute(select(schema.employees))}
        stored_t = {r.seq: dict(r._mapping) for r in conn.execute(select(schema.turns))}
    assert len(stored_e) == len(stored_t) == N
    for row in employees:
        assert {k: stored_e[row["employee_id"]][k] for k in row} == row
    for row in turns:
        assert {k: stored_t[row["seq"]][k] for k in row} == row


def test_a_type_the_binary_path_does_not_know_goes_as_text(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        return  # SQLite has no COPY: nothing to choose
    with engine.begin() as conn:
        conn.execute(text("CREATE TEMP TABLE odd (a varchar(8), b numeric)"))
        cursor = conn.connection.driver_connection.cursor()
        assert _column_types(cursor, "odd", ["a", "b"]) is None
        assert _column_types(cursor, "odd", ["a"]) is not None
        for name, table in TABLES.items():  # every table an import writes goes binary
            assert _column_types(cursor, name, [c.name for c in table.columns]), name
