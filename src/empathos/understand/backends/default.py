"""``default``: multilingual sentence encoder + softmax heads trained in this repository.

Emotion: USE-multilingual-v3 embeddings and multilingual cue counts -> softmax over the 28
GoEmotions labels (trained on GoEmotions train, regularisation tuned on dev), summed into
the 9 CX emotions with the documented mapping. Empathy: reply, post and their product plus
the reply's cue features -> one 3-level softmax per EPITOME mechanism (trained on
``EPITOME_SPLIT`` train plus a small hand-written multilingual supplement of customer
service replies that teaches "sympathy is not empathy"). Pure numpy at run time; the
heads are a few MB in ``understand/models/`` and rebuilt by
``python -m empathos.understand.train``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from empathos.understand.backends import _features
from empathos.understand.backends._encoder import ENCODER_NAME, get_encoder
from empathos.understand.backends._linear import LinearHead, load_artefact
from empathos.understand.emotions import go_to_cx
from empathos.understand.protocols import EMPATHY_MECHANISMS

EMOTION_ARTEFACT = "emotion-default"
EMPATHY_ARTEFACT = "empathy-default"


class DefaultEmotionModel:
    """CX probabilities from a 28-label GoEmotions head on multilingual embeddings."""

    name = "default"
    artefact = EMOTION_ARTEFACT  # the ``fast`` backend is this class on another artefact

    def __init__(self) -> None:
        arrays, self.card = load_artefact(self.artefact)
        self._head = LinearHead.from_arrays(arrays, "")
        self.version = str(self.card.get("version", "1"))
        # The encoder the head was trained on, as its card names it.
        self._encoder = get_encoder(self.card.get("encoder", ENCODER_NAME))

    def predict_goemotions_proba(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> np.ndarray:
        """``(n, 28)`` probabilities over GoEmotions' labels (rows sum to 1)."""
        if len(texts) == 0:
            return np.zeros((0, 28))
        texts = list(texts)
        return self._head.predict_proba(
            _features.emotion_features(texts, self._encoder.encode(texts), languages)
        )

    def predict_proba(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> np.ndarray:
        # The encoder is language-agnostic; ``languages`` scopes the lexicon cue features.
        if len(texts) == 0:
            return np.zeros((0, 9))
        return go_to_cx(self.predict_goemotions_proba(texts, languages))


class DefaultEmpathyModel:
    """Per-mechanism level probabilities from (post, reply) embeddings and reply cues."""

    name = "default"
    artefact = EMPATHY_ARTEFACT

    def __init__(self) -> None:
        arrays, self.card = load_artefact(self.artefact)
        self._heads = [LinearHead.from_arrays(arrays, f"{m}_") for m in EMPATHY_MECHANISMS]
        self.version = str(self.card.get("version", "1"))
        self._encoder = get_encoder(self.card.get("encoder", ENCODER_NAME))

    def predict_proba(
        self,
        seeker_texts: Sequence[str],
        response_texts: Sequence[str],
        languages: Sequence[str | None] | None = None,
    ) -> np.ndarray:
        if len(seeker_texts) != len(response_texts):
            raise ValueError("seeker_texts and response_texts must have the same length")
        if len(response_texts) == 0:
            return np.zeros((0, len(EMPATHY_MECHANISMS), 3))
        seekers, responses = list(seeker_texts), list(response_texts)
        x = _features.empathy_features(
            seekers, responses, self._encoder.encode(seekers), self._encoder.encode(responses)
        )
        return np.stack([h.predict_proba(x) for h in self._heads], axis=1)
