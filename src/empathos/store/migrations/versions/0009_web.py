"""web: web_daily, web_refresh

The dashboard's pre-aggregated summary (day × channel × language × pod × source) and the
record of what it was built from, so pages stay fast on millions of interactions.

Revision ID: 0009
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0003"
branch_labels = ("web",)
depends_on = None

ID = sa.String(length=128)
MODEL = sa.String(length=64)


def upgrade() -> None:
    op.create_table(
        "web_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("pod_id", ID, nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("n_interactions", sa.Integer(), nullable=False),
        sa.Column("n_automated", sa.Integer(), nullable=False),
        sa.Column("n_scored", sa.Integer(), nullable=False),
        sa.Column("sum_experienced", sa.Float(), nullable=False),
        sa.Column("sum_remembered", sa.Float(), nullable=False),
        sa.Column("n_improved", sa.Integer(), nullable=False),
        sa.Column("n_unchanged", sa.Integer(), nullable=False),
        sa.Column("n_worsened", sa.Integer(), nullable=False),
        sa.Column("sum_effort", sa.Float(), nullable=False),
        sa.Column("n_recontact", sa.Integer(), nullable=False),
        sa.Column("n_transfers", sa.Integer(), nullable=False),
        sa.Column("n_empathy", sa.Integer(), nullable=False),
        sa.Column("sum_empathy", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint(
            "day", "channel", "language", "pod_id", "source", name=op.f("pk_web_daily")
        ),
    )
    op.create_table(
        "web_refresh",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(), nullable=False),
        sa.Column("n_interactions", sa.BigInteger(), nullable=False),
        sa.Column("n_scores", sa.BigInteger(), nullable=False),
        sa.Column("n_customer_scores", sa.BigInteger(), nullable=False),
        sa.Column("score_model", MODEL, nullable=True),
        sa.Column("score_version", MODEL, nullable=True),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_web_refresh")),
    )


def downgrade() -> None:
    op.drop_table("web_refresh")
    op.drop_table("web_daily")
