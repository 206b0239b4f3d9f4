"""One live contact as the desk keeps it in memory, and its rows in the store."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, select

from empathos.act.card import CustomerRecord, TurnEmotion
from empathos.act.lead import LeadState
from empathos.act.live.config import DEFAULT_NEED
from empathos.act.live.emotion import EmotionRead
from empathos.store.tables_live import live_contacts, live_turns


@dataclass
class LiveContact:
    """One live contact in memory."""

    contact_id: str
    customer_id: str
    channel: str
    language: str
    need: str
    mood: str
    lead: LeadState
    pod_id: str | None
    to_automation: bool
    record: CustomerRecord
    opened_at: datetime
    turns: list[TurnEmotion] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)
    lead_changes: list[dict[str, Any]] = field(default_factory=list)
    status: str = "open"
    attempt: int = 0
    customer_language: str | None = None
    last_emotion: EmotionRead | None = None
    record_fell_back: bool = False
    """Opened on a fallback record (the store read missed its deadline or failed): the
    customer's record is adopted from the cache once a late read has put it there."""

    def row(self, now: datetime) -> dict[str, Any]:
        return {
            "contact_id": self.contact_id,
            "customer_id": self.customer_id,
            "channel": self.channel,
            "language": self.language,
            "need": self.need,
            "mood": self.mood,
            "status": self.status,
            "to_automation": self.to_automation,
            "pod_id": self.pod_id,
            "lead_id": self.lead.lead_id,
            "handovers": self.lead.handovers,
            "n_turns": len(self.turns),
            "opened_at": self.opened_at,
            "updated_at": now,
            "closed_at": now if self.status == "closed" else None,
            "state": {
                "lead_id": self.lead.lead_id,
                "need": self.lead.need,
                "mood": self.lead.mood,
                "opened_turn": self.lead.opened_turn,
                "handovers": self.lead.handovers,
                "last_handover_turn": self.lead.last_handover_turn,
                "previous_leads": list(self.lead.previous_leads),
                "attempt": self.attempt,
            },
        }

    def turn_row(
        self, t: TurnEmotion, emotion: EmotionRead | None, need: str | None, now: datetime
    ) -> dict[str, Any]:
        """One turn of this contact as a ``live_turns`` row."""
        return {
            "contact_id": self.contact_id,
            "seq": t.seq,
            "speaker": t.speaker,
            "text": t.text,
            "ts": now,
            "emotion": t.label,
            "valence": t.valence,
            "intensity": t.intensity,
            "model": emotion.model if emotion else None,
            "need": need,
        }


class UnknownContact(KeyError):
    """No live contact with this id (in memory or in the store)."""


class UnknownCustomer(LookupError):
    """A contact for a customer the store does not know (the store answered, and has no
    customer row and no contact of that id)."""


def new_contact_id() -> str:
    """A random 128-bit id. Not from ``uuid4``: ``os.urandom`` measured ~1 ms per call on
    this VM, a quarter of the routing budget; contact ids need uniqueness, not secrecy."""
    return uuid.UUID(int=random.getrandbits(128), version=4).hex


def load_contact(
    engine: Engine,
    contact_id: str,
    record_for: Callable[[str], tuple[CustomerRecord, str]],
) -> LiveContact:
    """A contact flushed by an earlier process, rebuilt from ``live_contacts`` and
    ``live_turns``; ``record_for(customer_id)`` gives ``(record, why_fell_back)``."""
    try:
        with engine.connect() as conn:
            row = conn.execute(
                select(live_contacts).where(live_contacts.c.contact_id == contact_id)
            ).first()
            turns = (
                conn.execute(
                    select(live_turns)
                    .where(live_turns.c.contact_id == contact_id)
                    .order_by(live_turns.c.seq)
                ).all()
                if row is not None
                else []
            )
    except Exception as exc:  # noqa: BLE001
        raise UnknownContact(f"{contact_id} (store unavailable: {type(exc).__name__})") from None
    if row is None:
        raise UnknownContact(contact_id)
    s = dict(row.state or {})
    attempt = int(s.pop("attempt", 0))
    s["previous_leads"] = tuple(s.get("previous_leads") or ())
    record, rec_why = record_for(row.customer_id)
    return LiveContact(
        contact_id=row.contact_id,
        customer_id=row.customer_id,
        channel=row.channel,
        language=row.language or "en",
        need=row.need or DEFAULT_NEED,
        mood=row.mood or "calm",
        lead=LeadState(**s),
        pod_id=row.pod_id,
        to_automation=bool(row.to_automation),
        record=record,
        opened_at=row.opened_at,
        status=row.status,
        attempt=attempt,
        record_fell_back=bool(rec_why),
        turns=[
            TurnEmotion(t.seq, t.speaker, t.text, t.emotion, t.valence, t.intensity) for t in turns
        ],
    )
