"""listen: interactions.company

The company side of a contact (a brand account on Twitter, a business unit or helpdesk
instance in other exports), so one store can hold several brands and every face can
filter by it.

Revision ID: 0010
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0003"
branch_labels = ("listen",)
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("interactions") as batch:
        batch.add_column(sa.Column("company", sa.String(length=128), nullable=True))
        batch.create_index("ix_interactions_company", ["company"])


def downgrade() -> None:
    with op.batch_alter_table("interactions") as batch:
        batch.drop_index("ix_interactions_company")
        batch.drop_column("company")
