"""topics: topic_models, topics, interaction_topics

What ``empathos topics`` stores: each fitted topic model (encoder, sample size, k, its
configuration), its topics (label, top terms, examples, centroid) and the topic of each
contact under that model.

Revision ID: 0017
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0003"
branch_labels = ("topics",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "topic_models",
        sa.Column("model_version", sa.String(length=64), nullable=False),
        sa.Column("fitted_at", sa.DateTime(), nullable=False),
        sa.Column("encoder", sa.String(length=64), nullable=False),
        sa.Column("n_fitted", sa.Integer(), nullable=False),
        sa.Column("k", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("model_version", name=op.f("pk_topic_models")),
    )
    op.create_table(
        "topics",
        sa.Column("model_version", sa.String(length=64), nullable=False),
        sa.Column("topic_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.Column("examples", sa.JSON(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("centroid", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("model_version", "topic_id", name=op.f("pk_topics")),
    )
    op.create_table(
        "interaction_topics",
        sa.Column("interaction_id", sa.String(length=128), nullable=False),
        sa.Column("model_version", sa.String(length=64), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("similarity", sa.Float(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["interactions.interaction_id"],
            name=op.f("fk_interaction_topics_interaction_id_interactions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "interaction_id", "model_version", name=op.f("pk_interaction_topics")
        ),
    )


def downgrade() -> None:
    op.drop_table("interaction_topics")
    op.drop_table("topics")
    op.drop_table("topic_models")
