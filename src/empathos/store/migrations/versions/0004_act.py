"""act: pod_customers

Which pod owns which named customer (beside the segments a pod owns in ``pods.segments``),
written by ``empathos pods load`` and the pods API.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = ("act",)
depends_on = None

ID = sa.String(length=128)


def upgrade() -> None:
    op.create_table(
        "pod_customers",
        sa.Column("customer_id", ID, nullable=False),
        sa.Column("pod_id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["pod_id"],
            ["pods.pod_id"],
            name=op.f("fk_pod_customers_pod_id_pods"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_pod_customers")),
    )
    op.create_index(op.f("ix_pod_customers_pod_id"), "pod_customers", ["pod_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_pod_customers_pod_id"), table_name="pod_customers")
    op.drop_table("pod_customers")
