"""The pilot planner: what would a routing policy do in one pod, and how long to prove it?

Method (docs/assess.md):

1. calibrate the simulator on the store (``calibrate.py``): customers, contact and
   purchase rates, language/need/channel/segment mix, number of pods — scaled down to
   ``max_customers`` for speed;
2. for each seed, simulate ``weeks`` weeks twice on the *same seed*: once with the chosen
   policy routing the chosen pod's customers (every other pod keeps ``fifo``), once with
   ``fifo`` everywhere — common random numbers, so the difference is the policy's;
3. read the simulator's ground truth for the pod's customers: the remembered (peak–end)
   score of each contact, each contact's true churn probability, and which customers
   left after a contact;
4. the expected lift = treatment − control on each KPI with its 95 % CI (Welch t for
   means, two-proportion z for the churn rate, over all seeds' contacts/customers), and
   the per-seed differences beside it;
5. the sample size a real pilot needs to detect that lift (two-sided, α 0.05, power 0.8,
   ``power.py``) and the weeks it takes at the pod's real contact volume with a 50:50
   split.

Everything here is simulated and the result says so; its value is the *plan* (which
pod, how long, what to expect), which a real, measured experiment (learn stage) confirms.
"""

from __future__ import annotations

import json
import math
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from sqlalchemy import Engine

from empathos.act.routing import (
    ContactRequest,
    LearningPolicy,
    PodState,
    RoutingDecision,
    RoutingPolicy,
    available_policies,
    get_policy,
)
from empathos.assess.calibrate import Calibration, calibrate
from empathos.assess.power import sample_size_means, sample_size_proportions
from empathos.learn.lift import REPORT_KEYS, LiftResult, LiftView, lift_fields

__all__ = ["KpiLift", "PilotResult", "PodPilotPolicy", "run_pilot"]

BASELINE = "fifo"
MIN_MEMBERS_PER_POD = 3  # below this a policy barely has a choice of member


class PodPilotPolicy:
    """Route the pilot pod's customers with ``treatment``, everyone else with ``baseline``.

    Outcomes of the pod's contacts go to the treatment's ``learn`` (a learning policy,
    e.g. the bandit, learns only from the contacts it routed)."""

    def __init__(
        self, treatment: RoutingPolicy, pod_id: str, baseline: RoutingPolicy | None = None
    ) -> None:
        self.treatment = treatment
        self.baseline = baseline or get_policy(BASELINE)
        self.pod_id = pod_id
        self.name = f"pilot:{treatment.name}@{pod_id}"
        self._learn = treatment.learn if isinstance(treatment, LearningPolicy) else None

    def route(self, contact: ContactRequest, state: PodState) -> RoutingDecision:
        policy = self.treatment if contact.pod_id == self.pod_id else self.baseline
        return policy.route(contact, state)

    def learn(self, contact: ContactRequest, served_by: Any, outcome: Any) -> None:
        if self._learn is not None and contact.pod_id == self.pod_id:
            self._learn(contact, served_by, outcome)


@dataclass(slots=True)
class KpiLift(LiftView):
    """Treatment vs control on one KPI of the pilot pod (simulated ground truth): the
    learn stage's :class:`~empathos.learn.lift.LiftResult` and what a real pilot needs."""

    result: LiftResult
    unit: str  # contact or customer
    per_seed: list[float] = field(default_factory=list)
    sd: float | None = None  # pooled SD (means) used for the sample size
    n_per_arm_needed: int | None = None
    weeks_needed: float | None = None

    JSON_KEYS: ClassVar[tuple[tuple[str, str], ...]] = REPORT_KEYS
    """The pilot's names for the lift's figures (its JSON since it was written); ``None``
    where a figure is undefined (an arm without observations, too few for the test)."""

    @property
    def kpi(self) -> str:
        return self.result.kpi

    def as_dict(self) -> dict[str, Any]:
        out = lift_fields(self.result, self.JSON_KEYS)
        return {
            "kpi": out.pop("kpi"),
            "unit": self.unit,
            **out,
            "per_seed": list(self.per_seed),
            "sd": self.sd,
            "n_per_arm_needed": self.n_per_arm_needed,
            "weeks_needed": self.weeks_needed,
        }


