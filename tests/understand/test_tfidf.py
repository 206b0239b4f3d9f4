"""The TF-IDF heads' product (``backends/_tfidf.py``): the per-text column sums give the
logits of the per-class ``bincount`` they replaced bit for bit for the head widths the shipped
artefacts use (3 polarity classes, 9 strategies; and one or two columns), and to float
rounding for the wide heads (emotion v3's 28 GoEmotions labels) that take a BLAS product."""

from __future__ import annotations

import numpy as np
import pytest

from empathos.understand.backends._tfidf import WIDE, TfidfLinearHead


def _reference(head: TfidfLinearHead, n: int, key: np.ndarray) -> np.ndarray:
    """The previous product: one ``np.bincount`` per class."""
    out = np.tile(head.intercept, (n, 1))
    vocab = len(head.idf)
    key, counts = np.unique(key, return_counts=True)
    row, idx = np.divmod(key, vocab)
    v = (1.0 + np.log(counts)) * head.idf[idx]
    v /= np.sqrt(np.bincount(row, weights=v * v, minlength=n))[row]
    contrib = v[:, None] * head.coef[idx]
    for c in range(out.shape[1]):
        out[:, c] += np.bincount(row, weights=contrib[:, c], minlength=n)
    return out


@pytest.mark.parametrize("k", [1, 2, 3, 9, 28])
def test_column_sums_equal_the_per_class_bincount_bit_for_bit(k: int) -> None:
    rng = np.random.default_rng(k)
    vocab, n = 5000, 64
    coef = rng.normal(size=(vocab, k)).astype(np.float16)  # as stored in the artefacts
    head = TfidfLinearHead(
        [f"g{i}" for i in range(vocab)], rng.random(vocab) + 1, coef, rng.normal(size=k), (1, 5)
    )
    rows = np.sort(rng.integers(0, n - 3, 20_000))  # the last texts have no n-gram
    key = rows * vocab + rng.integers(0, vocab, len(rows))
    got, want = head._scores(n, key), _reference(head, n, key)
    if k >= WIDE:  # one BLAS product per text: float rounding only
        np.testing.assert_allclose(got, want, atol=1e-10, rtol=0)
    else:
        np.testing.assert_array_equal(got, want)
    assert np.array_equal(head._scores(n, key[:0]), np.tile(head.intercept, (n, 1)))
