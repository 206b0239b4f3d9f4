"""Fitting the peak–end weights to the outcomes stored for scored interactions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import Engine, select

from empathos.store.schema import interaction_scores, interactions, outcomes
from empathos.understand import peak_end as pe


def match_outcomes(scored: Sequence[Any], outs: Sequence[Any]) -> list[tuple[Any, float]]:
    """Pair each outcome with the scored interaction it judges.

    ``scored`` rows have ``interaction_id, customer_id, started_at``; ``outs`` rows
    ``interaction_id, customer_id, ts, value``. An outcome naming an interaction goes to
    it; one naming only a customer goes to that customer's latest interaction that started
    at or before the outcome (no information from the future; undated interactions count
    as possible, dated ones first). Outcomes with no match are dropped.
    """
    by_id = {r.interaction_id: r for r in scored}
    by_customer: dict[str, list[Any]] = defaultdict(list)
    for r in scored:
        if r.customer_id is not None:
            by_customer[r.customer_id].append(r)
    pairs: list[tuple[Any, float]] = []
    for o in outs:
        row = by_id.get(o.interaction_id) if o.interaction_id is not None else None
        if o.interaction_id is None and o.customer_id in by_customer:
            cands = [
                r
                for r in by_customer[o.customer_id]
                if o.ts is None or r.started_at is None or r.started_at <= o.ts
            ]
            if cands:
                row = max(cands, key=lambda r: (r.started_at or datetime.min, r.interaction_id))
        if row is not None:
            pairs.append((row, float(o.value)))
    return pairs


def fit_peak_end_from_store(
    engine: Engine,
    emotion_model: str,
    emotion_version: str,
    outcome_kind: str = "csat",
    terms: Sequence[str] = pe.TERMS_DEFAULT,
    higher_is_better: bool | None = None,
    n_boot: int = 500,
    seed: int = 0,
) -> pe.PeakEndFit:
    """Fit the peak–end weights to the outcomes stored for scored interactions.

    Outcomes tied to an interaction (CSAT, NPS, CES, resolved) are matched to it. Outcomes
    tied only to a customer (churn, complaint) are matched to that customer's *latest*
    scored interaction that started at or before the outcome — no information from the
    future. ``higher_is_better`` defaults to False for churn, complaint and CES (where a
    high value is bad) and True otherwise.
    """
    if higher_is_better is None:
        higher_is_better = outcome_kind not in ("churn", "complaint", "ces")
    cols = {
        "first": interaction_scores.c.start_valence,
        "peak": interaction_scores.c.peak_valence,
        "end": interaction_scores.c.end_valence,
        "mean": interaction_scores.c.experienced,
    }
    unknown = [t for t in terms if t not in cols]
    if unknown:
        raise ValueError(f"terms {unknown} are not stored; use first, peak, end, mean")
    base = (
        select(
            interaction_scores.c.interaction_id,
            interaction_scores.c.customer_id,
            interactions.c.started_at,
            *[cols[t].label(t) for t in terms],
        )
        .select_from(
            interaction_scores.join(
                interactions, interactions.c.interaction_id == interaction_scores.c.interaction_id
            )
        )
        .where(
            interaction_scores.c.model == emotion_model,
            interaction_scores.c.version == emotion_version,
            interaction_scores.c.experienced.is_not(None),
        )
        .distinct()
    )
    with engine.connect() as conn:
        scored = {r.interaction_id: r for r in conn.execute(base)}
        outs = conn.execute(
            select(
                outcomes.c.interaction_id, outcomes.c.customer_id, outcomes.c.ts, outcomes.c.value
            ).where(outcomes.c.kind == outcome_kind)
        ).all()
    pairs = match_outcomes(list(scored.values()), outs)
    x = [[float(getattr(row, t)) for t in terms] for row, _ in pairs]
    y = [value for _, value in pairs]
    return pe.fit_peak_end_weights(
        np.array(x).reshape(len(x), len(terms)),
        y,
        terms=terms,
        higher_is_better=higher_is_better,
        n_boot=n_boot,
        seed=seed,
    )


#: Fewer outcomes than this and a company's own fit is not trusted: the shipped weights stay.
MIN_COMPANY_OUTCOMES = 100


def fit_remembered_for_company(
    engine: Engine,
    emotion_model: str,
    emotion_version: str,
    outcome_kind: str = "csat",
    min_outcomes: int = MIN_COMPANY_OUTCOMES,
    n_boot: int = 500,
    seed: int = 13,
) -> dict[str, Any]:
    """Refit the remembered score's weights on the company's own outcomes (CSAT, NPS, CES).

    The same terms as the shipped USS fit (first, peak, end, mean; weights are the positive
    coefficients' shares), with bootstrap CIs. Returns ``weights`` to use, ``basis``
    (``company`` or ``shipped``), the fit (when one ran), and ``notes`` that say in words why
    the shipped defaults stay — too few outcomes, or CIs so wide the fit is no evidence
    (any share's interval wider than 0.5)."""
    terms = ("first", "peak", "end", "mean")
    shipped = {
        "weights": pe.DEFAULT_WEIGHTS.as_dict(),
        "weights_version": pe.DEFAULT_WEIGHTS_VERSION,
    }
    try:
        fit = fit_peak_end_from_store(
            engine,
            emotion_model,
            emotion_version,
            outcome_kind,
            terms=terms,
            n_boot=n_boot,
            seed=seed,
        )
    except ValueError as exc:
        return {
            **shipped,
            "basis": "shipped",
            "outcome": outcome_kind,
            "n": 0,
            "fit": None,
            "notes": [f"no fit: {exc}; the shipped USS weights stay"],
        }
    notes = list(fit.notes)
    widest = max(hi - lo for lo, hi in fit.weights_ci.values())
    if fit.n < min_outcomes:
        notes.append(
            f"only {fit.n} {outcome_kind} outcomes (need {min_outcomes}): the shipped USS "
            "weights stay"
        )
        basis = "shipped"
    elif widest > 0.5 or sum(fit.weights.values()) == 0:
        notes.append(
            f"the fit is too uncertain (a share's {int(fit.confidence * 100)} % interval spans "
            f"{widest:.2f}): the shipped USS weights stay"
        )
        basis = "shipped"
    else:
        basis = "company"
    out = {
        **shipped,
        "basis": basis,
        "outcome": outcome_kind,
        "n": fit.n,
        "fit": fit.as_dict(),
        "notes": notes,
    }
    if basis == "company":
        out["weights"] = fit.to_weights().as_dict()
        out["weights_version"] = f"company-{outcome_kind}-n{fit.n}"
    return out
