"""The Thompson-sampling routing bandit: learns, explores within bounds, obeys eligibility."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from empathos.act.routing import (
    ContactRequest,
    FifoSkillsPolicy,
    MemberState,
    PodState,
    RoutingPolicy,
    get_policy,
)
from empathos.learn.bandit import BanditPolicy, BayesLinear


def member(
    eid: str,
    langs: set[str] = frozenset({"en"}),
    skills: set[str] = frozenset({"billing"}),
    idle_since: float = 0.0,
) -> MemberState:
    return MemberState(
        employee_id=eid,
        pod_id="pod-1",
        function="service",
        skills=frozenset(skills),
        languages=frozenset(langs),
        idle_since=idle_since,
    )


def pod_state(*members: MemberState, now: float = 100.0) -> PodState:
    return PodState.from_members(members, now=now)


def contact(i: int = 1, **kw: object) -> ContactRequest:
    base: dict[str, object] = {
        "contact_id": f"c-{i}",
        "customer_id": f"cu-{i}",
        "channel": "chat",
        "need": "billing",
        "language": "en",
    }
    return ContactRequest(**{**base, **kw})  # type: ignore[arg-type]


MEANS = {"e-0": 0.0, "e-1": 0.05, "e-2": 0.35, "e-3": -0.1, "e-4": 0.1}
"""A planted problem: e-2 ends contacts 0.25–0.45 better than everyone else."""


def play(choose, n: int, seed: int, bandit: BanditPolicy | None = None) -> tuple[float, list[str]]:
    """n contacts, all five members free; reward = member mean + N(0, 0.3²); the bandit
    (if given) learns each outcome."""
    rng = random.Random(seed)
    state = pod_state(*(member(e, idle_since=float(i)) for i, e in enumerate(MEANS)))
    total, picks = 0.0, []
    for i in range(n):
        c = contact(i, valence=rng.uniform(-0.8, 0.4), intensity=rng.uniform(0, 1))
        eid = choose(c, state)
        r = MEANS[eid] + rng.gauss(0.0, 0.3)
        total += r
        picks.append(eid)
        if bandit is not None:
            bandit.learn(c, (eid,), {"remembered": r, "churn_probability": 0.0, "resolved": 1.0})
    return total, picks


def test_bayes_linear_recovers_planted_weights() -> None:
    rng = np.random.default_rng(0)
    w = np.array([0.3, -0.5, 0.2])
    m = BayesLinear(3, prior_var=1.0, noise_var=0.04)
    for _ in range(2000):
        x = np.r_[1.0, rng.uniform(-1, 1, 2)]
        m.learn_one(x, float(x @ w + rng.normal(0, 0.2)))
    assert np.allclose(m.mean, w, atol=0.03)
    assert m.variance_one(np.array([1.0, 0.0, 0.0])) < 1e-3 and m.n == 2000


def test_learns_the_planted_best_member_faster_than_random() -> None:
    for seed in (1, 2, 3):
        bandit = BanditPolicy(seed=seed)
        total_b, picks = play(lambda c, s, b=bandit: b.route(c, s).employee_id, 600, seed, bandit)
        rng = random.Random(seed + 100)
        total_r, _ = play(lambda c, s, r=rng: r.choice(list(s.free)), 600, seed)
        # random earns the average (≈ 0.08 per contact); the bandit must be far ahead
        assert total_b - total_r > 0.15 * 600, (seed, total_b, total_r)
        late = picks[300:]
        assert late.count("e-2") / len(late) > 0.8
        assert bandit.predict_one(contact(0), "e-2") > max(
            bandit.predict_one(contact(0), e) for e in MEANS if e != "e-2"
        )


def route_and_learn(
    bandit: BanditPolicy, c: ContactRequest, state: PodState, rng: random.Random
) -> str:
    eid = bandit.route(c, state).employee_id
    assert eid is not None
    bandit.learn(
        c,
        (eid,),
        {"remembered": MEANS[eid] + rng.gauss(0.0, 0.3), "churn_probability": 0.0, "resolved": 1.0},
    )
    return eid


def test_exploration_is_bounded_and_every_exploratory_choice_is_logged() -> None:
    rng = random.Random(5)
    bandit = BanditPolicy(seed=5, max_regret=0.1, log_size=10_000)
    state = pod_state(*(member(e) for e in MEANS))
    for i in range(800):
        route_and_learn(bandit, contact(i, valence=-0.3, intensity=0.5), state, rng)
    assert bandit.n_decisions == 800
    assert 0 < bandit.n_explored == len(bandit.explorations) < 800
    assert all(0.0 <= e.expected_gap <= 0.1 for e in bandit.explorations)
    assert all(e.chosen != e.greedy for e in bandit.explorations)
    # the regret bound bit: the clearly worst member is never tried once the posterior knows
    late = [e.chosen for e in bandit.explorations if int(e.contact_id[2:]) >= 400]
    assert "e-3" not in late


def test_no_exploration_when_the_bound_is_zero() -> None:
    rng = random.Random(6)
    bandit = BanditPolicy(seed=6, max_regret=0.0)
    state = pod_state(*(member(e) for e in MEANS))
    for i in range(300):
        route_and_learn(bandit, contact(i), state, rng)
    assert bandit.n_explored == 0 and not bandit.explorations and bandit.n_capped > 0


members_st = st.lists(
    st.tuples(
        st.sets(st.sampled_from(["en", "de"]), min_size=1),
        st.sets(st.sampled_from(["billing", "sales"])),
        st.booleans(),
        st.floats(0, 50),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=120, deadline=None)
@given(
    members_st,
    st.sampled_from(["en", "de"]),
    st.sampled_from(["billing", "sales"]),
    st.sampled_from([0.0, 2.0, 10.0]),
    st.booleans(),
    st.sampled_from(["chat", "self_service"]),
)
def test_respects_eligibility_and_falls_back_like_fifo(
    members, language, need, waited, exclude_first, channel
) -> None:  # noqa: ANN001
    ms = []
    for i, (langs, skills, busy, idle) in enumerate(members):
        m = member(f"e-{i}", langs, skills, idle_since=idle)
        m.load = m.capacity if busy else 0
        ms.append(m)
    state = pod_state(*ms)
    excluded = ("e-0",) if exclude_first else ()
    c = contact(
        language=language,
        need=need,
        waited_min=waited,
        exclude_employee_ids=excluded,
        channel=channel,
    )
    bandit = BanditPolicy(seed=1)
    fifo = FifoSkillsPolicy().route(c, state)
    d = bandit.route(c, state)
    if fifo.employee_id is None or fifo.fell_back:  # queue, automation or overflow: fifo's decision
        assert (d.employee_id, d.to_automation, d.fell_back) == (
            fifo.employee_id,
            fifo.to_automation,
            fifo.fell_back,
        )
        return
    chosen = state.members[d.employee_id]
    assert d.employee_id in state.free and d.employee_id not in excluded
    assert language in chosen.languages and need in chosen.skills
    assert not d.fell_back


def test_overflow_picks_teach_nothing_about_the_member() -> None:
    """A member who took a contact without the skill (fifo's overflow) is not blamed for
    how it went: only qualified routings are evidence of fit."""
    bandit = BanditPolicy(seed=1)
    state = pod_state(member("e-sales", skills={"sales"}))
    c = contact(1, waited_min=2.0)  # billing, nobody qualified: overflow after 1 minute
    d = bandit.route(c, state)
    assert d.employee_id == "e-sales" and d.fell_back
    bandit.learn(c, ("e-sales",), {"remembered": -1.0, "churn_probability": 0.0, "resolved": 0.0})
    assert bandit.n_learned == 0
    # contacts another policy routed (a control arm): judged by the member's skills now
    state2 = pod_state(member("e-1"), member("e-2", skills={"sales"}))
    bandit.route(contact(2), state2)
    bandit.learn(contact(3), ("e-2",), {"remembered": -1.0})  # no billing skill: not evidence
    bandit.learn(contact(4), ("e-1",), {"remembered": 0.5})  # qualified: learned
    assert bandit.n_learned == 1 and bandit.members["e-1"].n == 1


def test_registered_and_a_routing_policy() -> None:
    p = get_policy("bandit", seed=3)
    assert isinstance(p, RoutingPolicy) and p.name == "bandit"
    with pytest.raises(ValueError, match="available"):
        BanditPolicy(reward="no-such-reward")


def test_works_inside_a_small_simulation(tmp_path: Path) -> None:
    """Contract: the simulator calls ``learn`` when each contact ends; the bandit routes and
    learns every member it is given, and the run completes like any other policy."""
    from empathos.simulate import SimulationConfig, run_simulation

    bandit = BanditPolicy(seed=2)
    report = run_simulation(
        SimulationConfig(customers=300, days=10, seed=3), tmp_path, progress=False, policy=bandit
    )
    assert report.policy == "bandit" and report.contacts > 100
    served = report.contacts - report.abandoned - report.bot_resolved
    # served contacts are credited to their qualified members (overflow picks are not evidence of
    # fit)
    assert 0.5 * served < bandit.n_learned <= 3 * served
    assert bandit.n_decisions > 0 and len(bandit.members) >= 2
    assert bandit.stats()["explore_rate"] < 1.0


def test_warm_start_learns_from_the_stored_history(sqlite_store, tmp_path: Path) -> None:
    """Stored, annotated contacts teach a fresh bandit; its member estimates then track
    the members' mean stored remembered score (what it was taught)."""
    from sqlalchemy import select

    from empathos.learn.bandit import warm_start
    from empathos.simulate import SimulationConfig, run_simulation
    from empathos.simulate.store import store_simulation
    from empathos.store.schema import interaction_scores, interactions
    from empathos.understand.pipeline import analyze

    run_simulation(
        SimulationConfig(customers=300, days=7, seed=8, contacts_per_customer_day=0.08),
        tmp_path / "sim",
        progress=False,
    )
    store_simulation(tmp_path / "sim", sqlite_store)
    analyze(sqlite_store, "lexicon", "lexicon", progress=False)
    with sqlite_store.connect() as conn:
        rows = conn.execute(
            select(interactions.c.employee_id, interaction_scores.c.remembered)
            .select_from(
                interactions.join(
                    interaction_scores,
                    interaction_scores.c.interaction_id == interactions.c.interaction_id,
                )
            )
            .where(
                interactions.c.employee_id.is_not(None),
                interaction_scores.c.remembered.is_not(None),
            )
        ).all()
    bandit = BanditPolicy(seed=0)
    assert warm_start(bandit, sqlite_store) == len(rows) > 50
    assert bandit.n_learned == len(rows) and set(bandit.members) == {r[0] for r in rows}
    by_member: dict[str, list[float]] = {}
    for eid, rem in rows:
        by_member.setdefault(eid, []).append(rem)
    busy = [e for e, v in by_member.items() if len(v) >= 8]
    typical = contact(0, valence=-0.2, intensity=0.4)
    est = [bandit.predict_one(typical, e) for e in busy]
    true = [float(np.mean(by_member[e])) for e in busy]
    r = np.corrcoef(est, true)[0, 1]
    assert len(busy) >= 4 and r > 0.5, (len(busy), r)
    with pytest.raises(ValueError):
        warm_start(bandit, sqlite_store, reward="retention")
