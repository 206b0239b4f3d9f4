"""The routing interface and the FIFO skills-based baseline."""

from __future__ import annotations

import pytest

from empathos.act.routing import (
    FifoSkillsPolicy,
    RoutingDecision,
    RoutingPolicy,
    available_policies,
    get_policy,
)
from tests.act.builders import contact, member, state


def test_registry_builds_fifo_and_lists_available_on_unknown_name() -> None:
    assert "fifo" in available_policies()
    policy = get_policy("fifo")
    assert isinstance(policy, RoutingPolicy) and policy.name == "fifo"
    with pytest.raises(ValueError, match="available: .*fifo"):
        get_policy("no-such-policy")


def test_picks_a_member_with_language_and_skill_over_longer_idle_unqualified() -> None:
    s = state(
        member("e-en", {"en"}, {"billing"}, idle_since=0.0),  # idle longest, wrong language
        member("e-de-tech", {"de"}, {"technical"}, idle_since=10.0),  # right language, wrong skill
        member("e-de-bill", {"de", "en"}, {"billing"}, idle_since=50.0),
    )
    d = FifoSkillsPolicy().route(contact(), s)
    assert d.employee_id == "e-de-bill" and d.pod_id == "pod-1"
    assert not d.fell_back and not d.queued
    assert set(d.scores) == {"e-de-bill"} and d.scores["e-de-bill"] == pytest.approx(50.0)


def test_longest_idle_qualified_member_wins() -> None:
    s = state(
        member("e-1", {"de"}, {"billing"}, idle_since=30.0),
        member("e-2", {"de"}, {"billing"}, idle_since=5.0),
    )
    assert FifoSkillsPolicy().route(contact(), s).employee_id == "e-2"


def test_waits_for_a_qualified_member_then_overflows_by_language_then_to_anyone() -> None:
    s = state(
        member("e-en", {"en"}, {"billing"}, idle_since=0.0),
        member("e-de", {"de"}, {"technical"}, idle_since=20.0),
    )
    policy = FifoSkillsPolicy(overflow_after_min=1.0, any_agent_after_min=5.0)
    assert policy.route(contact(waited_min=0.0), s).queued
    d = policy.route(contact(waited_min=2.0), s)
    assert d.employee_id == "e-de" and d.fell_back  # speaks German, lacks the skill
    only_en = state(member("e-en", {"en"}, {"billing"}))
    assert policy.route(contact(waited_min=2.0), only_en).queued
    d = policy.route(contact(waited_min=6.0), only_en)
    assert d.employee_id == "e-en" and d.fell_back


def test_nobody_free_means_queue() -> None:
    busy = member("e-1", {"de"}, {"billing"})
    busy.load = busy.capacity
    off = member("e-2", {"de"}, {"billing"})
    off.on_shift = False
    gone = member("e-3", {"de"}, {"billing"})
    gone.active = False
    d = FifoSkillsPolicy().route(contact(waited_min=60.0), state(busy, off, gone))
    assert isinstance(d, RoutingDecision) and d.queued and d.employee_id is None


def test_self_service_goes_to_the_bot_first_then_to_people() -> None:
    s = state(member("e-1", {"de"}, {"billing"}))
    assert FifoSkillsPolicy().route(contact(channel="self_service"), s).to_automation
    assert (
        FifoSkillsPolicy().route(contact(channel="self_service", bot_tried=True), s).employee_id
        == "e-1"
    )


def test_excluded_member_is_not_chosen_again_after_a_transfer() -> None:
    s = state(
        member("e-1", {"de"}, {"billing"}, idle_since=0.0),
        member("e-2", {"de"}, {"billing"}, idle_since=9.0),
    )
    assert FifoSkillsPolicy().route(contact(exclude_employee_ids=("e-1",)), s).employee_id == "e-2"


def test_policy_does_not_mutate_state() -> None:
    s = state(member("e-1", {"de"}, {"billing"}))
    before = (dict(s.free), s.members["e-1"].load)
    FifoSkillsPolicy().route(contact(), s)
    assert (dict(s.free), s.members["e-1"].load) == before
