"""``default``: multilingual sentence encoder + softmax heads trained in this repository.

Emotion: USE-multilingual-v3 embeddings and multilingual cue counts -> softmax over the 28
GoEmotions labels (trained on GoEmotions train, regularisation tuned on dev), summed into
the 9 CX emotions with the documented mapping. Empathy: reply, post and their product plus
the reply's cue features -> per EPITOME mechanism a 3-level softmax (trained on
``EPITOME_SPLIT`` train plus a small hand-written multilingual supplement of customer
service replies that teaches "sympathy, greetings, 'DM us' are not empathy") mixed with a
binary head trained on ESConv supporter turns (``understand.esconv``; see
:func:`mix_levels`). Pure numpy at run time; the
heads are a few MB in ``understand/models/`` and rebuilt by
``python -m empathos.understand.train``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from empathos.understand.backends import _features
from empathos.understand.backends._linear import LinearHead, load_artefact
from empathos.understand.emotions import go_to_cx
from empathos.understand.protocols import EMPATHY_MECHANISMS

EMOTION_ARTEFACT = "emotion-default"
EMPATHY_ARTEFACT = "empathy-default"


class DefaultEmotionModel:
    """CX probabilities from a 28-label GoEmotions head on multilingual embeddings."""

    name = "default"

    def __init__(self) -> None:
        arrays, self.card = load_artefact(EMOTION_ARTEFACT)
        self._head = LinearHead.from_arrays(arrays, "")
        self.version = str(self.card.get("version", "1"))

    def predict_goemotions_proba(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> np.ndarray:
        """``(n, 28)`` probabilities over GoEmotions' labels (rows sum to 1)."""
        if len(texts) == 0:
            return np.zeros((0, 28))
        return self._head.predict_proba(_features.emotion_features(list(texts)))

    def predict_proba(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> np.ndarray:
        # The encoder is language-agnostic, so ``languages`` is accepted and not needed.
        if len(texts) == 0:
            return np.zeros((0, 9))
        return go_to_cx(self.predict_goemotions_proba(texts))


def mix_levels(levels: np.ndarray, used: np.ndarray, alpha: float) -> np.ndarray:
    """One mechanism's ``(n, 3)`` level probabilities from the EPITOME head (``levels``)
    and the ESConv head's P(mechanism used) (``used``, ``(n,)``).

    Why two heads and not one trained on both corpora: one softmax fitted to the union
    lost 0.08-0.12 EPITOME dev macro-F1 and still stayed under the ESConv head alone on
    ESConv val; the two corpora do not mean the same by a mechanism (the ESConv
    interpretation head ranks EPITOME dev interpretations *below* chance, AUC 0.40;
    docs/understand.md "Empathy"). P(level >= 1) is a noisy-OR: the mechanism is there
    if either head finds it, the ESConv head's vote damped by ``alpha``
    (``1 - (1 - p1 - p2)(1 - alpha * used)``; ``alpha`` 0 is the EPITOME head alone).
    That mass is split between levels 1 and 2 in the EPITOME head's proportion (ESConv
    says *whether*, EPITOME *how strongly*)."""
    p = np.asarray(levels, dtype=np.float64)
    above = p[:, 1] + p[:, 2]
    mixed = 1 - (1 - above) * (1 - alpha * np.asarray(used, dtype=np.float64))
    share2 = np.divide(p[:, 2], above, out=np.full(len(p), 0.5), where=above > 1e-12)
    return np.stack([1 - mixed, mixed * (1 - share2), mixed * share2], axis=1)


class DefaultEmpathyModel:
    """Per-mechanism level probabilities from (post, reply) embeddings and reply cues."""

    name = "default"

    def __init__(self) -> None:
        arrays, self.card = load_artefact(EMPATHY_ARTEFACT)
        self._heads = [LinearHead.from_arrays(arrays, f"{m}_") for m in EMPATHY_MECHANISMS]
        # v2: an ESConv head per mechanism and its mixing weight (absent in v1 artefacts)
        self._esconv = [
            LinearHead.from_arrays(arrays, f"{m}_esconv_") if f"{m}_esconv_coef" in arrays else None
            for m in EMPATHY_MECHANISMS
        ]
        self._alpha = [float(arrays.get(f"{m}_alpha", 0.0)) for m in EMPATHY_MECHANISMS]
        self.version = str(self.card.get("version", "1"))

    def _mechanism(self, j: int, x: np.ndarray) -> np.ndarray:
        p = self._heads[j].predict_proba(x)
        if self._esconv[j] is None or self._alpha[j] == 0.0:
            return p
        return mix_levels(p, self._esconv[j].predict_proba(x)[:, 1], self._alpha[j])

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
        x = _features.empathy_features(list(seeker_texts), list(response_texts))
        return np.stack([self._mechanism(j, x) for j in range(len(self._heads))], axis=1)
