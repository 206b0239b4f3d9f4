"""Engines for the two supported databases, configured for their strengths.

SQLite gets WAL mode (readers never block the writer, so the dashboard can read during an
import) and enforced foreign keys. PostgreSQL is used through psycopg 3.
"""

from __future__ import annotations

from sqlalchemy import Engine, create_engine, event

from empathos.config import get_settings


def normalise_url(url: str) -> str:
    """Accept the plain ``postgresql://`` URLs people copy around and use psycopg 3 for them."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def make_engine(url: str | None = None, **kwargs: object) -> Engine:
    """Create the engine for ``url`` (default: the configured database URL)."""
    url = normalise_url(url or get_settings().database_url)
    engine = create_engine(url, **kwargs)  # type: ignore[arg-type]
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # noqa: ANN001 - DB-API objects
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()
