"""Propensity and advocacy: how the remembered score relates to what customers did next.

A table of effect sizes with bootstrap confidence intervals — an *association* in the data,
not a causal claim (customers who had a good contact may differ in other ways; the learn
stage's control groups measure causes). For each scored contact we look at the window
after it (default 30 days) and record: purchases made, whether a complaint followed (a
contact about one or a ``complaint`` outcome), whether the customer churned; and the
CSAT / NPS / CES answer given *for* that contact (CES only where the data has it).

Effect size per outcome: the OLS slope of the outcome on the remembered score
standardised over contacts (outcome change per +1 SD of remembered score) and Pearson's r.
Confidence intervals: percentile bootstrap **over customers** (a customer's contacts are
resampled together, because they are not independent).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select

from empathos.predict.features import plain_rows
from empathos.predict.features import ScoreModel, latest_score_model
from empathos.store.schema import interaction_scores, interactions, outcomes, transactions

__all__ = ["EffectRow", "contact_outcomes", "effect_gaps", "effect_table"]

OUTCOMES = ("purchases", "csat", "nps", "ces", "complaint", "churn")


@dataclass(frozen=True, slots=True)
class EffectRow:
    outcome: str
    n_contacts: int
    n_customers: int
    slope_per_sd: float
    slope_ci: tuple[float, float]
    r: float
    r_ci: tuple[float, float]
    mean_outcome: float


def _frame(engine: Engine, query) -> pd.DataFrame:  # noqa: ANN001
    with engine.connect() as conn:
        res = conn.execute(query)
        return pd.DataFrame(plain_rows(res), columns=list(res.keys()))


def contact_outcomes(
    engine: Engine, window_days: float = 30.0, score_model: ScoreModel | None = None
) -> pd.DataFrame:
    """One row per scored contact with a remembered score whose window is fully observed:
    remembered, purchases / complaint / churn in the window after it, csat / nps for it."""
    sm = score_model or latest_score_model(engine)
    if sm is None:
        return pd.DataFrame()
    s, i, o, t = interaction_scores.c, interactions.c, outcomes.c, transactions.c
    contacts = _frame(
        engine,
        select(i.interaction_id, i.customer_id, i.started_at, i.need, s.remembered)
        .select_from(interactions.join(interaction_scores, s.interaction_id == i.interaction_id))
        .where(
            s.model == sm.model,
            s.version == sm.version,
            s.empathy_model == sm.empathy_model,
            s.empathy_version == sm.empathy_version,
            s.remembered.is_not(None),
            i.customer_id.is_not(None),
        ),
    )
    if contacts.empty:
        return contacts
    contacts["started_at"] = pd.to_datetime(contacts["started_at"])
    end = contacts["started_at"].max()
    w = pd.Timedelta(days=window_days)
    contacts = contacts[contacts["started_at"] + w <= end].copy()
    outs = _frame(
        engine,
        select(o.kind, o.value, o.ts, o.interaction_id, o.customer_id).where(
            o.kind.in_(("csat", "nps", "ces", "churn", "complaint"))
        ),
    )
    tx = _frame(engine, select(t.customer_id, t.ts))
    allc = _frame(
        engine,
        select(i.customer_id, i.started_at, i.need).where(
            i.need == "complaint", i.customer_id.is_not(None)
        ),
    )

    def count_after(events: pd.DataFrame, ts_col: str) -> np.ndarray:
        if events.empty:
            return np.zeros(len(contacts))
        ev = pd.DataFrame(
            {"customer_id": events["customer_id"], "event_ts": pd.to_datetime(events[ts_col])}
        )
        m = contacts[["interaction_id", "customer_id", "started_at"]].merge(
            ev, on="customer_id", how="left"
        )
        inside = (m["event_ts"] > m["started_at"]) & (m["event_ts"] <= m["started_at"] + w)
        counts = inside.groupby(m["interaction_id"]).sum()
        return counts.reindex(contacts["interaction_id"]).fillna(0).to_numpy(float)

    # An outcome the store never records is unknown (NaN), not "none followed" (0): a
    # store without transactions says nothing about purchases.
    contacts["purchases"] = count_after(tx, "ts") if len(tx) else np.nan
    # a complaint is a contact about one, or a complaint outcome (e.g. a filed ticket)
    filed = outs[outs["kind"] == "complaint"][["customer_id", "ts"]].rename(
        columns={"ts": "started_at"}
    )
    complaints = pd.concat([allc[["customer_id", "started_at"]], filed], ignore_index=True)
    complaints = complaints[complaints["customer_id"].notna()]
    with engine.connect() as conn:
        needs_known = conn.execute(select(i.need).where(i.need.is_not(None)).limit(1)).first()
    known = len(filed) or needs_known is not None
    contacts["complaint"] = (
        (count_after(complaints, "started_at") > 0).astype(float) if known else np.nan
    )
    churn = outs[outs["kind"] == "churn"][["customer_id", "ts"]]
    contacts["churn"] = (count_after(churn, "ts") > 0).astype(float) if len(churn) else np.nan
    for kind in ("csat", "nps", "ces"):
        answers = outs[(outs["kind"] == kind) & outs["interaction_id"].notna()]
        val = answers.groupby("interaction_id")["value"].mean()
        contacts[kind] = contacts["interaction_id"].map(val).astype(float)
    return contacts.reset_index(drop=True)


def _stats(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    sx = x.std()
    if len(x) < 3 or sx == 0 or y.std() == 0:
        return float("nan"), float("nan")
    z = (x - x.mean()) / sx
    slope = float(np.dot(z, y - y.mean()) / np.dot(z, z))
    return slope, float(np.corrcoef(x, y)[0, 1])


_WHY_UNKNOWN = {
    "purchases": "no transactions imported",
    "csat": "no CSAT answers linked to contacts",
    "nps": "no NPS answers linked to contacts",
    "ces": "no CES answers linked to contacts",
    "complaint": "no complaint outcomes and no contact need recorded",
    "churn": "no churn outcomes imported",
}


def effect_gaps(
    frame: pd.DataFrame, outcomes_: tuple[str, ...] = OUTCOMES, min_contacts: int = 10
) -> dict[str, str]:
    """Why each outcome has no row in :func:`effect_table` (outcome -> reason), so a
    report can say "unknown: no transactions imported" instead of printing NaN."""
    if frame.empty or "remembered" not in frame:
        return {o: "no scored contacts with a fully observed window after them" for o in outcomes_}
    gaps: dict[str, str] = {}
    for name in outcomes_:
        if name not in frame or frame[name].isna().all():
            gaps[name] = _WHY_UNKNOWN.get(name, "not recorded")
            continue
        d = frame.dropna(subset=[name, "remembered"])
        if len(d) < min_contacts:
            gaps[name] = f"only {len(d)} contacts with this outcome (need {min_contacts})"
        elif d[name].std() == 0:
            gaps[name] = f"every contact has the same value ({d[name].iloc[0]:g}): no variation"
        elif d["remembered"].std() == 0:
            gaps[name] = "every contact has the same remembered score: no variation"
    return gaps


def _ci(values: np.ndarray, lo: float, hi: float) -> tuple[float, float] | None:
    finite = values[np.isfinite(values)]
    if not len(finite):
        return None
    return float(np.percentile(finite, lo)), float(np.percentile(finite, hi))


class _ClusterResampler:
    """``np.concatenate([groups[k] for k in pick])`` without the Python loop over the
    picked customers — the same indices in the same order, so the same bootstrap — which
    at hundreds of thousands of customers × ``n_boot`` draws was the cost of ``predict``
    (issue 19; a test compares it with the loop)."""

    def __init__(self, groups: list[np.ndarray]) -> None:
        self.lengths = np.fromiter((len(g) for g in groups), dtype=np.int64, count=len(groups))
        self.starts = np.cumsum(self.lengths) - self.lengths
        self.flat = np.concatenate(groups) if groups else np.zeros(0, dtype=np.int64)

    def __call__(self, pick: np.ndarray) -> np.ndarray:
        n = self.lengths[pick]
        offsets = np.cumsum(n) - n  # where each picked group starts in the output
        pos = np.arange(int(n.sum())) + np.repeat(self.starts[pick] - offsets, n)
        return self.flat[pos]


def effect_table(
    frame: pd.DataFrame,
    outcomes_: tuple[str, ...] = OUTCOMES,
    n_boot: int = 500,
    seed: int = 0,
    level: float = 0.95,
) -> list[EffectRow]:
    """Effect of +1 SD of remembered score on each outcome, with bootstrap CIs.

    Only outcomes with a measurable effect get a row: one never recorded, too rare or
    without variation is left out (never a row of NaN); :func:`effect_gaps` says why."""
    rng = np.random.default_rng(seed)
    rows: list[EffectRow] = []
    lo, hi = (1 - level) / 2 * 100, (1 + level) / 2 * 100
    for name in outcomes_:
        if name not in frame:
            continue
        d = frame.dropna(subset=[name, "remembered"])
        if len(d) < 10:
            continue
        x, y = d["remembered"].to_numpy(float), d[name].to_numpy(float)
        slope, r = _stats(x, y)
        if not (np.isfinite(slope) and np.isfinite(r)):
            continue
        groups = d.groupby("customer_id").indices
        keys = list(groups)
        resample = _ClusterResampler([groups[k] for k in keys])
        boots = []
        for _ in range(n_boot):
            pick = rng.integers(0, len(keys), len(keys))
            idx = resample(pick)
            boots.append(_stats(x[idx], y[idx]))
        b = np.asarray(boots, dtype=float)
        slope_ci, r_ci = _ci(b[:, 0], lo, hi), _ci(b[:, 1], lo, hi)
        if slope_ci is None or r_ci is None:
            continue
        rows.append(
            EffectRow(
                outcome=name,
                n_contacts=len(d),
                n_customers=len(keys),
                slope_per_sd=slope,
                slope_ci=slope_ci,
                r=r,
                r_ci=r_ci,
                mean_outcome=float(y.mean()),
            )
        )
    return rows
