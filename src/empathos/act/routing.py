"""Routing: given a new contact and the state of the pods, decide who handles it.

This is the one interface every router in Empathos implements — the simulator routes
through it, and the act stage's live router does too — so a policy tried in simulation is
the policy that runs in production. A policy is *pure decision*: it reads the contact and
the pod state and returns a :class:`RoutingDecision`; it never mutates the state (the
caller assigns the employee, queues the contact, or hands it to automation).

Policies are named plug-ins (:mod:`empathos.plugins`, kind ``routing_policies``): one class
and one entry point in ``pyproject.toml`` make ``--policy fifo|empathy|...`` work, in every
process, whatever was imported before. An unknown name fails with the list of available
ones. A policy that learns from outcomes meets :class:`LearningPolicy` as well.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from empathos import plugins


@dataclass(slots=True)
class ContactRequest:
    """A contact waiting for a decision: what is known about it *at this moment*.

    Emotion fields are what the understand stage would see on the customer's first turn
    (in the simulator: the true state, unless the caller hides it). ``waited_min`` grows
    while the contact waits, so a policy can widen its choice over time (skill overflow).
    """

    contact_id: str
    customer_id: str
    channel: str
    need: str
    language: str
    segment: str | None = None
    pod_id: str | None = None  # the pod that owns this customer
    emotion: str | None = None
    valence: float = 0.0  # -1 … 1
    intensity: float = 0.0  # 0 … 1
    value: float = 0.0  # e.g. CLV or value at risk, in currency units
    churn_risk: float | None = None
    waited_min: float = 0.0
    transfers: int = 0
    attempt: int = 0  # 0 = first contact about this need, 1+ = re-contacts
    bot_tried: bool = False
    exclude_employee_ids: tuple[str, ...] = ()  # e.g. the agent who just transferred it


@dataclass(slots=True)
class MemberState:
    """One pod member as a router sees them: who they are and whether they can take work."""

    employee_id: str
    pod_id: str
    function: str
    skills: frozenset[str]
    languages: frozenset[str]
    capacity: int = 1
    load: int = 0  # contacts in progress
    idle_since: float = 0.0  # minutes since simulation/epoch start when load last hit 0
    on_shift: bool = True
    active: bool = True  # False once the employee has left
    competence: float = 0.5  # 0 … 1, as estimated (the simulator exposes the truth)
    empathy: dict[str, float] = field(default_factory=dict)  # mechanism -> usage rate

    @property
    def available(self) -> bool:
        """Can take one more contact now."""
        return self.active and self.on_shift and self.load < self.capacity


@dataclass(slots=True)
class PodState:
    """The live state of the contact centre that a policy reads.

    ``free`` holds the ids of members with spare capacity, in the order they became free
    (so the first qualified one is the longest idle). The owner keeps it up to date;
    policies must treat the whole object as read-only.
    """

    now: float = 0.0  # minutes since the epoch of the caller (simulation start)
    members: dict[str, MemberState] = field(default_factory=dict)
    pod_members: dict[str, list[str]] = field(default_factory=dict)
    free: dict[str, None] = field(default_factory=dict)  # ordered set of available ids
    queue_length: int = 0

    @classmethod
    def from_members(cls, members: Iterable[MemberState], now: float = 0.0) -> PodState:
        """A state holding ``members`` (grouped by pod; the available ones free, in the
        given order) -- how a caller with its own roster, or a test, builds one."""
        state = cls(now=now)
        for m in members:
            state.members[m.employee_id] = m
            state.pod_members.setdefault(m.pod_id, []).append(m.employee_id)
            if m.available:
                state.free[m.employee_id] = None
        return state


@dataclass(slots=True)
class RoutingDecision:
    """What a policy decided: automation, a person (pod + employee), or wait in the queue.

    ``scores`` holds the policy's score for every member it considered (higher = better),
    so decisions can be explained and learned from; ``fell_back`` says the policy could not
    apply its preferred rule (no qualified agent free, model failure) and used a fallback.
    """

    to_automation: bool = False
    pod_id: str | None = None
    employee_id: str | None = None
    scores: dict[str, float] = field(default_factory=dict)
    reason: str = ""
    fell_back: bool = False

    @property
    def queued(self) -> bool:
        """Neither automation nor a person: the contact waits."""
        return not self.to_automation and self.employee_id is None


@runtime_checkable
class RoutingPolicy(Protocol):
    """Anything with a ``name`` and a ``route`` method is a routing policy."""

    name: str

    def route(self, contact: ContactRequest, state: PodState) -> RoutingDecision:
        """Decide for ``contact`` given ``state``; must not mutate either."""
        ...


@runtime_checkable
class LearningPolicy(RoutingPolicy, Protocol):
    """A routing policy that learns from what happened: river's two-method habit, ``route``
    then ``learn``. Whoever runs a policy (the simulator, a pilot, an experiment) calls
    ``learn`` once per finished contact when ``isinstance(policy, LearningPolicy)``, so the
    hook is a declared protocol, not an attribute found by luck."""

    def learn(
        self, contact: ContactRequest, served_by: Sequence[str], outcome: Mapping[str, float]
    ) -> None:
        """``contact`` ended; ``served_by`` the members who handled it, in order;
        ``outcome`` its measured results (e.g. ``remembered``, ``resolved``)."""
        ...


class UnknownPolicyError(plugins.UnknownPluginError, ValueError):
    """An unknown policy name; the message lists the available ones. Both a ``KeyError``
    (like every unknown plug-in) and a ``ValueError`` (what ``get_policy`` raised before the
    registry, and what callers of a bad ``--policy`` still catch)."""


def available_policies() -> list[str]:
    """Names of the installed policies, sorted; the same whatever was imported before."""
    return plugins.names("routing_policies")


def get_policy(name: str, **kwargs: object) -> RoutingPolicy:
    """Build the policy registered as ``name``; an unknown name lists the available ones."""
    try:
        factory = plugins.load("routing_policies", name)
    except plugins.UnknownPluginError as exc:
        raise UnknownPolicyError(exc.message) from None
    return factory(**kwargs)


@dataclass
class FifoSkillsPolicy:
    """The baseline every other policy is measured against: FIFO, skills-based.

    1. Self-service contacts that have not tried the bot go to automation.
    2. Otherwise the longest-idle free member who speaks the customer's language *and*
       has the skill for the need takes it.
    3. If none is free, the contact waits ``overflow_after_min`` minutes for one (the
       usual "expand the skill group after N seconds"); after that any free member who
       speaks the language takes it, and after ``any_agent_after_min`` any free member at
       all (language, then skill match preferred). Either way the decision says ``fell_back``.
    4. If nobody is free, it queues. Queued contacts are served in arrival order.

    Scores are idle minutes of each member considered (longer idle = higher).
    """

    overflow_after_min: float = 1.0
    any_agent_after_min: float = 3.0
    name: str = "fifo"

    def route(self, contact: ContactRequest, state: PodState) -> RoutingDecision:
        if contact.channel == "self_service" and not contact.bot_tried:
            return RoutingDecision(to_automation=True, reason="self-service: bot first")
        members = state.members
        now = state.now
        excluded = contact.exclude_employee_ids
        scores: dict[str, float] = {}
        best: MemberState | None = None
        for eid in state.free:  # ordered by when they became free
            m = members[eid]
            if (
                eid in excluded
                or contact.language not in m.languages
                or contact.need not in m.skills
            ):
                continue
            scores[eid] = now - m.idle_since
            if best is None or m.idle_since < best.idle_since:
                best = m
        if best is not None:
            return RoutingDecision(
                pod_id=best.pod_id,
                employee_id=best.employee_id,
                scores=scores,
                reason="longest-idle member with language and skill",
            )
        if contact.waited_min < self.overflow_after_min:
            return RoutingDecision(reason="waiting for a qualified member", scores=scores)
        return self._overflow(contact, state)

    def _overflow(self, contact: ContactRequest, state: PodState) -> RoutingDecision:
        """Any free member: language match first, then skill, then longest idle."""
        best_key: tuple[int, int, float] | None = None
        best: MemberState | None = None
        scores: dict[str, float] = {}
        any_language = contact.waited_min >= self.any_agent_after_min
        for eid in state.free:
            if eid in contact.exclude_employee_ids:
                continue
            m = state.members[eid]
            if not any_language and contact.language not in m.languages:
                continue
            key = (
                0 if contact.language in m.languages else 1,
                0 if contact.need in m.skills else 1,
                m.idle_since,
            )
            scores[eid] = state.now - m.idle_since
            if best_key is None or key < best_key:
                best_key, best = key, m
        if best is None:
            return RoutingDecision(reason="nobody free: queue", scores=scores)
        return RoutingDecision(
            pod_id=best.pod_id,
            employee_id=best.employee_id,
            scores=scores,
            reason="overflow: no qualified member free",
            fell_back=True,
        )
