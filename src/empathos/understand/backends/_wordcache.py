"""Per-word id caches of the ``fast`` path: a text's ids as one C-level ``bytes.join``.

Why: the static encoder's pieces and the character n-gram heads' ids never cross a word
boundary, so a text's ids are the concatenation of its whitespace-separated words' ids.
Each distinct word is looked up once and kept as the ``bytes`` of its int32 ids; a batch is
then ``b"".join`` per text and one ``np.frombuffer`` — no Python loop over words or ids, no
per-id Python int. The cache starts over when it holds ``max_size`` words (a stream's
vocabulary grows without bound: handles, URLs, typos).

Why misses are resolved per batch (``many``): on unseen customer tweets a batch of 64 holds
~200 words the cache has not seen (numeric handles, URLs, typos); one call for all of them
lets the owner tokenize and look them up in C or numpy at once instead of paying a Python
call, an array and a ``tobytes`` per word (that was ~40 % of a ``fast`` turn on TWCS).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import filterfalse

import numpy as np


def pack(flat: np.ndarray, lens: Sequence[int] | np.ndarray) -> list[bytes]:
    """Cut ``flat`` (int32 ids end to end) into one ``bytes`` per word of ``lens`` ids."""
    buf = np.ascontiguousarray(flat, dtype=np.int32).tobytes()
    ends = np.cumsum(np.asarray(lens, dtype=np.int64)) * 4
    starts = np.concatenate([[0], ends[:-1]]).tolist()
    return [buf[a:b] for a, b in zip(starts, ends.tolist(), strict=True)]


class WordIds(dict):
    """``word -> bytes`` of its int32 ids, computed by ``fn`` on a miss (or, for the misses
    of a whole batch at once, by ``many``: words -> one ``bytes`` each)."""

    def __init__(
        self,
        fn: Callable[[str], Iterable[int]],
        max_size: int,
        many: Callable[[list[str]], list[bytes]] | None = None,
    ) -> None:
        super().__init__()
        self.fn = fn
        self.max_size = max_size
        self.many = many

    def __missing__(self, word: str) -> bytes:
        if len(self) >= self.max_size:
            self.clear()
        ids = np.asarray(self.fn(word), dtype=np.int32).tobytes()
        self[word] = ids
        return ids

    def _fill(self, words: list[list[str]]) -> None:
        """Add every word of the batch the cache lacks, in one ``many`` call."""
        seen = set().union(*words)
        # (``seen - self.keys()`` would walk the whole cache: a dict subclass gets no fast path)
        order = list(filterfalse(self.__contains__, seen))
        if not order:
            return
        if len(self) + len(order) > self.max_size:
            self.clear()
            order = list(seen)
        self.update(zip(order, self.many(order), strict=True))

    def batch(
        self, texts: Sequence[str | None], lower: bool = False
    ) -> tuple[np.ndarray, np.ndarray]:
        """``(flat, lens)``: every text's ids end to end (int32) and how many each has
        (int64); ``lower``: words are looked up lower-cased (the text lower-cased whole)."""
        if lower:
            words = [(t or "").lower().split() for t in texts]
        else:
            words = [(t or "").split() for t in texts]
        if self.many is not None and words:
            self._fill(words)
        get = self.__getitem__
        chunks = [b"".join(map(get, ws)) for ws in words]
        lens = np.fromiter(map(len, chunks), dtype=np.int64, count=len(chunks)) // 4
        return np.frombuffer(b"".join(chunks), dtype=np.int32), lens
