"""``lexicon``: instant, transparent multilingual keyword baselines (en, de, es, it, pl, fr).

Why keep a keyword model next to learned ones: it is explainable to a support lead, costs
microseconds, needs no artefact, and gives the evaluation a floor every learned model must
clear. Its probabilities are smoothed cue counts, not calibrated estimates.

It is the documented *fallback* (the live desk reads with it when the learned model is slow
or failing, docs/act_live.md), so it must not skew: a text with no cue is ``neutral`` with
valence exactly 0 (all the smoothing mass sits on neutral; before, a small prior on every
emotion gave each cue-less text valence −0.06, which the ±0.25 bands and the sign counted
as negative). Emotion cues are scoped to the text's language: the ``languages`` given
(the turn's stored language), else the detected one (``listen.language.detect``, when sure);
a text of unknown or uncovered language is matched against every language's cues.
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
#: The languages with their own cue lists; ``"*"`` (emoji) applies to all of them.
LANGUAGES: tuple[str, ...] = tuple(
    sorted({lang for by in EMOTION_CUES.values() for lang in by} - {"*"})
)
ANY = "*"  # key of the union matcher (unknown language)
# Smoothing: only neutral gets prior mass, so a text with no cue is "neutral" with valence
# exactly 0, and one cue moves the mass clearly (1 / 1.8 = 0.56) but not to certainty.
_PRIOR = np.array([0.8 if e == "neutral" else 0.0 for e in CX_EMOTIONS])


def _negator_re(words: Sequence[str]) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in words) + r")(?!\w)")


def resolve_languages(texts: Sequence[str], languages: Sequence[str | None] | None) -> list[str]:
    """The cue languages of each text: its given language when the lexicon covers it; else
    the detected one, when detection is sure, *with English* (``"de+en"``: the bundled
    detector calls some short English lines Spanish at 0.9, and customers mix in English
    words); else :data:`ANY` (every language's cues)."""
    from empathos.listen.language import MIN_CONFIDENCE, detect

    out = []
    for i, text in enumerate(texts):
        lang = languages[i] if languages is not None else None
        detected = lang is None
        if detected:
            found, score = detect(text or "")
            lang = found if score >= MIN_CONFIDENCE else None
        base = (lang or "").split("-")[0].split("_")[0].lower()
        if base not in LANGUAGES:
            out.append(ANY)
        else:
            out.append(f"{base}+en" if detected and base != "en" else base)
    return out


class LexiconEmotionModel:
    """Smoothed cue counts of the text's own language -> CX emotion probabilities."""

    name = "lexicon"
    version = "2"

    def __init__(self) -> None:
        emotions = [e for e in CX_EMOTIONS if e != "neutral"]
        self._matchers: dict[str, CueMatcher] = {}
        self._negators: dict[str, re.Pattern[str]] = {}
        keys = [*LANGUAGES, *(f"{g}+en" for g in LANGUAGES if g != "en"), ANY]
        for lang in keys:
            langs = LANGUAGES if lang == ANY else tuple(lang.split("+"))
            self._matchers[lang] = CueMatcher(
                {
                    e: [c for g in (*langs, "*") for c in EMOTION_CUES.get(e, {}).get(g, ())]
                    for e in emotions
                }
            )
            self._negators[lang] = _negator_re([n for g in langs for n in NEGATORS.get(g, ())])
        names = self._matchers[ANY].names
        self._cols = [CX_EMOTIONS.index(e) for e in names]
        self._names = names
        self._frus = CX_EMOTIONS.index("frustration")

    def cue_counts(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> np.ndarray:
        """``(n, 9)`` cue counts after negation handling (neutral column stays 0), each
        text matched against its own language's cues (:func:`resolve_languages`)."""
        out = np.zeros((len(texts), len(CX_EMOTIONS)))
        for i, (raw, lang) in enumerate(
            zip(texts, resolve_languages(texts, languages), strict=True)
        ):
            raw = raw or ""
            t = normalise(raw)
            neg_re = self._negators[lang]
            for name, col, spans in zip(
                self._names, self._cols, self._matchers[lang].spans(t), strict=True
            ):
                for start, _ in spans:
                    window = " ".join(t[:start].split()[-3:])
                    if name in _POSITIVE and neg_re.search(window):
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
        scores = self.cue_counts(texts, languages) + _PRIOR
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
        return self.levels_of_stripped([self.strip_sympathy(t)[0] for t in response_texts])

    def levels_of_stripped(self, stripped: Sequence[str]) -> np.ndarray:
        """:meth:`levels` of replies already through :meth:`strip_sympathy` (the learned
        heads' features need both, and the stripping is most of the cost). A level is
        whether any of its cues occurs, so one ``search`` per level, not a count."""
        out = np.zeros((len(stripped), len(EMPATHY_MECHANISMS)), dtype=np.int64)
        # per mechanism, its level-2 then its level-1 cues: the first that occurs is the level
        order = [
            [(int(name), p) for name, p in self._mech[m].patterns() if name in ("2", "1")]
            for m in EMPATHY_MECHANISMS
        ]
        for by_level in order:
            by_level.sort(key=lambda lp: -lp[0])
        for i, t in enumerate(stripped):
            for j, by_level in enumerate(order):
                for level, pattern in by_level:
                    if pattern.search(t) is not None:
                        out[i, j] = level
                        break
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
