"""Tables owned by the feedback part (on the store's one ``metadata``; migration branch feedback).

``label_feedback``: one row per correction of one annotation — an emotion label of a
customer turn, or one empathy mechanism's level of an employee turn — by an employee or a
supervisor. Rows are never updated: a later correction of the same turn adds a row and
supersedes the earlier one when the training set is built (``empathos.learn.feedback``),
so who changed what, when, and from which model's value stays auditable.

``retrain_runs``: every ``empathos retrain`` with the scores before and after on the fixed
test sets and whether the new heads were promoted (the audit trail of model versions).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Float,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from empathos.store.base import ID, MODEL, metadata

label_feedback = Table(
    "label_feedback",
    metadata,
    Column("feedback_id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),  # emotion | empathy
    Column("interaction_id", ID, nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("mechanism", String(32)),  # empathy only: which EPITOME mechanism
    Column("old_value", String(32)),  # what the model said (None: turn not annotated yet)
    Column("new_value", String(32), nullable=False),  # CX emotion, or level "0"/"1"/"2"
    Column("model", MODEL),  # the annotation that was corrected
    Column("version", MODEL),
    Column("author_id", ID, nullable=False),
    Column("author_role", String(16), nullable=False),  # employee | supervisor
    Column("note", Text),
    Column("created_at", DateTime, nullable=False),
    ForeignKeyConstraint(
        ["interaction_id", "seq"], ["turns.interaction_id", "turns.seq"], ondelete="CASCADE"
    ),
)
Index("ix_label_feedback_turn", label_feedback.c.interaction_id, label_feedback.c.seq)
Index("ix_label_feedback_kind_created", label_feedback.c.kind, label_feedback.c.created_at)

retrain_runs = Table(
    "retrain_runs",
    metadata,
    Column("run_id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),  # emotion | empathy
    Column("started_at", DateTime, nullable=False),
    Column("seconds", Float, nullable=False),
    Column("n_corrections", Integer, nullable=False),
    Column("metric", String(64), nullable=False),
    Column("score_before", Float, nullable=False),
    Column("score_after", Float, nullable=False),
    Column("promoted", Integer, nullable=False),  # 0/1
    Column("base_version", MODEL),
    Column("new_version", MODEL),
    Column("details", JSON, nullable=False),
)

# Competitor / industry figures imported by ``empathos ooda --benchmarks FILE`` (the
# "orient" step of ``empathos.learn.ooda``; CSV format in docs/learn_loop.md). A re-import
# of the same (metric, source, period, segment) replaces the earlier value.
benchmarks = Table(
    "benchmarks",
    metadata,
    Column("benchmark_id", Integer, primary_key=True, autoincrement=True),
    Column("metric", String(64), nullable=False),
    Column("value", Float, nullable=False),
    Column("source", Text, nullable=False),
    Column("period", String(32), nullable=False),
    Column("segment", String(64), nullable=False, default=""),  # "" = all customers
    Column("file", Text),
    Column("imported_at", DateTime, nullable=False),
)
Index("ix_benchmarks_metric", benchmarks.c.metric)