@dataclass(slots=True)
class PilotResult:
    pod: str
    sim_pod: str
    policy: str
    baseline: str
    weeks: int
    seeds: list[int]
    source: str
    customers_in_store: int
    customers_simulated: int
    scale: float
    pod_customers_simulated: int  # mean over seeds (each seed draws its own population)
    pod_contacts_per_week: float  # at the company's real scale
    calibration: dict[str, Any]
    kpis: list[KpiLift]
    notes: list[str]
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["kpis"] = [k.as_dict() for k in self.kpis]
        return d

    def kpi(self, name: str) -> KpiLift:
        for k in self.kpis:
            if k.kpi == name:
                return k
        raise KeyError(name)


@dataclass(slots=True)
class _Arm:
    """What one simulated run says about the pilot pod."""

    remembered: np.ndarray
    churn_probability: np.ndarray
    churned: np.ndarray  # 0/1 per pod customer (left after a contact)
    contacts: int
    employees_per_pod: float = 0.0


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open("rb") as f:
        return [json.loads(line) for line in f if line.strip()]


def read_arm(out_dir: Path, sim_pod: str) -> _Arm:
    """The pod's contacts and customers from a run's ground truth."""
    pod_customers = {
        c["customer_id"]
        for c in _read_jsonl(out_dir / "customers.jsonl")
        if (c.get("attributes") or {}).get("pod_id") == sim_pod
    }
    truth = [
        t
        for t in _read_jsonl(out_dir / "truth" / "interactions.jsonl")
        if t["customer_id"] in pod_customers
    ]
    gt = json.loads((out_dir / "ground_truth.json").read_text("utf-8"))
    churned = [
        1.0 if c["churn_cause"] == "experience" else 0.0
        for c in gt["customers"]
        if c["customer_id"] in pod_customers
    ]
    return _Arm(
        np.array([t["remembered"] for t in truth], dtype=float),
        np.array([t["churn_probability"] for t in truth], dtype=float),
        np.array(churned, dtype=float),
        len(truth),
    )


def _simulate(
    cal: Calibration, seed: int, policy: RoutingPolicy, sim_pod: str, work: Path, tag: str
) -> _Arm:
    from empathos.simulate import run_simulation

    out = work / f"{tag}-{seed}"
    report = run_simulation(replace(cal.config, seed=seed), out, progress=False, policy=policy)
    arm = read_arm(out, sim_pod)
    arm.employees_per_pod = report.employees / max(1, report.pods)
    return arm


def _kpi(
    name: str, unit: str, t: list[np.ndarray], c: list[np.ndarray], proportion: bool
) -> KpiLift:
    from empathos.learn.lift import proportion_lift, welch_lift

    tt, cc = np.concatenate(t), np.concatenate(c)
    fn = proportion_lift if proportion else welch_lift
    r = fn(name, tt, cc, "simulated")
    per_seed = [float(a.mean() - b.mean()) for a, b in zip(t, c, strict=True) if a.size and b.size]
    sd = None
    if not proportion and tt.size > 1 and cc.size > 1:
        sd = math.sqrt(
            (tt.var(ddof=1) * (tt.size - 1) + cc.var(ddof=1) * (cc.size - 1))
            / (tt.size + cc.size - 2)
        )
    return KpiLift(r, unit, per_seed, sd)


def _sample_sizes(k: KpiLift, per_week_real: float) -> None:
    if k.lift is None or k.control is None or k.treatment is None:
        return  # an empty arm: no lift to size a pilot for
    if k.sd is not None:
        k.n_per_arm_needed = sample_size_means(k.lift, k.sd)
    elif 0 <= k.control <= 1 and 0 <= k.treatment <= 1:
        k.n_per_arm_needed = sample_size_proportions(k.control, k.treatment)
    if k.n_per_arm_needed is not None and per_week_real > 0:
        k.weeks_needed = 2 * k.n_per_arm_needed / per_week_real  # 50:50 split of the pod's volume


def _check(pod: str, cal: Calibration) -> str:
    """The simulator pod standing for ``pod``; refuses what cannot be piloted."""
    if cal.pod_ids:
        return cal.sim_pod(pod)
    n = cal.config.pods
    if not (pod.startswith("pod-") and pod[4:].isdigit() and (n is None or int(pod[4:]) <= n)):
        raise ValueError(f"the store has no pods; name a simulator pod such as pod-1, not {pod!r}")
    return pod


