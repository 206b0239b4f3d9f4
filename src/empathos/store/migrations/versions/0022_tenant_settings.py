"""tenant_settings: a tenant's own settings (PII redaction), and each import run's
redaction counts

Revision ID: 0022
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0003"
branch_labels = ("tenant_settings",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tenant_settings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_tenant_settings")),
    )
    op.create_table(
        "ingest_run_redactions",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("run_id", "kind", name=op.f("pk_ingest_run_redactions")),
    )


def downgrade() -> None:
    op.drop_table("ingest_run_redactions")
    op.drop_table("tenant_settings")
