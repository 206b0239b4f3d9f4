"""What every table of the store shares: the one ``metadata`` and the common column types.

Its own module so that the table modules depend on it and nothing else of the store:
``schema.py`` (the core tables) and each stage's ``tables_<part>.py`` import from here, and
``schema.py`` imports the table modules, so ``schema.metadata`` is the whole schema
(Alembic compares migrations against it) without any module importing back the one that
imports it. ``empathos.store`` imports ``schema`` on import, so the metadata is whole
whichever table module a caller imports first.
"""

from __future__ import annotations

from sqlalchemy import MetaData, String

#: The one ``MetaData`` of every table, with the naming convention the migrations rely on
#: (constraint and index names are stable across SQLite and PostgreSQL).
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

#: A source system's identifier (customer, employee, interaction, pod, ...).
ID = String(128)

#: A model's (or policy's, or experiment's) name or version.
MODEL = String(64)
