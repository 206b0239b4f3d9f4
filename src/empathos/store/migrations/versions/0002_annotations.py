"""annotations: turn_emotions, turn_empathy, interaction_scores, customer_journeys

What ``empathos analyze`` writes. Every table keys its rows by the model name and version
that produced them, so several models coexist on the same turns (annotations only add).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ID = sa.String(length=128)
MODEL = sa.String(length=64)


def upgrade() -> None:
    op.create_table(
        "turn_emotions",
        sa.Column("interaction_id", ID, nullable=False),
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("model", MODEL, nullable=False),
        sa.Column("version", MODEL, nullable=False),
        sa.Column("probabilities", sa.JSON(), nullable=False),
        sa.Column("label", sa.String(length=32), nullable=False),
        sa.Column("valence", sa.Float(), nullable=False),
        sa.Column("intensity", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["interaction_id", "seq"],
            ["turns.interaction_id", "turns.seq"],
            name=op.f("fk_turn_emotions_interaction_id_turns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "interaction_id", "seq", "model", "version", name=op.f("pk_turn_emotions")
        ),
    )

    op.create_table(
        "turn_empathy",
        sa.Column("interaction_id", ID, nullable=False),
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("model", MODEL, nullable=False),
        sa.Column("version", MODEL, nullable=False),
        sa.Column("emotional_reaction", sa.Integer(), nullable=False),
        sa.Column("interpretation", sa.Integer(), nullable=False),
        sa.Column("exploration", sa.Integer(), nullable=False),
        sa.Column("probabilities", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["interaction_id", "seq"],
            ["turns.interaction_id", "turns.seq"],
            name=op.f("fk_turn_empathy_interaction_id_turns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "interaction_id", "seq", "model", "version", name=op.f("pk_turn_empathy")
        ),
    )

    op.create_table(
        "interaction_scores",
        sa.Column("interaction_id", ID, nullable=False),
        sa.Column("model", MODEL, nullable=False),
        sa.Column("version", MODEL, nullable=False),
        sa.Column("empathy_model", MODEL, nullable=False),
        sa.Column("empathy_version", MODEL, nullable=False),
        sa.Column("customer_id", ID, nullable=True),
        sa.Column("n_customer_turns", sa.Integer(), nullable=False),
        sa.Column("n_employee_turns", sa.Integer(), nullable=False),
        sa.Column("experienced", sa.Float(), nullable=True),
        sa.Column("remembered", sa.Float(), nullable=True),
        sa.Column("peak_seq", sa.BigInteger(), nullable=True),
        sa.Column("peak_valence", sa.Float(), nullable=True),
        sa.Column("start_valence", sa.Float(), nullable=True),
        sa.Column("end_valence", sa.Float(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("sentiment_score", sa.Float(), nullable=True),
        sa.Column("empathy_score", sa.Float(), nullable=True),
        sa.Column("n_empathetic", sa.Integer(), nullable=False),
        sa.Column("n_unhelpful", sa.Integer(), nullable=False),
        sa.Column("repeats", sa.Integer(), nullable=False),
        sa.Column("recontact", sa.Integer(), nullable=False),
        sa.Column("transfers", sa.Integer(), nullable=False),
        sa.Column("long_waits", sa.Integer(), nullable=False),
        sa.Column("max_wait_s", sa.Float(), nullable=True),
        sa.Column("channel_switch", sa.Integer(), nullable=False),
        sa.Column("effort_phrases", sa.Integer(), nullable=False),
        sa.Column("effort_score", sa.Float(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["interactions.interaction_id"],
            name=op.f("fk_interaction_scores_interaction_id_interactions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "interaction_id",
            "model",
            "version",
            "empathy_model",
            "empathy_version",
            name=op.f("pk_interaction_scores"),
        ),
    )
    op.create_index(
        op.f("ix_interaction_scores_customer_id"), "interaction_scores", ["customer_id"]
    )

    op.create_table(
        "customer_journeys",
        sa.Column("customer_id", ID, nullable=False),
        sa.Column("model", MODEL, nullable=False),
        sa.Column("version", MODEL, nullable=False),
        sa.Column("memory", sa.Float(), nullable=False),
        sa.Column("balance", sa.Float(), nullable=True),
        sa.Column("n_interactions", sa.Integer(), nullable=False),
        sa.Column("n_negative", sa.Integer(), nullable=False),
        sa.Column("last_at", sa.DateTime(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint(
            "customer_id", "model", "version", name=op.f("pk_customer_journeys")
        ),
    )


def downgrade() -> None:
    op.drop_table("customer_journeys")
    op.drop_index(op.f("ix_interaction_scores_customer_id"), table_name="interaction_scores")
    op.drop_table("interaction_scores")
    op.drop_table("turn_empathy")
    op.drop_table("turn_emotions")
