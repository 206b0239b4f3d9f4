"""Control groups by default: split traffic, route the control arm with the baseline, measure.

Why: a new routing policy (``empathy``, ``bandit``) only earns the word "lift" when a
share of the same traffic, in the same period, was handled the old way and the difference
comes with a confidence interval and a test. This module

* assigns every contact to an arm (:func:`assign_arm`) — by a deterministic hash of the
  contact id (a fixed share, e.g. 20 % control), or by ON/OFF time slices as
  behavioural-pairing vendors measure (e.g. 30-minute slices, 50:50 for a test then 80:20
  while monitoring). Slices are drawn by a hash of their index, not strictly alternated:
  strict alternation of 30-minute slices puts the same clock time in the same arm every
  day (48 slices a day), which would confound the arm with the hour of day;
* wraps a treatment and a control policy in :class:`ControlledPolicy`, itself a
  ``RoutingPolicy`` (the ``controlled`` plug-in), which routes the control arm with the
  baseline, writes the arm into the decision's reason and keeps the assignments;
* stores experiments and assignments (tables ``experiments`` / ``experiment_assignments``)
  and computes an experiment's KPI report from the store (:func:`experiment_report`):
  remembered score and emotional outcome from ``interaction_scores``, resolution and later
  churn from ``outcomes`` — each KPI as a :class:`~empathos.learn.lift.LiftResult` with its
  CI, test, sample sizes and data source.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, func, select

from empathos.act.routing import (
    ContactRequest,
    LearningPolicy,
    PodState,
    RoutingDecision,
    RoutingPolicy,
    get_policy,
)
from empathos.act.split import CONTROL, TREATMENT, arm_for
from empathos.learn.lift import LiftResult, bootstrap_lift, proportion_lift, welch_lift

__all__ = [
    "CONTROL",
    "TREATMENT",
    "Assignment",
    "ControlledPolicy",
    "ExperimentConfig",
    "ExperimentReport",
    "LiftResult",
    "assign_arm",
    "bootstrap_lift",
    "end_experiment",
    "experiment_report",
    "proportion_lift",
    "simulate_experiment",
    "start_experiment",
    "store_assignments",
    "welch_lift",
]


@dataclass(frozen=True, slots=True)
class ExperimentConfig:
    """How an experiment splits traffic.

    ``control_share`` of contacts (share mode) or of time slices (cycle mode, when
    ``cycle_minutes`` is set) go to the control arm. ``salt`` makes two experiments'
    splits independent of each other (default: the name).
    """

    name: str = "default"
    treatment: str = "bandit"
    control: str = "fifo"
    control_share: float = 0.2
    cycle_minutes: float | None = None
    salt: str | None = None

    def __post_init__(self) -> None:
        if not 0.0 <= self.control_share <= 1.0:
            raise ValueError(f"control_share must be in [0, 1], got {self.control_share}")
        if self.cycle_minutes is not None and self.cycle_minutes <= 0:
            raise ValueError(f"cycle_minutes must be positive, got {self.cycle_minutes}")

    @property
    def key(self) -> str:
        return self.salt if self.salt is not None else self.name


def assign_arm(contact_id: str, config: ExperimentConfig, now_min: float | None = None) -> str:
    """The arm of one contact: ``"control"`` or ``"treatment"``; deterministic.

    Share mode hashes the contact id; cycle mode hashes the time slice of ``now_min``
    (minutes since the experiment's epoch), so every contact in a slice shares its arm.
    """
    # The rule itself lives in act.split, so the live desk assigns exactly the same arms.
    return arm_for(config.key, contact_id, config.control_share, config.cycle_minutes, now_min)


@dataclass(slots=True)
class Assignment:
    """One contact's arm, when it was first routed and to whom it went (if anyone)."""

    contact_id: str
    arm: str
    at_min: float
    employee_id: str | None = None


class ControlledPolicy:
    """Route the control arm with the baseline policy and the rest with the treatment.

    A contact keeps the arm it got when first seen (a contact queued across a slice
    boundary, or transferred, does not switch policy half-way). Each decision's reason
    starts with ``[control]`` or ``[treatment]``. Outcomes (``learn``) go to the treatment
    if it learns — from both arms when ``learn_from_control`` (the control arm's contacts
    are valid observations of member × state → outcome, and learning from them does not
    change how the control arm is routed).
    """

    def __init__(
        self,
        treatment: RoutingPolicy | str = "bandit",
        control: RoutingPolicy | str = "fifo",
        config: ExperimentConfig | None = None,
        learn_from_control: bool = True,
        record: bool = True,
        **config_kwargs: Any,
    ) -> None:
        self.treatment = get_policy(treatment) if isinstance(treatment, str) else treatment
        self.control = get_policy(control) if isinstance(control, str) else control
        if config is None:
            config = ExperimentConfig(
                treatment=self.treatment.name, control=self.control.name, **config_kwargs
            )
        self.config = config
        self.learn_from_control = learn_from_control
        self.record = record
        self.name = f"controlled:{self.treatment.name}/{self.control.name}"
        self._open: dict[str, Assignment] = {}  # contacts routed and not yet finished
        self.assignments: list[Assignment] = []
        self._treatment_learn = (
            self.treatment.learn if isinstance(self.treatment, LearningPolicy) else None
        )
        self._control_learn = (
            self.control.learn if isinstance(self.control, LearningPolicy) else None
        )

    def arm_of(self, contact: ContactRequest, state: PodState) -> Assignment:
        a = self._open.get(contact.contact_id)
        if a is None:
            a = Assignment(
                contact.contact_id,
                assign_arm(contact.contact_id, self.config, state.now),
                state.now,
            )
            self._open[contact.contact_id] = a
            if self.record:
                self.assignments.append(a)
        return a

    def route(self, contact: ContactRequest, state: PodState) -> RoutingDecision:
        a = self.arm_of(contact, state)
        policy = self.control if a.arm == CONTROL else self.treatment
        d = policy.route(contact, state)
        d.reason = f"[{a.arm}] {d.reason}"
        if d.employee_id is not None:
            a.employee_id = d.employee_id
        return d

    def learn(
        self, contact: ContactRequest, served_by: Sequence[str], outcome: Mapping[str, float]
    ) -> None:
        """The contact ended: close its assignment and pass the outcome on."""
        a = self._open.pop(contact.contact_id, None)
        arm = a.arm if a is not None else assign_arm(contact.contact_id, self.config, 0.0)
        if self._treatment_learn is not None and (arm == TREATMENT or self.learn_from_control):
            self._treatment_learn(contact, served_by, outcome)
        if arm == CONTROL and self._control_learn is not None:
            self._control_learn(contact, served_by, outcome)

    def arms(self) -> dict[str, str]:
        """contact id → arm, for every contact routed so far."""
        return {a.contact_id: a.arm for a in self.assignments}


# --------------------------------------------------------------------------- store


def start_experiment(
    engine: Engine,
    config: ExperimentConfig,
    started_at: datetime,
    source: str = "imported",
    details: Mapping[str, Any] | None = None,
) -> None:
    """Record (or restart) an experiment. Restarting a name replaces its row and drops its
    earlier assignments: an experiment is one contiguous, documented period."""
    from empathos.store.tables_learn import experiments

    row = {
        "name": config.name,
        "treatment_policy": config.treatment,
        "control_policy": config.control,
        "control_share": config.control_share,
        "cycle_minutes": config.cycle_minutes,
        "salt": config.key,
        "started_at": started_at,
        "ended_at": None,
        "source": source,
        "details": dict(details or {}),
    }
    with engine.begin() as conn:
        conn.execute(delete(experiments).where(experiments.c.name == config.name))
        conn.execute(experiments.insert(), [row])


def end_experiment(engine: Engine, name: str, ended_at: datetime) -> None:
    """Close an experiment's period."""
    from empathos.store.tables_learn import experiments

    with engine.begin() as conn:
        n = conn.execute(
            experiments.update().where(experiments.c.name == name).values(ended_at=ended_at)
        ).rowcount
    if n == 0:
        raise KeyError(f"no experiment named {name!r}")


def load_experiment(engine: Engine, name: str) -> dict[str, Any]:
    """The stored row of experiment ``name``; an unknown name lists the known ones."""
    from empathos.store.tables_learn import experiments

    with engine.connect() as conn:
        row = conn.execute(select(experiments).where(experiments.c.name == name)).mappings().first()
        if row is None:
            known = sorted(conn.execute(select(experiments.c.name)).scalars())
            raise KeyError(f"no experiment named {name!r}; known: {', '.join(known) or 'none'}")
    return dict(row)


def store_assignments(
    engine: Engine, name: str, assignments: Iterable[Assignment], epoch: datetime, chunk: int = 5000
) -> int:
    """Write the arms of ``assignments`` (minutes since ``epoch``) for experiment ``name``;
    idempotent per contact (a second write of the same contact replaces the first)."""
    from empathos.store.tables_learn import experiment_assignments as t

    rows = [
        {
            "experiment": name,
            "interaction_id": a.contact_id,
            "arm": a.arm,
            "assigned_at": epoch + timedelta(minutes=a.at_min),
            "employee_id": a.employee_id,
        }
        for a in assignments
    ]
    rows = list({r["interaction_id"]: r for r in rows}.values())
    with engine.begin() as conn:
        for i in range(0, len(rows), chunk):
            part = rows[i : i + chunk]
            ids = [r["interaction_id"] for r in part]
            conn.execute(delete(t).where(t.c.experiment == name, t.c.interaction_id.in_(ids)))
            conn.execute(t.insert(), part)
    return len(rows)


# --------------------------------------------------------------------------- report


@dataclass(slots=True)
class ExperimentReport:
    """Every KPI of one experiment, treatment vs control, with the data it stands on."""

    experiment: str
    treatment_policy: str
    control_policy: str
    source: str
    n_treatment: int
    n_control: int
    scores_model: str | None
    churn_window_days: float
    lifts: list[LiftResult] = field(default_factory=list)
    started_at: datetime | None = None
    ended_at: datetime | None = None
    n_assigned: int = 0  # arms recorded, including live contacts not imported yet
    arms_from: str = "attribute"  # how stored interactions get an arm (learn.arms)

    @property
    def is_empty(self) -> bool:
        """No contact in one of the arms: nothing was measured, not even a zero."""
        return self.n_treatment == 0 or self.n_control == 0

    @property
    def empty_note(self) -> str:
        """Why an empty experiment shows no lift (empty string when it has data)."""
        if not self.is_empty:
            return ""
        since = f" since {self.started_at:%Y-%m-%d %H:%M}" if self.started_at else ""
        if self.n_treatment + self.n_control == 0:
            text = f"no contacts yet{since}"
        else:
            missing = "control" if self.n_control == 0 else "treatment"
            text = f"no {missing} contacts yet{since}"
        if self.n_assigned > self.n_treatment + self.n_control:
            text += (
                f"; {self.n_assigned - self.n_treatment - self.n_control:,} live contact(s) "
                "have an arm but are not imported as interactions yet"
            )
        if self.arms_from == "attribute":
            text += (
                "; imported interactions join when they carry attributes.arm "
                "(control/treatment) and start after the experiment's start"
            )
        return text

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["lifts"] = [x.to_dict() for x in self.lifts]
        d["empty"] = self.is_empty
        d["empty_note"] = self.empty_note
        return d

    def lift(self, kpi: str) -> LiftResult:
        for x in self.lifts:
            if x.kpi == kpi:
                return x
        raise KeyError(kpi)


def _source_label(sources: Iterable[str | None]) -> str:
    s = {x for x in sources if x}
    if not s:
        return "unknown"
    return s.pop() if len(s) == 1 else "mixed(" + ",".join(sorted(s)) + ")"


def experiment_report(
    engine: Engine,
    name: str,
    churn_window_days: float = 14.0,
    bootstrap: bool = False,
    confidence: float = 0.95,
    assign: bool = True,
) -> ExperimentReport:
    """Treatment vs control on the KPIs the store holds for experiment ``name``.

    KPIs (each only when there are values for it): ``remembered`` (mean peak-end score,
    Welch t), ``improved`` (share of contacts whose emotional outcome is *improved*,
    two-proportion z), ``worsened``, ``resolved`` (share with a positive ``resolved``
    outcome), ``churn_<N>d`` (share of contacts whose customer churned within N days after
    the contact; only contacts with a full N-day window before the last stored event
    count, so late contacts are not counted as "stayed" too early), ``csat`` (mean, Welch
    t). ``bootstrap`` adds a bootstrap interval for the remembered score. In ON/OFF slice
    mode the slice, not the contact, was randomised, so every KPI is compared over slice
    means (Welch t, labelled "over N-min slices", sizes = slices): contacts of one slice
    share its queue and staff, and counting them as independent would overstate certainty.

    ``assign`` first gives the stored interactions of the experiment's period their arm
    (:func:`empathos.learn.arms.assign_stored`: an ``attributes.arm`` of imported
    interactions, or the experiment's own split when it says ``arms_from: hash``).
    An experiment without contacts in both arms comes back with no lifts and
    ``is_empty`` (its ``empty_note`` says why), never as a lift of zero.
    """
    import pandas as pd

    from empathos.learn.arms import assign_stored

    from empathos.store.queries import current_score_models
    from empathos.store.schema import interaction_scores, interactions, outcomes
    from empathos.store.tables_learn import experiment_assignments as ea

    if assign:
        assign_stored(engine, name)
    exp = load_experiment(engine, name)
    with engine.connect() as conn:
        n_assigned = int(
            conn.execute(
                select(func.count()).select_from(ea).where(ea.c.experiment == name)
            ).scalar_one()
        )
        ids = select(ea.c.interaction_id).where(ea.c.experiment == name)
        arms = pd.DataFrame(
            conn.execute(
                select(
                    ea.c.interaction_id,
                    ea.c.arm,
                    interactions.c.source,
                    interactions.c.customer_id,
                    func.coalesce(interactions.c.ended_at, interactions.c.started_at).label(
                        "ended_at"
                    ),
                    ea.c.assigned_at,
                )
                .select_from(
                    ea.join(interactions, interactions.c.interaction_id == ea.c.interaction_id)
                )
                .where(ea.c.experiment == name)
            ).all(),
            columns=["interaction_id", "arm", "source", "customer_id", "ended_at", "assigned_at"],
        )
        model = current_score_models(conn, ids)
        scores = pd.DataFrame(columns=["interaction_id", "remembered", "outcome"])
        if model is not None:
            s = interaction_scores
            scores = pd.DataFrame(
                conn.execute(
                    select(s.c.interaction_id, s.c.remembered, s.c.outcome).where(
                        s.c.interaction_id.in_(ids),
                        s.c.model == model[0],
                        s.c.version == model[1],
                        s.c.empathy_model == model[2],
                        s.c.empathy_version == model[3],
                    )
                ).all(),
                columns=["interaction_id", "remembered", "outcome"],
            )
        o = outcomes
        per_contact = pd.DataFrame(
            conn.execute(
                select(o.c.interaction_id, o.c.kind, o.c.value).where(
                    o.c.interaction_id.in_(ids), o.c.kind.in_(("resolved", "csat"))
                )
            ).all(),
            columns=["interaction_id", "kind", "value"],
        )
        churn = pd.DataFrame(
            conn.execute(
                select(o.c.customer_id, func.min(o.c.ts))
                .where(
                    o.c.kind == "churn",
                    o.c.customer_id.in_(
                        select(interactions.c.customer_id).where(
                            interactions.c.interaction_id.in_(ids)
                        )
                    ),
                )
                .group_by(o.c.customer_id)
            ).all(),
            columns=["customer_id", "churn_ts"],
        )
        last_event = conn.execute(select(func.max(o.c.ts))).scalar()
        last_contact = conn.execute(select(func.max(interactions.c.started_at))).scalar()
    horizon = max((t for t in (last_event, last_contact) if t is not None), default=None)
    report = ExperimentReport(
        experiment=name,
        treatment_policy=exp["treatment_policy"],
        control_policy=exp["control_policy"],
        source=_source_label(arms["source"]) if len(arms) else exp["source"],
        n_treatment=int((arms["arm"] == TREATMENT).sum()),
        n_control=int((arms["arm"] == CONTROL).sum()),
        scores_model="/".join(model) if model else None,
        churn_window_days=churn_window_days,
        started_at=exp["started_at"],
        ended_at=exp["ended_at"],
        n_assigned=n_assigned,
        arms_from=(exp.get("details") or {}).get("arms_from", "attribute"),
    )
    if report.is_empty:
        return report
    src = report.source
    cycle = exp["cycle_minutes"]
    keep = ["interaction_id", "arm"]
    if (
        cycle
    ):  # ON/OFF slices: the slice is the unit of randomisation, so it is the unit of analysis
        minutes = (
            pd.to_datetime(arms["assigned_at"]) - pd.Timestamp(exp["started_at"])
        ).dt.total_seconds() / 60.0
        arms["unit"] = (minutes // cycle).astype("float")
        keep.append("unit")

    def split(frame: pd.DataFrame, col: str) -> tuple[Any, Any]:
        f = frame.drop(columns=["arm", "unit"], errors="ignore").merge(
            arms[keep], on="interaction_id"
        )
        f = f[f[col].notna()]
        if cycle:
            f = f.groupby(["unit", "arm"], as_index=False)[col].mean()
        return f.loc[f["arm"] == TREATMENT, col].astype(float), f.loc[
            f["arm"] == CONTROL, col
        ].astype(float)

    def by_unit(fn: Any) -> Any:
        """With slices, every KPI is a mean over slice means: Welch t, labelled as such."""
        if not cycle:
            return fn

        def over_slices(
            kpi: str, t: Any, c: Any, source: str, confidence: float = 0.95
        ) -> LiftResult:
            r = (bootstrap_lift if fn is bootstrap_lift else welch_lift)(
                kpi, t, c, source, confidence
            )
            return replace(r, test=f"{r.test} over {cycle:g}-min slices")

        return over_slices

    welch_lift_, proportion_lift_, bootstrap_lift_ = (
        by_unit(welch_lift),
        by_unit(proportion_lift),
        by_unit(bootstrap_lift),
    )

    lifts: list[LiftResult] = []
    if not scores.empty:
        t, c = split(scores, "remembered")
        lifts.append(welch_lift_("remembered", t, c, src, confidence))
        if bootstrap:
            lifts.append(bootstrap_lift_("remembered", t, c, src, confidence))
        scored = scores[scores["outcome"].notna()].copy()
        for label in ("improved", "worsened"):
            scored[label] = (scored["outcome"] == label).astype(float)
            t, c = split(scored, label)
            lifts.append(proportion_lift_(label, t, c, src, confidence))
    for kind, fn in (("resolved", proportion_lift_), ("csat", welch_lift_)):
        k = (
            per_contact[per_contact["kind"] == kind]
            .groupby("interaction_id", as_index=False)["value"]
            .mean()
        )
        if not k.empty:
            if kind == "resolved":
                k["value"] = (k["value"] > 0).astype(float)
            t, c = split(k, "value")
            lifts.append(fn(kind, t, c, src, confidence))
    if horizon is not None:
        window = pd.Timedelta(days=churn_window_days)
        f = arms[arms["ended_at"].notna()].merge(churn, on="customer_id", how="left")
        f = f[pd.to_datetime(f["ended_at"]) + window <= pd.Timestamp(horizon)]
        ts = pd.to_datetime(f["churn_ts"])
        ended = pd.to_datetime(f["ended_at"])
        f = f.assign(churned=((ts >= ended) & (ts <= ended + window)).astype(float))
        t, c = split(f, "churned")
        if len(t) and len(c):
            lifts.append(proportion_lift_(f"churn_{churn_window_days:g}d", t, c, src, confidence))
    report.lifts = lifts
    return report


def simulate_experiment(
    engine: Engine,
    sim_config: Any,
    config: ExperimentConfig,
    out_dir: Any,
    treatment: RoutingPolicy | None = None,
) -> ControlledPolicy:
    """Run a controlled experiment in the simulator and put everything in the store.

    Simulates ``sim_config`` with ``ControlledPolicy(treatment, control)``, ingests the
    output (``store_simulation``), records the experiment (source ``simulated``, period =
    the simulated days) and every contact's arm. Annotate the contacts afterwards
    (``understand.pipeline.analyze``) and :func:`experiment_report` measures the lift on
    the *estimated* scores, as it would on real data. Returns the policy (its assignments,
    and the treatment's learning state)."""
    from pathlib import Path

    from empathos.simulate import run_simulation
    from empathos.simulate.store import store_simulation

    policy = ControlledPolicy(
        treatment if treatment is not None else config.treatment, config.control, config=config
    )
    report = run_simulation(sim_config, Path(out_dir), progress=False, policy=policy)
    store_simulation(Path(out_dir), engine)
    start = sim_config.start
    start_experiment(
        engine,
        config,
        start,
        source="simulated",
        details={
            "seed": sim_config.seed,
            "customers": sim_config.customers,
            "days": sim_config.days,
            "contacts": report.contacts,
            "policy": policy.name,
        },
    )
    end_experiment(engine, config.name, start + timedelta(days=sim_config.days))
    store_assignments(engine, config.name, policy.assignments, epoch=start)
    return policy
