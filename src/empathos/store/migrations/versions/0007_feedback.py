"""feedback: label_feedback (corrections of emotion / empathy labels), retrain_runs

Revision ID: 0007
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0003"
branch_labels = ("feedback",)
depends_on = None

ID = sa.String(length=128)
MODEL = sa.String(length=64)


def upgrade() -> None:
    op.create_table(
        "label_feedback",
        sa.Column("feedback_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("interaction_id", ID, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("mechanism", sa.String(length=32), nullable=True),
        sa.Column("old_value", sa.String(length=32), nullable=True),
        sa.Column("new_value", sa.String(length=32), nullable=False),
        sa.Column("model", MODEL, nullable=True),
        sa.Column("version", MODEL, nullable=True),
        sa.Column("author_id", ID, nullable=False),
        sa.Column("author_role", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["interaction_id", "seq"],
            ["turns.interaction_id", "turns.seq"],
            name=op.f("fk_label_feedback_interaction_id_turns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("feedback_id", name=op.f("pk_label_feedback")),
    )
    op.create_index("ix_label_feedback_turn", "label_feedback", ["interaction_id", "seq"])
    op.create_index("ix_label_feedback_kind_created", "label_feedback", ["kind", "created_at"])
    op.create_table(
        "retrain_runs",
        sa.Column("run_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("n_corrections", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=64), nullable=False),
        sa.Column("score_before", sa.Float(), nullable=False),
        sa.Column("score_after", sa.Float(), nullable=False),
        sa.Column("promoted", sa.Integer(), nullable=False),
        sa.Column("base_version", MODEL, nullable=True),
        sa.Column("new_version", MODEL, nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_retrain_runs")),
    )


def downgrade() -> None:
    op.drop_table("retrain_runs")
    op.drop_index("ix_label_feedback_kind_created", table_name="label_feedback")
    op.drop_index("ix_label_feedback_turn", table_name="label_feedback")
    op.drop_table("label_feedback")
