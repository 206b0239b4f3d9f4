"""Temperature scaling and calibration error (understand/calibration.py)."""

from __future__ import annotations

import numpy as np
import pytest

from empathos.understand.calibration import (
    ece,
    fit_temperature,
    log_softmax,
    reliability,
    top_label_ece,
)


def _sample(true_t: float, n: int = 4000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Logits whose labels are drawn from softmax(logits / true_t)."""
    rng = np.random.default_rng(seed)
    z = rng.normal(0, 2.0, size=(n, 3))
    p = np.exp(log_softmax(z / true_t))
    y = np.array([rng.choice(3, p=row) for row in p])
    return z, y


def test_temperature_recovers_an_overconfident_model() -> None:
    z, y = _sample(true_t=2.0)
    t = fit_temperature(z, y)
    assert 1.7 < t < 2.4
    assert top_label_ece(np.exp(log_softmax(z / t)), y) < top_label_ece(np.exp(log_softmax(z)), y)


def test_calibrated_probabilities_have_small_ece() -> None:
    rng = np.random.default_rng(1)
    conf = rng.uniform(0, 1, 20000)
    correct = rng.uniform(0, 1, 20000) < conf
    assert ece(conf, correct) < 0.02
    assert ece(conf, ~correct) > 0.3  # the opposite is badly calibrated


def test_reliability_bins_count_every_row() -> None:
    r = reliability(np.array([0.05, 0.06, 0.95, 1.0]), np.array([0, 0, 1, 1]))
    assert sum(r["count"]) == 4
    assert r["frequency"] == [0.0, 1.0]
    assert r["confidence"][1] == pytest.approx(0.975)
