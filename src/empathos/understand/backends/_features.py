"""Feature vectors for the learned heads: sentence embeddings plus lexicon cue counts.

Why the cue counts: the heads learn from English data only; the multilingual cue lists
(``_words.py``) fire in six languages, so a head that learned "a frustration cue raises
frustration" carries that to German or Polish even where the embedding transfer is weaker.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from empathos.understand.backends import _encoder
from empathos.understand.backends.lexicon import LexiconEmotionModel, LexiconEmpathyModel
from empathos.understand.protocols import CX_EMOTIONS


@lru_cache(maxsize=1)
def _lex_emotion() -> LexiconEmotionModel:
    return LexiconEmotionModel()


@lru_cache(maxsize=1)
def _lex_empathy() -> LexiconEmpathyModel:
    return LexiconEmpathyModel()


_NON_NEUTRAL = [i for i, e in enumerate(CX_EMOTIONS) if e != "neutral"]


def emotion_lexicon_features(
    texts: Sequence[str], languages: Sequence[str | None] | None = None
) -> np.ndarray:
    """``(n, 10)``: log1p cue counts of the 8 non-neutral CX emotions (each text's own
    language's cues; ``languages`` None: detected), '!' and '?' counts."""
    counts = _lex_emotion().cue_counts(texts, languages)[:, _NON_NEUTRAL]
    marks = np.array([[t.count("!"), t.count("?")] for t in texts], dtype=np.float64).reshape(-1, 2)
    return np.log1p(np.hstack([counts, marks])).astype(np.float32)


def emotion_features(
    texts: Sequence[str],
    embeddings: np.ndarray | None = None,
    languages: Sequence[str | None] | None = None,
) -> np.ndarray:
    emb = _encoder.encode(texts) if embeddings is None else embeddings
    return np.hstack([emb, emotion_lexicon_features(texts, languages)]).astype(np.float32)


def empathy_lexicon_features(responses: Sequence[str]) -> np.ndarray:
    """``(n, 10)``: one-hot lexicon level 1/2 per mechanism (6), formulaic-sympathy count,
    question marks left after removing sympathy, log length, sympathy-only flag."""
    lex = _lex_empathy()
    levels = lex.levels(responses)
    rows = []
    for text, lv in zip(responses, levels, strict=True):
        stripped, n_sym = lex.strip_sympathy(text)
        words = len(stripped.split())
        rows.append(
            [
                *(float(lv[j] == level) for j in range(3) for level in (1, 2)),
                np.log1p(n_sym),
                np.log1p(stripped.count("?")),
                np.log1p(len((text or "").split())),
                float(n_sym > 0 and words <= 4),
            ]
        )
    return np.array(rows, dtype=np.float32).reshape(-1, 10)


def empathy_features(
    seekers: Sequence[str],
    responses: Sequence[str],
    seeker_emb: np.ndarray | None = None,
    response_emb: np.ndarray | None = None,
) -> np.ndarray:
    """Response embedding, seeker embedding, their elementwise product (does the reply
    engage with *this* post?), and the lexicon features of the reply."""
    es = _encoder.encode(seekers) if seeker_emb is None else seeker_emb
    er = _encoder.encode(responses) if response_emb is None else response_emb
    return np.hstack([er, es, er * es, empathy_lexicon_features(responses)]).astype(np.float32)
