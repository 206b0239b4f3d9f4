"""Word n-gram TF-IDF heads (the ESConv strategy model of the empathy backends), numpy only.

Why word n-grams beside the sentence embedding: ESConv's strategies are carried by short
phrases ("it sounds like", "so you feel", "I'm sure you will", "you are not alone") that a
mean of token vectors or a sentence embedding smooths away; on ESConv val a word 1-3-gram
model alone ranks interpretation better than the embedding head (AUC 0.79 vs 0.75 on the
static encoder, docs/understand.md "Empathy"). The features are exactly scikit-learn's
``TfidfVectorizer(ngram_range=(1, 3), sublinear_tf=True, lowercase=True)`` (the training code
checks the two agree on ESConv val), so sklearn stays a training-only dependency.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token_pattern


def word_ngrams(text: str, min_n: int, max_n: int) -> list[str]:
    """The n-grams of scikit-learn's ``word`` analyzer (lower-cased, space-joined)."""
    tokens = TOKEN.findall((text or "").lower())
    out: list[str] = []
    for n in range(min_n, max_n + 1):
        if n == 1:
            out.extend(tokens)
        else:
            out.extend([" ".join(tokens[k : k + n]) for k in range(len(tokens) - n + 1)])
    return out


class WordGramHead:
    """Sublinear TF-IDF over a fixed word n-gram vocabulary, L2-normalised, then linear."""

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
        """``(n, k)`` scores: one flat array of (text, n-gram) ids, counted with
        ``np.unique`` and multiplied into the coefficients with ``np.bincount``."""
        n = len(texts)
        out = np.tile(self.intercept, (n, 1))
        get, (lo, hi) = self.index.get, self.ngram
        ids, rows = [], []
        for i, t in enumerate(texts):
            hit = [j for j in map(get, word_ngrams(t, lo, hi)) if j is not None]
            ids.extend(hit)
            rows.extend([i] * len(hit))
        if not ids:
            return out
        vocab = len(self.idf)
        key = np.asarray(rows, dtype=np.int64) * vocab + np.asarray(ids, dtype=np.int64)
        key, counts = np.unique(key, return_counts=True)
        row, idx = np.divmod(key, vocab)
        v = (1.0 + np.log(counts)) * self.idf[idx]
        v /= np.sqrt(np.bincount(row, weights=v * v, minlength=n))[row]
        contrib = v[:, None] * self.coef[idx]
        for c in range(out.shape[1]):
            out[:, c] += np.bincount(row, weights=contrib[:, c], minlength=n)
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
    def from_arrays(cls, data: dict[str, np.ndarray], prefix: str) -> WordGramHead:
        return cls(
            [str(g) for g in data[f"{prefix}vocab"]],
            data[f"{prefix}idf"],
            data[f"{prefix}coef"],
            data[f"{prefix}intercept"],
            tuple(int(n) for n in data[f"{prefix}ngram"]),
        )
