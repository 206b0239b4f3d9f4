"""feedback branch: benchmarks (competitor / industry figures for the OODA orient step)

Revision ID: 0007b
Revises: 0007
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007b"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "benchmarks",
        sa.Column("benchmark_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("metric", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("period", sa.String(length=32), nullable=False),
        sa.Column("segment", sa.String(length=64), nullable=False),
        sa.Column("file", sa.Text(), nullable=True),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("benchmark_id", name=op.f("pk_benchmarks")),
    )
    op.create_index("ix_benchmarks_metric", "benchmarks", ["metric"])


def downgrade() -> None:
    op.drop_index("ix_benchmarks_metric", table_name="benchmarks")
    op.drop_table("benchmarks")
