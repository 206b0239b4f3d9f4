"""The sparse TF-IDF → linear head shared by the character and word n-gram models.

Why one class under both: the two heads differ only in how a text becomes vocabulary ids
(character n-grams through a per-word cache, word n-grams directly); the sublinear TF-IDF,
the L2 norm, the product with the coefficients and the artefact layout are scikit-learn's
``TfidfVectorizer(sublinear_tf=True)`` + a linear model in both, and must stay identical.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Self

import numpy as np


# Heads this wide (emotion v3's 28 GoEmotions labels) take one BLAS product per text: ~2.5x
# cheaper than the sequential sums, equal to them to float rounding (~1e-13 on a logit). The
# narrower heads the shipped artefacts hold (3 polarity classes, 9 strategies) keep the
# sequential sums, bit for bit the outputs of the code before.
WIDE = 16


class TfidfLinearHead:
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

    def _scores(self, n: int, key: np.ndarray) -> np.ndarray:
        """``(n, k)`` logits from ``key = text_row * V + id`` of every n-gram occurrence:
        counted with ``np.unique`` and multiplied into the coefficients with one column sum
        (or, for wide heads, one product) per text — no ``Counter`` or loop over n-grams."""
        out = np.tile(self.intercept, (n, 1))
        if not len(key):
            return out
        vocab = len(self.idf)
        key, counts = np.unique(key, return_counts=True)
        row, idx = np.divmod(key, vocab)
        v = (1.0 + np.log(counts)) * self.idf[idx]
        v /= np.sqrt(np.bincount(row, weights=v * v, minlength=n))[row]
        k = out.shape[1]
        bounds = np.flatnonzero(np.r_[True, row[1:] != row[:-1], True]).tolist()
        if k >= WIDE:  # one BLAS product per text, no (m, k) copy: equal to float rounding
            for a, b in zip(bounds[:-1], bounds[1:], strict=True):
                out[row[a]] += v[a:b] @ self.coef[idx[a:b]]
            return out
        contrib = self.coef[idx]  # (m, k), a copy
        contrib *= v[:, None]
        if k < 2:  # one column: a sum over it would be pairwise, the loop's was sequential
            out[:, 0] += np.bincount(row, weights=contrib[:, 0], minlength=n)
            return out
        # ``key`` came sorted from ``np.unique``, so each text's n-grams are one run of rows.
        # A column sum over a run adds its rows one after the other (the reduction runs along
        # the outer axis), the same additions in the same order as the per-class ``bincount``
        # it replaces, bit for bit (tests/understand/test_tfidf.py), in one pass and without
        # a (row, class) index array.
        for a, b in zip(bounds[:-1], bounds[1:], strict=True):
            out[row[a]] += contrib[a:b].sum(axis=0)
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
    def from_arrays(cls, data: dict[str, np.ndarray], prefix: str) -> Self:
        return cls(
            [str(g) for g in data[f"{prefix}vocab"]],
            data[f"{prefix}idf"],
            data[f"{prefix}coef"],
            data[f"{prefix}intercept"],
            tuple(int(n) for n in data[f"{prefix}ngram"]),
        )
