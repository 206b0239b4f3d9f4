"""Shared fixtures: a real store on both databases.

``store_url`` / ``engine`` run each test on a fresh SQLite file and on the real
PostgreSQL server (``EMPATHOS_TEST_PG_URL``, default the local server's ``test``
database), each PostgreSQL test in a schema of its own that is dropped afterwards.
PostgreSQL tests fail, never skip, when the server is unreachable: CI starts it.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from empathos.store import init_db, make_engine

# Apps built by tests about other things run with auth off (the default tenant's admin);
# set before any test module is imported, so get_settings() and module-scoped fixtures see
# it. The auth tests (tests/api/test_auth*.py) pass ``Settings(auth="on")``.
os.environ["EMPATHOS_AUTH"] = "off"

PG_URL = os.environ.get("EMPATHOS_TEST_PG_URL", "postgresql+psycopg://root@127.0.0.1:5432/test")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def sqlite_engine(tmp_path: Path) -> tuple[Engine, str]:
    url = f"sqlite:///{tmp_path / 'empathos.db'}"
    return make_engine(url), url


def postgres_schema_engine() -> tuple[Engine, str, str]:
    """An engine whose connections live in a new, empty schema of the test database."""
    schema = f"empathos_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    engine = make_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
    return engine, PG_URL, schema


def drop_schema(schema: str) -> None:
    """Drop a test's schema. Retried: a live desk's flywheel thread may still be finishing
    an ``analyze`` on it after the test's client closed (close waits a bounded time), and
    PostgreSQL then breaks the DROP's lock wait as a deadlock."""
    from sqlalchemy.exc import OperationalError

    admin = create_engine(PG_URL)
    try:
        for attempt in range(5):
            try:
                with admin.begin() as conn:
                    conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
                return
            except OperationalError:
                if attempt == 4:
                    raise
                time.sleep(1.0 + attempt)
    finally:
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty store on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        eng, _ = sqlite_engine(tmp_path)
        init_db(eng)
        yield eng
        eng.dispose()
        return
    eng, _, schema = postgres_schema_engine()
    try:
        init_db(eng)
        yield eng
    finally:
        eng.dispose()
        drop_schema(schema)


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Engine]:
    """A migrated SQLite store only (for tests about the embedded default itself)."""
    eng, _ = sqlite_engine(tmp_path)
    init_db(eng)
    yield eng
    eng.dispose()
