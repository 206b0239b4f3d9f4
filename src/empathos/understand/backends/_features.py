"""Feature vectors for the learned heads: sentence embeddings plus cue features.

Emotion (v2): the embedding plus language-free *surface* cues (exclamation and question
marks, negative and positive emoji, shouting): the heads now learn from six languages of
tweets, the sentence encoder drops most emoji and case, and these cues mean the same in
every language. The lexicon cue counts the v1 emotion head used
(``emotion_lexicon_features``) stay for that head's baseline in the bench; the emotion head no
longer reads them, so a change of the cue lists cannot shift its inputs.

Empathy: the lexicon cue counts (``_words.py``) fire in six languages, so a head that learned
"a question cue is exploration" carries that to German or Polish where the embedding
transfer is weaker.
"""

from __future__ import annotations

import re
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


NEGATIVE_EMOJI = frozenset("😡😠🤬👎😤😞😢😭😩😫💔🙄😒😔😟😰😨😱🤮😖😣😑😐🤦")
POSITIVE_EMOJI = frozenset("😍😊🙂😀😁😃😄❤👍🙏😂🥰✨🎉💕💯😘😉🤗💙💖💜🔥👏🙌😎")
N_SURFACE = 6


_EMOJI_CLASS = {
    name: re.compile("[" + "".join(re.escape(c) for c in sorted(cues)) + "]")
    for name, cues in (("neg", NEGATIVE_EMOJI), ("pos", POSITIVE_EMOJI))
}
_ASCII_LETTERS = bytes(range(65, 91)) + bytes(range(97, 123))
_ASCII_UPPER = bytes(range(65, 91))
_NON_ASCII = re.compile("[^\x00-\x7f]")
# The ~120 characters that are upper case but not letters (Roman numerals, circled
# letters): where one occurs, upper-case letters are counted the slow, exact way.
_UPPER_NOT_ALPHA = re.compile(
    "[\u2160-\u216f\u24b6-\u24cf\U0001f130-\U0001f149\U0001f150-\U0001f169\U0001f170-\U0001f189]"
)  # tests/understand/test_fast_equivalence.py checks this against the Unicode database


def _letters_upper(t: str) -> tuple[int, int]:
    """(letters, upper-case letters) of ``t``: bytes counting in C for ASCII text (most
    turns), the per-character test otherwise."""
    if t.isascii():
        b = t.encode("ascii")
        return len(b) - len(b.translate(None, _ASCII_LETTERS)), len(b) - len(
            b.translate(None, _ASCII_UPPER)
        )
    if _UPPER_NOT_ALPHA.search(t) is None:  # every upper-case character is a letter
        # ASCII characters counted as bytes, only the (few) others one by one
        b = t.encode("ascii", "ignore")
        other = _NON_ASCII.findall(t)
        return (
            len(b) - len(b.translate(None, _ASCII_LETTERS)) + sum(map(str.isalpha, other)),
            len(b) - len(b.translate(None, _ASCII_UPPER)) + sum(map(str.isupper, other)),
        )
    letters = [c for c in t if c.isalpha()]
    return len(letters), sum(c.isupper() for c in letters)


def surface_features(texts: Sequence[str]) -> np.ndarray:
    """``(n, 6)``: log1p counts of '!', '?', negative and positive emoji, the share of
    upper-case letters (shouting), and log1p of the word count.

    Counts are gathered per text with C-level string methods (no loop over characters for
    ASCII text, a regex character class for the emoji) and the logs taken once per batch."""
    n = len(texts)
    rows = []  # !, ?, neg emoji, pos emoji, words; then the share of upper case
    neg, pos = _EMOJI_CLASS["neg"], _EMOJI_CLASS["pos"]
    for t in texts:
        t = t or ""
        n_letters, n_upper = _letters_upper(t)
        share = n_upper / n_letters if n_letters >= 8 else 0.0
        if t.isascii():
            rows.append((t.count("!"), t.count("?"), 0, 0, len(t.split()), share))
        else:
            rows.append(
                (
                    t.count("!"),
                    t.count("?"),
                    len(neg.findall(t)),
                    len(pos.findall(t)),
                    len(t.split()),
                    share,
                )
            )
    table = np.array(rows, dtype=np.float64).reshape(n, 6)
    counts, upper = table[:, :5], table[:, 5]
    logs = np.log1p(counts)
    return (
        np.column_stack([logs[:, :4], upper, logs[:, 4]]).astype(np.float32).reshape(-1, N_SURFACE)
    )


def emotion_features(texts: Sequence[str], embeddings: np.ndarray | None = None) -> np.ndarray:
    """The emotion heads' input: embedding (given, or from the USE encoder) + surface cues."""
    emb = _encoder.encode(texts) if embeddings is None else embeddings
    return np.hstack([emb, surface_features(texts)]).astype(np.float32)


def emotion_features_v1(
    texts: Sequence[str],
    embeddings: np.ndarray | None = None,
    languages: Sequence[str | None] | None = None,
) -> np.ndarray:
    """The v1 emotion head's input (embedding + lexicon cue counts, each text's own
    language's cues), for its baseline and any artefact without a polarity stack."""
    emb = _encoder.encode(texts) if embeddings is None else embeddings
    return np.hstack([emb, emotion_lexicon_features(texts, languages)]).astype(np.float32)


def empathy_lexicon_features(responses: Sequence[str]) -> np.ndarray:
    """``(n, 10)``: one-hot lexicon level 1/2 per mechanism (6), formulaic-sympathy count,
    question marks left after removing sympathy, log length, sympathy-only flag."""
    lex = _lex_empathy()
    stripped = [lex.strip_sympathy(text) for text in responses]  # once: levels read it too
    levels = lex.levels_of_stripped([t for t, _ in stripped])
    n = len(responses)
    counts = np.zeros((n, 3), dtype=np.float64)  # sympathy, '?' left, words of the reply
    short = np.zeros(n, dtype=np.float32)
    for i, (text, (t, n_sym)) in enumerate(zip(responses, stripped, strict=True)):
        counts[i] = (n_sym, t.count("?"), len((text or "").split()))
        short[i] = float(n_sym > 0 and len(t.split()) <= 4)
    onehot = [(levels[:, j] == level) for j in range(3) for level in (1, 2)]
    return np.column_stack([*onehot, np.log1p(counts), short]).astype(np.float32).reshape(-1, 10)


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
