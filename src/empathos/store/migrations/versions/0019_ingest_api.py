"""listen: ingest_requests, the answers of the ingest API by Idempotency-Key

A client that retries a POST (a timeout, a dropped connection) sends the same
``Idempotency-Key``; the API answers it the first answer, stored here, and stores
nothing new. The body's SHA-256 is kept so a key reused for another body is refused.

Revision ID: 0019
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0003"
branch_labels = ("ingest_api",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ingest_requests",
        sa.Column("key", sa.String(length=255), primary_key=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("body_sha256", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("response", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("ingest_requests")
