"""Character n-gram TF-IDF heads of the polarity stack, numpy at run time.

Why: on UMSAB val the sentence embeddings alone stay 2–7 points below the XLM-T figures in
French, German, Italian, Portuguese and Spanish; a per-language character n-gram model
(spelling, hashtags, elongations, slang the encoder smooths away) added to the stack's
logits gains 2–4 points on val in those languages. The features are exactly scikit-learn's
``TfidfVectorizer(analyzer="char_wb", sublinear_tf=True, lowercase=True)`` (the training code
checks the two agree on val), so sklearn stays a training-only dependency.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

_WHITE = re.compile(r"\s\s+")


def char_wb_ngrams(text: str, min_n: int, max_n: int) -> list[str]:
    """The n-grams of scikit-learn's ``char_wb`` analyzer (words padded with one space)."""
    out: list[str] = []
    for w in _WHITE.sub(" ", text.lower()).split():
        w = f" {w} "
        for n in range(min_n, max_n + 1):
            offset = 0
            out.append(w[offset : offset + n])
            while offset + n < len(w):
                offset += 1
                out.append(w[offset : offset + n])
            if offset == 0:  # a word shorter than n is counted once
                break
    return out


class CharGramHead:
    """Sublinear TF-IDF over a fixed n-gram vocabulary, L2-normalised, then linear."""

    def __init__(
        self,
        vocab: Sequence[str],
        idf: np.ndarray,
        coef: np.ndarray,
        intercept: np.ndarray,
        ngram: tuple[int, int],
    ) -> None:
        self.index = {g: i for i, g in enumerate(vocab)}
        self.idf = np.asarray(idf, dtype=np.float64)
        self.coef = np.asarray(coef, dtype=np.float64)  # (V, k)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        self.ngram = (int(ngram[0]), int(ngram[1]))

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        out = np.tile(self.intercept, (len(texts), 1))
        for i, t in enumerate(texts):
            counts = Counter(
                j
                for g in char_wb_ngrams(t or "", *self.ngram)
                if (j := self.index.get(g)) is not None
            )
            if not counts:
                continue
            idx = np.fromiter(counts.keys(), dtype=np.int64)
            tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64))
            v = tf * self.idf[idx]
            v /= np.linalg.norm(v)
            out[i] += v @ self.coef[idx]
        return out

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        vocab = sorted(self.index, key=self.index.get)
        return {
            f"{prefix}vocab": np.array(vocab, dtype=str),
            f"{prefix}idf": self.idf.astype(np.float32),
            f"{prefix}coef": self.coef.astype(np.float16),
            f"{prefix}intercept": self.intercept.astype(np.float32),
            f"{prefix}ngram": np.array(self.ngram, dtype=np.int32),
        }

    @classmethod
    def from_arrays(cls, data: dict[str, np.ndarray], prefix: str) -> CharGramHead:
        return cls(
            [str(g) for g in data[f"{prefix}vocab"]],
            data[f"{prefix}idf"],
            data[f"{prefix}coef"],
            data[f"{prefix}intercept"],
            tuple(int(n) for n in data[f"{prefix}ngram"]),
        )
