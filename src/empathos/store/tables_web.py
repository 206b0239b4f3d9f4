"""Tables owned by the web part (on the store's one ``metadata``; migration branch web).

The dashboard must stay fast on millions of interactions, so its pages read a summary
table, ``web_daily``: one row per day × channel × language × pod × source × company
(the brand side, migration 0012) with the sums
each page needs (means are sum / count, so any filter combination re-aggregates exactly).
``web_refresh`` remembers what the summary was built from, so the dashboard can tell when
it is stale and rebuild it (see :mod:`empathos.web.aggregates`).

``web_changes`` (migration 0024) is the log of the days a write touched, filled by
database triggers on ``interactions``, ``interaction_scores`` and ``interaction_csat``,
so an incremental refresh rebuilds those days without scanning the store to find them.
``web_csat_daily`` is the predicted-CSAT page's summary, rebuilt from the same log.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    DateTime,
    Float,
    Index,
    Integer,
    Text,
    String,
    Table,
)

from empathos.store.base import ID, MODEL, metadata

web_daily = Table(
    "web_daily",
    metadata,
    Column("day", Date, primary_key=True),
    Column("channel", String(16), primary_key=True),
    Column("language", String(16), primary_key=True),
    Column("pod_id", ID, primary_key=True),
    Column("source", String(16), primary_key=True),
    # the brand (interactions.company; "(none)" when not recorded), so the brand filter
    # reads the summary like the others (migration 0012)
    Column("company", String(128), primary_key=True),
    Column("n_interactions", Integer, nullable=False),
    Column("n_automated", Integer, nullable=False),  # no employee: bot / self-service
    Column("n_scored", Integer, nullable=False),
    Column("sum_experienced", Float, nullable=False),
    Column("sum_remembered", Float, nullable=False),
    Column("n_improved", Integer, nullable=False),
    Column("n_unchanged", Integer, nullable=False),
    Column("n_worsened", Integer, nullable=False),
    Column("sum_effort", Float, nullable=False),
    Column("n_recontact", Integer, nullable=False),
    Column("n_transfers", Integer, nullable=False),
    Column("n_empathy", Integer, nullable=False),
    Column("sum_empathy", Float, nullable=False),
    # the key starts with the day; a brand filter without a period would scan it all
    Index("ix_web_daily_company", "company", "day"),
)

web_refresh = Table(
    "web_refresh",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("refreshed_at", DateTime, nullable=False),
    Column("n_interactions", BigInteger, nullable=False),
    Column("n_scores", BigInteger, nullable=False),
    Column("n_customer_scores", BigInteger, nullable=False),
    Column("score_model", MODEL),
    Column("score_version", MODEL),
    Column("seconds", Float, nullable=False),
    Column("details", JSON, nullable=False),
)

web_changes = Table(
    "web_changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # the calendar day of the started_at of a contact whose row (or score, or CSAT) was
    # inserted, updated or deleted since the last refresh; written by triggers only
    Column("day", Date, nullable=False),
    Column("txn", BigInteger),  # PostgreSQL: the writing transaction (one row per day each)
    Index("ix_web_changes_day", "day"),
)

web_csat_daily = Table(
    "web_csat_daily",
    metadata,
    Column("day", Date, primary_key=True),
    Column("channel", String(16), primary_key=True),
    Column("language", String(16), primary_key=True),
    Column("pod_id", ID, primary_key=True),
    Column("employee_id", ID, primary_key=True),  # "(none)": no employee
    Column("company", String(128), primary_key=True),
    Column("source", String(16), primary_key=True),  # interaction_csat.source
    Column("reason", Text, primary_key=True),  # "" when the figure is known
    Column("n", Integer, nullable=False),  # contacts with a CSAT row
    Column("n_known", Integer, nullable=False),  # ... with a predicted figure
    Column("n_calibrated", Integer, nullable=False),
    Column("total", Float, nullable=False),  # sum of calibrated-else-predicted
    Index("ix_web_csat_daily_company", "company", "day"),
)

#: counts and sums of ``web_coach_daily`` (migration 0025), in column order
COACH_COUNTS = ("n_interactions", "n_automated", "n_scored", "n_remembered", "n_experienced",
                "n_end", "n_outcome", "n_improved", "n_unchanged", "n_worsened")  # fmt: skip
COACH_SUMS = ("sum_remembered", "sum_experienced", "sum_end")

web_coach_daily = Table(
    "web_coach_daily",
    metadata,
    Column("day", Date, primary_key=True),
    Column("channel", String(16), primary_key=True),
    Column("language", String(16), primary_key=True),
    Column("pod_id", ID, primary_key=True),
    Column("employee_id", ID, primary_key=True),  # "(none)": no employee
    Column("company", String(128), primary_key=True),
    Column("source", String(16), primary_key=True),  # interactions.source
    *(Column(c, Integer, nullable=False) for c in COACH_COUNTS),
    *(Column(c, Float, nullable=False) for c in COACH_SUMS),
    Index("ix_web_coach_daily_company", "company", "day"),
    Index("ix_web_coach_daily_pod", "pod_id", "day"),
)
