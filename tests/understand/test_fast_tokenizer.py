"""The static encoder's word cache fills its misses with ``sentencepiece`` (C++) where the
pure-Python port of the same tokenizer used to (issue 15 item 5, speed): on every distinct
word of real customer tweets, agent replies, Reddit comments and UMSAB val tweets in six
languages both give the same *set* of
table rows (they may order tied pieces differently and merge runs of unknown characters,
which have no row), so a text's embedding is the same up to float summation order."""

from __future__ import annotations

import csv
from collections import Counter

import numpy as np
import pytest

from empathos.understand.train_data import shared_data_dir

TWCS = shared_data_dir() / "real" / "twcs_5k.csv"
GO = shared_data_dir() / "goemotions"
needs_data = pytest.mark.skipif(not TWCS.exists(), reason="shared/data not beside the repository")
EDGE = ["", "\u200b", "Alllllllllmooooooooost", "DSJ🙌🏻🙌🏻🙌🏻", "Guy!!!!!", "Это", "İstanbul"]


@pytest.fixture(scope="module")
def encoder():  # noqa: ANN201
    from empathos.understand.backends._static import StaticEncoder

    enc = StaticEncoder()
    if not enc._processor():
        pytest.skip("sentencepiece is not installed: the pure tokenizer serves the misses")
    return enc


def _texts() -> list[str]:
    with TWCS.open(encoding="utf-8") as fh:
        texts = [r["text"] or "" for r in csv.DictReader(fh)]
    try:
        from empathos.understand.train_data import load_goemotions

        texts += load_goemotions("test").texts[:2000]
    except (FileNotFoundError, OSError):
        pass
    for lang in ("english", "french", "german", "italian", "portuguese", "spanish"):
        val = shared_data_dir() / "umsab" / lang / "val_text.txt"
        if val.exists():
            texts += val.read_text(encoding="utf-8").splitlines()[:300]
    return texts


@needs_data
def test_sentencepiece_gives_every_word_the_pure_tokenizers_rows(encoder) -> None:  # noqa: ANN001
    words = sorted({w for t in _texts() for w in t.split()} | set(EDGE))
    fast = encoder._many_rows(words)
    differ = [
        w
        for w, b in zip(words, fast, strict=True)
        if Counter(np.frombuffer(b, dtype=np.int32).tolist()) != Counter(encoder._word_rows(w))
    ]
    assert len(words) > 10_000 and not differ, differ[:10]


@needs_data
def test_embeddings_equal_the_pure_tokenizers(encoder) -> None:  # noqa: ANN001
    from empathos.understand.backends._static import StaticEncoder

    texts = _texts()[:1500] + EDGE
    pure = StaticEncoder()
    pure._sp = False  # as without the library: every miss through the pure tokenizer
    np.testing.assert_allclose(encoder.encode(texts), pure.encode(texts), atol=1e-6, rtol=0)
