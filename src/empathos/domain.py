"""The domain objects of Empathos: plain typed dataclasses with no I/O.

They follow the vocabulary of DESIGN.md: an *interaction* is one contact on one channel,
made of *turns* by a customer, an employee or a bot. Outcomes (CSAT, NPS, churn, ...) and
transactions (purchases) arrive later and are what the flywheel learns from.
Keys are the identifiers of the source system (strings), which is what makes re-importing
the same export idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class Channel(StrEnum):
    VOICE = "voice"
    CHAT = "chat"
    EMAIL = "email"
    SOCIAL = "social"
    SURVEY = "survey"
    SELF_SERVICE = "self_service"


class Speaker(StrEnum):
    CUSTOMER = "customer"
    EMPLOYEE = "employee"
    BOT = "bot"


class OutcomeKind(StrEnum):
    CSAT = "csat"
    NPS = "nps"
    CES = "ces"
    RESOLVED = "resolved"
    CHURN = "churn"
    COMPLAINT = "complaint"
    PULSE = "pulse"  # an employee pulse-survey answer


@dataclass(slots=True)
class Customer:
    customer_id: str
    name: str | None = None
    segment: str | None = None
    language: str | None = None
    created_at: datetime | None = None
    source: str = "real"
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Employee:
    employee_id: str
    name: str | None = None
    function: str | None = None  # service, sales, marketing, operations, ...
    skills: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    pod_id: str | None = None
    capacity: int = 1
    hired_at: datetime | None = None
    source: str = "real"
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Turn:
    interaction_id: str
    seq: int  # ordering key within the interaction (position, or a source id that grows in time)
    speaker: Speaker
    text: str
    ts: datetime | None = None
    author_id: str | None = None
    language: str | None = None
    language_score: float | None = None


@dataclass(slots=True)
class Interaction:
    interaction_id: str
    customer_id: str | None
    channel: Channel
    started_at: datetime | None = None
    ended_at: datetime | None = None
    employee_id: str | None = None
    queue: str | None = None
    need: str | None = None
    source: str = "real"
    attributes: dict[str, Any] = field(default_factory=dict)
    turns: list[Turn] = field(default_factory=list)


@dataclass(slots=True)
class Outcome:
    outcome_id: str
    kind: OutcomeKind
    value: float
    ts: datetime | None = None
    interaction_id: str | None = None
    customer_id: str | None = None
    employee_id: str | None = None
    source: str = "real"


@dataclass(slots=True)
class Transaction:
    transaction_id: str
    customer_id: str
    ts: datetime
    amount: float
    quantity: int = 1
    source: str = "real"


@dataclass(slots=True)
class Pod:
    pod_id: str
    name: str
    functions: list[str] = field(default_factory=list)
    member_ids: list[str] = field(default_factory=list)
    segments: list[str] = field(default_factory=list)
