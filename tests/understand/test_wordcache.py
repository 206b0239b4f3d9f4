"""The per-word id cache (``backends/_wordcache.py``): a batch's misses go to ``many`` in one
call, the result is what the one-word ``fn`` gives, and a full cache starts over without
losing the words of the batch that filled it."""

from __future__ import annotations

import numpy as np

from empathos.understand.backends._wordcache import WordIds, pack


def _ids(word: str) -> list[int]:
    return [ord(c) for c in word if c != "x"]  # "x" has no id, as a dropped piece


def test_batch_misses_go_to_many_once_and_equal_fn() -> None:
    calls: list[list[str]] = []

    def many(words: list[str]) -> list[bytes]:
        calls.append(words)
        return pack(np.array([i for w in words for i in _ids(w)]), [len(_ids(w)) for w in words])

    texts = ["ab cd", "  ab\txy ", "", None, "xx"]
    single, batched = WordIds(_ids, 100), WordIds(_ids, 100, many)
    for a, b in zip(single.batch(texts), batched.batch(texts), strict=True):
        np.testing.assert_array_equal(a, b)
    assert len(calls) == 1 and sorted(calls[0]) == ["ab", "cd", "xx", "xy"]
    batched.batch(["ab cd"])  # all known: no call
    assert len(calls) == 1
    flat, lens = batched.batch(["AB", "ab"], lower=True)
    assert flat.tolist() == [97, 98, 97, 98] and lens.tolist() == [2, 2]


def test_a_full_cache_starts_over_and_keeps_the_batch() -> None:
    many = lambda ws: [np.asarray(_ids(w), dtype=np.int32).tobytes() for w in ws]  # noqa: E731
    cache = WordIds(_ids, 3, many)
    cache.batch(["a b"])
    flat, lens = cache.batch(["c d e"])  # 2 + 3 > 3: starts over with this batch's words
    assert flat.tolist() == [99, 100, 101] and lens.tolist() == [3]
    assert set(cache) == {"c", "d", "e"}
