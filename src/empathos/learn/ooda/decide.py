"""Decide: actions ranked by the value at risk they could protect, with where each
expected effect comes from (a measured experiment, an association, or nothing)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select

from empathos.learn.coaching import source_label
from empathos.learn.ooda.metrics import CHURN_WINDOW_DAYS
from empathos.learn.ooda.observe import read_frame
from empathos.store.queries import (
    current_prediction_run,
    current_score_models,
)
from empathos.store.schema import (
    customer_journeys,
    customer_scores,
    interaction_scores,
    interactions,
)


@dataclass(frozen=True)
class ActionSpec:
    name: str
    description: str
    target: str  # which customers' value at risk it addresses (a key of _TARGETS)
    policy: str | None = None  # routing policy it switches on (act = start an experiment)
    assumed_shift_sd: float = (
        0.5  # assumed +SD of remembered score, used only without an experiment
    )


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(
        "empathy-routing",
        "route customers with a negative emotional memory to the members who end contacts best "
        "(policy 'empathy')",
        "negative_memory",
        "empathy",
        0.5,
    ),
    ActionSpec(
        "bandit-routing",
        "learn member x customer-state fit online (policy 'bandit', Thompson sampling)",
        "contacted",
        "bandit",
        0.3,
    ),
    ActionSpec(
        "recover-worsened",
        "proactive follow-up within 48 h of a contact that ended worse than it started",
        "last_worsened",
        None,
        0.5,
    ),
    ActionSpec(
        "reduce-effort",
        "no repeat/transfer: call back customers whose last contact was a re-contact or "
        "transferred",
        "high_effort",
        None,
        0.3,
    ),
    ActionSpec(
        "coach-endings",
        "coach the quarter of employees with the lowest end valence on closing well",
        "bottom_enders",
        None,
        0.3,
    ),
)


@dataclass
class Effect:
    delta_p: float  # absolute reduction of P(churn) (positive = fewer churns)
    low: float
    high: float
    basis: str
    causal: bool
    n: int
    source: str


@dataclass
class RankedAction:
    rank: int
    name: str
    description: str
    policy: str | None
    n_customers: int
    value_at_risk: float | None  # None: unknown (the current run has no CLV/churn risk)
    expected_value: float | None
    ev_low: float | None
    ev_high: float | None
    effect: dict[str, Any] | None
    note: str = ""


def expected_value(clv: np.ndarray, p: np.ndarray, delta_p: float) -> float:
    """Σ CLV_i × clip(Δp, −(1−p_i), p_i): value kept if P(churn) falls by Δp (never below 0
    nor above 1 per customer)."""
    if len(clv) == 0:
        return 0.0
    return float(np.sum(clv * np.clip(delta_p, -(1.0 - p), p)))


def rank(items: Sequence[RankedAction]) -> list[RankedAction]:
    """Measured actions by expected value (then its lower bound), unmeasured ones last."""
    measured = sorted(
        (a for a in items if a.expected_value is not None),
        key=lambda a: (-a.expected_value, -(a.ev_low or 0.0), a.name),
    )
    rest = sorted(
        (a for a in items if a.expected_value is None),
        key=lambda a: (-(a.value_at_risk or 0.0), a.name),
    )
    out = measured + rest
    for k, a in enumerate(out, start=1):
        a.rank = k
    return out


def customer_values(engine: Engine) -> pd.DataFrame:
    """The current prediction run's p_churn, clv, value_at_risk per customer
    (:func:`empathos.store.queries.current_prediction_run`)."""
    cs = customer_scores.c
    head = current_prediction_run(engine)
    if head is None:
        return pd.DataFrame(columns=["customer_id", "p_churn", "clv", "value_at_risk"])
    return read_frame(
        engine,
        select(cs.customer_id, cs.p_churn, cs.clv, cs.value_at_risk).where(
            cs.model == head.model, cs.version == head.version, cs.as_of == head.as_of
        ),
    )


def _targets(engine: Engine) -> dict[str, set[str]]:
    """Customer ids each action target addresses (from the newest scores of each contact)."""
    model = current_score_models(engine)
    out: dict[str, set[str]] = {
        k: set()
        for k in ("negative_memory", "contacted", "last_worsened", "high_effort", "bottom_enders")
    }
    if model is None:
        return out
    i, s = interactions.c, interaction_scores.c
    c = read_frame(
        engine,
        select(
            i.customer_id,
            i.employee_id,
            i.started_at,
            s.outcome,
            s.end_valence,
            s.recontact,
            s.transfers,
        )
        .select_from(interactions.join(interaction_scores, s.interaction_id == i.interaction_id))
        .where(
            s.model == model[0],
            s.version == model[1],
            s.empathy_model == model[2],
            s.empathy_version == model[3],
            i.customer_id.is_not(None),
        ),
    )
    if c.empty:
        return out
    last = c.sort_values("started_at").groupby("customer_id").tail(1)
    out["contacted"] = set(c.loc[c["employee_id"].notna(), "customer_id"])
    out["last_worsened"] = set(last.loc[last["outcome"] == "worsened", "customer_id"])
    out["high_effort"] = set(
        last.loc[(last["recontact"] > 0) | (last["transfers"] > 0), "customer_id"]
    )
    handled = c[c["employee_id"].notna()]
    if not handled.empty:
        by_emp = handled.groupby("employee_id")["end_valence"].mean().dropna()
        if len(by_emp) >= 4:
            bottom = set(by_emp[by_emp <= by_emp.quantile(0.25)].index)
            last_h = handled.sort_values("started_at").groupby("customer_id").tail(1)
            out["bottom_enders"] = set(
                last_h.loc[last_h["employee_id"].isin(bottom), "customer_id"]
            )
    j = customer_journeys.c
    mem = read_frame(
        engine, select(j.customer_id, j.memory).where(j.model == model[0], j.version == model[1])
    )
    out["negative_memory"] = set(mem.loc[mem["memory"] < 0, "customer_id"])
    return out


def _experiment_effects(engine: Engine) -> dict[str, Effect]:
    """Per treatment policy, the churn lift of its newest stored experiment (causal)."""
    from empathos.learn.experiments import experiment_report
    from empathos.store.tables_learn import experiments

    with engine.connect() as conn:
        rows = conn.execute(
            select(experiments.c.name, experiments.c.treatment_policy).order_by(
                experiments.c.started_at
            )
        ).all()
    out: dict[str, Effect] = {}
    for name, policy in rows:
        try:
            rep = experiment_report(engine, name)
        except (KeyError, ValueError):
            continue
        lift = next((x for x in rep.lifts if x.kpi.startswith("churn_")), None)
        if lift is None or lift.diff is None or lift.ci_low is None or lift.ci_high is None:
            continue  # too few observations: no interval, so not a measurement yet
        out[policy] = Effect(
            -lift.diff,
            -lift.ci_high,
            -lift.ci_low,
            f"experiment {name!r}: {lift.kpi} treatment vs control, {lift.test}",
            True,
            lift.n_treatment + lift.n_control,
            lift.source,
        )
    return out


def _association(engine: Engine) -> Effect | None:
    """Churn change per +1 SD of remembered score (``predict.effects``), or None."""
    try:
        from empathos.predict.effects import contact_outcomes, effect_table
    except ImportError:  # the predict stage's effects table is optional
        return None
    frame = contact_outcomes(engine, window_days=CHURN_WINDOW_DAYS)
    if frame is None or frame.empty:
        return None
    rows = [r for r in effect_table(frame, ("churn",), n_boot=200) if r.outcome == "churn"]
    if not rows or not math.isfinite(rows[0].slope_per_sd):
        return None
    r = rows[0]
    src = source_label(read_frame(engine, select(interactions.c.source))["source"])
    return Effect(
        -r.slope_per_sd,
        -r.slope_ci[1],
        -r.slope_ci[0],
        "association of remembered score with churn (predict.effects), not causal",
        False,
        r.n_contacts,
        src,
    )


def decide(engine: Engine, actions: Sequence[ActionSpec] = ACTIONS) -> list[RankedAction]:
    """The ranked actions with expected value and its interval (see the module docstring)."""
    values = customer_values(engine)
    targets = _targets(engine)
    measured = _experiment_effects(engine)
    assoc = _association(engine)
    known_any = bool(values[["clv", "p_churn"]].notna().all(axis=1).any()) if len(values) else False
    items = []
    for a in actions:
        v = values[values["customer_id"].isin(targets.get(a.target, set()))].dropna(
            subset=["clv", "p_churn"]
        )
        clv, p = v["clv"].to_numpy(float), v["p_churn"].to_numpy(float)
        known_var = v["value_at_risk"].dropna()
        var = float(known_var.sum()) if len(known_var) else 0.0
        eff = measured.get(a.policy) if a.policy else None
        note = ""
        if eff is None and assoc is not None:
            s = a.assumed_shift_sd
            eff = Effect(
                assoc.delta_p * s,
                assoc.low * s,
                assoc.high * s,
                f"{assoc.basis} x assumed +{s} SD remembered score",
                False,
                assoc.n,
                assoc.source,
            )
            note = "assumed shift: start an experiment to measure it"
        if values.empty:
            note = "no stored predictions: run `empathos predict` for value at risk"
        elif not known_any:
            items.append(
                RankedAction(
                    0, a.name, a.description, a.policy, 0, None, None, None, None, None,
                    "value at risk unknown: the current prediction run has no CLV or churn "
                    "risk (see `empathos predict`'s notes)",
                )
            )  # fmt: skip
            continue
        if eff is None:
            items.append(
                RankedAction(
                    0,
                    a.name,
                    a.description,
                    a.policy,
                    len(v),
                    round(var, 2),
                    None,
                    None,
                    None,
                    None,
                    note or "unmeasured: start an experiment",
                )
            )
            continue
        evs = [expected_value(clv, p, d) for d in (eff.delta_p, eff.low, eff.high)]
        items.append(
            RankedAction(
                0,
                a.name,
                a.description,
                a.policy,
                len(v),
                round(var, 2),
                round(evs[0], 2),
                round(min(evs[1:]), 2),
                round(max(evs[1:]), 2),
                asdict(eff),
                note,
            )
        )
    return rank(items)
