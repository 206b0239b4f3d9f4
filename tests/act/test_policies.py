"""The empathy routing policy: triage, pod, best member, fallbacks, and a small simulation."""

from __future__ import annotations

from pathlib import Path

from empathos.act.policies import EmpathyPolicy
from empathos.act.routing import ContactRequest, MemberState, PodState, get_policy

EXPLORER = {"emotional_reaction": 0.2, "interpretation": 0.7, "exploration": 0.8}
REACTOR = {"emotional_reaction": 0.8, "interpretation": 0.2, "exploration": 0.1}


def member(
    eid: str,
    *,
    pod: str = "pod-1",
    langs: tuple[str, ...] = ("de",),
    skills: tuple[str, ...] = ("billing",),
    empathy: dict[str, float] | None = None,
    idle_since: float = 0.0,
) -> MemberState:
    return MemberState(
        employee_id=eid,
        pod_id=pod,
        function="service",
        skills=frozenset(skills),
        languages=frozenset(langs),
        idle_since=idle_since,
        empathy=dict(empathy or {}),
    )


def state(*members: MemberState, now: float = 100.0) -> PodState:
    return PodState.from_members(members, now=now)


def contact(**kw: object) -> ContactRequest:
    base: dict[str, object] = {
        "contact_id": "c-1",
        "customer_id": "cu-1",
        "channel": "voice",
        "need": "billing",
        "language": "de",
        "pod_id": "pod-1",
    }
    return ContactRequest(**{**base, **kw})  # type: ignore[arg-type]


def test_registered_as_empathy() -> None:
    p = get_policy("empathy")
    assert isinstance(p, EmpathyPolicy) and p.name == "empathy"


def test_calm_self_service_goes_to_the_bot_upset_one_to_a_person() -> None:
    s = state(member("e-1", skills=("account",)))
    calm = contact(
        channel="self_service", need="account", emotion="neutral", valence=0.1, intensity=0.2
    )
    d = EmpathyPolicy().route(calm, s)
    assert d.to_automation and d.employee_id is None and "calm_simple" in d.reason
    upset = contact(
        channel="self_service", need="account", emotion="anger", valence=-0.7, intensity=0.8
    )
    d = EmpathyPolicy().route(upset, s)
    assert not d.to_automation and d.employee_id == "e-1" and "triage high_intensity" in d.reason


def test_anxious_customer_gets_the_explorer_with_every_member_scored() -> None:
    s = state(
        member("e-react", empathy=REACTOR, idle_since=0.0),
        member("e-explore", empathy=EXPLORER, idle_since=90.0),
        member("e-fr", langs=("fr",)),
    )
    d = EmpathyPolicy().route(contact(emotion="anxiety", valence=-0.5, intensity=0.7), s)
    assert d.employee_id == "e-explore" and d.pod_id == "pod-1" and not d.fell_back
    assert set(d.scores) == {"e-react", "e-explore", "e-fr"}
    assert d.scores["e-explore"] == max(d.scores.values())
    assert "owner pod" in d.reason and "exploration" in d.reason
    # fifo would have taken the longest idle qualified member instead
    assert get_policy("fifo").route(contact(), s).employee_id == "e-react"


def test_decide_explains_the_same_decision_route_makes() -> None:
    s = state(
        member("e-1", empathy=REACTOR), member("e-2", empathy=EXPLORER), member("e-3", pod="pod-2")
    )
    c = contact(emotion="frustration", valence=-0.4, intensity=0.6)
    p = EmpathyPolicy()
    full = p.decide(c, s)
    fast = p.route(c, s)
    assert full.decision.employee_id == fast.employee_id and full.decision.scores == fast.scores
    assert full.decision.reason == fast.reason
    assert full.pod_id == "pod-1" and full.triage.rule == "channel_not_automated"
    assert [m.employee_id for m in full.members][0] == fast.employee_id and len(full.members) == 3


def test_waits_then_overflows_like_fifo_and_says_it_fell_back() -> None:
    s = state(
        member("e-en", langs=("en",), idle_since=0.0),
        member("e-de-tech", skills=("technical",), idle_since=20.0),
    )
    p = EmpathyPolicy(overflow_after_min=1.0, any_agent_after_min=5.0)
    waiting = p.route(contact(waited_min=0.0), s)
    assert waiting.queued and waiting.pod_id == "pod-1" and "waiting" in waiting.reason
    d = p.route(contact(waited_min=2.0), s)
    assert d.employee_id == "e-de-tech" and d.fell_back and "overflow" in d.reason
    only_en = state(member("e-en", langs=("en",)))
    assert p.route(contact(waited_min=2.0), only_en).queued
    d = p.route(contact(waited_min=6.0), only_en)
    assert d.employee_id == "e-en" and d.fell_back
    busy = member("e-busy")
    busy.load = 1
    assert p.route(contact(waited_min=60.0), state(busy)).queued


def test_scoring_failure_falls_back_to_fifo_and_says_so() -> None:
    s = state(member("e-1"), member("e-2", idle_since=50.0))
    broken = EmpathyPolicy(rapport={"cu-1": {"e-1": "not a number"}})  # type: ignore[dict-item]
    d = broken.route(contact(), s)
    assert (
        d.employee_id == "e-1" and d.fell_back and "empathy scoring failed (TypeError" in d.reason
    )
    assert broken.decide(contact(), s).error is not None


def test_simulation_runs_with_the_empathy_policy(tmp_path: Path) -> None:
    from empathos.simulate import preset, run_simulation

    rep = run_simulation(
        preset("small", seed=3, customers=300, days=3),
        tmp_path,
        progress=False,
        policy=get_policy("empathy"),
    )
    assert rep.policy == "empathy" and rep.contacts > 0 and rep.resolved > 0
    assert (tmp_path / "interactions.jsonl").stat().st_size > 0


def test_bot_bridges_soft_cases_only_when_nobody_qualified_is_free() -> None:
    busy = member("e-busy", skills=("complaint",))
    busy.load = 1
    complaint = contact(
        channel="self_service", need="complaint", emotion="neutral", valence=0.0, intensity=0.3
    )
    d = EmpathyPolicy().route(complaint, state(busy))
    assert (
        d.to_automation and d.fell_back and "bot tries first" in d.reason
    )  # soft rule: complex_need
    assert EmpathyPolicy(bot_when_busy=False).route(complaint, state(busy)).queued
    intense = contact(
        channel="self_service", need="complaint", emotion="anger", valence=-0.8, intensity=0.9
    )
    assert EmpathyPolicy().route(intense, state(busy)).queued  # high intensity waits for a person
    assert (
        EmpathyPolicy()
        .route(contact(channel="self_service", need="complaint", bot_tried=True), state(busy))
        .queued
    )
    free = member("e-free", skills=("complaint",))
    d = EmpathyPolicy().route(complaint, state(busy, free))
    assert d.employee_id == "e-free" and not d.to_automation and not d.fell_back
