"""Peak–end arithmetic on one interaction's customer turns: pure functions on arrays.

Vocabulary (DESIGN.md):

* **experienced score** — the mean valence of the customer turns: how the contact felt
  on average, moment by moment.
* **remembered score** — what the customer will *remember*. Kahneman's peak–end rule
  (Kahneman, Fredrickson, Schreiber & Redelmeier 1993, "When more pain is preferred to
  less"; Redelmeier & Kahneman 1996) says retrospective evaluations follow the most
  intense moment and the ending, and neglect duration. We write it with explicit terms::

      remembered = w_peak · peak + w_end · end + w_mean · mean      (weights sum to 1)

  ``peak`` is the valence of the most intense customer turn (highest model intensity;
  ``|valence|`` when no intensity is given), ``end`` the valence of the last customer
  turn(s), ``mean`` the experienced score, and ``first`` (first impression, weight 0 unless
  fitted) the first customer turn's valence. Kahneman's rule is ``w_peak = w_end = 0.5``
  (:data:`KAHNEMAN`); the *shipped* defaults (:data:`DEFAULT_WEIGHTS`) are fitted on USS
  (docs/understand.md, ``python -m empathos.understand.train_csat``), because the rule is a
  *hypothesis*, not a constant: on real
  telephone service calls Verhoef, Antonides & de Hoog (2004, "Service encounters as a
  sequence of events: the importance of peak experiences", Journal of Service Research
  7(1)) found that a positive peak raised satisfaction while the end did not matter as
  the rule predicts. So :func:`fit_peak_end_weights` fits the weights to outcomes
  (CSAT, NPS — least squares; churn, complaints — logistic regression) and reports the
  fit, a bootstrap confidence interval and how the plain mean does on the same data.
  Because the weights are non-negative and sum to one, the remembered score is a convex
  combination and always lies between the lowest and highest turn valence.
* **emotional outcome** — end vs start: ``improved`` / ``unchanged`` / ``worsened``.
* **market conventions** — :func:`customer_sentiment_score` (Genesys Cloud's documented
  ``100·tanh(0.75·Σ position-weighted events)``) and :func:`agent_empathy_score`
  (``100·(E−U)/(E+U)``), so users can compare with numbers they already know.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

import numpy as np

from empathos.understand import bands

# ---------------------------------------------------------------------------- weights


@dataclass(frozen=True, slots=True)
class PeakEndWeights:
    """Non-negative weights of the remembered score's terms; normalised to sum to 1.

    ``first`` is the first impression (the first customer turn's valence), the term a
    hotel study found weighs most; it defaults to 0 so Kahneman's rule stays three terms."""

    peak: float = 0.5
    end: float = 0.5
    mean: float = 0.0
    first: float = 0.0

    def __post_init__(self) -> None:
        vals = (self.peak, self.end, self.mean, self.first)
        if any(not math.isfinite(v) or v < 0 for v in vals):
            raise ValueError(f"peak-end weights must be finite and >= 0, got {vals}")
        if sum(vals) <= 0:
            raise ValueError("at least one peak-end weight must be positive")

    def normalised(self) -> PeakEndWeights:
        s = self.peak + self.end + self.mean + self.first
        return PeakEndWeights(self.peak / s, self.end / s, self.mean / s, self.first / s)

    def as_dict(self) -> dict[str, float]:
        n = self.normalised()
        return {"peak": n.peak, "end": n.end, "mean": n.mean, "first": n.first}


#: Kahneman's peak–end rule: the average of the peak and the end, duration neglected.
KAHNEMAN = PeakEndWeights(peak=0.5, end=0.5, mean=0.0)

#: The shipped weights: fitted on ``USS_SPLIT`` train (``understand.uss``) against the
#: dialogues' overall ratings, on the project's model valence, by
#: ``python -m empathos.understand.train_csat`` (which rewrites this file's artefact,
#: ``understand/models/remembered-weights.json``, with the fit, its bootstrap CIs and the
#: test-split Spearman beside the plain mean's). Kahneman's rule when the artefact is absent.
REMEMBERED_WEIGHTS_ARTEFACT = "remembered-weights.json"


def _shipped_weights() -> tuple[PeakEndWeights, str]:
    from pathlib import Path

    path = Path(__file__).resolve().parent / "models" / REMEMBERED_WEIGHTS_ARTEFACT
    try:
        import json

        card = json.loads(path.read_text(encoding="utf-8"))
        return PeakEndWeights(**card["shipped"]["weights"]).normalised(), str(card["version"])
    except (OSError, KeyError, TypeError, ValueError):
        return KAHNEMAN, "kahneman"


#: ``DEFAULT_WEIGHTS_VERSION`` names where the defaults came from (the artefact's version,
#: or ``kahneman`` when it is missing).
DEFAULT_WEIGHTS, DEFAULT_WEIGHTS_VERSION = _shipped_weights()

#: |end − start| on the −1…1 valence scale below which the outcome is "unchanged". 0.2 is
#: a tenth of the scale: about the difference between a neutral and a mildly confused
#: message under the anchors of scores.py, so model noise between two plain messages
#: does not flip the label, while any real change of state (e.g. frustration → neutral,
#: 0.7) does.
OUTCOME_THRESHOLD = 0.2


class EmotionalOutcome(StrEnum):
    IMPROVED = "improved"
    UNCHANGED = "unchanged"
    WORSENED = "worsened"


# ---------------------------------------------------------------------------- terms


def _as_array(values: Sequence[float] | np.ndarray) -> np.ndarray:
    a = np.asarray(values, dtype=float).ravel()
    if a.size == 0:
        raise ValueError("an interaction needs at least one customer turn")
    if not np.all(np.isfinite(a)):
        raise ValueError("valences must be finite")
    return a


def experienced_score(valences: Sequence[float] | np.ndarray) -> float:
    """The mean valence of the customer turns."""
    return float(_as_array(valences).mean())


def peak_index(
    valences: Sequence[float] | np.ndarray,
    intensities: Sequence[float] | np.ndarray | None = None,
) -> int:
    """Position of the most intense customer turn (the first one on ties).

    Intensity, not valence, picks the peak: Kahneman's peak is the most *intense* moment,
    good or bad. Without intensities, ``|valence|`` stands in for it.
    """
    return _peak_index(_as_array(valences), intensities)


def _peak_index(v: np.ndarray, intensities: Sequence[float] | np.ndarray | None) -> int:
    """:func:`peak_index` of an already validated array (``_as_array``)."""
    key = np.abs(v) if intensities is None else np.asarray(intensities, dtype=float).ravel()
    if key.shape != v.shape:
        raise ValueError("valences and intensities must have the same length")
    return int(np.argmax(key))


def _end_window(n: int, window: int) -> int:
    return max(1, min(window, n))


@dataclass(frozen=True, slots=True)
class PeakEndTerms:
    """The ingredients of the remembered score for one interaction."""

    peak: float  # valence at the most intense turn
    end: float  # mean valence of the last ``end_window`` turns
    mean: float  # experienced score
    peak_index: int  # position of the peak among the customer turns
    positive_peak: float  # highest valence (Verhoef et al. separate the two peaks)
    negative_peak: float  # lowest valence
    first: float = 0.0  # the first impression: the first customer turn's valence
    trend: float = 0.0  # least-squares slope of valence over position 0..1 (0: one turn)

    def as_dict(self) -> dict[str, float]:
        return {
            "peak": self.peak,
            "end": self.end,
            "mean": self.mean,
            "first": self.first,
            "trend": self.trend,
            "positive_peak": self.positive_peak,
            "negative_peak": self.negative_peak,
        }


def peak_end_terms(
    valences: Sequence[float] | np.ndarray,
    intensities: Sequence[float] | np.ndarray | None = None,
    end_window: int = 1,
) -> PeakEndTerms:
    """Peak, end and mean of one interaction's customer valences (in turn order).

    The valences are validated once here (the helpers' own checks repeated on the same
    array were a third of this function's time, run twice per contact by ``analyze``)."""
    v = _as_array(valences)
    key = np.abs(v) if intensities is None else np.asarray(intensities, dtype=float).ravel()
    if key.shape != v.shape:
        raise ValueError("valences and intensities must have the same length")
    return _terms(v.tobytes(), key.tobytes(), end_window)


@functools.lru_cache(maxsize=16)
def _terms(v_bytes: bytes, key_bytes: bytes, end_window: int) -> PeakEndTerms:
    """:func:`peak_end_terms` of validated float64 values (their bytes: a cache key).

    Cached, a few entries: ``analyze`` asks for one contact's terms twice in a row (its
    scores, then its predicted CSAT's features), and the second answer is the first one
    (immutable, from the very same float64 values). Too small to carry anything from one
    run to the next."""
    v = np.frombuffer(v_bytes)
    i = int(np.argmax(np.frombuffer(key_bytes)))
    k = _end_window(v.size, end_window)
    return PeakEndTerms(
        peak=float(v[i]),
        end=float(v[-k:].mean()),
        mean=float(v.mean()),
        peak_index=i,
        positive_peak=float(v.max()),
        negative_peak=float(v.min()),
        first=float(v[0]),
        trend=_trend(v),
    )


def trend(valences: Sequence[float] | np.ndarray) -> float:
    """Least-squares slope of valence against position rescaled to 0…1: the change from
    start to end the whole contact suggests (0 for one turn). Not a valence, so it is a
    term the fit *considers* but the convex remembered score does not carry."""
    return _trend(_as_array(valences))


def _trend(v: np.ndarray) -> float:
    """:func:`trend` of an already validated array (``_as_array``)."""
    if v.size < 2:
        return 0.0
    x = np.linspace(0.0, 1.0, v.size)
    xc = x - x.mean()
    return float((xc @ (v - v.mean())) / (xc @ xc))


def remembered_from_terms(terms: PeakEndTerms, weights: PeakEndWeights = DEFAULT_WEIGHTS) -> float:
    """``w_peak·peak + w_end·end + w_mean·mean + w_first·first`` with normalised weights."""
    w = weights.normalised()
    return w.peak * terms.peak + w.end * terms.end + w.mean * terms.mean + w.first * terms.first


def remembered_score(
    valences: Sequence[float] | np.ndarray,
    intensities: Sequence[float] | np.ndarray | None = None,
    weights: PeakEndWeights = DEFAULT_WEIGHTS,
    end_window: int = 1,
) -> float:
    """The peak–end remembered score of one interaction (see the module docstring)."""
    return remembered_from_terms(peak_end_terms(valences, intensities, end_window), weights)


def emotional_outcome(
    valences: Sequence[float] | np.ndarray,
    threshold: float = OUTCOME_THRESHOLD,
    window: int = 1,
) -> EmotionalOutcome:
    """Compare the mean valence of the last ``window`` customer turns with the first.

    Start and end windows never overlap (they shrink for short interactions), so a
    single-turn interaction is ``unchanged`` by construction: there is no change to see.
    """
    v = _as_array(valences)
    k = min(window, v.size // 2)
    if k == 0:
        return EmotionalOutcome.UNCHANGED
    delta = float(v[-k:].mean() - v[:k].mean())
    if delta > threshold:
        return EmotionalOutcome.IMPROVED
    if delta < -threshold:
        return EmotionalOutcome.WORSENED
    return EmotionalOutcome.UNCHANGED


@dataclass(frozen=True, slots=True)
class PeakEnd:
    """Everything peak–end says about one interaction; the experienced score always beside
    the remembered one (DESIGN.md)."""

    experienced: float
    remembered: float
    peak_seq: int  # the trigger turn of the peak: the ``seq`` of that customer turn
    peak_valence: float
    end_valence: float
    start_valence: float
    outcome: EmotionalOutcome
    n_turns: int


def analyze_interaction(
    seqs: Sequence[int],
    valences: Sequence[float] | np.ndarray,
    intensities: Sequence[float] | np.ndarray | None = None,
    weights: PeakEndWeights = DEFAULT_WEIGHTS,
    end_window: int = 1,
    outcome_threshold: float = OUTCOME_THRESHOLD,
) -> PeakEnd:
    """Peak–end summary of one interaction's customer turns, given in turn order."""
    v = _as_array(valences)
    if len(seqs) != v.size:
        raise ValueError("seqs and valences must have the same length")
    terms = peak_end_terms(v, intensities, end_window)
    return PeakEnd(
        experienced=terms.mean,
        remembered=remembered_from_terms(terms, weights),
        peak_seq=int(seqs[terms.peak_index]),
        peak_valence=terms.peak,
        end_valence=terms.end,
        start_valence=float(v[0]),
        outcome=emotional_outcome(v, outcome_threshold),
        n_turns=int(v.size),
    )


# ---------------------------------------------------------------------------- market conventions

#: The valence bands from which a customer turn counts as a sentiment *event* (negative at
#: or below the first, positive at or above the second), the analogue of a phrase the
#: vendor's classifier tags; milder turns are neutral. Derived from the emotion model's
#: calibration (``understand/bands.py``), not hand-set.
SENTIMENT_EVENT_BANDS: tuple[float, float] = (bands.NEGATIVE, bands.POSITIVE)
#: Kept for callers that pass one symmetric |valence| threshold (the previous default).
SENTIMENT_EVENT_THRESHOLD = bands.LEGACY_POSITIVE


def customer_sentiment_score(
    valences: Sequence[float] | np.ndarray,
    event_threshold: float | None = None,
    graded: bool = False,
) -> float:
    """Customer sentiment on −100…+100, later turns weighted more (Genesys Cloud convention).

    Genesys documents: each sentiment event (+1 / −1) is weighted by its relative location,
    ``index of the customer phrase / number of customer phrases`` (1-based), and the
    weighted sum is normalised as ``100·tanh(0.75·Σ)`` — e.g. two positive events at 0.5
    and 0.9 give ``100·tanh(1.05) ≈ 78``. Here a customer turn is an event when its valence
    is in the negative or positive band (``SENTIMENT_EVENT_BANDS``), or, when
    ``event_threshold`` is given, when ``|valence| ≥ event_threshold``; ``graded=True`` uses
    the valence itself instead of ±1.
    """
    v = _as_array(valences)
    n = v.size
    position = np.arange(1, n + 1, dtype=float) / n
    neg, pos = (
        SENTIMENT_EVENT_BANDS if event_threshold is None else (-event_threshold, event_threshold)
    )
    hit = (v >= pos) | (v <= neg)
    if graded:
        events = np.where(hit, v, 0.0)
    else:
        events = np.where(v >= pos, 1.0, np.where(v <= neg, -1.0, 0.0))
    return float(100.0 * math.tanh(0.75 * float(events @ position)))


def agent_empathy_score(n_empathetic: int, n_unhelpful: int) -> float | None:
    """``100·(E−U)/(E+U)`` over empathetic (E) and unhelpful (U) employee turns, −100…+100.

    Genesys Cloud's agent empathy convention; position plays no part (unhelpful is
    unhelpful at any point of the contact). ``None`` when neither occurred: no evidence
    either way is not a score of 0.
    """
    if n_empathetic < 0 or n_unhelpful < 0:
        raise ValueError("counts must be >= 0")
    total = n_empathetic + n_unhelpful
    if total == 0:
        return None
    return 100.0 * (n_empathetic - n_unhelpful) / total


# ---------------------------------------------------------------------------- fitting the weights

FitKind = Literal["auto", "linear", "logistic"]
TERMS_DEFAULT: tuple[str, ...] = ("peak", "end", "mean")


@dataclass(frozen=True)
class PeakEndFit:
    """The weights that best explain an outcome, with their uncertainty.

    ``coef`` are the raw regression coefficients of the terms (outcome units for
    ``linear``, log-odds for ``logistic``), oriented so that positive means "more of this
    term, better outcome" (for outcomes where high is bad — churn, complaints — pass
    ``higher_is_better=False`` and the outcome is flipped before fitting). ``weights`` are the
    positive parts of ``coef``
    normalised to sum to 1 — the shares of the remembered score — and ``weights_ci`` their
    bootstrap percentile intervals. ``score`` is R² (linear) or McFadden's pseudo-R²
    (logistic) in-sample; ``score_mean_only`` the same for the experienced score alone,
    so one sees at a glance whether peak and end add anything over the plain average.
    """

    kind: Literal["linear", "logistic"]
    terms: tuple[str, ...]
    n: int
    intercept: float
    coef: dict[str, float]
    coef_ci: dict[str, tuple[float, float]]
    weights: dict[str, float]
    weights_ci: dict[str, tuple[float, float]]
    score: float
    score_mean_only: float
    confidence: float
    n_boot: int
    higher_is_better: bool = True
    notes: list[str] = field(default_factory=list)

    def to_weights(self) -> PeakEndWeights:
        """The fitted shares as :class:`PeakEndWeights` (terms other than peak/end/mean/
        first — trend — are ignored); falls back to Kahneman's rule if nothing positive
        was found."""
        w = {k: v for k, v in self.weights.items() if k in ("peak", "end", "mean", "first")}
        if sum(w.values()) <= 0:
            return KAHNEMAN
        return PeakEndWeights(**w).normalised()

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "terms": list(self.terms),
            "n": self.n,
            "intercept": self.intercept,
            "coef": self.coef,
            "coef_ci": {k: list(v) for k, v in self.coef_ci.items()},
            "weights": self.weights,
            "weights_ci": {k: list(v) for k, v in self.weights_ci.items()},
            "score": self.score,
            "score_mean_only": self.score_mean_only,
            "confidence": self.confidence,
            "n_boot": self.n_boot,
            "higher_is_better": self.higher_is_better,
            "notes": self.notes,
        }


def _design(x: np.ndarray) -> np.ndarray:
    return np.column_stack([np.ones(len(x)), x])


def _linear(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    beta, *_ = np.linalg.lstsq(_design(x), y, rcond=None)
    return beta


def _r2(x: np.ndarray, y: np.ndarray, beta: np.ndarray) -> float:
    resid = y - _design(x) @ beta
    ss_tot = float(((y - y.mean()) ** 2).sum())
    return float("nan") if ss_tot == 0 else 1.0 - float((resid**2).sum()) / ss_tot


def _logistic(x: np.ndarray, y: np.ndarray, l2: float = 1e-3, iters: int = 100) -> np.ndarray:
    """Newton–Raphson (IRLS) with a tiny ridge so separable samples stay finite."""
    X = _design(x)
    beta = np.zeros(X.shape[1])
    ridge = np.full(X.shape[1], l2)
    ridge[0] = 0.0
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-np.clip(X @ beta, -35, 35)))
        g = X.T @ (p - y) + ridge * beta
        h = X.T @ (X * (p * (1 - p))[:, None]) + np.diag(ridge) + 1e-9 * np.eye(X.shape[1])
        step = np.linalg.solve(h, g)
        beta -= step
        if np.max(np.abs(step)) < 1e-9:
            break
    return beta


