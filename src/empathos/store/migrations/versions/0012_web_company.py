"""web: web_daily gets the company (brand) dimension

``web_daily`` is a summary rebuilt from the store (``empathos.web.aggregates``), so the
table is recreated with ``company`` in its key instead of altering the key in place (which
SQLite cannot do without copying the table anyway); ``web_refresh`` is emptied so the next
page load rebuilds the summary with the new dimension.

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0009"
branch_labels = None
depends_on = None

ID = sa.String(length=128)
KEY = ("day", "channel", "language", "pod_id", "source")


def _create(with_company: bool) -> None:
    sums = [
        sa.Column(name, sa.Float() if name.startswith("sum_") else sa.Integer(), nullable=False)
        for name in (
            "n_interactions",
            "n_automated",
            "n_scored",
            "sum_experienced",
            "sum_remembered",
            "n_improved",
            "n_unchanged",
            "n_worsened",
            "sum_effort",
            "n_recontact",
            "n_transfers",
            "n_empathy",
            "sum_empathy",
        )
    ]
    extra = [sa.Column("company", sa.String(length=128), nullable=False)] if with_company else []
    key = (*KEY, "company") if with_company else KEY
    op.create_table(
        "web_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("pod_id", ID, nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        *extra,
        *sums,
        sa.PrimaryKeyConstraint(*key, name=op.f("pk_web_daily")),
    )
    if with_company:
        op.create_index("ix_web_daily_company", "web_daily", ["company", "day"])


def upgrade() -> None:
    op.drop_table("web_daily")
    _create(with_company=True)
    op.execute(sa.text("DELETE FROM web_refresh"))


def downgrade() -> None:
    op.drop_index("ix_web_daily_company", table_name="web_daily")
    op.drop_table("web_daily")
    _create(with_company=False)
    op.execute(sa.text("DELETE FROM web_refresh"))
