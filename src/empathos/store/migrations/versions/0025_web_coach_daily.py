"""web_coach_daily: the coaching and OODA pages' per-day summary

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-04

The coaching page loaded every scored contact of its window into pandas, the OODA page's
observe and orient steps every contact of theirs (with the scores and the predicted CSAT
of each): time and memory grew with the store (OODA at 1M synthetic contacts ~5 s without
its decide step, coaching ~2 s; both well over 2 s at ten million). This table holds, per
day × channel × language × pod × employee × brand × source, the counts and sums those
pages' contact figures are means of (all contacts, scored ones, non-null remembered /
experienced / end valence, the outcomes), rebuilt with ``web_daily`` from the same change
log (``empathos.web.coach_daily``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = ("web_coach_daily",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_coach_daily",
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("channel", sa.String(16), primary_key=True),
        sa.Column("language", sa.String(16), primary_key=True),
        sa.Column("pod_id", sa.String(128), primary_key=True),
        sa.Column("employee_id", sa.String(128), primary_key=True),
        sa.Column("company", sa.String(128), primary_key=True),
        sa.Column("source", sa.String(16), primary_key=True),
        *(sa.Column(c, sa.Integer, nullable=False) for c in _COUNTS),
        *(sa.Column(c, sa.Float, nullable=False) for c in _SUMS),
    )
    op.create_index("ix_web_coach_daily_company", "web_coach_daily", ["company", "day"])
    op.create_index("ix_web_coach_daily_pod", "web_coach_daily", ["pod_id", "day"])


_COUNTS = ("n_interactions", "n_automated", "n_scored", "n_remembered", "n_experienced",
           "n_end", "n_outcome", "n_improved", "n_unchanged", "n_worsened")  # fmt: skip
_SUMS = ("sum_remembered", "sum_experienced", "sum_end")


def downgrade() -> None:
    op.drop_index("ix_web_coach_daily_pod", table_name="web_coach_daily")
    op.drop_index("ix_web_coach_daily_company", table_name="web_coach_daily")
    op.drop_table("web_coach_daily")
