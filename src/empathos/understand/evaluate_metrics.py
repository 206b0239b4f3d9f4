"""Metrics shared by training (dev tuning) and evaluation (test reporting), numpy only."""

from __future__ import annotations

import numpy as np


def f1_per_label(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """Per-column F1 of multi-hot ``(n, k)`` arrays (0 where a label has no gold and no
    prediction)."""
    t = np.asarray(y_true).astype(bool)
    p = np.asarray(y_pred).astype(bool)
    tp = (t & p).sum(0).astype(float)
    denom = t.sum(0) + p.sum(0)
    return np.divide(2 * tp, denom, out=np.zeros_like(tp), where=denom > 0)


def recall_per_label(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """Per-column recall of multi-hot ``(n, k)`` arrays (0 where a label has no gold)."""
    t = np.asarray(y_true).astype(bool)
    p = np.asarray(y_pred).astype(bool)
    tp = (t & p).sum(0).astype(float)
    n = t.sum(0).astype(float)
    return np.divide(tp, n, out=np.zeros_like(tp), where=n > 0)


def predict_sets(probs: np.ndarray, threshold: float) -> np.ndarray:
    """Multi-label decision: every label with probability >= ``threshold``, plus the argmax
    (so each text gets at least one label, as every GoEmotions text has one)."""
    p = np.asarray(probs)
    out = (p >= threshold).astype(np.int8)
    if len(p):
        out[np.arange(len(p)), p.argmax(1)] = 1
    return out


THRESHOLDS = tuple(np.round(np.arange(0.05, 0.96, 0.05), 2))


def tune_threshold(probs: np.ndarray, y_true: np.ndarray) -> tuple[float, float]:
    """The global threshold that maximises macro-F1 (on dev); returns (threshold, macro-F1)."""
    best = (0.5, -1.0)
    for t in THRESHOLDS:
        f = float(f1_per_label(y_true, predict_sets(probs, float(t))).mean())
        if f > best[1]:
            best = (float(t), f)
    return best


def multiclass_macro_f1(
    y_true: np.ndarray, y_pred: np.ndarray, n_classes: int
) -> tuple[float, list[float]]:
    """Macro-F1 over classes of single-label predictions, and the per-class F1."""
    t = np.eye(n_classes, dtype=np.int8)[np.asarray(y_true)]
    p = np.eye(n_classes, dtype=np.int8)[np.asarray(y_pred)]
    per = f1_per_label(t, p)
    return float(per.mean()), [float(x) for x in per]


def binary_auc(y_true: np.ndarray, scores: np.ndarray) -> float:
    """Area under the ROC curve of ``scores`` for 0/1 ``y_true`` (ties count one half:
    the Mann-Whitney statistic), NaN when one class is absent."""
    y = np.asarray(y_true).astype(bool).reshape(-1)
    s = np.asarray(scores, dtype=np.float64).reshape(-1)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s), dtype=np.float64)
    sorted_s = s[order]
    # average ranks over ties
    _, first, counts = np.unique(sorted_s, return_index=True, return_counts=True)
    avg = first + (counts - 1) / 2.0 + 1.0
    ranks[order] = np.repeat(avg, counts)
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))
