"""Lift of a treatment over its control group, always with a confidence interval and a test.

Why a module of its own: every KPI report in Empathos (experiments, the bandit bench,
OODA) must say the same thing the same way — "treatment minus control, this interval,
this test, these sample sizes, this data source" — so a difference is never called a lift
without the evidence behind it.

Three estimators, chosen by the KPI's kind:

* **Welch's t** for means of continuous KPIs (remembered score): no equal-variance
  assumption, since a new policy easily changes the spread as well as the mean.
* **Two-proportion z** (Wald interval, pooled-variance test) for rates (share of
  contacts ending ``improved``, resolution, later churn).
* **Bootstrap** (percentile interval of the mean difference, two-sided p from the
  bootstrap distribution's sign) when the KPI is skewed or the samples small; slower, so
  opt-in.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from scipy import stats


@dataclass(frozen=True, slots=True)
class LiftResult:
    """Treatment vs control on one KPI: means, difference, its CI, the test and the sizes.

    ``diff`` = treatment_mean − control_mean (in the KPI's units; for a KPI where lower is
    better, such as churn, a negative diff is an improvement). ``source`` says whether the
    figures come from imported data, the samples or the simulator. ``None`` where a figure
    is undefined (an empty arm has no mean; too few observations give no interval or
    test): a report shows "n/a", never a number, and JSON gets ``null``.
    """

    kpi: str
    treatment_mean: float | None
    control_mean: float | None
    diff: float | None
    ci_low: float | None = field(
        metadata={"description": "None when too few observations for the test"}
    )
    ci_high: float | None
    p_value: float | None
    test: str
    n_treatment: int
    n_control: int
    source: str
    confidence: float = 0.95

    @property
    def significant(self) -> bool:
        """The interval excludes zero (at ``confidence``)."""
        if self.ci_low is None or self.ci_high is None:
            return False
        return self.ci_low > 0.0 or self.ci_high < 0.0

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["significant"] = self.significant
        return d

    def summary(self) -> str:
        f = fmt_figure
        return (
            f"{self.kpi}: treatment {f(self.treatment_mean, '.4f')} (n={self.n_treatment}) "
            f"vs control {f(self.control_mean, '.4f')} (n={self.n_control}); "
            f"diff {f(self.diff, '+.4f')} [{f(self.ci_low, '+.4f')}, {f(self.ci_high, '+.4f')}] "
            f"{self.confidence:.0%} CI, {self.test} p={f(self.p_value, '.3g')} ({self.source})"
        )


def fmt_figure(x: float | None, spec: str) -> str:
    """A figure formatted with ``spec``; an undefined one (``None``) prints as NaN did
    before it became ``None`` (``nan``, ``+nan``), so reports read the same."""
    return format(math.nan if x is None else x, spec)


REPORT_KEYS: tuple[tuple[str, str], ...] = (
    ("kpi", "kpi"),
    ("treatment", "treatment_mean"),
    ("control", "control_mean"),
    ("lift", "diff"),
    ("ci_low", "ci_low"),
    ("ci_high", "ci_high"),
    ("p_value", "p_value"),
    ("test", "test"),
    ("n_treatment", "n_treatment"),
    ("n_control", "n_control"),
)
"""A lift's figures as the reports name them (the pilot's KPIs, the dashboard's tables):
the difference is ``lift``, the means ``treatment`` and ``control``."""


def lift_fields(result: LiftResult, keys: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """``result``'s figures under a report's names: ``keys`` pairs (name, LiftResult field).

    Why: assess's reports (the pilot's KPIs, the balance sheet's measured lifts) wrap one
    :class:`LiftResult` with their own provenance and have always called the difference
    ``lift`` and the means ``treatment``/``control``; they keep their JSON without a
    second copy of the lift's fields.
    """
    return {name: getattr(result, attr) for name, attr in keys}


class LiftView:
    """The figures of a wrapped :class:`LiftResult` (``self.result``) under the names
    assess's reports have always used (``lift`` for the difference, ``treatment`` and
    ``control`` for the means), for a report that adds its own provenance around one lift
    (the balance sheet's measured lifts, the pilot's KPIs). One set of aliases, not a copy
    per report."""

    __slots__ = ()  # the wrapping dataclasses keep their slots
    result: LiftResult

    @property
    def treatment(self) -> float | None:
        return self.result.treatment_mean

    @property
    def control(self) -> float | None:
        return self.result.control_mean

    @property
    def lift(self) -> float | None:
        return self.result.diff

    @property
    def ci_low(self) -> float | None:
        return self.result.ci_low

    @property
    def ci_high(self) -> float | None:
        return self.result.ci_high

    @property
    def p_value(self) -> float | None:
        return self.result.p_value

    @property
    def test(self) -> str:
        return self.result.test

    @property
    def n_treatment(self) -> int:
        return self.result.n_treatment

    @property
    def n_control(self) -> int:
        return self.result.n_control

    @property
    def source(self) -> str:
        return self.result.source


def _clean(values: Sequence[float] | np.ndarray) -> np.ndarray:
    a = np.asarray(values, dtype=float).ravel()
    return a[np.isfinite(a)]


def _undefined(
    kpi: str, t: np.ndarray, c: np.ndarray, test: str, source: str, confidence: float
) -> LiftResult:
    """Too few observations for the test: report the sizes and None, never a number."""
    tm = float(t.mean()) if t.size else None
    cm = float(c.mean()) if c.size else None
    return LiftResult(
        kpi,
        tm,
        cm,
        None if tm is None or cm is None else tm - cm,
        None,
        None,
        None,
        test,
        int(t.size),
        int(c.size),
        source,
        confidence,
    )


def welch_lift(
    kpi: str,
    treatment: Sequence[float] | np.ndarray,
    control: Sequence[float] | np.ndarray,
    source: str,
    confidence: float = 0.95,
) -> LiftResult:
    """Difference of means with Welch's t interval and test (unequal variances)."""
    t, c = _clean(treatment), _clean(control)
    if t.size < 2 or c.size < 2:
        return _undefined(kpi, t, c, "welch_t", source, confidence)
    mt, mc = float(t.mean()), float(c.mean())
    vt, vc = float(t.var(ddof=1)) / t.size, float(c.var(ddof=1)) / c.size
    se = math.sqrt(vt + vc)
    diff = mt - mc
    if se == 0.0:
        p = 1.0 if diff == 0.0 else 0.0
        return LiftResult(
            kpi,
            mt,
            mc,
            diff,
            diff,
            diff,
            p,
            "welch_t",
            int(t.size),
            int(c.size),
            source,
            confidence,
        )
    dof = (vt + vc) ** 2 / (vt**2 / (t.size - 1) + vc**2 / (c.size - 1))
    q = float(stats.t.ppf(0.5 + confidence / 2, dof))
    p = float(2 * stats.t.sf(abs(diff) / se, dof))
    return LiftResult(
        kpi,
        mt,
        mc,
        diff,
        diff - q * se,
        diff + q * se,
        p,
        "welch_t",
        int(t.size),
        int(c.size),
        source,
        confidence,
    )


