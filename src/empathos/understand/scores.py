"""From model probabilities to the per-turn numbers the rest of ``understand`` works with.

A backend returns only probabilities (protocols.py); turning them into *valence* (how
pleasant, −1…1) and *intensity* (how strongly felt, 0…1) is a fixed, documented mapping
kept here, so that every backend is scored the same way and a change of mapping is one
edit, visible in review.

The per-emotion anchors (``emotions.VALENCE`` / ``emotions.AROUSAL``) are placed on Russell's
circumplex of affect (Russell 1980,
"A circumplex model of affect"): valence is the horizontal axis, intensity plays the
role of arousal. They are hand-set orderings, not estimates: anger is the most
unpleasant and most aroused customer state, neutral carries no feeling at all,
gratitude the most pleasant. Valence and intensity are the *expected* anchor under the
model's probabilities, so an uncertain model yields milder numbers — which is what we
want: a peak should be a moment the model is sure about.
"""

from __future__ import annotations

import numpy as np

from empathos.understand.emotions import AROUSAL_WEIGHTS, VALENCE_WEIGHTS
from empathos.understand.protocols import CX_EMOTIONS, EMPATHY_LEVELS

# The anchors live once, in emotions.py (the documented CX mapping); here they are only used.
VALENCE = VALENCE_WEIGHTS
INTENSITY = AROUSAL_WEIGHTS


def valence_intensity(probs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(n, 9)`` CX probabilities -> ``(valence[n], intensity[n])``, expected anchors.

    Rows are renormalised first, so a backend whose rows sum to 0.999 is not penalised.
    """
    p = np.asarray(probs, dtype=float)
    if p.ndim != 2 or p.shape[1] != len(CX_EMOTIONS):
        raise ValueError(f"expected (n, {len(CX_EMOTIONS)}) probabilities, got {p.shape}")
    s = p.sum(axis=1, keepdims=True)
    s[s == 0] = 1.0
    p = p / s
    return p @ VALENCE, p @ INTENSITY


def top_labels(probs: np.ndarray) -> list[str]:
    """The most probable CX emotion of each row."""
    return [CX_EMOTIONS[i] for i in np.asarray(probs).argmax(axis=1)]


def empathy_levels(probs: np.ndarray) -> np.ndarray:
    """``(n, 3, 3)`` empathy probabilities -> ``(n, 3)`` most probable level per mechanism."""
    p = np.asarray(probs, dtype=float)
    if p.ndim != 3 or p.shape[2] != len(EMPATHY_LEVELS):
        raise ValueError(f"expected (n, 3, {len(EMPATHY_LEVELS)}) probabilities, got {p.shape}")
    return np.asarray(EMPATHY_LEVELS)[p.argmax(axis=2)]
