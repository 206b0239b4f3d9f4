"""Per-word id caches of the ``fast`` path: a text's ids as one C-level ``bytes.join``.

Why: the static encoder's pieces and the character n-gram heads' ids never cross a word
boundary, so a text's ids are the concatenation of its whitespace-separated words' ids.
Each distinct word is looked up once (``fn``) and kept as the ``bytes`` of its int32 ids;
a batch is then ``b"".join`` per text and one ``np.frombuffer`` — no Python loop over
words or ids, no per-id Python int. The cache starts over when it holds ``max_size``
words (a stream's vocabulary grows without bound: handles, URLs, typos).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np


class WordIds(dict):
    """``word -> bytes`` of its int32 ids, computed by ``fn`` on a miss."""

    def __init__(self, fn: Callable[[str], Iterable[int]], max_size: int) -> None:
        super().__init__()
        self.fn = fn
        self.max_size = max_size

    def __missing__(self, word: str) -> bytes:
        if len(self) >= self.max_size:
            self.clear()
        ids = np.asarray(self.fn(word), dtype=np.int32).tobytes()
        self[word] = ids
        return ids

    def batch(
        self, texts: Sequence[str | None], lower: bool = False
    ) -> tuple[np.ndarray, np.ndarray]:
        """``(flat, lens)``: every text's ids end to end (int32) and how many each has
        (int64); ``lower``: words are looked up lower-cased (the text lower-cased whole)."""
        get = self.__getitem__
        if lower:
            chunks = [b"".join(map(get, (t or "").lower().split())) for t in texts]
        else:
            chunks = [b"".join(map(get, (t or "").split())) for t in texts]
        lens = np.fromiter(map(len, chunks), dtype=np.int64, count=len(chunks)) // 4
        return np.frombuffer(b"".join(chunks), dtype=np.int32), lens
