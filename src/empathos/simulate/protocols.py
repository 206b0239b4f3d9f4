"""What one contact needs from the simulation it runs in, as a protocol.

``contact.py`` (one contact's SimPy process) is driven by ``engine.Simulation`` and calls
back into it: the clock and random stream, the staff and routing state, the queue, the
record writer and the running counts. Typing those calls against
:class:`ContactCentre` rather than ``Simulation`` keeps the dependency one-way
(``engine`` imports ``contact``, never the reverse) and says exactly which part of the
world a contact may touch. :class:`Tally` lives here for the same reason: both sides
write to it.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import simpy

from empathos.act.routing import ContactRequest, PodState, RoutingPolicy
from empathos.simulate.config import EffectSizes, SimulationConfig
from empathos.simulate.population import SimCustomer, SimEmployee
from empathos.simulate.text import UtteranceCounter
from empathos.simulate.writer import Clock, RecordWriter


@dataclass(slots=True)
class Tally:
    """Running counts for the report."""

    contacts: int = 0
    abandoned: int = 0
    transfers: int = 0
    bot_resolved: int = 0
    bot_handoffs: int = 0
    resolved: int = 0
    fell_back: int = 0
    language_mismatch: int = 0
    churned_experience: int = 0
    churned_dropout: int = 0
    purchases: int = 0
    employees_left: int = 0
    hires: int = 0
    wait_sum: float = 0.0
    live_wait_sum: float = 0.0  # voice and chat only: email waits are hours and would dominate
    live_contacts: int = 0
    by_channel: dict[str, int] = field(default_factory=dict)


@runtime_checkable
class ContactCentre(Protocol):
    """The part of the simulated contact centre a contact reads and acts on."""

    config: SimulationConfig
    eff: EffectSizes
    rng: random.Random
    env: simpy.Environment
    clock: Clock
    writer: RecordWriter
    tally: Tally
    utterances: UtteranceCounter
    policy: RoutingPolicy
    state: PodState
    employees: dict[str, SimEmployee]
    learn_hook: Callable[[ContactRequest, tuple[str, ...], dict[str, float]], None] | None

    def next_id(self, kind: str) -> str:
        """A new identifier of ``kind`` (``c`` contact, ``o`` outcome, ...)."""
        ...

    def is_open(self, t: float) -> bool:
        """Are the live channels staffed at minute ``t``?"""
        ...

    def acquire(
        self, req: ContactRequest, patience: float
    ) -> Generator[simpy.Event, Any, tuple[str | None, float]]:
        """Route ``req``, queueing it up to ``patience`` minutes: (employee or None, waited)."""
        ...

    def release(self, eid: str) -> None:
        """``eid`` finished a contact: free the slot."""
        ...

    def churn_later(self, c: SimCustomer, delay: float) -> Generator[simpy.Event, Any, None]:
        """A process: the customer churns after ``delay`` minutes."""
        ...

    def later_contact(
        self, delay: float, cust: SimCustomer, need: str, channel: str, attempt: int
    ) -> Generator[simpy.Event, Any, None]:
        """A process: the customer contacts again after ``delay`` minutes."""
        ...
