"""The store on both databases: migrations are the schema, WAL on SQLite, upsert rules."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, select, text

from empathos.store import init_db, make_engine, schema
from empathos.store.engine import normalise_url
from empathos.store.repository import upsert


def test_migrations_produce_exactly_the_declared_schema(engine: Engine) -> None:
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), schema.metadata)
    assert diff == []


def test_init_is_idempotent(engine: Engine) -> None:
    first = init_db(engine)
    assert init_db(engine) == first and first


def test_sqlite_default_uses_wal(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    init_db(engine)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar_one() == 1


def test_postgres_urls_use_psycopg3() -> None:
    assert normalise_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("sqlite:///x.db") == "sqlite:///x.db"


def test_interactions_are_enriched_never_overwritten(engine: Engine) -> None:
    base = {
        "interaction_id": "i1",
        "channel": "chat",
        "customer_id": None,
        "employee_id": None,
        "started_at": None,
        "ended_at": None,
        "queue": None,
        "need": None,
        "source": "imported",
        "attributes": {},
    }
    with engine.begin() as conn:
        upsert(conn, "interactions", [base])
        upsert(conn, "interactions", [{**base, "customer_id": "c1", "channel": "email"}])
        upsert(
            conn,
            "interactions",
            [{**base, "customer_id": "c2", "started_at": datetime(2026, 1, 1)}],
        )
    with engine.connect() as conn:
        row = conn.execute(select(schema.interactions)).one()
    assert (row.customer_id, row.channel, row.started_at) == ("c1", "chat", datetime(2026, 1, 1))


def test_bulk_and_row_wise_writes_follow_the_same_rules(engine: Engine) -> None:
    """Large batches take PostgreSQL's COPY path; small ones the row-wise statement."""
    from empathos.store.repository import COPY_THRESHOLD

    n = COPY_THRESHOLD * 2
    base = {
        "channel": "chat",
        "customer_id": None,
        "employee_id": None,
        "started_at": None,
        "ended_at": None,
        "queue": None,
        "need": None,
        "source": "imported",
        "attributes": {"k": 1},
    }
    with engine.begin() as conn:
        upsert(conn, "interactions", [{**base, "interaction_id": f"i{k}"} for k in range(n)])
        upsert(
            conn,
            "interactions",
            [{**base, "interaction_id": f"i{k}", "customer_id": f"c{k}"} for k in range(n)],
        )
        upsert(conn, "interactions", [{**base, "interaction_id": "i0", "customer_id": "other"}])
        upsert(
            conn,
            "customers",
            [
                {
                    "customer_id": f"c{k}",
                    "name": None,
                    "segment": "a",
                    "language": None,
                    "created_at": None,
                    "source": "imported",
                    "attributes": {},
                }
                for k in range(n)
            ],
        )
        upsert(
            conn,
            "customers",
            [
                {
                    "customer_id": f"c{k}",
                    "name": None,
                    "segment": "b",
                    "language": None,
                    "created_at": None,
                    "source": "imported",
                    "attributes": {},
                }
                for k in range(n)
            ],
        )
    with engine.connect() as conn:
        rows = conn.execute(
            select(schema.interactions).order_by(schema.interactions.c.interaction_id)
        ).all()
        segments = set(conn.execute(select(schema.customers.c.segment)).scalars())
    assert len(rows) == n and all(r.customer_id == f"c{r.interaction_id[1:]}" for r in rows)
    assert rows[0].attributes == {"k": 1} and segments == {"b"}


def test_state_rows_are_replaced_except_their_fixed_columns(engine: Engine) -> None:
    """A live contact's row is its current state: a newer row replaces it (row-wise and on
    PostgreSQL's COPY path alike), except when and for whom the contact was opened; inside
    one batch the newest row of a key wins."""
    from empathos.store.repository import COPY_THRESHOLD, STATE
    from empathos.store.tables_live import live_contacts

    assert STATE == {"live_contacts": ("opened_at", "customer_id")}
    t0, t1 = datetime(2026, 3, 2, 10), datetime(2026, 3, 2, 11)

    def row(k: int, status: str, customer: str, at: datetime) -> dict:
        return {
            "contact_id": f"lc{k}",
            "customer_id": customer,
            "channel": "chat",
            "language": "en",
            "need": "billing",
            "mood": "calm",
            "status": status,
            "to_automation": False,
            "pod_id": None,
            "lead_id": "e1",
            "handovers": 0,
            "n_turns": 1,
            "opened_at": at,
            "updated_at": at,
            "closed_at": None,
            "state": {"attempt": 0, "status": status},
        }

    for n in (3, COPY_THRESHOLD * 2):
        with engine.begin() as conn:
            conn.execute(live_contacts.delete())
            upsert(conn, "live_contacts", [row(k, "open", "cu-1", t0) for k in range(n)])
            later = [row(k, "open", "cu-2", t1) for k in range(n)]
            later += [row(k, "closed", "cu-3", t1) for k in range(n)]  # same keys, newer
            upsert(conn, "live_contacts", later)
        with engine.connect() as conn:
            rows = conn.execute(select(live_contacts)).all()
        assert len(rows) == n
        assert {(r.status, r.customer_id, r.opened_at, r.updated_at) for r in rows} == {
            ("closed", "cu-1", t0, t1)
        }
        assert all(r.state == {"attempt": 0, "status": "closed"} for r in rows)


def test_a_fresh_batch_whose_keys_were_stored_meanwhile_follows_the_conflict_rules(
    engine: Engine,
) -> None:
    """``fresh`` (the import found none of the keys stored) lets PostgreSQL COPY straight
    into the table; a key stored meanwhile (a concurrent import) rolls that back and the
    rows take the conflict-safe path: nothing twice, a stored value never overwritten."""
    from empathos.store.repository import COPY_THRESHOLD

    n = COPY_THRESHOLD * 2
    base = {
        "channel": "chat",
        "customer_id": None,
        "employee_id": None,
        "started_at": None,
        "ended_at": None,
        "queue": None,
        "need": None,
        "source": "imported",
        "attributes": {},
    }
    with engine.begin() as conn:
        upsert(conn, "interactions", [{**base, "interaction_id": "i7", "customer_id": "first"}])
        upsert(
            conn,
            "interactions",
            [{**base, "interaction_id": f"i{k}", "customer_id": f"c{k}"} for k in range(n)],
            fresh=True,
        )
        upsert(
            conn,
            "interactions",
            [
                {**base, "interaction_id": f"j{k}", "started_at": datetime(2026, 1, 2, 3, 4, 5)}
                for k in range(n)
            ],
            fresh=True,
        )
    with engine.connect() as conn:
        rows = {r.interaction_id: r for r in conn.execute(select(schema.interactions))}
        if engine.dialect.name == "sqlite":  # the text SQLAlchemy's own processor writes
            stored = conn.execute(
                text("SELECT started_at FROM interactions WHERE interaction_id = 'j0'")
            ).scalar()
            assert stored == "2026-01-02 03:04:05.000000"
    assert len(rows) == 2 * n and rows["i7"].customer_id == "first"
    assert rows["i8"].customer_id == "c8" and rows["j3"].started_at == datetime(2026, 1, 2, 3, 4, 5)
