"""listen: the source vocabulary is imported / sample / simulated

Stored rows said ``real`` for everything that did not come from the simulator, including
the hand-written sample conversations Empathos ships. ``real`` becomes ``imported`` in
every table with a ``source`` column (the samples are re-imported as ``sample``); the
column default follows in ``store/schema.py``. Tables of other branches (experiments,
assessments, the dashboard's summary) are updated when they exist: on a fresh database
they are created empty later, on an old one they already hold rows to rename. The
``benchmarks`` table's ``source`` names a publisher, not a data origin, and is left alone.

Revision ID: 0013
Revises: 0010
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0010"
branch_labels = None
depends_on = None

TABLES = (
    "customers",
    "employees",
    "interactions",
    "outcomes",
    "transactions",
    "experiments",
    "assessments",
    "web_daily",
)


def _rename(old: str, new: str) -> None:
    bind = op.get_bind()
    present = set(sa.inspect(bind).get_table_names())
    for name in TABLES:
        if name not in present:
            continue
        table = sa.table(name, sa.column("source", sa.String(16)))
        op.execute(table.update().where(table.c.source == old).values(source=new))


def upgrade() -> None:
    _rename("real", "imported")


def downgrade() -> None:
    _rename("imported", "real")