def _run_arms(
    cal: Calibration,
    policy: str,
    sim_pod: str,
    seeds: tuple[int, ...],
    work_dir: Path | None,
    advance: Callable[[], None] | None = None,
) -> tuple[list[_Arm], list[_Arm]]:
    """Treatment (policy in the pod, fifo elsewhere) and control (fifo) on each seed."""
    treat: list[_Arm] = []
    ctrl: list[_Arm] = []
    with tempfile.TemporaryDirectory(prefix="empathos-pilot-", dir=work_dir) as tmp:
        work = Path(tmp)
        for seed in seeds:
            treat.append(
                _simulate(
                    cal,
                    seed,
                    PodPilotPolicy(get_policy(policy), sim_pod),
                    sim_pod,
                    work,
                    "treatment",
                )
            )
            if advance:
                advance()
            ctrl.append(_simulate(cal, seed, get_policy(BASELINE), sim_pod, work, "control"))
            if advance:
                advance()
    return treat, ctrl


def _notes(
    cal: Calibration, policy: str, churn: KpiLift, pod_customers_real: float, per_pod: float
) -> list[str]:
    notes = list(cal.notes)
    notes.append(
        "all figures are simulated: the simulator calibrated on the store; a real pilot "
        "(learn stage, control group) measures the actual lift"
    )
    if churn.n_per_arm_needed is not None:
        notes.append(
            f"detecting the churn-rate lift needs {churn.n_per_arm_needed:,} customers per arm; "
            f"the pod owns about {pod_customers_real:,.0f} customers"
        )
    if per_pod < MIN_MEMBERS_PER_POD:
        why = (
            "the company's own ratio"
            if cal.scale >= 1
            else "raise max_customers for a more faithful pilot"
        )
        notes.append(
            f"only {per_pod:.1f} employees per pod in the simulation ({why}): a routing policy "
            "has little choice of member"
        )
    if policy == BASELINE:
        notes.append("the policy is the baseline itself: any difference is noise")
    return notes


def run_pilot(
    engine: Engine,
    pod: str,
    policy: str = "empathy",
    weeks: int = 6,
    seeds: tuple[int, ...] = (1, 2, 3),
    max_customers: int = 3000,
    work_dir: Path | None = None,
    display: Any = None,
) -> PilotResult:
    """Simulate ``policy`` in ``pod`` against ``fifo`` on the store's own parameters.
    ``display`` (a ``rich.progress.Progress`` or the CLI's log display) counts the runs."""
    t0 = time.perf_counter()
    names = available_policies()
    if policy not in names:
        raise ValueError(f"unknown routing policy {policy!r}; available: {', '.join(names)}")
    if weeks < 1 or not seeds:
        raise ValueError("a pilot needs at least one week and one seed")
    cal = calibrate(engine, weeks=weeks, max_customers=max_customers)
    sim_pod = _check(pod, cal)
    advance = None
    if display is not None:
        task = display.add_task("pilot: simulated runs", total=2 * len(seeds), unit="runs")

        def advance() -> None:
            display.advance(task, 1)

    treat, ctrl = _run_arms(cal, policy, sim_pod, seeds, work_dir, advance)
    per_week_real = sum(a.contacts for a in ctrl) / len(ctrl) / weeks / cal.scale
    kpis = [
        _kpi(
            "remembered",
            "contact",
            [a.remembered for a in treat],
            [a.remembered for a in ctrl],
            False,
        ),
        _kpi(
            "contact_churn_probability",
            "contact",
            [a.churn_probability for a in treat],
            [a.churn_probability for a in ctrl],
            False,
        ),
        _kpi("churned", "customer", [a.churned for a in treat], [a.churned for a in ctrl], True),
    ]
    for k in kpis:  # weeks only for contact KPIs; the churn rate is counted in customers
        _sample_sizes(k, per_week_real if k.unit == "contact" else 0.0)
    pod_customers = round(
        sum(len(a.churned) for a in ctrl) / len(ctrl)
    )  # the population differs per seed
    per_pod = sum(a.employees_per_pod for a in ctrl) / len(ctrl)
    return PilotResult(
        pod=pod,
        sim_pod=sim_pod,
        policy=policy,
        baseline=BASELINE,
        weeks=weeks,
        seeds=list(seeds),
        source="simulated",
        customers_in_store=cal.customers_in_store,
        customers_simulated=cal.config.customers,
        scale=cal.scale,
        pod_customers_simulated=pod_customers,
        pod_contacts_per_week=per_week_real,
        calibration={
            **cal.measured,
            "languages": cal.config.languages,
            "need_mix": cal.config.need_mix,
            "channels": cal.config.channels,
            "segments": cal.config.segments,
            "pods": cal.config.pods,
            "employees": cal.config.employees,
            "contacts_per_customer_day_simulated": cal.config.contacts_per_customer_day,
        },
        kpis=kpis,
        notes=_notes(cal, policy, kpis[2], pod_customers / cal.scale, per_pod),
        seconds=time.perf_counter() - t0,
    )
