"""Word n-gram TF-IDF heads (the ESConv strategy model of the empathy backends), numpy only.

Why word n-grams beside the sentence embedding: ESConv's strategies are carried by short
phrases ("it sounds like", "so you feel", "I'm sure you will", "you are not alone") that a
mean of token vectors or a sentence embedding smooths away; on ESConv val a word 1-3-gram
model alone ranks interpretation better than the embedding head (AUC 0.79 vs 0.75 on the
static encoder, docs/understand.md "Empathy"). The features are exactly scikit-learn's
``TfidfVectorizer(ngram_range=(1, 3), sublinear_tf=True, lowercase=True)`` (the training code
checks the two agree on ESConv val), so sklearn stays a training-only dependency.

Why n-grams are looked up as integer keys: joining every 2- and 3-token window of every
text into a string and looking each up was a Python loop per text (the n-gram head was
~36 % of emotion v3's time). Instead each vocabulary token gets a number once, a batch's
tokens become one int64 array (``-1`` for a token no vocabulary n-gram holds), and the
windows of ``m`` tokens are the base-``T`` numbers of their tokens, found by one
``np.searchsorted`` in the sorted keys of the vocabulary's ``m``-grams. Only ``findall``
and a dict look-up per token stay per text. The order in which occurrences are found does
not matter: ``_scores`` counts them with ``np.unique``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import chain, repeat

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

    _keys: list[tuple[int, np.ndarray, np.ndarray]] | None = None

    def _tables(self) -> tuple[dict[str, int], list[tuple[int, np.ndarray, np.ndarray]]]:
        """Token numbers and, per n-gram length ``m``, the vocabulary's sorted keys and the
        ids they stand for (built on the first call)."""
        if self._keys is None:
            tok: dict[str, int] = {}
            grams = [(g.split(" "), i) for g, i in self.index.items()]
            for parts, _ in grams:
                for t in parts:
                    tok.setdefault(t, len(tok))
            self._base = max(1, len(tok))
            if self._base ** max(1, self.ngram[1]) >= 2**62:  # keys would overflow int64
                self._tok, self._keys = tok, []
                return tok, self._keys
            keys = []
            for m in range(self.ngram[0], self.ngram[1] + 1):
                sel = [(parts, i) for parts, i in grams if len(parts) == m]
                key = np.zeros(len(sel), dtype=np.int64)
                for parts_j in range(m):
                    digits = [tok[parts[parts_j]] for parts, _ in sel]
                    key = key * self._base + np.asarray(digits, dtype=np.int64)
                order = np.argsort(key, kind="stable")
                ids = np.asarray([i for _, i in sel], dtype=np.int64)[order]
                keys.append((m, key[order], ids))
            self._tok, self._keys = tok, keys
        return self._tok, self._keys

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        """``(n, k)`` scores from one flat array of (text, n-gram) ids."""
        tok, keys = self._tables()
        if not keys:
            return self._logits_loop(texts)
        n, vocab = len(texts), len(self.idf)
        tokens = [TOKEN.findall((t or "").lower()) for t in texts]
        lens = np.fromiter(map(len, tokens), dtype=np.int64, count=n)
        total = int(lens.sum())
        flat = np.fromiter(
            map(tok.get, chain.from_iterable(tokens), repeat(-1)), dtype=np.int64, count=total
        )
        owner = np.repeat(np.arange(n, dtype=np.int64), lens)
        parts = []
        for m, vkeys, vids in keys:
            if total < m or not len(vkeys):
                continue
            start = np.arange(total - m + 1)
            ok = owner[start] == owner[start + m - 1]  # the window stays inside one text
            key = np.zeros(len(start), dtype=np.int64)
            for j in range(m):
                d = flat[start + j]
                ok &= d >= 0
                key = key * self._base + d
            key, start = key[ok], start[ok]
            pos = np.minimum(np.searchsorted(vkeys, key), len(vkeys) - 1)
            hit = vkeys[pos] == key
            parts.append(owner[start[hit]] * vocab + vids[pos[hit]])
        key = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        return self._scores(n, key)

    def _logits_loop(self, texts: Sequence[str]) -> np.ndarray:
        """The string look-up per n-gram, for a vocabulary too large for int64 keys."""
        get, (lo, hi) = self.index.get, self.ngram
        ids, rows = [], []
        for i, t in enumerate(texts):
            hit = [j for j in map(get, word_ngrams(t, lo, hi)) if j is not None]
            ids.extend(hit)
            rows.extend([i] * len(hit))
        key = np.asarray(rows, dtype=np.int64) * len(self.idf) + np.asarray(ids, dtype=np.int64)
        return self._scores(len(texts), key)
