"""What every training module shares: the seed, the embedding cache, the solver, the saver.

Kept apart from ``train.py`` (the CLI) and the per-kind modules (``train_emotion.py``,
``train_empathy.py``) so that each kind can change without touching the others, and so
they import it without importing each other (import-linter forbids cycles).
sklearn is imported only inside the functions that fit (the ``train`` extra).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from empathos.understand.backends import _encoder
from empathos.understand.backends._linear import MODELS_DIR, LinearHead

SEED = 13
# Which backend an artefact built on an encoder belongs to: ``emotion-default`` is the USE
# encoder's, ``emotion-fast`` the static token embeddings' (``backends/_static.py``).
BACKEND_OF_ENCODER: dict[str, str] = {"use-multilingual-v3": "default", "static-use-v1": "fast"}


def cache_dir() -> Path:
    """The settings' ``cache_dir`` (``EMPATHOS_CACHE``, default ``~/.cache/empathos``)."""
    from empathos.config import get_settings

    d = Path(get_settings().cache_dir)
    d.mkdir(parents=True, exist_ok=True)
    return d


def embed_cached(texts: Sequence[str], encoder: str = _encoder.ENCODER_NAME) -> np.ndarray:
    """Encoder embeddings, cached on disk by a hash of the texts and the encoder name (the
    key of the USE encoder is what it was before the registry, so old caches stay valid)."""
    texts = list(texts)
    key = hashlib.sha256(("\x00".join(texts) + encoder).encode()).hexdigest()[:20]
    path = cache_dir() / f"emb-{key}.npy"
    if path.exists():
        return np.load(path)
    enc = _encoder.get_encoder(encoder)
    chunks = [enc.encode(texts[i : i + 2048]) for i in range(0, len(texts), 2048)]
    emb = np.concatenate(chunks) if chunks else np.zeros((0, enc.dim), dtype=np.float32)
    np.save(path, emb)
    return emb


def fit_head(
    x: np.ndarray,
    y: np.ndarray,
    c: float,
    weight: np.ndarray | None = None,
    class_weight: str | None = None,
    warm: object | None = None,
    n_classes: int | None = None,
) -> tuple[LinearHead, object]:
    """Standardised multinomial logistic regression (sklearn, only needed to train).

    ``warm``: the classifier returned by a previous call on the same data; its solution is
    the starting point, so a grid over C costs little more than one fit."""
    from sklearn.linear_model import LogisticRegression

    mean = x.mean(0)
    scale = x.std(0) + 1e-6
    clf = warm or LogisticRegression(
        max_iter=300, class_weight=class_weight, random_state=SEED, warm_start=True
    )
    clf.set_params(C=c)
    clf.fit((x - mean) / scale, y, sample_weight=weight)
    k = n_classes or int(y.max()) + 1
    coef = np.zeros((x.shape[1], k), dtype=np.float32)
    intercept = np.full(k, -30.0, dtype=np.float32)  # classes never seen stay impossible
    coef[:, clf.classes_] = (
        clf.coef_.T if len(clf.classes_) > 2 else np.hstack([-clf.coef_.T, clf.coef_.T]) / 2
    )
    intercept[clf.classes_] = (
        clf.intercept_ if len(clf.classes_) > 2 else np.array([-1, 1]) * clf.intercept_[0] / 2
    )
    return LinearHead(mean.astype(np.float32), scale.astype(np.float32), coef, intercept), clf


def expand_multilabel(x: np.ndarray, y28: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One row per (text, gold label) with weight 1/#labels: the softmax learns the
    label distribution of multi-label texts."""
    rows, labels = np.nonzero(y28)
    counts = y28.sum(1)[rows]
    return x[rows], labels, 1.0 / counts


def save_artefact(stem: str, arrays: dict[str, np.ndarray], card: dict) -> None:
    """``<stem>.npz`` (compressed) and its ``<stem>.json`` card in the packaged models dir."""
    MODELS_DIR.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(MODELS_DIR / f"{stem}.npz", **arrays)
    (MODELS_DIR / f"{stem}.json").write_text(json.dumps(card, indent=2) + "\n")
    size = (MODELS_DIR / f"{stem}.npz").stat().st_size / 1e6
    print(f"wrote {MODELS_DIR / stem}.npz ({size:.2f} MB)")
