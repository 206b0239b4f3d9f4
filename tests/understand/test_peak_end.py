"""Peak–end arithmetic: properties that must hold for every interaction, plus the fit."""

from __future__ import annotations

import math
from itertools import pairwise

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from empathos.understand import peak_end as pe

valence = st.floats(-1.0, 1.0, allow_nan=False, allow_infinity=False)
unit = st.floats(0.0, 1.0, allow_nan=False, allow_infinity=False)
weights = (
    st.tuples(unit, unit, unit).filter(lambda t: sum(t) > 1e-3).map(lambda t: pe.PeakEndWeights(*t))
)


@st.composite
def interaction(draw: st.DrawFn, min_size: int = 1) -> tuple[list[float], list[float]]:
    n = draw(st.integers(min_size, 30))
    return draw(st.lists(valence, min_size=n, max_size=n)), draw(
        st.lists(unit, min_size=n, max_size=n)
    )


@given(interaction(), weights)
def test_remembered_lies_between_lowest_and_highest_valence(vi, w) -> None:
    v, i = vi
    r = pe.remembered_score(v, i, w)
    assert min(v) - 1e-12 <= r <= max(v) + 1e-12


@given(valence, unit, weights)
def test_single_turn_remembered_equals_experienced(v, i, w) -> None:
    res = pe.analyze_interaction([7], [v], [i], w)
    assert math.isclose(res.remembered, res.experienced, abs_tol=1e-12)
    assert math.isclose(res.remembered, v, abs_tol=1e-12)
    assert res.peak_seq == 7
    assert res.outcome is pe.EmotionalOutcome.UNCHANGED


@given(interaction(min_size=2), weights, st.floats(-0.5, 0.5))
def test_shifting_the_end_moves_remembered_by_the_end_weight(vi, w, delta) -> None:
    """With intensities fixed, the peak stays where it is; moving the last valence by δ
    moves remembered by w_end·δ (+ w_mean·δ/n through the mean, + w_peak·δ if the last
    turn *is* the peak)."""
    v, i = vi
    n = len(v)
    shifted = [*v[:-1], v[-1] + delta]
    wn = w.normalised()
    expected = wn.end * delta + wn.mean * delta / n
    if pe.peak_index(v, i) == n - 1:
        expected += wn.peak * delta
    got = pe.remembered_score(shifted, i, w) - pe.remembered_score(v, i, w)
    assert math.isclose(got, expected, abs_tol=1e-9)


@given(interaction(min_size=2), st.floats(-0.5, 0.5))
def test_kahneman_default_end_shift_is_exactly_half(vi, delta) -> None:
    v, i = vi
    i = [*i[:-1], -1.0]  # the end is never the most intense turn here
    shifted = [*v[:-1], v[-1] + delta]
    k = pe.KAHNEMAN
    got = pe.remembered_score(shifted, i, k) - pe.remembered_score(v, i, k)
    assert math.isclose(got, 0.5 * delta, abs_tol=1e-9)


@given(interaction(), weights, st.floats(-1.0, 1.0))
def test_remembered_is_translation_equivariant(vi, w, c) -> None:
    v, i = vi
    moved = [x + c for x in v]
    assert math.isclose(
        pe.remembered_score(moved, i, w), pe.remembered_score(v, i, w) + c, abs_tol=1e-9
    )


@given(interaction())
def test_peak_is_the_most_intense_turn_and_its_seq_is_reported(vi) -> None:
    v, i = vi
    seqs = [10 * k + 3 for k in range(len(v))]
    res = pe.analyze_interaction(seqs, v, i)
    k = int(np.argmax(i))
    assert res.peak_seq == seqs[k]
    assert res.peak_valence == v[k]
    assert res.end_valence == v[-1]
    assert math.isclose(res.experienced, float(np.mean(v)), abs_tol=1e-12)