def _loglik(x: np.ndarray, y: np.ndarray, beta: np.ndarray) -> float:
    p = 1.0 / (1.0 + np.exp(-np.clip(_design(x) @ beta, -35, 35)))
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return float((y * np.log(p) + (1 - y) * np.log(1 - p)).sum())


def _mcfadden(x: np.ndarray, y: np.ndarray, beta: np.ndarray) -> float:
    p0 = float(np.clip(y.mean(), 1e-12, 1 - 1e-12))
    ll0 = float((y * math.log(p0) + (1 - y) * math.log(1 - p0)).sum())
    return float("nan") if ll0 == 0 else 1.0 - _loglik(x, y, beta) / ll0


def _shares(coef: np.ndarray) -> np.ndarray:
    pos = np.clip(coef, 0.0, None)
    s = pos.sum()
    return pos / s if s > 0 else np.zeros_like(pos)


def fit_peak_end_weights(
    features: np.ndarray | Sequence[PeakEndTerms],
    outcomes: Sequence[float] | np.ndarray,
    kind: FitKind = "auto",
    terms: Sequence[str] = TERMS_DEFAULT,
    higher_is_better: bool = True,
    n_boot: int = 500,
    confidence: float = 0.95,
    seed: int = 0,
) -> PeakEndFit:
    """Fit the peak/end/mean weights to observed outcomes, with bootstrap intervals.

    ``features`` is either a list of :class:`PeakEndTerms` (one per interaction) or an
    ``(n, len(terms))`` array in the order of ``terms``. ``outcomes`` are CSAT / NPS
    values (``linear``: least squares) or 0/1 events such as churn (``logistic``);
    ``auto`` picks logistic when the outcome has only the values 0 and 1. For outcomes
    where high is bad (churn), pass ``higher_is_better=False``: the outcome's sign is
    flipped (linear) or the event is replaced by its absence (logistic) so that the
    weights always read "how much this term drives a *good* memory".

    Intervals are percentile bootstrap intervals (resampling interactions with
    replacement, ``n_boot`` times, fixed ``seed``): honest about small samples without
    assuming normal errors.

    Caveat (measured, docs/understand_pipeline.md): the terms are *estimated* by an
    emotion model, and a single turn's valence (peak, end) is noisier than the mean over
    all turns. On simulated data with true weights 0.5 / 0.5 the fit recovers them from
    the true terms but puts ~all weight on the mean when given a model's terms. A fitted
    weight is psychology plus model error: good for predicting with that model's scores,
    not evidence about what customers remember.
    """
    terms = tuple(terms)
    if len(features) and isinstance(features[0], PeakEndTerms):  # type: ignore[index]
        x = np.array([[getattr(t, name) for name in terms] for t in features], dtype=float)
    else:
        x = np.asarray(features, dtype=float).reshape(len(features), -1)
    y = np.asarray(outcomes, dtype=float).ravel()
    if x.shape[0] != y.size:
        raise ValueError("features and outcomes must have the same length")
    if x.shape[1] != len(terms):
        raise ValueError(f"features have {x.shape[1]} columns but {len(terms)} terms were named")
    ok = np.all(np.isfinite(x), axis=1) & np.isfinite(y)
    x, y = x[ok], y[ok]
    n = y.size
    binary = n > 0 and bool(np.all(np.isin(y, (0.0, 1.0))))
    resolved: Literal["linear", "logistic"]
    resolved = ("logistic" if binary else "linear") if kind == "auto" else kind
    if resolved == "logistic" and not binary:
        raise ValueError("logistic fit needs outcomes in {0, 1}")
    if n < len(terms) + 2:
        raise ValueError(f"need at least {len(terms) + 2} interactions with outcomes, got {n}")
    notes: list[str] = []
    if resolved == "logistic":
        y = y if higher_is_better else 1.0 - y
        if y.min() == y.max():
            raise ValueError("the outcome never varies; nothing to fit")
        fit, score_fn = _logistic, _mcfadden
    else:
        y = y if higher_is_better else -y
        fit, score_fn = _linear, _r2

    beta = fit(x, y)
    score = score_fn(x, y, beta)
    mean_col = terms.index("mean") if "mean" in terms else None
    if mean_col is not None:
        xm = x[:, [mean_col]]
        score_mean_only = score_fn(xm, y, fit(xm, y))
    else:
        score_mean_only = float("nan")
        notes.append("no 'mean' term: score_mean_only not computed")

    rng = np.random.default_rng(seed)
    boot_coef = np.empty((n_boot, len(terms)))
    boot_share = np.empty((n_boot, len(terms)))
    for b in range(n_boot):
        idx = rng.integers(0, n, n)
        yb = y[idx]
        if resolved == "logistic" and yb.min() == yb.max():
            boot_coef[b] = np.nan
            boot_share[b] = np.nan
            continue
        bb = fit(x[idx], yb)[1:]
        boot_coef[b] = bb
        boot_share[b] = _shares(bb)
    alpha = (1.0 - confidence) / 2.0

    def interval(col: np.ndarray) -> tuple[float, float]:
        col = col[np.isfinite(col)]
        if col.size == 0:
            return (float("nan"), float("nan"))
        return (float(np.quantile(col, alpha)), float(np.quantile(col, 1 - alpha)))

    shares = _shares(beta[1:])
    if shares.sum() == 0:
        notes.append("no term has a positive coefficient: the data do not support peak-end weights")
    if n < 100:
        notes.append(
            f"only {n} interactions with outcomes: intervals are wide, treat as indicative"
        )
    return PeakEndFit(
        kind=resolved,
        terms=terms,
        n=n,
        intercept=float(beta[0]),
        coef={t: float(c) for t, c in zip(terms, beta[1:], strict=True)},
        coef_ci={t: interval(boot_coef[:, j]) for j, t in enumerate(terms)},
        weights={t: float(s) for t, s in zip(terms, shares, strict=True)},
        weights_ci={t: interval(boot_share[:, j]) for j, t in enumerate(terms)},
        score=float(score),
        score_mean_only=float(score_mean_only),
        confidence=confidence,
        n_boot=n_boot,
        higher_is_better=higher_is_better,
        notes=notes,
    )
