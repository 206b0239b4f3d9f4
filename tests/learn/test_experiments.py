"""Control groups: arm assignment (share and ON/OFF slices), the controlled policy, lift
estimators' coverage on data with a known effect, and the stored experiment's KPI report."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select

from empathos.act.routing import (
    ContactRequest,
    FifoSkillsPolicy,
    MemberState,
    PodState,
    RoutingDecision,
)
from empathos.learn.experiments import (
    CONTROL,
    TREATMENT,
    Assignment,
    ControlledPolicy,
    ExperimentConfig,
    assign_arm,
    end_experiment,
    experiment_report,
    start_experiment,
    store_assignments,
)
from empathos.learn.lift import bootstrap_lift, lift, proportion_lift, welch_lift

# ----------------------------------------------------------------------------- arms


@settings(max_examples=15, deadline=None)
@given(st.floats(0.05, 0.95), st.text(min_size=1, max_size=12))
def test_share_mode_puts_the_configured_share_in_control(share: float, salt: str) -> None:
    cfg = ExperimentConfig(name="x", control_share=share, salt=salt)
    n = 2000
    arms = [assign_arm(f"c-{i:07d}", cfg) for i in range(n)]
    observed = arms.count(CONTROL) / n
    assert abs(observed - share) < 5 * math.sqrt(share * (1 - share) / n)  # 5 SD: fails ~1 in 1.7M
    assert arms == [assign_arm(f"c-{i:07d}", cfg) for i in range(n)]  # deterministic


def test_share_edges_and_independent_salts() -> None:
    ids = [f"c-{i}" for i in range(2000)]
    assert {assign_arm(i, ExperimentConfig(control_share=0.0)) for i in ids} == {TREATMENT}
    assert {assign_arm(i, ExperimentConfig(control_share=1.0)) for i in ids} == {CONTROL}
    a = [assign_arm(i, ExperimentConfig(name="a", control_share=0.5)) for i in ids]
    b = [assign_arm(i, ExperimentConfig(name="b", control_share=0.5)) for i in ids]
    agree = sum(x == y for x, y in zip(a, b, strict=True)) / len(ids)
    assert 0.45 < agree < 0.55  # two experiments' splits are independent
    with pytest.raises(ValueError):
        ExperimentConfig(control_share=1.5)


@settings(max_examples=10, deadline=None)
@given(st.sampled_from([15.0, 30.0, 60.0]), st.floats(0.1, 0.9))
def test_cycle_mode_switches_whole_time_slices(cycle: float, share: float) -> None:
    cfg = ExperimentConfig(name="cyc", control_share=share, cycle_minutes=cycle)
    slices = 1500
    per_slice = []
    for k in range(slices):
        start = k * cycle
        arms = {
            assign_arm(f"c-{k}-{j}", cfg, now_min=start + t)
            for j, t in enumerate((0.0, cycle / 3, cycle - 1e-6))
        }
        assert len(arms) == 1  # every contact in a slice shares its arm
        per_slice.append(arms.pop())
    observed = per_slice.count(CONTROL) / slices
    assert abs(observed - share) < 5 * math.sqrt(share * (1 - share) / slices)
    # not a fixed alternation: the same clock time does not always land in the same arm
    same_slot = {
        assign_arm(f"c-{d}", cfg, now_min=d * 1440.0 + 1.0) for d in range(200)
    }  # 00:00 on 200 days
    assert same_slot == {CONTROL, TREATMENT}
    with pytest.raises(ValueError, match="now_min"):
        assign_arm("c-1", cfg)


# ----------------------------------------------------------------------------- policy


def pod_state(now: float = 10.0) -> PodState:
    s = PodState(now=now)
    for i in range(3):
        m = MemberState(
            employee_id=f"e-{i}",
            pod_id="p",
            function="service",
            skills=frozenset({"billing"}),
            languages=frozenset({"en"}),
            idle_since=float(i),
        )
        s.members[m.employee_id] = m
        s.pod_members.setdefault("p", []).append(m.employee_id)
        s.free[m.employee_id] = None
    return s


class LastIdle:
    """A treatment that picks the most recently freed member (the opposite of fifo)."""

    name = "last-idle"

    def __init__(self) -> None:
        self.learned: list[str] = []

    def route(self, contact: ContactRequest, state: PodState) -> RoutingDecision:
        eid = list(state.free)[-1]
        return RoutingDecision(pod_id="p", employee_id=eid, reason="last idle")

    def learn(
        self, contact: ContactRequest, served_by: tuple[str, ...], outcome: dict[str, float]
    ) -> None:
        self.learned.append(contact.contact_id)


def test_controlled_policy_routes_control_with_the_baseline_and_labels_the_arm() -> None:
    treat = LastIdle()
    p = ControlledPolicy(treat, FifoSkillsPolicy(), control_share=0.3, learn_from_control=False)
    state = pod_state()
    seen = {CONTROL: 0, TREATMENT: 0}
    for i in range(400):
        c = ContactRequest(
            contact_id=f"c-{i}", customer_id="cu", channel="chat", need="billing", language="en"
        )
        d = p.route(c, state)
        arm = assign_arm(c.contact_id, p.config, state.now)
        seen[arm] += 1
        assert d.reason.startswith(f"[{arm}] ")
        assert d.employee_id == ("e-0" if arm == CONTROL else "e-2")  # fifo: longest idle
        p.learn(c, (d.employee_id,), {"remembered": 0.0})
    assert seen[CONTROL] > 60 and seen[TREATMENT] > 200
    assert len(treat.learned) == seen[TREATMENT]  # learn_from_control=False
    assert p.arms() == {a.contact_id: a.arm for a in p.assignments} and len(p.assignments) == 400


def test_a_contact_keeps_its_arm_across_a_slice_boundary() -> None:
    p = ControlledPolicy(LastIdle(), FifoSkillsPolicy(), control_share=0.5, cycle_minutes=30.0)
    state = pod_state(now=0.0)
    c = ContactRequest(
        contact_id="c-1", customer_id="cu", channel="chat", need="billing", language="en"
    )
    first = p.route(c, state).reason.split("]")[0]
    for t in range(30, 3000, 30):  # re-routed while waiting, across many slices
        state.now = float(t)
        assert p.route(c, state).reason.split("]")[0] == first
    assert len(p.assignments) == 1


def test_controlled_policy_inside_a_small_simulation(tmp_path: Path) -> None:
    from empathos.learn.bandit import BanditPolicy
    from empathos.simulate import SimulationConfig, run_simulation

    bandit = BanditPolicy(seed=1)
    p = ControlledPolicy(bandit, "fifo", control_share=0.25)
    report = run_simulation(
        SimulationConfig(customers=300, days=10, seed=4), tmp_path, progress=False, policy=p
    )
    arms = p.arms()
    assert report.policy == "controlled:bandit/fifo"
    share = sum(a == CONTROL for a in arms.values()) / len(arms)
    assert len(arms) > 100 and abs(share - 0.25) < 0.1
    assert bandit.n_learned > 0  # the bandit learns from both arms by default


# ----------------------------------------------------------------------------- lift


@pytest.mark.parametrize("test", ["welch_t", "two_proportion_z"])
def test_ci_covers_the_true_difference_about_95_percent_of_the_time(test: str) -> None:
    rng = np.random.default_rng(42)
    reps, cover, detected = 400, 0, 0
    for _ in range(reps):
        if test == "welch_t":
            true = 0.1
            t, c = (
                rng.normal(0.1, 0.5, 300),
                rng.normal(0.0, 0.3, 150),
            )  # unequal variances and sizes
        else:
            true = 0.08
            t, c = (rng.random(400) < 0.38).astype(float), (rng.random(300) < 0.30).astype(float)
        r = lift("kpi", t, c, "simulated", test=test)
        cover += r.ci_low <= true <= r.ci_high
        detected += r.p_value < 0.05
        assert (
            r.test == test
            and r.source == "simulated"
            and (r.n_treatment, r.n_control) == (len(t), len(c))
        )
    assert 0.92 <= cover / reps <= 0.98
    assert detected / reps > 0.4  # some power at these sizes


def test_bootstrap_ci_covers_and_matches_welch_roughly() -> None:
    rng = np.random.default_rng(7)
    cover = 0
    reps = 80
    for k in range(reps):
        t, c = rng.exponential(1.2, 200), rng.exponential(1.0, 200)  # skewed, true diff 0.2
        b = bootstrap_lift("kpi", t, c, "simulated", n_boot=400, seed=k)
        cover += b.ci_low <= 0.2 <= b.ci_high
    assert cover / reps >= 0.85
    w = welch_lift("kpi", t, c, "simulated")
    assert abs((b.ci_high - b.ci_low) - (w.ci_high - w.ci_low)) < 0.3 * (w.ci_high - w.ci_low)


def test_no_effect_means_no_claim_and_too_little_data_means_no_number() -> None:
    rng = np.random.default_rng(1)
    false_pos = sum(
        welch_lift("k", rng.normal(0, 1, 100), rng.normal(0, 1, 100), "imported").significant
        for _ in range(400)
    )
    assert false_pos / 400 < 0.09
    r = welch_lift("k", [1.0], [0.0, 1.0], "imported")
    assert r.ci_low is None and r.p_value is None and not r.significant
    empty = proportion_lift("k", [], [1.0], "imported")
    assert empty.ci_high is None and empty.treatment_mean is None and empty.diff is None
    with pytest.raises(ValueError, match="available"):
        lift("k", [1, 2], [1, 2], "real", test="magic")


# ----------------------------------------------------------------------------- store


T0 = datetime(2026, 3, 2, 9, 0)


def _seed_store(engine: Engine, n: int = 60) -> dict[str, list[float]]:
    """n contacts alternating treatment/control with known remembered scores, outcomes,
    resolution and one churn each side; returns the remembered values per arm."""
    from empathos.store.schema import interaction_scores, interactions, outcomes

    inter, scores, outs = [], [], []
    values: dict[str, list[float]] = {TREATMENT: [], CONTROL: []}
    assigns = []
    for i in range(n):
        arm = TREATMENT if i % 2 == 0 else CONTROL
        iid = f"i-{i:03d}"
        at = T0 + timedelta(hours=i)
        rem = (0.2 if arm == TREATMENT else -0.1) + 0.01 * (i % 7)
        values[arm].append(rem)
        inter.append(
            {
                "interaction_id": iid,
                "customer_id": f"cu-{i}",
                "channel": "chat",
                "started_at": at,
                "ended_at": at + timedelta(minutes=5),
                "employee_id": "e-1",
                "queue": None,
                "need": "billing",
                "source": "simulated",
                "attributes": {},
            }
        )
        scores.append(
            {
                "interaction_id": iid,
                "model": "lexicon",
                "version": "1",
                "empathy_model": "lexicon",
                "empathy_version": "1",
                "customer_id": f"cu-{i}",
                "n_customer_turns": 2,
                "n_employee_turns": 2,
                "experienced": rem,
                "remembered": rem,
                "outcome": "improved" if arm == TREATMENT or i % 4 == 1 else "worsened",
                "n_empathetic": 0,
                "n_unhelpful": 0,
                "repeats": 0,
                "recontact": 0,
                "transfers": 0,
                "long_waits": 0,
                "channel_switch": 0,
                "effort_phrases": 0,
                "effort_score": 0.0,
                "details": {},
                "computed_at": T0,
            }
        )
        outs.append(
            {
                "outcome_id": f"o-r-{i}",
                "kind": "resolved",
                "value": 1.0 if arm == TREATMENT else float(i % 3 == 0),
                "ts": at + timedelta(minutes=6),
                "interaction_id": iid,
                "customer_id": f"cu-{i}",
                "employee_id": "e-1",
                "source": "simulated",
            }
        )
        assigns.append(Assignment(iid, arm, 60.0 * i, "e-1"))
    for i in (0, 1):  # one churn in each arm, 2 days after the contact
        outs.append(
            {
                "outcome_id": f"o-c-{i}",
                "kind": "churn",
                "value": 1.0,
                "ts": T0 + timedelta(hours=i, days=2),
                "interaction_id": None,
                "customer_id": f"cu-{i}",
                "employee_id": None,
                "source": "simulated",
            }
        )
    outs.append(
        {
            "outcome_id": "o-late",
            "kind": "resolved",
            "value": 1.0,
            "ts": T0 + timedelta(days=40),
            "interaction_id": None,
            "customer_id": "cu-x",
            "employee_id": None,
            "source": "simulated",
        }
    )
    with engine.begin() as conn:
        conn.execute(interactions.insert(), inter)
        conn.execute(interaction_scores.insert(), scores)
        conn.execute(outcomes.insert(), outs)
    cfg = ExperimentConfig(name="exp-1", treatment="bandit", control="fifo", control_share=0.5)
    start_experiment(engine, cfg, T0, source="simulated", details={"note": "test"})
    assert store_assignments(engine, "exp-1", assigns, epoch=T0) == n
    assert store_assignments(engine, "exp-1", assigns[:5], epoch=T0) == 5  # idempotent re-write
    return values


def test_experiment_is_stored_and_reported_with_cis_on_both_databases(engine: Engine) -> None:
    from empathos.store.tables_learn import experiment_assignments, experiments

    values = _seed_store(engine)
    end_experiment(engine, "exp-1", T0 + timedelta(days=3))
    with engine.connect() as conn:
        exp = conn.execute(select(experiments)).mappings().one()
        n_rows = conn.execute(select(experiment_assignments)).all()
    assert (
        exp["ended_at"] == T0 + timedelta(days=3)
        and exp["control_share"] == 0.5
        and exp["details"] == {"note": "test"}
    )
    assert len(n_rows) == 60

    rep = experiment_report(engine, "exp-1", churn_window_days=14, bootstrap=True)
    assert rep.source == "simulated" and (rep.n_treatment, rep.n_control) == (30, 30)
    assert rep.scores_model == "lexicon/1/lexicon/1"
    rem = rep.lift("remembered")
    assert rem.test == "welch_t" and (rem.n_treatment, rem.n_control) == (30, 30)
    assert rem.treatment_mean == pytest.approx(np.mean(values[TREATMENT]))
    assert rem.diff == pytest.approx(np.mean(values[TREATMENT]) - np.mean(values[CONTROL]))
    assert rem.ci_low <= rem.diff <= rem.ci_high and rem.significant
    assert {x.test for x in rep.lifts if x.kpi == "remembered"} == {"welch_t", "bootstrap"}
    improved = rep.lift("improved")
    assert improved.test == "two_proportion_z" and improved.treatment_mean == 1.0
    assert improved.control_mean == pytest.approx(sum(i % 4 == 1 for i in range(1, 60, 2)) / 30)
    resolved = rep.lift("resolved")
    assert resolved.treatment_mean == 1.0 and resolved.control_mean == pytest.approx(10 / 30)
    churn = rep.lift("churn_14d")  # every contact has a full 14-day window before the last event
    assert (churn.treatment_mean, churn.control_mean) == (
        pytest.approx(1 / 30),
        pytest.approx(1 / 30),
    )
    assert rep.to_dict()["lifts"][0]["kpi"] == "remembered"

    with pytest.raises(KeyError, match="known: exp-1"):
        experiment_report(engine, "nope")


def test_a_simulated_experiment_end_to_end_through_the_store(
    sqlite_store: Engine, tmp_path: Path
) -> None:
    """Simulator → controlled routing → store → analyze → report: the lift is measured on
    the *estimated* scores, and the report names its data source and sizes."""
    from empathos.simulate import SimulationConfig
    from empathos.understand.pipeline import analyze

    from empathos.learn.experiments import simulate_experiment

    cfg = ExperimentConfig(name="sim-exp", treatment="bandit", control="fifo", control_share=0.3)
    policy = simulate_experiment(
        sqlite_store, SimulationConfig(customers=120, days=6, seed=5), cfg, tmp_path / "sim"
    )
    analyze(sqlite_store, "lexicon", "lexicon", progress=False)
    rep = experiment_report(sqlite_store, "sim-exp", churn_window_days=3)
    assert rep.source == "simulated" and rep.scores_model is not None
    assert rep.n_treatment + rep.n_control <= len(policy.assignments)
    assert 0.15 < rep.n_control / (rep.n_treatment + rep.n_control) < 0.45
    kpis = {x.kpi for x in rep.lifts}
    assert {"remembered", "improved", "worsened", "resolved", "churn_3d"} <= kpis
    for x in rep.lifts:
        assert (
            x.n_treatment > 0
            and x.n_control > 0
            and x.ci_low <= x.diff <= x.ci_high
            and 0 <= x.p_value <= 1
        )


def test_experiment_commands(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from empathos.cli import app

    db = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    r = runner.invoke(
        app,
        [
            "experiment",
            "start",
            "cli-exp",
            "--cycle-minutes",
            "30",
            "--control-share",
            "0.5",
            "--db",
            db,
        ],
    )
    assert r.exit_code == 0, r.output
    assert "30-minute ON/OFF slices" in r.output
    r = runner.invoke(app, ["experiment", "report", "cli-exp", "--json", "--db", db])
    assert r.exit_code == 0 and '"n_control": 0' in r.output
    r = runner.invoke(app, ["experiment", "report", "missing", "--db", db])
    assert r.exit_code == 2


def test_slice_experiments_are_analysed_over_slices(sqlite_store: Engine) -> None:
    """In ON/OFF mode the unit of analysis is the slice: sizes count slices, not contacts."""
    _seed_store(sqlite_store)  # 60 contacts, one an hour from T0
    cfg = ExperimentConfig(name="exp-cyc", control_share=0.5, cycle_minutes=120.0)
    start_experiment(sqlite_store, cfg, T0, source="simulated")
    arms = [TREATMENT if (i // 2) % 2 == 0 else CONTROL for i in range(60)]  # 2 contacts per slice
    store_assignments(
        sqlite_store,
        "exp-cyc",
        [Assignment(f"i-{i:03d}", arms[i], 60.0 * i) for i in range(60)],
        T0,
    )
    rep = experiment_report(sqlite_store, "exp-cyc")
    rem = rep.lift("remembered")
    assert rem.test == "welch_t over 120-min slices"
    assert (rem.n_treatment, rem.n_control) == (15, 15) and (rep.n_treatment, rep.n_control) == (
        30,
        30,
    )
    assert all("slices" in x.test for x in rep.lifts)
