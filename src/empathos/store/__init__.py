"""Persistence: the SQLAlchemy schema, Alembic migrations and the repository functions.

Everything that touches the database goes through here, so the stages stay pure and the
same code runs on the embedded SQLite file and on PostgreSQL.
"""

from empathos.store import schema  # noqa: F401  the whole schema on one metadata, always
from empathos.store.engine import make_engine
from empathos.store.migrate import init_db

__all__ = ["init_db", "make_engine"]
