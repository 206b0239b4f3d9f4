"""Bring a database to the newest schema with Alembic, from inside the package.

Alembic (not ``metadata.create_all``) is the only way the schema changes, so an existing
production database is upgraded in place by the same code that creates a new one.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(url: str | None = None) -> Config:
    """An Alembic config pointing at the migrations shipped in the package."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(connection: Connection, revision: str = "heads") -> None:
    """Apply migrations on an open connection (the caller owns the transaction).

    ``heads``, not ``head``: each stage (act, learn, assess) owns a migration branch that
    starts from the predictions revision, so stages can add tables independently.
    """
    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, revision)


def init_db(engine: Engine) -> str:
    """Create or upgrade the schema of ``engine``'s database; return the revision reached."""
    with engine.begin() as conn:
        upgrade(conn)
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        heads = MigrationContext.configure(conn).get_current_heads()
    return ",".join(sorted(heads))
