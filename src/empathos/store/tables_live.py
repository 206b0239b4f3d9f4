"""Tables owned by the live part (on the store's one ``metadata``; migration branch live).

What the live desk (``empathos.act.live``) writes while contacts happen:

``live_contacts``: one row per live contact — who, which channel and language, the need
and mood now, the pod and the current lead, how many handovers so far. Updated as turns
arrive (it is the contact's *current* state; the history is in the tables below).

``live_turns``: every turn of a live contact with the emotion the desk read from it (and
which model produced it, or that it fell back), and the need the turn suggested.

``routing_decisions``: one row per decision — the opening route and every per-turn
re-evaluation of the lead — with everything needed to explain it to a supervisor: the
inputs it read, every member's score with its parts and reason, the triage rule, whether
it fell back and why, and how long it took. Rows are never updated.

``lead_changes``: one row per handover with its reason and the warm-handoff note, written
in the receiving employee's language.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    Integer,
    String,
    Table,
    Text,
)

from empathos.store.base import ID, MODEL, metadata

live_contacts = Table(
    "live_contacts",
    metadata,
    Column("contact_id", ID, primary_key=True),
    Column("customer_id", ID, nullable=False, index=True),
    Column("channel", String(16), nullable=False),
    Column("language", String(16)),
    Column("need", String(64)),
    Column("mood", String(16)),
    Column("status", String(16), nullable=False),  # open | closed
    Column("to_automation", Boolean, nullable=False),
    Column("pod_id", ID),
    Column("lead_id", ID, index=True),
    Column("handovers", Integer, nullable=False),
    Column("n_turns", Integer, nullable=False),
    Column("opened_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("closed_at", DateTime),
    Column("state", JSON, nullable=False),  # the lead state, to resume after a restart
)

live_turns = Table(
    "live_turns",
    metadata,
    Column("contact_id", ID, primary_key=True),
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("speaker", String(16), nullable=False),
    Column("text", Text, nullable=False),
    Column("ts", DateTime, nullable=False),
    Column("emotion", String(32)),
    Column("valence", Float),
    Column("intensity", Float),
    Column("model", MODEL),  # the emotion model that read the turn (None: employee turn)
    Column("need", String(64)),  # the need this turn's words suggested, if any
)

routing_decisions = Table(
    "routing_decisions",
    metadata,
    Column("decision_id", Integer, primary_key=True, autoincrement=True),
    Column("contact_id", ID, nullable=False, index=True),
    Column("seq", BigInteger),  # the turn that caused it (0 = the opening message)
    Column("kind", String(16), nullable=False),  # open | turn
    Column("at", DateTime, nullable=False),
    Column("policy", String(32), nullable=False),
    Column("to_automation", Boolean, nullable=False),
    Column("pod_id", ID),
    Column("employee_id", ID),
    Column("rule", String(64)),  # the triage rule that decided, or the lead rule
    Column("reason", Text, nullable=False),
    Column("fell_back", Boolean, nullable=False),
    Column("fallback_reason", Text),
    Column("inputs", JSON, nullable=False),
    Column(
        "scores", JSON, nullable=False
    ),  # [{employee_id, pod_id, score, parts, eligible, reason}]
    Column("latency_ms", Float),
)

lead_changes = Table(
    "lead_changes",
    metadata,
    Column("change_id", Integer, primary_key=True, autoincrement=True),
    Column("contact_id", ID, nullable=False, index=True),
    Column("seq", BigInteger, nullable=False),
    Column("at", DateTime, nullable=False),
    Column("from_id", ID),
    Column("to_id", ID),
    Column("trigger", JSON, nullable=False),  # ["need"], ["mood"] or both
    Column("reason", Text, nullable=False),
    Column("note_language", String(16), nullable=False),
    Column("note", Text, nullable=False),
)
