"""The relational schema of the store (SQLAlchemy 2 Core tables).

Facts that happened (interactions, turns, outcomes, transactions) are immutable once
stored: re-importing them is a no-op. Master data (customers, employees, pods) is
upserted, because a later export may carry newer attributes. Primary keys are the source
system's identifiers, which is what makes every import idempotent.

``customer_id`` on interactions is not a foreign key on purpose: conversation exports
usually arrive before (or without) the CRM's customer file.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Table,
    Text,
)

# The shared metadata and column types live in ``base`` (re-exported here: callers use
# ``schema.metadata``). Each later stage keeps its tables in its own module on this same
# ``metadata`` with its own Alembic branch, so the stages' schemas evolve independently;
# they are imported here so that ``schema.metadata`` is always the whole schema
# (migrations are compared against it). They import ``base``, never this module.
from empathos.store import (  # noqa: F401
    tables_act,
    tables_assess,
    tables_auth,
    tables_csat,
    tables_feedback,
    tables_learn,
    tables_live,
    tables_topics,
    tables_qa,
    tables_tenant,
    tables_web,
)
from empathos.store.base import ID, MODEL, metadata

customers = Table(
    "customers",
    metadata,
    Column("customer_id", ID, primary_key=True),
    Column("name", String(256)),
    Column("segment", String(64)),
    Column("language", String(16)),
    Column("created_at", DateTime),
    Column("source", String(16), nullable=False, default="imported"),
    Column("attributes", JSON, nullable=False, default=dict),
)

pods = Table(
    "pods",
    metadata,
    Column("pod_id", ID, primary_key=True),
    Column("name", String(256), nullable=False),
    Column("functions", JSON, nullable=False, default=list),
    Column("member_ids", JSON, nullable=False, default=list),
    Column("segments", JSON, nullable=False, default=list),
)

employees = Table(
    "employees",
    metadata,
    Column("employee_id", ID, primary_key=True),
    Column("name", String(256)),
    Column("function", String(64)),
    Column("skills", JSON, nullable=False, default=list),
    Column("languages", JSON, nullable=False, default=list),
    Column("pod_id", ID),
    Column("capacity", Integer, nullable=False, default=1),
    Column("hired_at", DateTime),
    Column("source", String(16), nullable=False, default="imported"),
    Column("attributes", JSON, nullable=False, default=dict),
)

interactions = Table(
    "interactions",
    metadata,
    Column("interaction_id", ID, primary_key=True),
    Column("customer_id", ID, index=True),
    Column("channel", String(16), nullable=False, index=True),
    Column("started_at", DateTime, index=True),
    Column("ended_at", DateTime),
    Column("employee_id", ID, index=True),
    Column("queue", String(64)),
    Column("need", String(64)),
    # The company side (a brand, a business unit): a filter on every face (migration 0010).
    Column("company", String(128), index=True),
    Column("source", String(16), nullable=False, default="imported"),
    Column("attributes", JSON, nullable=False, default=dict),
)

turns = Table(
    "turns",
    metadata,
    Column(
        "interaction_id",
        ID,
        ForeignKey("interactions.interaction_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("speaker", String(16), nullable=False),
    Column("text", Text, nullable=False),
    Column("ts", DateTime),
    Column("author_id", ID),
    Column("language", String(16), index=True),
    Column("language_score", Float),
)

outcomes = Table(
    "outcomes",
    metadata,
    Column("outcome_id", ID, primary_key=True),
    Column("kind", String(16), nullable=False, index=True),
    Column("value", Float, nullable=False),
    Column("ts", DateTime),
    Column("interaction_id", ID, index=True),
    Column("customer_id", ID, index=True),
    Column("employee_id", ID, index=True),
    Column("source", String(16), nullable=False, default="imported"),
)

transactions = Table(
    "transactions",
    metadata,
    Column("transaction_id", ID, primary_key=True),
    Column("customer_id", ID, nullable=False, index=True),
    Column("ts", DateTime, nullable=False, index=True),
    Column("amount", Float, nullable=False),
    Column("quantity", Integer, nullable=False, default=1),
    Column("source", String(16), nullable=False, default="imported"),
)

ingest_runs = Table(
    "ingest_runs",
    metadata,
    Column("run_id", Integer, primary_key=True, autoincrement=True),
    Column("path", Text, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime),
    Column("records_read", Integer, nullable=False, default=0),
    Column("records_accepted", Integer, nullable=False, default=0),
    Column("records_rejected", Integer, nullable=False, default=0),
    Column("status", String(16), nullable=False),
    # Who runs the import (migration 0014): a run left ``running`` whose process is gone
    # is marked ``interrupted`` by the next import or ``empathos stats``.
    Column("pid", Integer),
    Column("host", String(255)),
)

# The ingest API's answers by Idempotency-Key (migration 0019): a retried POST with the
# same key is answered the stored answer and stores nothing new (``api/ingest.py``).
ingest_requests = Table(
    "ingest_requests",
    metadata,
    Column("key", String(255), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("body_sha256", String(64), nullable=False),
    Column("status_code", Integer, nullable=False),
    Column("response", JSON, nullable=False),
    Column("created_at", DateTime, nullable=False),
)

Index("ix_turns_speaker_lang", turns.c.speaker, turns.c.language)

# Which table holds each importable kind, and how a re-import treats an existing key.
IMMUTABLE = {"interactions", "turns", "outcomes", "transactions"}
MASTER = {"customers", "employees", "pods"}

# --------------------------------------------------------------------------- annotations
# Written only by ``empathos.understand.pipeline`` (migration 0002). Every annotation
# carries the model name and version that produced it, inside the primary key, so several
# models coexist on the same turns and a rerun with a new model only *adds* rows
# (ConvoKit style); comparing two models is a join, reverting one is a delete.

turn_emotions = Table(
    "turn_emotions",
    metadata,
    Column("interaction_id", ID, primary_key=True),
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("model", MODEL, primary_key=True),
    Column("version", MODEL, primary_key=True),
    Column("probabilities", JSON, nullable=False),  # in the order of CX_EMOTIONS
    Column("label", String(32), nullable=False),
    Column("valence", Float, nullable=False),
    Column("intensity", Float, nullable=False),
    ForeignKeyConstraint(
        ["interaction_id", "seq"], ["turns.interaction_id", "turns.seq"], ondelete="CASCADE"
    ),
)

turn_empathy = Table(
    "turn_empathy",
    metadata,
    Column("interaction_id", ID, primary_key=True),
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("model", MODEL, primary_key=True),
    Column("version", MODEL, primary_key=True),
    Column("emotional_reaction", Integer, nullable=False),  # level 0 none / 1 weak / 2 strong
    Column("interpretation", Integer, nullable=False),
    Column("exploration", Integer, nullable=False),
    Column("probabilities", JSON, nullable=False),  # [mechanism][level]
    ForeignKeyConstraint(
        ["interaction_id", "seq"], ["turns.interaction_id", "turns.seq"], ondelete="CASCADE"
    ),
)

# One row per interaction and (emotion model, empathy model) pair: ``model``/``version``
# name the emotion model (peak-end, sentiment), ``empathy_model``/``empathy_version`` the
# empathy model (agent empathy score). Effort signals need no model; they sit here so one
# row says everything about the contact.
interaction_scores = Table(
    "interaction_scores",
    metadata,
    Column(
        "interaction_id",
        ID,
        ForeignKey("interactions.interaction_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("model", MODEL, primary_key=True),
    Column("version", MODEL, primary_key=True),
    Column("empathy_model", MODEL, primary_key=True),
    Column("empathy_version", MODEL, primary_key=True),
    Column("customer_id", ID, index=True),
    Column("n_customer_turns", Integer, nullable=False),
    Column("n_employee_turns", Integer, nullable=False),
    Column("experienced", Float),
    Column("remembered", Float),
    Column("peak_seq", BigInteger),
    Column("peak_valence", Float),
    Column("start_valence", Float),
    Column("end_valence", Float),
    Column("outcome", String(16)),
    Column("sentiment_score", Float),
    Column("empathy_score", Float),
    Column("n_empathetic", Integer, nullable=False),
    Column("n_unhelpful", Integer, nullable=False),
    Column("repeats", Integer, nullable=False),
    Column("recontact", Integer, nullable=False),  # 0/1: a prior contact within N days
    Column("transfers", Integer, nullable=False),
    Column("long_waits", Integer, nullable=False),
    Column("max_wait_s", Float),
    Column("channel_switch", Integer, nullable=False),  # 0/1
    Column("effort_phrases", Integer, nullable=False),
    Column("effort_score", Float, nullable=False),
    Column("details", JSON, nullable=False),  # weights and thresholds used, for reproducibility
    Column("computed_at", DateTime, nullable=False),
)
# migration 0023 (dashboard at 10M): the newest score in O(log n) (freshness fingerprint,
# current-model memo) and the worst-remembered contacts walked in index order (journeys)
Index("ix_interaction_scores_computed_at", interaction_scores.c.computed_at)
Index(
    "ix_interaction_scores_remembered",
    interaction_scores.c.remembered,
    interaction_scores.c.interaction_id,
)

customer_journeys = Table(
    "customer_journeys",
    metadata,
    Column("customer_id", ID, primary_key=True),
    Column("model", MODEL, primary_key=True),
    Column("version", MODEL, primary_key=True),
    Column("memory", Float, nullable=False),
    Column("balance", Float),
    Column("n_interactions", Integer, nullable=False),
    Column("n_negative", Integer, nullable=False),
    Column("last_at", DateTime),
    Column("details", JSON, nullable=False),
    Column("computed_at", DateTime, nullable=False),
)

# No (model, version) index on the annotation tables, on purpose: without statistics
# SQLite prefers it over the primary key for "these interactions, this model" lookups and
# then reads every row of the model on each batch (measured: quadratic). The primary key
# (interaction_id, seq, model, version) serves the pipeline; a rerun's delete by model
# is a single scan.

# --------------------------------------------------------------------------- predictions
# Written only by ``empathos.predict.pipeline`` (migration 0003). One row per subject,
# model, version and as-of date: a rerun for the same date replaces its own rows, a new
# date or model version only adds, so scores over time stay comparable. Each figure
# carries its basis (migration 0011, ``BASES``): ``fitted`` by a model fitted on this
# store, ``prior`` an assumption or observed base rate used in place of a fit,
# ``fallback`` a fitted model's population value for a subject it cannot score, or
# ``unknown`` (the figure is NULL); ``basis_note`` says why for anything not fitted.
# NULL basis: a row written before 0011 (read as fitted).
customer_scores = Table(
    "customer_scores",
    metadata,
    Column("customer_id", ID, primary_key=True),
    Column("model", MODEL, primary_key=True),
    Column("version", MODEL, primary_key=True),
    Column("as_of", DateTime, primary_key=True),
    Column("p_churn", Float),
    Column("clv", Float),
    Column("value_at_risk", Float),
    Column("drivers", JSON, nullable=False),
    Column("computed_at", DateTime, nullable=False),
    Column("churn_basis", String(16)),
    Column("clv_basis", String(16)),
    Column("basis_note", Text),
)
# migration 0023: the current predict run (queries.current_prediction_run) in four seeks
Index(
    "ix_customer_scores_run",
    customer_scores.c.computed_at,
    customer_scores.c.as_of,
    customer_scores.c.model,
    customer_scores.c.version,
)

employee_scores = Table(
    "employee_scores",
    metadata,
    Column("employee_id", ID, primary_key=True),
    Column("model", MODEL, primary_key=True),
    Column("version", MODEL, primary_key=True),
    Column("as_of", DateTime, primary_key=True),
    Column("attrition_risk", Float, nullable=False),
    Column("elv", Float),
    Column("drivers", JSON, nullable=False),
    Column("computed_at", DateTime, nullable=False),
    Column("elv_basis", String(16)),
    Column("basis_note", Text),
)
