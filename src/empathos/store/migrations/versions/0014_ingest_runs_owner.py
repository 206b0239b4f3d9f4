"""ingest: ingest_runs.pid and host

Which process runs an import, so an import that died (SIGKILL, power loss) and left its
run ``running`` can be told from one still at work, and marked ``interrupted``.

Revision ID: 0014
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0003"
branch_labels = ("ingest",)
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ingest_runs") as batch:
        batch.add_column(sa.Column("pid", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("host", sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ingest_runs") as batch:
        batch.drop_column("host")
        batch.drop_column("pid")
