"""Character n-gram TF-IDF heads of the polarity stack, numpy at run time.

Why: on UMSAB val the sentence embeddings alone stay 2–7 points below the XLM-T figures in
French, German, Italian, Portuguese and Spanish; a per-language character n-gram model
(spelling, hashtags, elongations, slang the encoder smooths away) added to the stack's
logits gains 2–4 points on val in those languages. The features are exactly scikit-learn's
``TfidfVectorizer(analyzer="char_wb", sublinear_tf=True, lowercase=True)`` (the training code
checks the two agree on val), so sklearn stays a training-only dependency.

Why a word cache and one sparse product per batch: ``char_wb`` pads each whitespace-separated
word on its own, so a text's n-grams are the concatenation of its words' n-grams. Each
distinct lower-cased word is cut into n-grams and looked up in the vocabulary once; a batch
is then one flat array of (text, n-gram) ids counted with ``np.unique`` and multiplied into
the coefficients with ``np.bincount`` — no per-text ``Counter`` or Python loop over n-grams
(that loop was ~80 % of the ``fast`` emotion backend's time per turn). A batch's new words
are cut and looked up together (``_many_ids``: one ``map`` over all their n-grams, one
array), not one small array per word.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from itertools import chain, groupby, repeat
from operator import itemgetter

import numpy as np

from empathos.understand.backends._tfidf import TfidfLinearHead
from empathos.understand.backends._wordcache import WordIds, pack

_WHITE = re.compile(r"\s\s+")


_CACHE_MAX = 200_000  # distinct words remembered per head before the cache starts over


def _word_ngrams(word: str, min_n: int, max_n: int, out: list[str]) -> None:
    """Append the ``char_wb`` n-grams of one lower-cased, whitespace-free word."""
    w = f" {word} "
    size = len(w)
    for n in range(min_n, max_n + 1):
        if size <= n:  # a word shorter than n is counted once, and longer n are skipped
            out.append(w)
            break
        out.extend([w[k : k + n] for k in range(size - n + 1)])


def char_wb_ngrams(text: str, min_n: int, max_n: int) -> list[str]:
    """The n-grams of scikit-learn's ``char_wb`` analyzer (words padded with one space)."""
    out: list[str] = []
    for w in _WHITE.sub(" ", text.lower()).split():
        _word_ngrams(w, min_n, max_n, out)
    return out


class CharGramHead(TfidfLinearHead):
    """Sublinear TF-IDF over a fixed character n-gram vocabulary, L2-normalised, then linear."""

    def __init__(
        self,
        vocab: Sequence[str],
        idf: np.ndarray,
        coef: np.ndarray,
        intercept: np.ndarray,
        ngram: tuple[int, int],
    ) -> None:
        super().__init__(vocab, idf, coef, intercept, ngram)
        self._index1 = {g: i + 1 for g, i in self.index.items()}
        self._words = WordIds(self._word_ids, _CACHE_MAX, self._many_ids)
        self._cutters: dict[int, Callable[[str], tuple[str, ...]]] = {}
        self._n_grams: dict[int, int] = {}

    def _cutter(self, size: int) -> Callable[[str], tuple[str, ...]]:
        """The n-grams of a padded word of ``size`` characters as one C call: an
        ``itemgetter`` over the slices ``_word_ngrams`` takes (the same for every word of
        that size), built once per size."""
        cut = self._cutters.get(size)
        if cut is None:
            spans: list[slice] = []
            for n in range(self.ngram[0], self.ngram[1] + 1):
                if size <= n:
                    spans.append(slice(0, size))
                    break
                spans.extend(slice(k, k + n) for k in range(size - n + 1))
            if len(spans) == 1:
                whole = spans[0]
                cut = lambda w: (w[whole],)  # noqa: E731 - itemgetter of one item is no tuple
            else:
                cut = itemgetter(*spans)
            self._cutters[size], self._n_grams[size] = cut, len(spans)
        return cut

    def _word_ids(self, word: str) -> np.ndarray:
        """Vocabulary ids of one lower-cased word's n-grams (out-of-vocabulary left out)."""
        grams: list[str] = []
        _word_ngrams(word, *self.ngram, grams)
        # ids stored one up so that ``filter(None, ...)`` drops the misses in C
        return np.fromiter(filter(None, map(self._index1.get, grams)), dtype=np.int32) - 1

    def _many_ids(self, words: list[str]) -> list[bytes]:
        """:meth:`_word_ids` of many words (a batch's cache misses), as int32 bytes."""
        by_size = sorted(words, key=len)  # words of one length share one cutter: one C map
        grams: list[str] = []
        sizes: list[int] = []
        for size, group in groupby(by_size, key=len):
            padded = [f" {w} " for w in group]
            grams.extend(chain.from_iterable(map(self._cutter(size + 2), padded)))
            sizes.extend([self._n_grams[size + 2]] * len(padded))
        get = self.index.get
        ids = np.fromiter(map(get, grams, repeat(-1)), dtype=np.int32, count=len(grams))
        keep = ids >= 0
        owner = np.repeat(np.arange(len(words)), sizes)
        packed = pack(ids[keep], np.bincount(owner[keep], minlength=len(words)))
        done = dict(zip(by_size, packed, strict=True))
        return [done[w] for w in words]

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        n = len(texts)
        flat, lens = self._words.batch(texts, lower=True)
        key = np.repeat(np.arange(n, dtype=np.int64) * len(self.idf), lens) + flat
        return self._scores(n, key)
