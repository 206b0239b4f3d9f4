"""The public training API of understand: what another stage needs to refit a default head.

``empathos.learn.retrain`` refits the default heads with stored label corrections. It must
build the same features, fit with the same solver and score with the same rule as
``python -m empathos.understand.train`` and ``understand.evaluate`` do, or before/after
would differ by more than the corrections. This module is that shared surface; the modules
behind it (``backends._features``, ``backends._linear``, ``train``) stay free to change.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from empathos.understand.backends import _features
from empathos.understand.backends._linear import LinearHead, load_artefact
from empathos.understand.backends.default import EMOTION_ARTEFACT, EMPATHY_ARTEFACT
from empathos.understand.evaluate import taxonomy_scores
from empathos.understand.evaluate_metrics import multiclass_macro_f1
from empathos.understand.train import (
    EMOTION_SUPPLEMENT_WEIGHT,
    SEED,
    SUPPLEMENT_WEIGHT,
    embed_cached,
    expand_multilabel,
    fit_head,
    read_emotion_supplement,
)
from empathos.understand.train import read_supplement as read_empathy_supplement

EMPATHY_SUPPLEMENT_WEIGHT = SUPPLEMENT_WEIGHT

__all__ = [
    "EMOTION_ARTEFACT",
    "EMOTION_SUPPLEMENT_WEIGHT",
    "EMPATHY_ARTEFACT",
    "EMPATHY_SUPPLEMENT_WEIGHT",
    "SEED",
    "LinearHead",
    "emotion_features",
    "empathy_features",
    "expand_multilabel",
    "fit_head",
    "load_deployed",
    "multiclass_macro_f1",
    "read_emotion_supplement",
    "read_empathy_supplement",
    "taxonomy_scores",
]


def emotion_features(texts: Sequence[str]) -> np.ndarray:
    """The emotion head's input rows for ``texts`` (embeddings cached on disk, see
    ``Settings.cache_dir``), exactly as training builds them."""
    texts = list(texts)
    return _features.emotion_features(texts, embed_cached(texts))


def empathy_features(seekers: Sequence[str], replies: Sequence[str]) -> np.ndarray:
    """The empathy heads' input rows for (seeker post, reply) pairs, as training builds them."""
    seekers, replies = list(seekers), list(replies)
    return _features.empathy_features(
        seekers, replies, embed_cached(seekers), embed_cached(replies)
    )


def load_deployed(stem: str, models_dir: Path | None = None) -> tuple[dict[str, np.ndarray], dict]:
    """The arrays and card of the heads the default backend would serve now: ``models_dir``
    (default: ``Settings.models_dir``) when it holds ``<stem>.npz``, else the packaged ones."""
    return load_artefact(stem, models_dir)
