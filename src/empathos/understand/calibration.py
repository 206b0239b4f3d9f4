"""Calibration of probabilities: temperature scaling, expected calibration error, reliability bins.

Why temperature scaling (Guo et al., ICML 2017, "On Calibration of Modern Neural
Networks"): one scalar per head, fitted on validation data by negative log-likelihood, that
divides the logits. It cannot change which class is the argmax (so accuracy and macro-F1 of
argmax decisions stay as trained) and it needs no more than a few hundred validation rows,
which is what UMSAB gives per language (324). Isotonic regression would need more data per
class and breaks the rows' sum to 1. numpy only: the training code fits, the bench reports.
"""

from __future__ import annotations

import numpy as np

TEMPERATURES = np.exp(np.linspace(np.log(0.25), np.log(6.0), 97))
N_BINS = 15


def log_softmax(z: np.ndarray) -> np.ndarray:
    z = np.asarray(z, dtype=np.float64)
    z = z - z.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def nll(logits: np.ndarray, y: np.ndarray, weight: np.ndarray | None = None) -> float:
    """Mean (weighted) negative log-likelihood of integer labels ``y`` under ``softmax(logits)``."""
    lp = log_softmax(logits)[np.arange(len(y)), np.asarray(y)]
    w = np.ones(len(y)) if weight is None else np.asarray(weight, dtype=np.float64)
    return float(-(lp * w).sum() / w.sum())


def fit_temperature(logits: np.ndarray, y: np.ndarray, weight: np.ndarray | None = None) -> float:
    """The temperature (grid 0.25…6, log-spaced) minimising validation NLL of ``logits / T``."""
    losses = [nll(logits / t, y, weight) for t in TEMPERATURES]
    return float(TEMPERATURES[int(np.argmin(losses))])


def reliability(
    confidence: np.ndarray, correct: np.ndarray, n_bins: int = N_BINS
) -> dict[str, list[float]]:
    """Equal-width bins of ``confidence``: per bin the mean confidence, the observed
    frequency of ``correct`` and the count (bins without rows are left out)."""
    conf = np.asarray(confidence, dtype=np.float64)
    ok = np.asarray(correct, dtype=np.float64)
    idx = np.minimum((conf * n_bins).astype(int), n_bins - 1)
    out: dict[str, list[float]] = {"confidence": [], "frequency": [], "count": []}
    for b in range(n_bins):
        m = idx == b
        if m.any():
            out["confidence"].append(float(conf[m].mean()))
            out["frequency"].append(float(ok[m].mean()))
            out["count"].append(float(m.sum()))
    return out


def ece(confidence: np.ndarray, correct: np.ndarray, n_bins: int = N_BINS) -> float:
    """Expected calibration error: the count-weighted mean |confidence − frequency| over
    equal-width bins (Naeini et al., AAAI 2015; the usual 15 bins)."""
    r = reliability(confidence, correct, n_bins)
    n = sum(r["count"])
    if n == 0:
        return float("nan")
    return float(
        sum(
            c * abs(p - f)
            for p, f, c in zip(r["confidence"], r["frequency"], r["count"], strict=True)
        )
        / n
    )


def top_label_ece(probs: np.ndarray, y: np.ndarray) -> float:
    """ECE of the top label of single-label rows (``y`` integer classes)."""
    p = np.asarray(probs)
    return ece(p.max(1), p.argmax(1) == np.asarray(y))
