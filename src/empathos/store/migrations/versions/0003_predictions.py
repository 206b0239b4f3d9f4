"""predictions: customer_scores, employee_scores

What ``empathos predict`` writes: per customer P(churn), CLV, value at risk and the churn
drivers; per employee attrition risk, ELV and its drivers — keyed by model, version and
as-of date, so reruns with new models or dates only add rows.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ID = sa.String(length=128)
MODEL = sa.String(length=64)


def upgrade() -> None:
    op.create_table(
        "customer_scores",
        sa.Column("customer_id", ID, nullable=False),
        sa.Column("model", MODEL, nullable=False),
        sa.Column("version", MODEL, nullable=False),
        sa.Column("as_of", sa.DateTime(), nullable=False),
        sa.Column("p_churn", sa.Float(), nullable=False),
        sa.Column("clv", sa.Float(), nullable=True),
        sa.Column("value_at_risk", sa.Float(), nullable=True),
        sa.Column("drivers", sa.JSON(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint(
            "customer_id", "model", "version", "as_of", name=op.f("pk_customer_scores")
        ),
    )
    op.create_table(
        "employee_scores",
        sa.Column("employee_id", ID, nullable=False),
        sa.Column("model", MODEL, nullable=False),
        sa.Column("version", MODEL, nullable=False),
        sa.Column("as_of", sa.DateTime(), nullable=False),
        sa.Column("attrition_risk", sa.Float(), nullable=False),
        sa.Column("elv", sa.Float(), nullable=True),
        sa.Column("drivers", sa.JSON(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint(
            "employee_id", "model", "version", "as_of", name=op.f("pk_employee_scores")
        ),
    )


def downgrade() -> None:
    op.drop_table("employee_scores")
    op.drop_table("customer_scores")
