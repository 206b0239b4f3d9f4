"""``predict``'s per-customer scoring as a pure function over a partition of customers.

Why a seam: once the churn model is trained and the CLV model fitted (both global fits,
done once by the parent), scoring is row by row — P(churn), its TreeSHAP drivers, CLV and
value at risk of one customer depend on that customer's features and purchase summary
only. So ``predict`` cuts the customers into partitions and runs :func:`score_partition`
through a :class:`~empathos.understand.pipeline.mapper.BatchMapper`: in process, on the
cores of this machine or on a Ray cluster (``empathos predict --engine ray``). The fitted
models travel once per run inside the mapped function (a ``functools.partial`` — Ray puts
it in its object store once, so every worker gets the run's own artefacts); each
partition carries only its customers' rows. The parent keeps all store access and writes
the scores in one transaction, so every engine stores the same rows (a test compares
them), and the partitioning itself changes nothing (every figure is row-independent).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from empathos.predict.churn import drivers_from
from empathos.predict.value_at_risk import Driver, value_at_risk

__all__ = [
    "CustomerPartition",
    "ScoredPartition",
    "ScoringModels",
    "frame_partitions",
    "partitions",
    "score_partition",
]

PARTITION_CUSTOMERS = 5000  # customers per partition: a few MB of features, ~1 s of scoring


@dataclass(frozen=True)
class ScoringModels:
    """What one run scores with, fitted by the parent: the churn model (``None``: every
    customer gets ``p_prior``, NaN when churn risk is unknown), the fitted CLV
    (``None``: CLV unknown) and the new-customer CLV for those without a purchase."""

    churn: Any | None  # empathos.predict.churn.ChurnModel
    p_prior: float
    clv: Any | None  # empathos.predict.clv.FittedCLV
    clv_prior: float
    top: int = 5


@dataclass(frozen=True)
class CustomerPartition:
    """One partition: the customers' features (index = customer id) and the purchase
    summary rows (``rfm_summary``) of those of them who bought; ``None`` without a CLV."""

    features: pd.DataFrame
    summary: pd.DataFrame | None


@dataclass(frozen=True)
class ScoredPartition:
    """Per customer of the partition, in its order: P(churn) (NaN = unknown), the logit's
    bias term (``None`` without a churn model), the top drivers, CLV (NaN = unknown),
    whether the CLV is fitted (else the new-customer fallback) and value at risk (NaN
    where P(churn) or CLV is unknown)."""

    ids: list[str]
    p: np.ndarray
    bias: np.ndarray | None
    drivers: dict[str, list[Driver]]
    clv: np.ndarray
    clv_fitted: np.ndarray
    var: np.ndarray


def partitions(
    features: pd.DataFrame, summary: pd.DataFrame | None, size: int = PARTITION_CUSTOMERS
) -> Iterator[CustomerPartition]:
    """The customers of ``features`` in consecutive partitions of ``size`` (lazily: the
    mapper takes them as fast as its workers score)."""
    size = max(1, int(size))
    by_id = None if summary is None else summary.set_index("customer_id", drop=False)
    for start in range(0, len(features), size):
        part = features.iloc[start : start + size]
        rows = None
        if by_id is not None:
            rows = by_id.loc[by_id.index.intersection(part.index)].reset_index(drop=True)
        yield CustomerPartition(part, rows)


def frame_partitions(
    frames: Iterable[pd.DataFrame], summary: pd.DataFrame | None, size: int = PARTITION_CUSTOMERS
) -> Iterator[CustomerPartition]:
    """The customers of ``frames`` in consecutive partitions of at most ``size`` (each
    frame cut on its own), lazily: ``predict`` hands the feature frames built a batch of
    customers at a time (:func:`empathos.predict.features.feature_partitions`), so
    neither the features nor the partitions ever exist for every customer at once."""
    for frame in frames:
        yield from partitions(frame, summary, size)


def score_partition(models: ScoringModels, part: CustomerPartition) -> ScoredPartition:
    """Score one partition (pure: no store access; see the module docstring)."""
    X = part.features
    ids = [str(c) for c in X.index]
    n = len(X)
    if models.churn is not None and n:
        p = np.asarray(models.churn.predict_proba(X), dtype=float)
        contrib = models.churn.contributions(X)  # one TreeSHAP pass for bias and drivers
        bias = contrib["bias"].to_numpy(float)
        drivers = drivers_from(contrib, top=models.top)
    else:
        p, bias = np.full(n, models.p_prior, dtype=float), None
        drivers = {c: [] for c in ids}
    if models.clv is not None and n:
        from empathos.predict import clv as clv_mod

        summary = part.summary if part.summary is not None else pd.DataFrame()
        if len(summary):
            scored = clv_mod.score_customers(models.clv, summary).set_index("customer_id")["clv"]
            values = scored.reindex(X.index).to_numpy(float)
        else:
            values = np.full(n, np.nan)
        fitted = ~np.isnan(values)
        clv = np.where(fitted, values, models.clv_prior)
    else:
        clv, fitted = np.full(n, np.nan), np.zeros(n, dtype=bool)
    known = np.isfinite(p) & np.isfinite(clv)
    var = np.full(n, np.nan)
    if known.any():
        var[known] = value_at_risk(p[known], clv[known])
    return ScoredPartition(ids, p, bias, drivers, clv, fitted, var)