def proportion_lift(
    kpi: str,
    treatment: Sequence[float] | np.ndarray,
    control: Sequence[float] | np.ndarray,
    source: str,
    confidence: float = 0.95,
) -> LiftResult:
    """Difference of two proportions (0/1 outcomes): Wald interval, pooled z test."""
    t, c = _clean(treatment), _clean(control)
    if t.size == 0 or c.size == 0:
        return _undefined(kpi, t, c, "two_proportion_z", source, confidence)
    pt, pc = float(t.mean()), float(c.mean())
    diff = pt - pc
    se = math.sqrt(pt * (1 - pt) / t.size + pc * (1 - pc) / c.size)
    pooled = (t.sum() + c.sum()) / (t.size + c.size)
    se0 = math.sqrt(pooled * (1 - pooled) * (1 / t.size + 1 / c.size))
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    p = float(2 * stats.norm.sf(abs(diff) / se0)) if se0 > 0 else (1.0 if diff == 0 else 0.0)
    return LiftResult(
        kpi,
        pt,
        pc,
        diff,
        diff - z * se,
        diff + z * se,
        p,
        "two_proportion_z",
        int(t.size),
        int(c.size),
        source,
        confidence,
    )


def bootstrap_lift(
    kpi: str,
    treatment: Sequence[float] | np.ndarray,
    control: Sequence[float] | np.ndarray,
    source: str,
    confidence: float = 0.95,
    n_boot: int = 2000,
    seed: int = 0,
) -> LiftResult:
    """Difference of means with a percentile bootstrap interval (resampling each arm).

    The p-value is the two-sided bootstrap sign probability, 2·min(P(d* ≤ 0), P(d* ≥ 0)),
    floored at 1/n_boot — a rough test, honest about its resolution.
    """
    t, c = _clean(treatment), _clean(control)
    if t.size < 2 or c.size < 2:
        return _undefined(kpi, t, c, "bootstrap", source, confidence)
    rng = np.random.default_rng(seed)
    bt = t[rng.integers(0, t.size, size=(n_boot, t.size))].mean(axis=1)
    bc = c[rng.integers(0, c.size, size=(n_boot, c.size))].mean(axis=1)
    d = bt - bc
    alpha = 1 - confidence
    lo, hi = np.quantile(d, [alpha / 2, 1 - alpha / 2])
    p = max(1.0 / n_boot, min(1.0, 2 * min(float((d <= 0).mean()), float((d >= 0).mean()))))
    mt, mc = float(t.mean()), float(c.mean())
    return LiftResult(
        kpi,
        mt,
        mc,
        mt - mc,
        float(lo),
        float(hi),
        p,
        "bootstrap",
        int(t.size),
        int(c.size),
        source,
        confidence,
    )


TESTS = {"welch_t": welch_lift, "two_proportion_z": proportion_lift, "bootstrap": bootstrap_lift}
"""The estimators by the name a report prints in its ``test`` column."""


def lift(
    kpi: str,
    treatment: Sequence[float] | np.ndarray,
    control: Sequence[float] | np.ndarray,
    source: str,
    test: str = "welch_t",
    confidence: float = 0.95,
) -> LiftResult:
    """Dispatch to the estimator named ``test`` (one of :data:`TESTS`)."""
    try:
        fn = TESTS[test]
    except KeyError:
        raise ValueError(f"unknown test {test!r}; available: {', '.join(sorted(TESTS))}") from None
    return fn(kpi, treatment, control, source, confidence=confidence)