def test_peak_without_intensities_uses_absolute_valence() -> None:
    assert pe.peak_index([0.1, -0.8, 0.5]) == 1
    assert pe.peak_index([0.1, 0.8, -0.8]) == 1  # first on ties


@given(st.lists(valence, min_size=1, max_size=30))
def test_outcome_reverses_when_the_interaction_is_played_backwards(v) -> None:
    fwd, back = pe.emotional_outcome(v), pe.emotional_outcome(v[::-1])
    flip = {
        pe.EmotionalOutcome.IMPROVED: pe.EmotionalOutcome.WORSENED,
        pe.EmotionalOutcome.WORSENED: pe.EmotionalOutcome.IMPROVED,
        pe.EmotionalOutcome.UNCHANGED: pe.EmotionalOutcome.UNCHANGED,
    }
    assert back is flip[fwd]


def test_outcome_threshold() -> None:
    assert pe.emotional_outcome([-0.7, 0.0]) is pe.EmotionalOutcome.IMPROVED
    assert pe.emotional_outcome([0.0, -0.1]) is pe.EmotionalOutcome.UNCHANGED
    assert pe.emotional_outcome([0.5, -0.5]) is pe.EmotionalOutcome.WORSENED
    assert pe.emotional_outcome([0.0, 0.1], threshold=0.05) is pe.EmotionalOutcome.IMPROVED


def test_weights_must_be_non_negative() -> None:
    with pytest.raises(ValueError):
        pe.PeakEndWeights(peak=-0.1)
    with pytest.raises(ValueError):
        pe.PeakEndWeights(0, 0, 0)
    assert pe.PeakEndWeights(2, 1, 1).normalised() == pe.PeakEndWeights(0.5, 0.25, 0.25)


def test_empty_interaction_is_an_error() -> None:
    with pytest.raises(ValueError):
        pe.experienced_score([])


# ---------------------------------------------------------------------------- market conventions


def test_sentiment_score_reproduces_the_genesys_worked_example() -> None:
    """Two positive events at the 10th and 18th of 20 customer phrases: f(0.5 + 0.9) = 78."""
    v = [0.0] * 20
    v[9] = v[17] = 0.8
    assert round(pe.customer_sentiment_score(v)) == 78


@given(st.lists(valence, min_size=1, max_size=40))
def test_sentiment_score_is_bounded(v) -> None:
    assert -100.0 <= pe.customer_sentiment_score(v) <= 100.0
    assert -100.0 <= pe.customer_sentiment_score(v, graded=True) <= 100.0


@given(st.lists(valence, min_size=1, max_size=30), st.data())
def test_sentiment_score_never_drops_when_a_turn_gets_happier(v, data) -> None:
    k = data.draw(st.integers(0, len(v) - 1))
    up = data.draw(st.floats(0.0, 2.0))
    happier = list(v)
    happier[k] = min(1.0, v[k] + up)
    assert pe.customer_sentiment_score(happier) >= pe.customer_sentiment_score(v) - 1e-9


@given(st.integers(2, 30))
def test_later_events_weigh_more(n) -> None:
    scores = []
    for k in range(n):
        v = [0.0] * n
        v[k] = -0.9
        scores.append(pe.customer_sentiment_score(v))
    assert all(a > b for a, b in pairwise(scores))


@given(st.integers(0, 1000), st.integers(0, 1000))
def test_agent_empathy_score(e, u) -> None:
    s = pe.agent_empathy_score(e, u)
    if e + u == 0:
        assert s is None
    else:
        assert -100.0 <= s <= 100.0
        assert (s > 0) == (e > u)
    assert pe.agent_empathy_score(3, 0) == 100.0
    assert pe.agent_empathy_score(0, 2) == -100.0
    assert pe.agent_empathy_score(2, 5) == pytest.approx(100 * (2 - 5) / 7)


# ---------------------------------------------------------------------------- fitting


