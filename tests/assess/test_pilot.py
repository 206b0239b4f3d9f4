"""The pilot planner: sample-size formulas against textbook values, calibration from the
store, the pod-scoped policy wrapper, and a tiny end-to-end pilot."""

from __future__ import annotations

import math

import pytest
from sqlalchemy import Engine

from empathos.act.routing import ContactRequest, MemberState, PodState, RoutingDecision, get_policy
from empathos.assess.calibrate import calibrate
from empathos.assess.pilot import PodPilotPolicy, run_pilot
from empathos.assess.power import power_means, sample_size_means, sample_size_proportions
from tests.assess import seed


@pytest.mark.parametrize(("d", "n"), [(0.5, 64), (0.8, 26)])
def test_sample_size_for_means_matches_cohens_table(d: float, n: int) -> None:
    # Cohen (1988), Table 2.4.1: two-sided alpha .05, power .80 -> n per group
    assert sample_size_means(d, 1.0) == n
    assert sample_size_means(d * 3, 3.0) == n  # only delta / sd matters
    assert power_means(n, d) >= 0.8 > power_means(n - 1, d)


def test_sample_size_normal_approximation_and_proportions() -> None:
    # 2 (1.959964 + 0.841621)^2 / 0.5^2 = 62.79 -> 63
    assert sample_size_means(0.5, 1.0, exact=False) == 63
    # Fleiss without continuity correction, p1 = .05 vs p2 = .10: 434.4 -> 435 per group
    assert sample_size_proportions(0.05, 0.10) == 435
    assert sample_size_proportions(0.10, 0.05) == 435
    assert sample_size_proportions(0.2, 0.2) is None and sample_size_means(0.0, 1.0) is None
    assert sample_size_proportions(0.05, 0.10, power=0.9) > 435


def test_calibration_reads_the_company_from_the_store(engine: Engine) -> None:
    seed.seed_customers_and_staff(engine)
    seed.seed_contacts(engine)
    cal = calibrate(engine, weeks=2, max_customers=20)
    cfg = cal.config
    assert cal.customers_in_store == seed.N_CUSTOMERS and cfg.customers == 20 and cal.scale == 0.5
    assert cfg.days == 14 and cfg.pods == 2
    assert cfg.employees == 2 and cal.measured["employees_in_store"] == 4  # 4 staff x scale 0.5
    assert cfg.languages == pytest.approx({"en": 2 / 3, "de": 1 / 3})  # 'xx' has no phrase bank
    assert any("languages" in n and "25%" in n for n in cal.notes)
    assert cfg.need_mix == pytest.approx({"billing": 66 / 100, "technical": 34 / 100})
    assert cfg.channels["self_service"] == pytest.approx(
        seed.N_BOT / seed.N_CONTACTS
    )  # where they started
    assert cal.measured["contacts_per_customer_day"] > 0 and cfg.contacts_per_customer_day > 0
    assert cal.sim_pod("p2") == "pod-2"
    with pytest.raises(ValueError, match="unknown pod"):
        cal.sim_pod("nope")


class Recorder:
    name = "recorder"

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.learned: list[str] = []

    def route(self, contact: ContactRequest, state: PodState) -> RoutingDecision:
        self.seen.append(contact.contact_id)
        return RoutingDecision(reason="recorded")

    def learn(self, contact: ContactRequest, served_by: object, outcome: object) -> None:
        self.learned.append(contact.contact_id)


def test_pod_pilot_policy_routes_only_the_pods_customers_with_the_treatment() -> None:
    rec = Recorder()
    policy = PodPilotPolicy(rec, "pod-2")
    m = MemberState("e1", "pod-1", "service", frozenset({"billing"}), frozenset({"en"}))
    state = PodState(members={"e1": m}, free={"e1": None})
    mine = ContactRequest("a", "c1", "chat", "billing", "en", pod_id="pod-2")
    other = ContactRequest("b", "c2", "chat", "billing", "en", pod_id="pod-1")
    assert policy.route(mine, state).reason == "recorded"
    assert policy.route(other, state).employee_id == "e1"  # fifo took it
    policy.learn(mine, ("e1",), {})
    policy.learn(other, ("e1",), {})
    assert rec.seen == ["a"] and rec.learned == ["a"]


def test_fifo_against_itself_shows_exactly_no_lift(sqlite_store: Engine) -> None:
    from empathos.store.schema import pods

    seed.seed_customers_and_staff(sqlite_store)
    seed.seed_contacts(sqlite_store)
    with sqlite_store.begin() as conn:  # eight pods for a tiny book: a handful of staff each
        conn.execute(
            pods.insert(),
            [
                {
                    "pod_id": f"p{k}",
                    "name": f"Pod {k}",
                    "functions": ["service"],
                    "member_ids": [],
                    "segments": [],
                }
                for k in range(3, 9)
            ],
        )
    r = run_pilot(sqlite_store, "p1", "fifo", weeks=2, seeds=(1,), max_customers=40)
    assert (
        r.source == "simulated"
        and r.sim_pod == "pod-1"
        and r.customers_simulated == seed.N_CUSTOMERS
    )
    remembered = r.kpi("remembered")
    assert remembered.n_treatment == remembered.n_control > 0
    assert remembered.lift == 0.0 and remembered.per_seed == [
        0.0
    ]  # same seed, same policy: same world
    assert remembered.n_per_arm_needed is None
    assert any("baseline itself" in n for n in r.notes)
    assert any(
        "employees per pod" in n for n in r.notes
    )  # 4 employees (one per pod at least) over 8 pods


def test_a_tiny_pilot_of_another_policy(sqlite_store: Engine) -> None:
    engine = sqlite_store  # the store queries run on PostgreSQL in the calibration test
    seed.seed_customers_and_staff(engine)
    seed.seed_contacts(engine)
    policy = "empathy"  # always installed (the registry does not depend on imports)
    r = run_pilot(engine, "p2", policy, weeks=2, seeds=(1, 2), max_customers=40)
    assert r.policy == policy and r.baseline == "fifo" and r.weeks == 2 and r.seeds == [1, 2]
    assert {k.kpi for k in r.kpis} == {"remembered", "contact_churn_probability", "churned"}
    rem = r.kpi("remembered")
    assert rem.n_treatment > 1 and rem.n_control > 1 and len(rem.per_seed) == 2
    assert rem.ci_low <= rem.lift <= rem.ci_high
    assert rem.lift == pytest.approx(rem.treatment - rem.control)
    if rem.lift != 0:
        assert rem.n_per_arm_needed == sample_size_means(rem.lift, rem.sd)
        assert rem.weeks_needed == pytest.approx(2 * rem.n_per_arm_needed / r.pod_contacts_per_week)
    churned = r.kpi("churned")
    # the same seed draws the same customers for both arms; pooled over the two seeds
    assert churned.unit == "customer" and churned.n_control == churned.n_treatment
    assert abs(churned.n_control - 2 * r.pod_customers_simulated) <= 1
    assert math.isfinite(r.pod_contacts_per_week) and r.pod_contacts_per_week > 0


def test_unknown_policy_or_pod_is_refused(sqlite_store: Engine) -> None:
    seed.seed_customers_and_staff(sqlite_store)
    seed.seed_contacts(sqlite_store)
    with pytest.raises(ValueError, match="unknown routing policy"):
        run_pilot(sqlite_store, "p1", "no-such-policy")
    with pytest.raises(ValueError, match="unknown pod"):
        run_pilot(sqlite_store, "p9", "fifo", weeks=1, seeds=(1,), max_customers=10)
    assert get_policy("fifo").name == "fifo"
