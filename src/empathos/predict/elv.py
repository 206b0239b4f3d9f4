"""Employee lifetime value (ELV): an employee "on the balance sheet", like a customer's CLV.

The formula, per employee, over a horizon of H periods (months by default):

    ρ   = 1 − attrition risk per period            (probability of staying one more period)
    δ_k = (1 + d)^(−k)                             (discount factor, d per period)
    V   = contacts per period × value protected per contact
    C   = cost per period (0 unless given: ELV is then gross of salary)
    R   = replacement cost (hiring, training, ramp-up) paid when the employee leaves

    ELV = Σ_{k=1..H} ρ^k δ_k (V − C)  −  R Σ_{k=1..H} ρ^(k−1) (1 − ρ) δ_k

The first sum is the value of the periods they are expected to still be there for
(ρ^k: still employed at the end of period k); Σ ρ^k δ_k is the discounted expected remaining
tenure (:func:`expected_remaining_tenure`). The second is the expected, discounted cost of
replacing them: ρ^(k−1)(1 − ρ) is the probability they leave in period k. With d = 0 it is
R × (1 − ρ^H), i.e. replacement cost × attrition risk over the horizon.

Why this shape: it uses only what Empathos measures — attrition risk (the employee model),
contacts handled (the store) and value protected per contact (from value at risk: a
contact that keeps a customer protects part of what they would have cost us; see
:func:`value_protected_per_contact`). It is linear in money and monotone in each input,
so a manager can read why one employee's ELV is higher than another's. It assumes a
constant per-period attrition risk over the horizon (a geometric tenure), the simplest
model that a single risk score supports.

All functions are pure and vectorised (numpy broadcasting over employees).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "ELVConfig",
    "discount_factors",
    "employee_lifetime_value",
    "expected_remaining_tenure",
    "expected_replacement_cost",
    "value_protected_per_contact",
]


@dataclass(frozen=True, slots=True)
class ELVConfig:
    """Settings of the ELV formula; every default is a placeholder to replace with yours.

    periods_per_year: 12 = the period is a month (attrition risk and contacts are then
        per month).
    horizon_periods: 36 months — past about three years a single attrition score says
        little, and most contact-centre tenures are shorter.
    annual_discount_rate: 0.10, the same placeholder cost of capital as CLV, so ELV and
        CLV are on one scale; converted to a per-period rate (1 + d)^(1/periods) − 1.
    replacement_cost: 10,000 (currency units) — recruiting, training and the weeks an
        agent needs to reach full productivity; an assumption, set it from your HR data.
    cost_per_period: 0 — ELV is gross of pay unless you give the fully loaded cost.
    """

    periods_per_year: int = 12
    horizon_periods: int = 36
    annual_discount_rate: float = 0.10
    replacement_cost: float = 10_000.0
    cost_per_period: float = 0.0

    def __post_init__(self) -> None:
        if self.periods_per_year < 1 or self.horizon_periods < 0:
            raise ValueError("periods_per_year must be >= 1 and horizon_periods >= 0")
        if self.annual_discount_rate <= -1:
            raise ValueError("annual_discount_rate must be > -1")

    @property
    def period_discount_rate(self) -> float:
        return float((1.0 + self.annual_discount_rate) ** (1.0 / self.periods_per_year) - 1.0)


def discount_factors(config: ELVConfig) -> np.ndarray:
    """δ_k for k = 1..H."""
    k = np.arange(1, config.horizon_periods + 1, dtype=float)
    return np.asarray((1.0 + config.period_discount_rate) ** (-k))


def _retention(attrition_risk: ArrayLike) -> np.ndarray:
    risk = np.asarray(attrition_risk, dtype=float)
    if not np.all(np.isfinite(risk)) or np.any((risk < 0) | (risk > 1)):
        raise ValueError("attrition risk per period must lie in [0, 1]")
    return 1.0 - risk


def expected_remaining_tenure(
    attrition_risk: ArrayLike, config: ELVConfig | None = None
) -> np.ndarray:
    """Discounted expected number of periods still employed within the horizon: Σ ρ^k δ_k.

    With no discount and an infinite horizon this tends to ρ / (1 − ρ).
    """
    cfg = config or ELVConfig()
    rho = _retention(attrition_risk)
    k = np.arange(1, cfg.horizon_periods + 1, dtype=float)
    return np.asarray((rho[..., None] ** k * discount_factors(cfg)).sum(axis=-1))


def expected_replacement_cost(
    attrition_risk: ArrayLike, config: ELVConfig | None = None
) -> np.ndarray:
    """R Σ ρ^(k−1)(1 − ρ) δ_k: the discounted replacement cost times the chance of leaving."""
    cfg = config or ELVConfig()
    rho = _retention(attrition_risk)
    k = np.arange(1, cfg.horizon_periods + 1, dtype=float)
    leave_in_k = rho[..., None] ** (k - 1.0) * (1.0 - rho[..., None])
    return np.asarray(cfg.replacement_cost * (leave_in_k * discount_factors(cfg)).sum(axis=-1))


def value_protected_per_contact(
    mean_value_at_risk: ArrayLike, retention_uplift: ArrayLike
) -> np.ndarray:
    """Value a contact protects: the mean value at risk of the customers an employee
    handles × how much a contact by this employee lowers their churn probability
    (an absolute uplift in [0, 1], measured against the control group by the learn stage).
    """
    var = np.asarray(mean_value_at_risk, dtype=float)
    uplift = np.asarray(retention_uplift, dtype=float)
    if np.any((uplift < 0) | (uplift > 1)):
        raise ValueError("retention_uplift must lie in [0, 1]")
    return np.asarray(var * uplift)


def employee_lifetime_value(
    attrition_risk: ArrayLike,
    contacts_per_period: ArrayLike,
    value_per_contact: ArrayLike,
    config: ELVConfig | None = None,
) -> np.ndarray:
    """ELV per employee (see the module docstring for the formula); broadcasts inputs."""
    cfg = config or ELVConfig()
    contacts = np.asarray(contacts_per_period, dtype=float)
    if np.any(contacts < 0):
        raise ValueError("contacts_per_period must be >= 0")
    per_period = contacts * np.asarray(value_per_contact, dtype=float) - cfg.cost_per_period
    tenure = expected_remaining_tenure(attrition_risk, cfg)
    return np.asarray(tenure * per_period - expected_replacement_cost(attrition_risk, cfg))
