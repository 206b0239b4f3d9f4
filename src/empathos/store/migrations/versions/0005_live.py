"""live: live_contacts, live_turns, routing_decisions, lead_changes

What the live desk writes while contacts happen: each contact's current state, its turns
with the emotion read from them, every routing decision with its inputs and every
member's score, and every lead handover with its warm-handoff note.

Revision ID: 0005
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0003"
branch_labels = ("live",)
depends_on = None

ID = sa.String(length=128)
MODEL = sa.String(length=64)


def upgrade() -> None:
    op.create_table(
        "live_contacts",
        sa.Column("contact_id", ID, nullable=False),
        sa.Column("customer_id", ID, nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("need", sa.String(length=64), nullable=True),
        sa.Column("mood", sa.String(length=16), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("to_automation", sa.Boolean(), nullable=False),
        sa.Column("pod_id", ID, nullable=True),
        sa.Column("lead_id", ID, nullable=True),
        sa.Column("handovers", sa.Integer(), nullable=False),
        sa.Column("n_turns", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("contact_id", name=op.f("pk_live_contacts")),
    )
    op.create_index(op.f("ix_live_contacts_customer_id"), "live_contacts", ["customer_id"])
    op.create_index(op.f("ix_live_contacts_lead_id"), "live_contacts", ["lead_id"])
    op.create_table(
        "live_turns",
        sa.Column("contact_id", ID, nullable=False),
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("speaker", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("ts", sa.DateTime(), nullable=False),
        sa.Column("emotion", sa.String(length=32), nullable=True),
        sa.Column("valence", sa.Float(), nullable=True),
        sa.Column("intensity", sa.Float(), nullable=True),
        sa.Column("model", MODEL, nullable=True),
        sa.Column("need", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("contact_id", "seq", name=op.f("pk_live_turns")),
    )
    op.create_table(
        "routing_decisions",
        sa.Column("decision_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("contact_id", ID, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("policy", sa.String(length=32), nullable=False),
        sa.Column("to_automation", sa.Boolean(), nullable=False),
        sa.Column("pod_id", ID, nullable=True),
        sa.Column("employee_id", ID, nullable=True),
        sa.Column("rule", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("fell_back", sa.Boolean(), nullable=False),
        sa.Column("fallback_reason", sa.Text(), nullable=True),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("latency_ms", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("decision_id", name=op.f("pk_routing_decisions")),
    )
    op.create_index(op.f("ix_routing_decisions_contact_id"), "routing_decisions", ["contact_id"])
    op.create_table(
        "lead_changes",
        sa.Column("change_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("contact_id", ID, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("from_id", ID, nullable=True),
        sa.Column("to_id", ID, nullable=True),
        sa.Column("trigger", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("note_language", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("change_id", name=op.f("pk_lead_changes")),
    )
    op.create_index(op.f("ix_lead_changes_contact_id"), "lead_changes", ["contact_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_lead_changes_contact_id"), table_name="lead_changes")
    op.drop_table("lead_changes")
    op.drop_index(op.f("ix_routing_decisions_contact_id"), table_name="routing_decisions")
    op.drop_table("routing_decisions")
    op.drop_table("live_turns")
    op.drop_index(op.f("ix_live_contacts_lead_id"), table_name="live_contacts")
    op.drop_index(op.f("ix_live_contacts_customer_id"), table_name="live_contacts")
    op.drop_table("live_contacts")
