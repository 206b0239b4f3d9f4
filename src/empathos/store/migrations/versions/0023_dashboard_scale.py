"""dashboard_scale: indexes the dashboard needs at ten million interactions

Revision ID: 0023
Revises: 0003
Create Date: 2026-12-02

* ``interaction_scores.computed_at``: the newest score is part of the summary's
  freshness fingerprint and of the current-score-model memo's signature; without an
  index ``max(computed_at)`` reads every row (8 s at 10M).
* ``customer_scores (computed_at, as_of, model, version)``: the current predict run
  (``queries.current_prediction_run``) in four index seeks instead of a GROUP BY over
  every customer score, and the newest customer score of the fingerprint.
* ``interaction_scores (remembered, interaction_id)``: the journeys page lists the
  worst-remembered contacts; with it the list walks the index in order (keyset) instead
  of sorting the period's rows.
"""

from __future__ import annotations

from alembic import op

revision = "0023"
down_revision = "0003"
branch_labels = ("dashboard_scale",)
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_interaction_scores_computed_at", "interaction_scores", ["computed_at"], unique=False
    )
    op.create_index(
        "ix_customer_scores_run",
        "customer_scores",
        ["computed_at", "as_of", "model", "version"],
        unique=False,
    )
    op.create_index(
        "ix_interaction_scores_remembered",
        "interaction_scores",
        ["remembered", "interaction_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_interaction_scores_remembered", table_name="interaction_scores")
    op.drop_index("ix_customer_scores_run", table_name="customer_scores")
    op.drop_index("ix_interaction_scores_computed_at", table_name="interaction_scores")
