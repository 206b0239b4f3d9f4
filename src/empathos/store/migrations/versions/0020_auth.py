"""auth: tenants, api_keys, users (the control plane, read in the default store)

Revision ID: 0020
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0003"
branch_labels = ("auth",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tenants",
        sa.Column("slug", sa.String(length=32), primary_key=True),
        sa.Column("name", sa.String(length=256), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "api_keys",
        sa.Column("key_id", sa.String(length=32), primary_key=True),
        sa.Column("tenant", sa.String(length=32), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("employee_id", sa.String(length=255)),
        sa.Column("name", sa.String(length=256), nullable=False),
        sa.Column("secret_sha256", sa.String(length=64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime()),
    )
    op.create_table(
        "users",
        sa.Column("tenant", sa.String(length=32), primary_key=True),
        sa.Column("username", sa.String(length=128), primary_key=True),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("employee_id", sa.String(length=255)),
        sa.Column("password_hash", sa.String(length=512), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("disabled_at", sa.DateTime()),
    )


def downgrade() -> None:
    op.drop_table("users")
    op.drop_table("api_keys")
    op.drop_table("tenants")
