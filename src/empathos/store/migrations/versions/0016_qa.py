"""qa: qa_scorecards, qa_item_scores

The auto-QA scorecard of every contact (one per rubric version and model pair) and its
items' verdicts with the quoted evidence turns (issue 16 item 3).

Revision ID: 0016
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0003"
branch_labels = ("qa",)
depends_on = None

ID = sa.String(length=128)
MODEL = sa.String(length=64)
KEY = ("interaction_id", "rubric_version", "model", "version", "empathy_model", "empathy_version")


def _key_columns() -> list[sa.Column]:
    return [
        sa.Column("interaction_id", ID, nullable=False),
        *(sa.Column(c, MODEL, nullable=False) for c in KEY[1:]),
    ]


def upgrade() -> None:
    op.create_table(
        "qa_scorecards",
        *_key_columns(),
        sa.Column("rubric", MODEL, nullable=False),
        sa.Column("overall", sa.Float(), nullable=True),
        sa.Column("n_scored", sa.Integer(), nullable=False),
        sa.Column("n_items", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["interactions.interaction_id"],
            name=op.f("fk_qa_scorecards_interaction_id_interactions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(*KEY, name=op.f("pk_qa_scorecards")),
    )
    op.create_table(
        "qa_item_scores",
        *_key_columns(),
        sa.Column("item", MODEL, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("evidence_seq", sa.BigInteger(), nullable=True),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            list(KEY),
            [f"qa_scorecards.{c}" for c in KEY],
            name=op.f("fk_qa_item_scores_interaction_id_qa_scorecards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(*KEY, "item", name=op.f("pk_qa_item_scores")),
    )


def downgrade() -> None:
    op.drop_table("qa_item_scores")
    op.drop_table("qa_scorecards")
