"""Sample size for a two-arm pilot (two-sided test, default alpha 0.05, power 0.8).

statsmodels is not a dependency; these are the textbook formulas on scipy:

* **means** (remembered score): the exact two-sample t-test power from the noncentral t
  distribution, searched for the smallest n per arm — the method of G*Power and
  statsmodels' ``TTestIndPower`` (Cohen's d = 0.5 → 64 per arm). ``exact=False`` gives
  the normal approximation n = 2 (z₁₋α/₂ + z₁₋β)² σ² / δ² (d = 0.5 → 63).
* **proportions** (churn rate): n = [z₁₋α/₂ √(2 p̄ q̄) + z₁₋β √(p₁q₁ + p₂q₂)]² / (p₁ − p₂)²
  per arm (Fleiss, without continuity correction; p̄ = (p₁ + p₂)/2).

Both return None when the difference is zero (no sample detects a null effect).
"""

from __future__ import annotations

import math

from scipy import stats

__all__ = ["power_means", "sample_size_means", "sample_size_proportions"]

MAX_N = 10**9


def power_means(n: int, d: float, alpha: float = 0.05) -> float:
    """Power of a two-sided two-sample t-test with ``n`` per arm and effect size d = δ/σ."""
    df = 2 * n - 2
    if df <= 0:
        return 0.0
    t_crit = stats.t.ppf(1 - alpha / 2, df)
    ncp = abs(d) * math.sqrt(n / 2)
    return float(stats.nct.sf(t_crit, df, ncp) + stats.nct.cdf(-t_crit, df, ncp))


def sample_size_means(
    delta: float, sd: float, alpha: float = 0.05, power: float = 0.8, exact: bool = True
) -> int | None:
    """Per-arm n to detect a difference ``delta`` of means with common SD ``sd``."""
    if sd <= 0 or not math.isfinite(delta) or delta == 0:
        return None
    d = abs(delta) / sd
    z = stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)
    approx = 2 * (z / d) ** 2
    if not exact or approx > MAX_N:
        return min(MAX_N, math.ceil(approx))
    n = max(2, math.floor(approx))
    while power_means(n, d, alpha) < power:  # the t correction adds one or two
        n += 1
    while n > 2 and power_means(n - 1, d, alpha) >= power:
        n -= 1
    return n


def sample_size_proportions(
    p1: float, p2: float, alpha: float = 0.05, power: float = 0.8
) -> int | None:
    """Per-arm n to detect rates ``p1`` vs ``p2`` (e.g. churn under control vs treatment)."""
    if not (0 <= p1 <= 1 and 0 <= p2 <= 1) or p1 == p2:
        return None
    za, zb = stats.norm.ppf(1 - alpha / 2), stats.norm.ppf(power)
    pbar = (p1 + p2) / 2
    num = za * math.sqrt(2 * pbar * (1 - pbar)) + zb * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return min(MAX_N, math.ceil(num**2 / (p1 - p2) ** 2))
