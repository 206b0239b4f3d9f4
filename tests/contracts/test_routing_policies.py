"""The routing contract, run on every installed routing policy.

What every policy must do, whatever its rule: be built with no arguments (the registry
and ``--policy NAME`` build it so; options have defaults), meet
:class:`~empathos.act.routing.RoutingPolicy`, and for any contact and pod state return a
:class:`~empathos.act.routing.RoutingDecision` that assigns only a free, not excluded
member (with that member's pod) — one who speaks the language and has the skill unless
the decision says it ``fell_back`` — or sends the contact to automation, or queues it;
never both automation and a person; never mutates the contact or the state; queues (or
automates) when nobody is free, even on an empty state; and, built the same way, decides
the same on the same input (seeded policies are seeded by default).
"""

from __future__ import annotations

from dataclasses import asdict

import pytest

from empathos import plugins
from empathos.act.routing import (
    ContactRequest,
    PodState,
    RoutingDecision,
    RoutingPolicy,
    get_policy,
)
from tests.act.builders import contact, member

POLICIES = plugins.names("routing_policies")


def contract_state() -> PodState:
    """Five members: one busy, one off shift, three free with different languages/skills."""
    busy = member("e-busy", {"de", "en"}, {"billing"}, idle_since=0.0)
    busy.load = 1
    off = member("e-off", {"de"}, {"billing"}, idle_since=0.0)
    off.on_shift = False
    return PodState.from_members(
        [
            busy,
            off,
            member("e-en", {"en"}, {"billing", "technical"}, idle_since=5.0, pod="pod-2"),
            member("e-de", {"de"}, {"technical"}, idle_since=8.0),
            member("e-pl", {"pl", "en"}, {"billing"}, idle_since=9.0, pod="pod-3"),
        ],
        now=100.0,
    )


CONTACTS = {
    "de-billing": contact(),
    "en-technical": contact(language="en", need="technical"),
    "pl-waited": contact(language="pl", waited_min=30.0),
    "fr-sales": contact(language="fr", need="sales", waited_min=0.0),
    "fr-sales-waited": contact(language="fr", need="sales", waited_min=60.0),
    "self-service": contact(channel="self_service"),
    "bot-tried-excluded": contact(
        channel="self_service", bot_tried=True, exclude_employee_ids=("e-en",)
    ),
    "upset-owner-pod": contact(
        pod_id="pod-2", emotion="anger", valence=-0.8, intensity=0.9, value=500.0
    ),
}


def snapshot(state: PodState) -> tuple:
    """Everything a policy could change in a state (members as plain dicts, free in order)."""
    return (
        state.now,
        {k: asdict(m) for k, m in state.members.items()},
        {k: list(v) for k, v in state.pod_members.items()},
        list(state.free),
        state.queue_length,
    )


def check_decision(d: object, c: ContactRequest, s: PodState) -> None:
    assert isinstance(d, RoutingDecision)
    assert not (d.to_automation and d.employee_id is not None)
    assert all(k in s.members for k in d.scores)
    if d.employee_id is None:
        return
    assert d.employee_id in s.free, "assigned a member who is not free"
    assert d.employee_id not in c.exclude_employee_ids
    m = s.members[d.employee_id]
    assert d.pod_id == m.pod_id
    if not d.fell_back:  # only a declared fallback may relax language or skill
        assert c.language in m.languages and c.need in m.skills


def test_policies_are_installed() -> None:
    """The suite's parametrisation is not empty (every built-in is pinned in test_plugins)."""
    assert POLICIES


@pytest.mark.parametrize("name", POLICIES)
def test_builds_with_no_arguments(name: str) -> None:
    policy = get_policy(name)
    assert isinstance(policy, RoutingPolicy)
    assert isinstance(policy.name, str) and policy.name


@pytest.mark.parametrize("case", list(CONTACTS))
@pytest.mark.parametrize("name", POLICIES)
def test_route_contract(name: str, case: str) -> None:
    """A valid decision that leaves the contact and the state untouched."""
    c, s = CONTACTS[case], contract_state()
    state_before, contact_before = snapshot(s), asdict(c)
    d = get_policy(name).route(c, s)
    check_decision(d, c, s)
    assert snapshot(s) == state_before, "the policy mutated the pod state"
    assert asdict(c) == contact_before, "the policy mutated the contact"


@pytest.mark.parametrize("name", POLICIES)
def test_deterministic_when_built_the_same_way(name: str) -> None:
    first, second = get_policy(name), get_policy(name)
    for c in CONTACTS.values():
        a, b = first.route(c, contract_state()), second.route(c, contract_state())
        assert (a.to_automation, a.pod_id, a.employee_id, a.fell_back) == (
            b.to_automation,
            b.pod_id,
            b.employee_id,
            b.fell_back,
        )


@pytest.mark.parametrize("name", POLICIES)
def test_nobody_free_queues_or_automates(name: str) -> None:
    """All busy or off shift, or no members at all: nobody can be assigned."""
    busy = contract_state()
    for m in busy.members.values():
        m.load = m.capacity
    busy.free.clear()
    for s in (busy, PodState(), PodState(now=50.0)):
        for c in CONTACTS.values():
            d = get_policy(name).route(c, s)
            check_decision(d, c, s)
            assert d.employee_id is None and d.pod_id in (None, *s.pod_members)


@pytest.mark.parametrize("name", POLICIES)
def test_routes_a_stream_with_the_state_kept_by_the_caller(name: str) -> None:
    """The caller assigns what the policy chose (as the simulator does) and the policy keeps
    choosing only members still free (a learning policy's memory of earlier decisions must
    not send work to someone now busy)."""
    policy, s = get_policy(name), contract_state()
    for k in range(12):
        c = contact(contact_id=f"c-{k}", language=("de", "en", "pl")[k % 3], waited_min=60.0)
        d = policy.route(c, s)
        check_decision(d, c, s)
        if d.employee_id is not None:
            m = s.members[d.employee_id]
            m.load += 1
            if not m.available:
                del s.free[d.employee_id]
