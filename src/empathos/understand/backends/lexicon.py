"""``lexicon``: instant, transparent multilingual keyword baselines (en, de, es, it, pl, fr).

Why keep a keyword model next to learned ones: it is explainable to a support lead, costs
microseconds, needs no artefact, and gives the evaluation a floor every learned model must
clear. Its probabilities are smoothed cue counts, not calibrated estimates.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from empathos.understand.backends._text import CueMatcher, normalise
from empathos.understand.backends._words import (
    EMOTION_CUES,
    EMPATHY_CUES,
    NEGATORS,
    SYMPATHY_CUES,
)
from empathos.understand.protocols import (
    CX_EMOTIONS,
    EMPATHY_MECHANISMS,
)

_POSITIVE = ("joy", "gratitude", "relief")
_NEG_RE = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in NEGATORS) + r")(?!\w)")
# Smoothing: every emotion gets a small prior, neutral a larger one, so a text with no cue
# is "neutral" and one cue moves the mass clearly but not to certainty.
_PRIOR = np.array([0.15 if e != "neutral" else 1.0 for e in CX_EMOTIONS])


class LexiconEmotionModel:
    """Smoothed multilingual cue counts -> CX emotion probabilities."""

    name = "lexicon"
    version = "1"

    def __init__(self) -> None:
        self._matcher = CueMatcher(
            {e: EMOTION_CUES.get(e, ()) for e in CX_EMOTIONS if e != "neutral"}
        )
        self._cols = [CX_EMOTIONS.index(e) for e in self._matcher.names]
        self._frus = CX_EMOTIONS.index("frustration")

    def cue_counts(self, texts: Sequence[str]) -> np.ndarray:
        """``(n, 9)`` cue counts after negation handling (neutral column stays 0)."""
        out = np.zeros((len(texts), len(CX_EMOTIONS)))
        for i, raw in enumerate(texts):
            raw = raw or ""
            t = normalise(raw)
            for name, col, spans in zip(
                self._matcher.names, self._cols, self._matcher.spans(t), strict=True
            ):
                for start, _ in spans:
                    window = " ".join(t[:start].split()[-3:])
                    if name in _POSITIVE and _NEG_RE.search(window):
                        out[i, self._frus] += 1.0  # "not happy" is a complaint
                    else:
                        out[i, col] += 1.0
            if "!!" in raw or "?!" in raw:  # shouting strengthens what is already negative
                neg = out[i, :5]
                if neg.sum() > 0:
                    out[i, int(neg.argmax())] += 0.5
        return out

    def predict_proba(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> np.ndarray:
        scores = self.cue_counts(texts) + _PRIOR
        return scores / scores.sum(axis=1, keepdims=True)


# level -> probabilities over levels 0, 1, 2 (soft, so the evaluation can rank)
_LEVEL_PROBS = np.array([[0.85, 0.10, 0.05], [0.15, 0.70, 0.15], [0.05, 0.15, 0.80]])


class LexiconEmpathyModel:
    """Cue phrases per EPITOME mechanism; formulaic apologies are removed first, so that
    sympathy alone ("sorry for the inconvenience") scores zero."""

    name = "lexicon"
    version = "1"

    def __init__(self) -> None:
        self._sympathy = CueMatcher({"sympathy": SYMPATHY_CUES})
        self._mech = {
            m: CueMatcher({str(level): cues for level, cues in EMPATHY_CUES[m].items()})
            for m in EMPATHY_MECHANISMS
        }

    def strip_sympathy(self, text: str) -> tuple[str, int]:
        """The normalised reply with sympathy formulas cut out, and how many were cut."""
        t = normalise(text or "")
        spans = self._sympathy.spans(t)[0]
        for start, end in reversed(spans):
            tail = re.match(r"[^.!?]*[.!?]*", t[end:])  # the rest of that formulaic sentence
            t = t[:start] + " " + t[end + (tail.end() if tail else 0) :]
        return t, len(spans)

    def levels(self, response_texts: Sequence[str]) -> np.ndarray:
        """``(n, 3)`` integer levels per mechanism."""
        out = np.zeros((len(response_texts), len(EMPATHY_MECHANISMS)), dtype=np.int64)
        for i, text in enumerate(response_texts):
            t, _ = self.strip_sympathy(text)
            for j, m in enumerate(EMPATHY_MECHANISMS):
                counts = self._mech[m].counts([t], normalised=True)[0]
                by_level = dict(zip(self._mech[m].names, counts, strict=True))
                out[i, j] = (
                    2 if by_level.get("2", 0) > 0 else (1 if by_level.get("1", 0) > 0 else 0)
                )
        return out

    def predict_proba(
        self,
        seeker_texts: Sequence[str],
        response_texts: Sequence[str],
        languages: Sequence[str | None] | None = None,
    ) -> np.ndarray:
        if len(seeker_texts) != len(response_texts):
            raise ValueError("seeker_texts and response_texts must have the same length")
        return _LEVEL_PROBS[self.levels(response_texts)]
