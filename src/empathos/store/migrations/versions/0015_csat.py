"""understand: interaction_csat (predicted CSAT per interaction)

One row per interaction: the predicted CSAT of a named model version, the same figure
calibrated to the company's surveys (NULL while there are too few), the contact's source,
and the reason when no figure could be computed (``store/tables_csat.py``).

Revision ID: 0015
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0003"
branch_labels = ("csat",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "interaction_csat",
        sa.Column(
            "interaction_id",
            sa.String(length=128),
            sa.ForeignKey("interactions.interaction_id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("model_version", sa.String(length=128), nullable=False),
        sa.Column("predicted_csat", sa.Float(), nullable=True),
        sa.Column("calibrated_csat", sa.Float(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("scored_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_interaction_csat_model_version", "interaction_csat", ["model_version"])


def downgrade() -> None:
    op.drop_index("ix_interaction_csat_model_version", table_name="interaction_csat")
    op.drop_table("interaction_csat")
