"""Value at risk and the avoidable-churn list.

Value at risk = P(churn) × CLV: what the business expects to lose if it does nothing. It
puts a churn score and a lifetime value on one scale (money), so a low-risk customer worth
a lot and a high-risk customer worth little can be compared and ranked.

Not every risk is worth acting on: a customer who is leaving because they moved abroad is
not saved by a kinder agent. The *avoidable churn* list keeps the customers whose top
churn drivers (e.g. per-customer SHAP contributions of the churn model) are ones an action
can change — the emotional and effort signals of the understand stage — and ranks them by
value at risk. Both functions are pure: the churn model and the store live elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "DEFAULT_ACTIONABLE_DRIVERS",
    "DEFAULT_ACTIONABLE_PREFIXES",
    "AvoidableChurn",
    "AvoidableChurnConfig",
    "Driver",
    "avoidable_churn",
    "value_at_risk",
]

# Names of churn-model features an action can change: how contacts felt and how hard they
# were. Exact names, plus prefixes so a family of features (effort_repeats,
# effort_transfers, ...) is covered at once. Replace both to match your churn features.
DEFAULT_ACTIONABLE_DRIVERS: frozenset[str] = frozenset(
    {
        "remembered_score",
        "experienced_score",
        "emotional_memory",
        "emotional_outcome",
        "peak_valence",
        "negative_peak",
        "end_valence",
        "empathy_received",
        "sentiment_score",
    }
)
DEFAULT_ACTIONABLE_PREFIXES: tuple[str, ...] = (
    "effort_",
    "emotion_",
    "empathy_",
    "outcome_",
    "predicted_csat_",  # how the contacts went, as a CSAT: what better contacts move
)


def value_at_risk(p_churn: ArrayLike, clv: ArrayLike) -> np.ndarray:
    """Element-wise P(churn) × CLV (broadcasting like numpy).

    Probabilities must lie in [0, 1] and both inputs must be finite: a NaN here would
    silently drop a customer from every ranking downstream, so it fails loudly instead.
    A negative CLV (a customer who costs more than they bring) gives a negative value at
    risk, which ranks last — losing them is not a loss.
    """
    p = np.asarray(p_churn, dtype=float)
    v = np.asarray(clv, dtype=float)
    if not (np.all(np.isfinite(p)) and np.all(np.isfinite(v))):
        raise ValueError("p_churn and clv must be finite")
    if np.any((p < 0) | (p > 1)):
        raise ValueError("p_churn must lie in [0, 1]")
    return np.asarray(p * v)


@dataclass(frozen=True, slots=True)
class Driver:
    """One feature's contribution to a customer's churn score (positive raises risk)."""

    name: str
    contribution: float


@dataclass(frozen=True, slots=True)
class AvoidableChurnConfig:
    """Which drivers count as actionable and how a customer qualifies.

    top_k: how many of a customer's strongest risk-raising drivers are looked at.
    mode: "any" keeps a customer if any of the top_k is actionable; "top" only if the
        single strongest driver is (stricter, fewer false hopes).
    min_contribution: drivers below this contribution are ignored (noise in SHAP values).
    """

    actionable_drivers: frozenset[str] = DEFAULT_ACTIONABLE_DRIVERS
    actionable_prefixes: tuple[str, ...] = DEFAULT_ACTIONABLE_PREFIXES
    top_k: int = 3
    mode: Literal["any", "top"] = "any"
    min_contribution: float = 0.0

    def is_actionable(self, name: str) -> bool:
        return name in self.actionable_drivers or name.startswith(self.actionable_prefixes)


@dataclass(frozen=True, slots=True)
class AvoidableChurn:
    """A customer on the avoidable-churn list.

    actionable_share: the actionable drivers' part of the top drivers' total contribution —
    how much of the explained risk an action could address (1.0 = all of it).
    """

    customer_id: str
    value_at_risk: float
    actionable_drivers: tuple[Driver, ...]
    top_drivers: tuple[Driver, ...] = field(default=())
    actionable_share: float = 0.0


def _as_drivers(items: Iterable[Driver | tuple[str, float]]) -> list[Driver]:
    return [d if isinstance(d, Driver) else Driver(str(d[0]), float(d[1])) for d in items]


def avoidable_churn(
    value_at_risk_by_customer: Mapping[str, float],
    drivers_by_customer: Mapping[str, Sequence[Driver | tuple[str, float]]],
    config: AvoidableChurnConfig | None = None,
    *,
    limit: int | None = None,
) -> list[AvoidableChurn]:
    """Customers whose top churn drivers are actionable, by value at risk (highest first).

    Only drivers that raise risk (contribution > min_contribution) are considered; a
    customer with no such driver, or none actionable among the top_k, is left out, and so
    is a customer without drivers. Ties in value at risk are broken by customer id, so the
    list is deterministic.
    """
    cfg = config or AvoidableChurnConfig()
    if cfg.top_k < 1:
        raise ValueError("top_k must be >= 1")
    kept: list[AvoidableChurn] = []
    for customer_id, var in value_at_risk_by_customer.items():
        raising = [
            d
            for d in _as_drivers(drivers_by_customer.get(customer_id, ()))
            if d.contribution > cfg.min_contribution
        ]
        top = sorted(raising, key=lambda d: (-d.contribution, d.name))[: cfg.top_k]
        if not top:
            continue
        considered = top[:1] if cfg.mode == "top" else top
        actionable = tuple(d for d in considered if cfg.is_actionable(d.name))
        if not actionable:
            continue
        total = sum(d.contribution for d in top)
        share = sum(d.contribution for d in top if cfg.is_actionable(d.name)) / total
        kept.append(
            AvoidableChurn(
                customer_id=customer_id,
                value_at_risk=float(var),
                actionable_drivers=actionable,
                top_drivers=tuple(top),
                actionable_share=share,
            )
        )
    kept.sort(key=lambda a: (-a.value_at_risk, a.customer_id))
    return kept if limit is None else kept[:limit]