def _synthetic_terms(n: int, rng: np.random.Generator) -> np.ndarray:
    peak = rng.uniform(-1, 1, n)
    end = rng.uniform(-1, 1, n)
    mean = 0.5 * peak + 0.5 * rng.uniform(-1, 1, n)
    return np.column_stack([peak, end, mean])


def test_linear_fit_recovers_known_weights_with_an_interval_that_covers_them() -> None:
    """CSAT = 3 + 1.2·peak + 0.0·end + 0.6·mean + noise: a Verhoef-like world where the
    end does not matter. The fit must find that, and its intervals must cover the truth."""
    rng = np.random.default_rng(1)
    x = _synthetic_terms(800, rng)
    y = 3 + x @ np.array([1.2, 0.0, 0.6]) + rng.normal(0, 0.3, len(x))
    fit = pe.fit_peak_end_weights(x, y, n_boot=300)
    assert fit.kind == "linear"
    for term, truth in (("peak", 1.2), ("end", 0.0), ("mean", 0.6)):
        lo, hi = fit.coef_ci[term]
        assert lo <= truth <= hi, (term, fit.coef_ci[term])
    assert fit.weights["peak"] == pytest.approx(2 / 3, abs=0.05)
    assert fit.weights["end"] < 0.05
    assert fit.score > fit.score_mean_only  # peak and end add over the plain mean here
    w = fit.to_weights()
    assert math.isclose(w.peak + w.end + w.mean, 1.0)


def test_logistic_fit_for_churn_orients_weights_towards_good_memories() -> None:
    """Churn falls as the end gets better: with higher_is_better=False the end weight is
    positive ("a better end drives a good memory") and dominates."""
    rng = np.random.default_rng(2)
    x = _synthetic_terms(3000, rng)
    logit = -0.5 - 2.5 * x[:, 1] - 0.3 * x[:, 0]
    churn = (rng.uniform(size=len(x)) < 1 / (1 + np.exp(-logit))).astype(float)
    fit = pe.fit_peak_end_weights(x, churn, higher_is_better=False, n_boot=200)
    assert fit.kind == "logistic"
    lo, hi = fit.coef_ci["end"]
    assert lo <= 2.5 <= hi
    assert fit.weights["end"] > 0.7
    assert 0 < fit.score < 1


def test_fit_accepts_terms_objects_and_reports_small_samples() -> None:
    rng = np.random.default_rng(3)
    terms = [pe.peak_end_terms(rng.uniform(-1, 1, 5), rng.uniform(0, 1, 5)) for _ in range(40)]
    y = [3 + 2 * t.end + rng.normal(0, 0.1) for t in terms]
    fit = pe.fit_peak_end_weights(terms, y, n_boot=100)
    assert fit.n == 40
    assert any("only 40" in note for note in fit.notes)
    assert fit.weights["end"] > 0.8


def test_fit_falls_back_to_kahneman_when_nothing_is_positive() -> None:
    rng = np.random.default_rng(4)
    x = _synthetic_terms(200, rng)
    y = 3 - x @ np.array([1.0, 1.0, 1.0]) + rng.normal(0, 0.1, len(x))
    fit = pe.fit_peak_end_weights(x, y, n_boot=50)
    assert sum(fit.weights.values()) == 0
    assert fit.to_weights() == pe.KAHNEMAN
    assert any("no term has a positive" in note for note in fit.notes)


def test_fit_rejects_too_little_data() -> None:
    with pytest.raises(ValueError):
        pe.fit_peak_end_weights(np.zeros((3, 3)), [1, 2, 3])


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000))
def test_adding_peak_and_end_never_fits_worse_than_the_mean_alone(seed) -> None:
    rng = np.random.default_rng(seed)
    x = _synthetic_terms(60, rng)
    y = rng.normal(size=60)
    fit = pe.fit_peak_end_weights(x, y, kind="linear", n_boot=5)
    assert fit.score >= fit.score_mean_only - 1e-9
