"""``fast``: the ``default`` heads' recipe on ``static-use-v1`` token embeddings.

Same features and heads as ``default`` (:mod:`empathos.understand.backends.default`), but
the sentence embedding is a mean of static piece vectors distilled from USE-multilingual
(``backends/_static.py``) instead of the encoder's forward pass: a table look-up per word.
The heads are trained by ``python -m empathos.understand.train all --encoder
static-use-v1`` (artefacts ``emotion-fast`` / ``empathy-fast``). What it costs in quality
and what it gains in speed is measured by ``bench/understand_speed.py`` and
``bench/fast_gap.py`` (docs/understand.md).
"""

from __future__ import annotations

from empathos.understand.backends.default import DefaultEmotionModel, DefaultEmpathyModel

ENCODER = "static-use-v1"
EMOTION_ARTEFACT = "emotion-fast"
EMPATHY_ARTEFACT = "empathy-fast"


class FastEmotionModel(DefaultEmotionModel):
    """CX probabilities from a GoEmotions head on static distilled embeddings."""

    name = "fast"
    artefact = EMOTION_ARTEFACT


class FastEmpathyModel(DefaultEmpathyModel):
    """Per-mechanism level probabilities from static distilled embeddings and reply cues."""

    name = "fast"
    artefact = EMPATHY_ARTEFACT
