"""The vocabulary the stages share: channels, speakers, outcome kinds, and a purchase.

It follows DESIGN.md: an *interaction* is one contact on one channel, made of *turns* by a
customer, an employee or a bot; outcomes (CSAT, NPS, churn, ...) and transactions
(purchases) arrive later and are what the flywheel learns from.

Only what a stage actually uses lives here. Records travel between the stages as rows of
the store (``listen.records`` turns each raw record into them, and every later stage reads
the tables), so there are no dataclasses for customers, employees, interactions, turns,
outcomes or pods: nothing passed them, and their fields are documented once, with the
ingest formats, in docs/formats.md. The enumerations are what ``listen.parse`` accepts;
:class:`Transaction` is the input of ``predict.clv.transactions_frame``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


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
class Transaction:
    """One purchase: what the CLV model learns from."""

    transaction_id: str
    customer_id: str
    ts: datetime
    amount: float
    quantity: int = 1
    source: str = "imported"
