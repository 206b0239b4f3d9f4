"""predict: the basis of every stored prediction (fitted, prior, fallback, unknown)

A churn risk, a CLV or an ELV that no fitted model produced (the observed churn rate
when the model could not be fitted, a new customer's expectation for a customer with
no purchase, no value at all when no transactions were imported) must never read as a
measurement. Each score row now says on what basis each figure stands and why, and
``p_churn`` may be NULL: "unknown" is not 0.

Revision ID: 0011
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0003"
branch_labels = ("predict",)
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("customer_scores") as batch:
        batch.alter_column("p_churn", existing_type=sa.Float(), nullable=True)
        batch.add_column(sa.Column("churn_basis", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("clv_basis", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("basis_note", sa.Text(), nullable=True))
    with op.batch_alter_table("employee_scores") as batch:
        batch.add_column(sa.Column("elv_basis", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("basis_note", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("employee_scores") as batch:
        batch.drop_column("basis_note")
        batch.drop_column("elv_basis")
    with op.batch_alter_table("customer_scores") as batch:
        batch.drop_column("basis_note")
        batch.drop_column("clv_basis")
        batch.drop_column("churn_basis")
        batch.alter_column("p_churn", existing_type=sa.Float(), nullable=False)
