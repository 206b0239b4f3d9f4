"""learn: experiments and experiment_assignments (control groups and their arms)

Revision ID: 0006
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0003"
branch_labels = ("learn",)
depends_on = None

ID = sa.String(length=128)
MODEL = sa.String(length=64)


def upgrade() -> None:
    op.create_table(
        "experiments",
        sa.Column("name", MODEL, nullable=False),
        sa.Column("treatment_policy", MODEL, nullable=False),
        sa.Column("control_policy", MODEL, nullable=False),
        sa.Column("control_share", sa.Float(), nullable=False),
        sa.Column("cycle_minutes", sa.Float(), nullable=True),
        sa.Column("salt", MODEL, nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_experiments")),
    )
    op.create_table(
        "experiment_assignments",
        sa.Column("experiment", MODEL, nullable=False),
        sa.Column("interaction_id", ID, nullable=False),
        sa.Column("arm", sa.String(length=16), nullable=False),
        sa.Column("assigned_at", sa.DateTime(), nullable=True),
        sa.Column("employee_id", ID, nullable=True),
        sa.ForeignKeyConstraint(
            ["experiment"],
            ["experiments.name"],
            name=op.f("fk_experiment_assignments_experiment_experiments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "experiment", "interaction_id", name=op.f("pk_experiment_assignments")
        ),
    )
    op.create_index(
        "ix_experiment_assignments_arm", "experiment_assignments", ["experiment", "arm"]
    )


def downgrade() -> None:
    op.drop_index("ix_experiment_assignments_arm", table_name="experiment_assignments")
    op.drop_table("experiment_assignments")
    op.drop_table("experiments")
