"""Employee attrition / burnout risk from behaviours and workload — never from feelings.

DESIGN.md: "Employees: behaviours, never feelings." Nothing here reads an employee's own
turns for emotion. The inputs are:

* **workload** — contacts handled in the look-back window;
* **emotional load handled** — the share of those contacts in which the *customer* was
  angry, frustrated or anxious (``turn_emotions`` on customer turns only), and the mean
  negative valence × intensity of those customer turns;
* **empathy given** — the mean EPITOME mechanism level of the employee's turns
  (``turn_empathy``: a behaviour, what they wrote). A fall in empathic behaviour is a
  documented burnout sign (depersonalisation, Maslach);
* **pulse surveys** — what employees *say* (outcome kind ``pulse``, 1–5), when present.

Why an index and not a fitted classifier: leavers are rare (a 30-person centre loses a
handful a year), far too few to fit and validate a model per site. The risk is a logistic
index with documented, configurable weights on within-company z-scores, anchored so the
*average* employee gets the base attrition rate per period (``AttritionConfig``). The
weights are priors (signs from the burnout literature, sizes chosen by us), not
estimates; ``drivers`` shows each term so a manager sees why. ELV comes from
:mod:`empathos.predict.elv` with this risk as the per-period attrition probability.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import Engine, and_, select

from empathos.predict.features import plain_rows
from empathos.predict import elv as elv_mod
from empathos.store.schema import (
    employees,
    interactions,
    outcomes,
    turn_emotions,
    turn_empathy,
    turns,
)

__all__ = [
    "MODEL_NAME",
    "NEGATIVE_EMOTIONS",
    "AttritionConfig",
    "employee_features",
    "score_employees",
]

MODEL_NAME = "attrition.index.v1"
NEGATIVE_EMOTIONS: tuple[str, ...] = ("anger", "frustration", "anxiety")
ATTRITION_FEATURES: tuple[str, ...] = (
    "contacts_handled",
    "emotional_load_share",
    "emotional_load_intensity",
    "empathy_given",
    "pulse_mean",
)


@dataclass(frozen=True, slots=True)
class AttritionConfig:
    """Weights (log-odds per within-company standard deviation) and anchors.

    base_rate_per_period: attrition probability per period (month) of an average employee;
        3 %/month (~30 %/year) is a placeholder in the range reported for contact
        centres — set it from your HR data.
    lookback_days: the window over which behaviours are measured.
    weights: positive raises risk. Empathy given and pulse answers lower it.
    """

    base_rate_per_period: float = 0.03
    lookback_days: float = 30.0
    weights: dict[str, float] = field(
        default_factory=lambda: {
            "contacts_handled": 0.4,
            "emotional_load_share": 0.5,
            "emotional_load_intensity": 0.3,
            "empathy_given": -0.3,
            "pulse_mean": -0.6,
        }
    )
    value_per_contact: float = 0.0  # 0: derive it from the value at risk handled
    # per-contact churn reduction a good agent achieves (placeholder; the learn stage measures it)
    retention_uplift: float = 0.02
    elv: elv_mod.ELVConfig = field(default_factory=elv_mod.ELVConfig)


def _frame(engine: Engine, query) -> pd.DataFrame:  # noqa: ANN001
    with engine.connect() as conn:
        res = conn.execute(query)
        return pd.DataFrame(plain_rows(res), columns=list(res.keys()))


def employee_features(
    engine: Engine,
    as_of: datetime,
    config: AttritionConfig | None = None,
    emotion_model: tuple[str, str] | None = None,
    empathy_model: tuple[str, str] | None = None,
) -> pd.DataFrame:
    """One row per employee still employed at ``as_of`` (no ``left_at`` before it), with
    :data:`ATTRITION_FEATURES` measured over (as_of − lookback, as_of]."""
    cfg = config or AttritionConfig()
    start = as_of - timedelta(days=cfg.lookback_days)
    i, e = interactions.c, employees.c
    emps = _frame(engine, select(e.employee_id, e.hired_at, e.attributes))

    def active(row: pd.Series) -> bool:
        attrs = row["attributes"] if isinstance(row["attributes"], dict) else {}
        left = attrs.get("left_at")
        hired = row["hired_at"]
        hired_ok = pd.isna(hired) or pd.Timestamp(hired) <= pd.Timestamp(as_of)
        return hired_ok and (not left or pd.Timestamp(left) > pd.Timestamp(as_of))

    emps = emps[emps.apply(active, axis=1)] if len(emps) else emps
    index = pd.Index(sorted(emps["employee_id"]) if len(emps) else [], name="employee_id")
    out = pd.DataFrame(index=index, columns=list(ATTRITION_FEATURES), dtype=float)
    handled = _frame(
        engine,
        select(i.interaction_id, i.employee_id).where(
            i.employee_id.is_not(None), i.started_at > start, i.started_at <= as_of
        ),
    )
    out["contacts_handled"] = (
        handled.groupby("employee_id").size().reindex(index).fillna(0.0) if len(handled) else 0.0
    )

    te, tt, tem = turn_emotions.c, turns.c, turn_empathy.c
    if len(handled):
        q = (
            select(i.interaction_id, i.employee_id, te.label, te.valence, te.intensity)
            .select_from(
                interactions.join(turns, tt.interaction_id == i.interaction_id).join(
                    turn_emotions, and_(te.interaction_id == tt.interaction_id, te.seq == tt.seq)
                )
            )
            .where(
                tt.speaker == "customer",
                i.employee_id.is_not(None),
                i.started_at > start,
                i.started_at <= as_of,
            )
        )
        if emotion_model:
            q = q.where(te.model == emotion_model[0], te.version == emotion_model[1])
        emo = _frame(engine, q)
        if len(emo):
            emo["neg"] = emo["label"].isin(NEGATIVE_EMOTIONS)
            neg_valence = np.clip(-emo["valence"].astype(float), 0, None)
            emo["load"] = neg_valence * emo["intensity"].astype(float)
            per_contact = emo.groupby(["employee_id", "interaction_id"]).agg(
                neg=("neg", "max"), load=("load", "mean")
            )
            g = per_contact.groupby(level="employee_id")
            out["emotional_load_share"] = g["neg"].mean().astype(float).reindex(index)
            out["emotional_load_intensity"] = g["load"].mean().reindex(index)
        q = (
            select(tt.author_id, tem.emotional_reaction, tem.interpretation, tem.exploration)
            .select_from(
                interactions.join(turns, tt.interaction_id == i.interaction_id).join(
                    turn_empathy, and_(tem.interaction_id == tt.interaction_id, tem.seq == tt.seq)
                )
            )
            .where(tt.speaker == "employee", i.started_at > start, i.started_at <= as_of)
        )
        if empathy_model:
            q = q.where(tem.model == empathy_model[0], tem.version == empathy_model[1])
        emp = _frame(engine, q)
        if len(emp):
            emp["level"] = emp[["emotional_reaction", "interpretation", "exploration"]].sum(axis=1)
            out["empathy_given"] = emp.groupby("author_id")["level"].mean().reindex(index)
    o = outcomes.c
    pulse = _frame(
        engine,
        select(o.employee_id, o.value).where(
            o.kind == "pulse", o.ts > start, o.ts <= as_of, o.employee_id.is_not(None)
        ),
    )
    if len(pulse):
        out["pulse_mean"] = pulse.groupby("employee_id")["value"].mean().reindex(index)
    return out.astype(float)


def _z(col: pd.Series) -> pd.Series:
    sd = col.std(ddof=0)
    if not np.isfinite(sd) or sd == 0:
        return pd.Series(0.0, index=col.index)
    return ((col - col.mean()) / sd).fillna(0.0)  # unknown = average: no evidence either way


def score_employees(
    features: pd.DataFrame,
    config: AttritionConfig | None = None,
    mean_value_at_risk_handled: pd.Series | None = None,
) -> pd.DataFrame:
    """attrition_risk (per period), elv and the per-term drivers (log-odds) per employee."""
    cfg = config or AttritionConfig()
    if not 0 < cfg.base_rate_per_period < 1:
        raise ValueError("base_rate_per_period must lie in (0, 1)")
    base = float(np.log(cfg.base_rate_per_period / (1 - cfg.base_rate_per_period)))
    terms = pd.DataFrame(
        {name: w * _z(features[name]) for name, w in cfg.weights.items()}, index=features.index
    )
    logit = base + terms.sum(axis=1)
    risk = 1.0 / (1.0 + np.exp(-logit))
    per_month = features["contacts_handled"] * (30.4375 / cfg.lookback_days)
    if cfg.value_per_contact > 0 or mean_value_at_risk_handled is None:
        value = pd.Series(cfg.value_per_contact, index=features.index)
    else:
        var = mean_value_at_risk_handled.reindex(features.index).fillna(0.0).clip(lower=0.0)
        value = pd.Series(
            elv_mod.value_protected_per_contact(var.to_numpy(), cfg.retention_uplift),
            index=features.index,
        )
    elv = elv_mod.employee_lifetime_value(
        risk.to_numpy(), per_month.to_numpy(), value.to_numpy(), cfg.elv
    )
    return pd.DataFrame(
        {"attrition_risk": risk, "elv": elv, "logit": logit, "value_per_contact": value},
        index=features.index,
    ).join(terms.add_prefix("driver_"))
