"""The CX emotions: how GoEmotions' 28 labels map onto them, and valence / intensity.

Why a mapping at all: the only large labelled emotion corpus we may train on is GoEmotions
(Demszky et al., ACL 2020: 27 emotions + neutral on English Reddit comments). A contact
centre needs fewer, service-shaped categories (DESIGN.md): anger, frustration, anxiety,
sadness/disappointment, confusion, neutral, satisfaction/joy, gratitude, relief. Each
GoEmotions label maps to exactly one CX emotion (a *hard* mapping), so that

* a model with 28 outputs gets CX probabilities by summing columns (``p_cx = p28 @ M``),
  and the rows still sum to 1;
* GoEmotions' gold labels map to CX gold labels without ambiguity, so every backend is
  evaluated on the same CX test set.

The choices that are not obvious, and why:

* ``annoyance`` and ``disapproval`` -> frustration: in service text they are the "this is
  not OK" register below open anger; ``disgust`` joins ``anger`` (high-arousal hostility).
* ``embarrassment``, ``remorse``, ``grief`` -> sadness/disappointment (low-arousal
  negative, the customer feels let down or bad).
* ``curiosity`` -> confusion: a customer's open question signals an information need, the
  same service response (explain) as confusion.
* ``surprise``, ``realization``, ``desire`` -> neutral: their valence is undetermined
  without context ("oh, I see" / "I would like a refund").
* ``admiration``, ``amusement``, ``approval``, ``caring``, ``excitement``, ``love``,
  ``optimism``, ``pride`` -> joy (satisfaction/joy): positive, not specifically thanks.

Valence and intensity are *linear* in the probabilities (expected values):

    valence(p)   = sum_k p_k * VALENCE[k]     in [-1, 1]
    intensity(p) = sum_k p_k * AROUSAL[k]     in [0, 1]

Why linear: (1) they stay bounded because the weights are and ``p`` sums to 1; (2) an
uncertain model produces a moderate score instead of an extreme one (no argmax jumps
between turns, which would create fake peaks for the peak–end score); (3) they are the
expected value of the circumplex coordinates (Russell 1980: valence x arousal), so the mean
over a conversation is meaningful. The weights place each CX emotion on the circumplex as
published affect norms do (anger high arousal / very negative; relief positive / low
arousal; neutral 0 / 0).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from empathos.understand.protocols import CX_EMOTIONS

# GoEmotions' label order (ids 0..27 as in labels.txt of the corpus).
GOEMOTIONS_LABELS: tuple[str, ...] = (
    "admiration",
    "amusement",
    "anger",
    "annoyance",
    "approval",
    "caring",
    "confusion",
    "curiosity",
    "desire",
    "disappointment",
    "disapproval",
    "disgust",
    "embarrassment",
    "excitement",
    "fear",
    "gratitude",
    "grief",
    "joy",
    "love",
    "nervousness",
    "optimism",
    "pride",
    "realization",
    "relief",
    "remorse",
    "sadness",
    "surprise",
    "neutral",
)

# GoEmotions label -> CX emotion (hard mapping; see the module docstring for the reasons).
GO_TO_CX: dict[str, str] = {
    "anger": "anger",
    "disgust": "anger",
    "annoyance": "frustration",
    "disapproval": "frustration",
    "fear": "anxiety",
    "nervousness": "anxiety",
    "sadness": "sadness",
    "disappointment": "sadness",
    "grief": "sadness",
    "remorse": "sadness",
    "embarrassment": "sadness",
    "confusion": "confusion",
    "curiosity": "confusion",
    "neutral": "neutral",
    "surprise": "neutral",
    "realization": "neutral",
    "desire": "neutral",
    "joy": "joy",
    "amusement": "joy",
    "excitement": "joy",
    "love": "joy",
    "admiration": "joy",
    "approval": "joy",
    "caring": "joy",
    "optimism": "joy",
    "pride": "joy",
    "gratitude": "gratitude",
    "relief": "relief",
}

# Ekman's six + neutral and the sentiment grouping, as published with GoEmotions
# (ekman_mapping.json / sentiment_mapping.json of the corpus' repository); used only to
# compare with the paper's 0.64 / 0.69 macro-F1.
EKMAN_GROUPS: dict[str, tuple[str, ...]] = {
    "anger": ("anger", "annoyance", "disapproval"),
    "disgust": ("disgust",),
    "fear": ("fear", "nervousness"),
    "joy": (
        "joy",
        "amusement",
        "approval",
        "excitement",
        "gratitude",
        "love",
        "optimism",
        "relief",
        "pride",
        "admiration",
        "desire",
        "caring",
    ),
    "sadness": ("sadness", "disappointment", "embarrassment", "grief", "remorse"),
    "surprise": ("surprise", "realization", "confusion", "curiosity"),
    "neutral": ("neutral",),
}
SENTIMENT_GROUPS: dict[str, tuple[str, ...]] = {
    "positive": (
        "amusement",
        "excitement",
        "joy",
        "love",
        "desire",
        "optimism",
        "caring",
        "pride",
        "admiration",
        "gratitude",
        "relief",
        "approval",
    ),
    "negative": (
        "fear",
        "nervousness",
        "remorse",
        "embarrassment",
        "disappointment",
        "sadness",
        "grief",
        "disgust",
        "anger",
        "annoyance",
        "disapproval",
    ),
    "ambiguous": ("realization", "surprise", "curiosity", "confusion"),
    "neutral": ("neutral",),
}

# Circumplex coordinates of each CX emotion (same order as CX_EMOTIONS).
# The one copy of the anchors; ``understand/scores.py`` turns probabilities into numbers with them.
VALENCE: dict[str, float] = {
    "anger": -0.9,
    "frustration": -0.7,
    "anxiety": -0.6,
    "sadness": -0.7,
    "confusion": -0.3,
    "neutral": 0.0,
    "joy": 0.8,
    "gratitude": 0.9,
    "relief": 0.6,
}
AROUSAL: dict[str, float] = {
    "anger": 1.0,
    "frustration": 0.8,
    "anxiety": 0.8,
    "sadness": 0.5,
    "confusion": 0.4,
    "neutral": 0.0,
    "joy": 0.7,
    "gratitude": 0.6,
    "relief": 0.5,
}
VALENCE_WEIGHTS: np.ndarray = np.array([VALENCE[e] for e in CX_EMOTIONS], dtype=np.float64)
AROUSAL_WEIGHTS: np.ndarray = np.array([AROUSAL[e] for e in CX_EMOTIONS], dtype=np.float64)


def group_matrix(
    groups: dict[str, tuple[str, ...]] | dict[str, str], columns: tuple[str, ...]
) -> np.ndarray:
    """A ``(28, len(columns))`` 0/1 matrix sending each GoEmotions label to its group.

    ``groups`` is either group -> labels or label -> group."""
    m = np.zeros((len(GOEMOTIONS_LABELS), len(columns)), dtype=np.float64)
    pairs: list[tuple[str, str]] = []
    for key, value in groups.items():
        if isinstance(value, str):
            pairs.append((key, value))
        else:
            pairs.extend((label, key) for label in value)
    for label, group in pairs:
        m[GOEMOTIONS_LABELS.index(label), columns.index(group)] = 1.0
    return m


GO_TO_CX_MATRIX: np.ndarray = group_matrix(GO_TO_CX, CX_EMOTIONS)
EKMAN_LABELS: tuple[str, ...] = tuple(EKMAN_GROUPS)
SENTIMENT_LABELS: tuple[str, ...] = tuple(SENTIMENT_GROUPS)


def go_to_cx(probs28: np.ndarray) -> np.ndarray:
    """Sum GoEmotions probabilities into CX probabilities (rows keep their sum)."""
    return np.asarray(probs28, dtype=np.float64) @ GO_TO_CX_MATRIX


def valence(probs: np.ndarray) -> np.ndarray:
    """Expected valence in [-1, 1] of CX probability rows ``(n, 9)`` (or one row ``(9,)``)."""
    return np.clip(np.asarray(probs, dtype=np.float64) @ VALENCE_WEIGHTS, -1.0, 1.0)


def intensity(probs: np.ndarray) -> np.ndarray:
    """Expected arousal in [0, 1] of CX probability rows ``(n, 9)`` (or one row ``(9,)``)."""
    return np.clip(np.asarray(probs, dtype=np.float64) @ AROUSAL_WEIGHTS, 0.0, 1.0)


def dominant(probs: np.ndarray) -> list[str]:
    """The most probable CX emotion of each row."""
    return [CX_EMOTIONS[i] for i in np.asarray(probs).reshape(-1, len(CX_EMOTIONS)).argmax(1)]


def read_goemotions(path: str | Path) -> tuple[list[str], list[list[int]]]:
    """Read a GoEmotions ``.tsv`` (text, comma-separated label ids, id) into texts and label ids."""
    texts: list[str] = []
    labels: list[list[int]] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 2:
                continue
            texts.append(parts[0])
            labels.append([int(x) for x in parts[1].split(",") if x != ""])
    return texts, labels


def labels_to_matrix(labels: list[list[int]], n_labels: int = len(GOEMOTIONS_LABELS)) -> np.ndarray:
    """Multi-hot ``(n, 28)`` matrix from label-id lists."""
    y = np.zeros((len(labels), n_labels), dtype=np.int8)
    for i, ids in enumerate(labels):
        y[i, ids] = 1
    return y


def group_gold(y28: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """Gold multi-hot labels of a grouping (CX, Ekman, sentiment) from 28-label gold."""
    return (y28 @ matrix > 0).astype(np.int8)


# Polarity of each CX emotion (0 negative, 1 neutral, 2 positive): the three-way grouping a
# polarity head (trained on UMSAB's negative/neutral/positive tweets) speaks about.
# Confusion goes with neutral: a customer's question is not yet a complaint, and UMSAB's
# annotators call questions neutral.
POLARITY_LABELS: tuple[str, ...] = ("negative", "neutral", "positive")
POLARITY_OF_CX: dict[str, int] = {
    "anger": 0,
    "frustration": 0,
    "anxiety": 0,
    "sadness": 0,
    "confusion": 1,
    "neutral": 1,
    "joy": 2,
    "gratitude": 2,
    "relief": 2,
}
CX_TO_POLARITY_MATRIX: np.ndarray = np.eye(3)[[POLARITY_OF_CX[e] for e in CX_EMOTIONS]]


def polarity(probs_cx: np.ndarray) -> np.ndarray:
    """``(n, 3)`` negative/neutral/positive mass of CX probability rows."""
    return np.asarray(probs_cx, dtype=np.float64) @ CX_TO_POLARITY_MATRIX


def with_polarity(probs_cx: np.ndarray, probs_polarity: np.ndarray) -> np.ndarray:
    """CX rows whose polarity mass is ``probs_polarity`` and whose split *inside* each
    polarity is that of ``probs_cx``: ``p[e] = P(pol(e)) · p_cx[e] / p_cx[pol(e)]``.

    Why: a polarity head trained on tweets in six languages knows *how negative* a text is
    far better than an emotion head trained on English Reddit, and is calibrated on
    validation tweets; the emotion head still says *which* negative emotion. Valence, the
    expected circumplex anchor, then moves with the calibrated polarity. Rows keep summing
    to 1; a polarity the emotion head gives no mass to is spread evenly over its emotions."""
    p = np.asarray(probs_cx, dtype=np.float64)
    pol = np.asarray(probs_polarity, dtype=np.float64)
    m = CX_TO_POLARITY_MATRIX
    mass = p @ m  # (n, 3)
    even = m / m.sum(0, keepdims=True)  # (9, 3): uniform split inside each polarity
    share = np.where((mass @ m.T) > 1e-12, p / np.maximum(mass @ m.T, 1e-12), even.sum(1)[None, :])
    return share * (pol @ m.T)
