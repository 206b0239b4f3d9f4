"""A customer's cumulative emotional memory of all their interactions.

Formula (evaluated at a moment ``t``; only interactions that started at or before ``t``
count — no information from the future)::

    v(r)     = r            if r ≥ 0          (loss aversion: a bad memory weighs
             = λ · r        if r < 0           λ times a good one of the same size)
    d_i(t)   = 2 ** (−(t − t_i) / h)           (exponential decay with half-life h)
    memory   = Σ_i d_i(t) · v(r_i)             (cumulative: grows with every contact, fades
                                                towards 0 = "no feeling left" without them)
    balance  = memory / Σ_i d_i(t)             (the recency-weighted average, in [−λ, 1])

where ``r_i`` is interaction *i*'s remembered (peak–end) score — what the customer took
away from it, not the moment-by-moment average.

Why this shape:

* **Negative weighs more.** Prospect theory (Kahneman & Tversky 1979, "Prospect theory:
  an analysis of decision under risk", Econometrica 47(2); Tversky & Kahneman 1992
  estimated the loss-aversion coefficient at about 2.25) finds losses loom about twice as
  large as equal gains; "bad is stronger than good" (Baumeister et al. 2001) says the same
  of emotional events in general. Default ``λ = 2``.
* **Recent weighs more, and memories fade.** An exponential decay is the simplest
  forgetting curve with one interpretable parameter: after one half-life a contact counts
  half. The default half-life of 90 days is a documented prior (about one quarter: a
  typical CX reporting and billing cycle), not an estimate; fit it against churn in
  ``predict`` when the data allow.
* **Cumulative and averaged both.** ``memory`` keeps the weight of evidence (five bad
  calls are worse than one); ``balance`` tells the tone regardless of volume. Undated
  interactions are counted without decay (weight 1): we cannot know their age.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

LOSS_AVERSION = 2.0
HALF_LIFE_DAYS = 90.0


@dataclass(frozen=True, slots=True)
class JourneyEvent:
    """One interaction as the journey sees it."""

    at: datetime | None
    remembered: float


@dataclass(frozen=True, slots=True)
class JourneyMemory:
    memory: float
    balance: float | None  # None when no interaction counts
    n_interactions: int
    n_negative: int
    last_at: datetime | None
    as_of: datetime | None


def loss_weighted(remembered: float, loss_aversion: float = LOSS_AVERSION) -> float:
    """``r`` for gains, ``λ·r`` for losses."""
    return remembered if remembered >= 0 else loss_aversion * remembered


def decay(age_days: float, half_life_days: float = HALF_LIFE_DAYS) -> float:
    """``2^(−age / half-life)``; an age below 0 (clock skew) counts as 0."""
    if half_life_days <= 0:
        raise ValueError("half-life must be positive")
    return 0.5 ** (max(age_days, 0.0) / half_life_days)


def emotional_memory(
    events: Iterable[JourneyEvent],
    as_of: datetime | None = None,
    half_life_days: float = HALF_LIFE_DAYS,
    loss_aversion: float = LOSS_AVERSION,
) -> JourneyMemory:
    """The customer's emotional memory at ``as_of`` (default: their latest dated contact).

    Interactions after ``as_of`` are ignored; interactions without a remembered score
    (no customer turn) should not be passed in.
    """
    if loss_aversion < 1:
        raise ValueError("loss aversion below 1 would make bad memories weigh less than good")
    evs = [e for e in events if math.isfinite(e.remembered)]
    dated = [e.at for e in evs if e.at is not None]
    if as_of is None:
        as_of = max(dated) if dated else None
    memory = 0.0
    weight = 0.0
    n = n_neg = 0
    last: datetime | None = None
    for e in evs:
        if e.at is not None and as_of is not None and e.at > as_of:
            continue
        d = (
            1.0
            if e.at is None or as_of is None
            else decay((as_of - e.at).total_seconds() / 86400.0, half_life_days)
        )
        memory += d * loss_weighted(e.remembered, loss_aversion)
        weight += d
        n += 1
        n_neg += e.remembered < 0
        if e.at is not None and (last is None or e.at > last):
            last = e.at
    return JourneyMemory(
        memory=memory,
        balance=(memory / weight) if weight > 0 else None,
        n_interactions=n,
        n_negative=n_neg,
        last_at=last,
        as_of=as_of,
    )
