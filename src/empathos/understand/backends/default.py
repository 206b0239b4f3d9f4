"""``default``: multilingual sentence encoder + softmax heads trained in this repository.

Emotion (v3, ``train_emotion.py``): USE-multilingual-v3 embeddings and surface cues ->
(a) a softmax over the 28 GoEmotions labels (GoEmotions train + TweetEval emotion train +
the hand-written supplement, class-weighted so rare fear/nervousness/grief are predicted,
since v3 plus a character + word n-gram TF-IDF head over the same labels, ``_ngramhead.py``;
temperature fitted on GoEmotions dev), summed into the 9 CX emotions with the documented
mapping, and (b) a polarity stack (``_polarity.py``: joint + in-language heads on UMSAB's
six languages, calibrated per language on UMSAB val). The CX probabilities take their
negative/neutral/positive mass from (b) and the split inside each polarity from (a)
(``emotions.with_polarity``), so valence follows the calibrated polarity. An artefact
without a polarity stack (v1) is served as before. Empathy: reply, post and their product plus
the reply's cue features -> one 3-level softmax per EPITOME mechanism (trained on
``EPITOME_SPLIT`` train plus a small hand-written multilingual supplement of customer
service replies that teaches "sympathy, greetings, 'DM us' are not empathy") mixed with a
binary head trained on ESConv supporter turns (v2, ``understand.esconv``; see
:func:`mix_levels`) or, in v3, with the ESConv strategy model (:class:`StrategyModel`: the
feature rows, character and word n-grams of the reply -> ESConv's strategies) through a
logistic stack (:func:`stack_levels`). Pure numpy at run time; the
heads are a few MB in ``understand/models/`` and rebuilt by
``python -m empathos.understand.train``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from empathos.understand.backends import _encoder, _features
from empathos.understand.backends._chargram import CharGramHead
from empathos.understand.backends._linear import LinearHead, load_artefact, softmax
from empathos.understand.backends._ngramhead import NgramHead
from empathos.understand.backends._wordgram import WordGramHead
from empathos.understand.backends._polarity import PolarityStack
from empathos.understand.emotions import go_to_cx, polarity, with_polarity
from empathos.understand.protocols import EMPATHY_MECHANISMS

EMOTION_ARTEFACT = "emotion-default"
EMPATHY_ARTEFACT = "empathy-default"


class DefaultEmotionModel:
    """CX probabilities from a 28-label GoEmotions head and a per-language polarity stack."""

    name = "default"
    artefact = EMOTION_ARTEFACT  # the ``fast`` backend is this class on another artefact

    def __init__(self) -> None:
        arrays, self.card = load_artefact(self.artefact)
        self._head = LinearHead.from_arrays(arrays, "")
        self._temperature = float(np.asarray(arrays.get("go_temperature", 1.0)).reshape(-1)[0])
        self._polarity = PolarityStack(arrays) if PolarityStack.available(arrays) else None
        # v3: a character + word n-gram head whose logits join the 28-label head's
        self._ngram = NgramHead.from_arrays(arrays) if NgramHead.available(arrays) else None
        # The encoder the head was trained on, as its card names it.
        self.encoder = str(self.card.get("encoder", _encoder.ENCODER_NAME))
        self.version = str(self.card.get("version", "1"))

    def features(
        self,
        texts: Sequence[str],
        embeddings: np.ndarray | None = None,
        languages: Sequence[str | None] | None = None,
    ) -> np.ndarray:
        """The heads' input rows; ``embeddings`` (from this card's encoder) if already known;
        ``languages`` scopes a v1 artefact's lexicon cues to each text's language."""
        texts = list(texts)
        if embeddings is None:
            embeddings = _encoder.get_encoder(self.encoder).encode(texts)
        if self._polarity is None:  # a v1 artefact reads the lexicon cue counts
            return _features.emotion_features_v1(texts, embeddings, languages)
        return _features.emotion_features(texts, embeddings)

    def predict_goemotions_proba(
        self,
        texts: Sequence[str],
        languages: Sequence[str | None] | None = None,
        embeddings: np.ndarray | None = None,
    ) -> np.ndarray:
        """``(n, 28)`` probabilities over GoEmotions' labels (rows sum to 1)."""
        if len(texts) == 0:
            return np.zeros((0, 28))
        return self._p28(texts, self.features(texts, embeddings, languages), self._temperature)

    def _p28(self, texts: Sequence[str], x: np.ndarray, temperature: float) -> np.ndarray:
        """The 28-label softmax: the embedding head's logits plus, in v3, the n-gram
        head's, over one temperature."""
        z = self._head.logits(x)
        if self._ngram is not None:
            z = z + self._ngram.logits(texts)
        return softmax(z / temperature)

    def predict_polarity_proba(
        self,
        texts: Sequence[str],
        languages: Sequence[str | None] | None = None,
        embeddings: np.ndarray | None = None,
    ) -> np.ndarray:
        """``(n, 3)`` calibrated negative/neutral/positive probabilities."""
        return self.predict_parts(texts, languages, embeddings)[1]

    def predict_parts(
        self,
        texts: Sequence[str],
        languages: Sequence[str | None] | None = None,
        embeddings: np.ndarray | None = None,
        calibrated: bool = True,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(p28, polarity, cx)`` from one pass over the features (``calibrated=False``:
        every temperature 1, to measure what calibration changed)."""
        if len(texts) == 0:
            return np.zeros((0, 28)), np.zeros((0, 3)), np.zeros((0, 9))
        x = self.features(texts, embeddings, languages)
        p28 = self._p28(texts, x, self._temperature if calibrated else 1.0)
        cx = go_to_cx(p28)
        if self._polarity is None:
            return p28, polarity(cx), cx
        pol = self._polarity.predict_proba(x, languages, calibrated, list(texts))
        return p28, pol, with_polarity(cx, pol)

    def predict_proba(
        self,
        texts: Sequence[str],
        languages: Sequence[str | None] | None = None,
        embeddings: np.ndarray | None = None,
    ) -> np.ndarray:
        # ``languages`` picks the polarity head (unknown or missing: the joint head).
        if len(texts) == 0:
            return np.zeros((0, 9))
        return self.predict_parts(texts, languages, embeddings)[2]


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


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=np.float64), 1e-6, 1 - 1e-6)
    return np.log(p) - np.log1p(-p)


def stack_levels(levels: np.ndarray, used: np.ndarray, stack: Sequence[float]) -> np.ndarray:
    """v3: one mechanism's ``(n, 3)`` levels from the EPITOME head (``levels``) and the
    ESConv strategy model's P(mechanism used) (``used``), with ``stack = (r, b1, b0)``:
    ``logit P(level >= 1) = b0 + b1 * (logit(p1 + p2) + r * logit(used))``.

    Why a logistic stack and not the v2 noisy-OR: the noisy-OR lets any confident EPITOME
    vote through, and on real support turns that head is near chance for emotional
    reaction and interpretation; ``r`` weighs the ESConv vote against it in log-odds and
    ``b1``/``b0`` move the level-0 threshold back to where EPITOME dev macro-F1 wants it
    (``(0, 1, 0)`` is the EPITOME head alone). The mass above level 0 is split between
    levels 1 and 2 in the EPITOME head's proportion, as in :func:`mix_levels`."""
    r, b1, b0 = (float(v) for v in stack)
    p = np.asarray(levels, dtype=np.float64)
    above = p[:, 1] + p[:, 2]
    if r == 0.0 and b1 == 1.0 and b0 == 0.0:
        return p
    z = b0 + b1 * (_logit(above) + r * _logit(used))
    mixed = 1.0 / (1.0 + np.exp(-z))
    share2 = np.divide(p[:, 2], above, out=np.full(len(p), 0.5), where=above > 1e-12)
    return np.stack([1 - mixed, mixed * (1 - share2), mixed * share2], axis=1)


class StrategyModel:
    """v3: P(each ESConv strategy) for a (post, reply) pair, mapped onto the mechanisms.

    A product of three softmax regressions over the same 9 classes (ESConv's eight
    strategies and "phatic"): on the heads' feature rows, on the reply's character
    2-5-grams and on its word 1-3-grams; their logits are summed, the softmax taken and
    the strategy probabilities summed per mechanism with the documented mapping
    (``esconv_map``, ``understand.esconv.STRATEGY_TO_MECHANISM``). One multinomial rather
    than one binary head per mechanism because the strategies exclude each other: on
    ESConv val that alone gained 0.01-0.02 AUC per mechanism."""

    PREFIX = "esconv_"

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        p = self.PREFIX
        self.emb = LinearHead.from_arrays(arrays, f"{p}emb_")
        self.char = CharGramHead.from_arrays(arrays, f"{p}char_")
        self.word = WordGramHead.from_arrays(arrays, f"{p}word_")
        self.mapping = np.asarray(arrays[f"{p}map"], dtype=np.float64)  # (9, 3)

    @classmethod
    def available(cls, arrays: dict[str, np.ndarray]) -> bool:
        return f"{cls.PREFIX}map" in arrays

    def used(self, x: np.ndarray, responses: Sequence[str]) -> np.ndarray:
        """``(n, 3)`` P(mechanism used) per mechanism."""
        z = self.emb.logits(x) + self.char.logits(responses) + self.word.logits(responses)
        return softmax(z) @ self.mapping


class DefaultEmpathyModel:
    """Per-mechanism level probabilities from (post, reply) embeddings and reply cues."""

    name = "default"
    artefact = EMPATHY_ARTEFACT

    def __init__(self) -> None:
        arrays, self.card = load_artefact(self.artefact)
        self._heads = [LinearHead.from_arrays(arrays, f"{m}_") for m in EMPATHY_MECHANISMS]
        # v2: an ESConv head per mechanism and its mixing weight (absent in v1 artefacts)
        self._esconv = [
            LinearHead.from_arrays(arrays, f"{m}_esconv_") if f"{m}_esconv_coef" in arrays else None
            for m in EMPATHY_MECHANISMS
        ]
        self._alpha = [float(arrays.get(f"{m}_alpha", 0.0)) for m in EMPATHY_MECHANISMS]
        # v3: one ESConv strategy model for all mechanisms and a logistic stack per mechanism
        self._strategy = StrategyModel(arrays) if StrategyModel.available(arrays) else None
        self._stack = [
            tuple(np.asarray(arrays.get(f"{m}_stack", (0.0, 1.0, 0.0)), dtype=np.float64))
            for m in EMPATHY_MECHANISMS
        ]
        # The encoder the heads were trained on, as the card names it.
        self.encoder = str(self.card.get("encoder", _encoder.ENCODER_NAME))
        self._encoder = _encoder.get_encoder(self.encoder)
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
        seekers, responses = list(seeker_texts), list(response_texts)
        x = _features.empathy_features(
            seekers, responses, self._encoder.encode(seekers), self._encoder.encode(responses)
        )
        if self._strategy is not None:
            used = self._strategy.used(x, responses)
            return np.stack(
                [
                    stack_levels(self._heads[j].predict_proba(x), used[:, j], self._stack[j])
                    for j in range(len(self._heads))
                ],
                axis=1,
            )
        return np.stack([self._mechanism(j, x) for j in range(len(self._heads))], axis=1)
