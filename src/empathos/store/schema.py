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
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

ID = String(128)

customers = Table(
    "customers",
    metadata,
    Column("customer_id", ID, primary_key=True),
    Column("name", String(256)),
    Column("segment", String(64)),
    Column("language", String(16)),
    Column("created_at", DateTime),
    Column("source", String(16), nullable=False, default="real"),
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
    Column("source", String(16), nullable=False, default="real"),
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
    Column("source", String(16), nullable=False, default="real"),
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
    Column("source", String(16), nullable=False, default="real"),
)

transactions = Table(
    "transactions",
    metadata,
    Column("transaction_id", ID, primary_key=True),
    Column("customer_id", ID, nullable=False, index=True),
    Column("ts", DateTime, nullable=False, index=True),
    Column("amount", Float, nullable=False),
    Column("quantity", Integer, nullable=False, default=1),
    Column("source", String(16), nullable=False, default="real"),
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
)

Index("ix_turns_speaker_lang", turns.c.speaker, turns.c.language)

# Which table holds each importable kind, and how a re-import treats an existing key.
IMMUTABLE = {"interactions", "turns", "outcomes", "transactions"}
MASTER = {"customers", "employees", "pods"}
