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

from empathos.understand.backends._tfidf import TfidfLinearHead

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


class WordGramHead(TfidfLinearHead):
    """Sublinear TF-IDF over a fixed word n-gram vocabulary, L2-normalised, then linear."""

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        """``(n, k)`` scores from one flat array of (text, n-gram) ids."""
        get, (lo, hi) = self.index.get, self.ngram
        ids, rows = [], []
        for i, t in enumerate(texts):
            hit = [j for j in map(get, word_ngrams(t, lo, hi)) if j is not None]
            ids.extend(hit)
            rows.extend([i] * len(hit))
        key = np.asarray(rows, dtype=np.int64) * len(self.idf) + np.asarray(ids, dtype=np.int64)
        return self._scores(len(texts), key)
