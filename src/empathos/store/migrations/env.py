"""Alembic environment: runs on a connection handed over by ``empathos.store.migrate``
or, from the ``alembic`` command line, on the URL in the config."""

from __future__ import annotations

from alembic import context
from sqlalchemy import pool

from empathos.store.engine import make_engine
from empathos.store.schema import metadata

config = context.config


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"), poolclass=pool.NullPool)
    with engine.begin() as conn:
        _migrate(conn)


def _migrate(connection) -> None:  # noqa: ANN001
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
