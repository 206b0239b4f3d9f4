"""What every head's training shares: the seed, cached embeddings, the solver, the writer.

Its own module so that ``train`` (the CLI dispatcher and the emotion heads) and
``train_empathy`` import it without importing each other (import-linter forbids cycles).
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


def _cache_dir() -> Path:
    """The settings' ``cache_dir`` (``EMPATHOS_CACHE``, default ``~/.cache/empathos``)."""
    from empathos.config import get_settings

    d = Path(get_settings().cache_dir)
    d.mkdir(parents=True, exist_ok=True)
    return d


def embed_cached(texts: Sequence[str], encoder: str = _encoder.ENCODER_NAME) -> np.ndarray:
    """Encoder embeddings, cached on disk by a hash of the texts and the encoder name."""
    key = hashlib.sha256(("\x00".join(texts) + encoder).encode()).hexdigest()[:20]
    path = _cache_dir() / f"emb-{key}.npy"
    if path.exists():
        return np.load(path)
    enc = _encoder.get_encoder(encoder)
    if not texts:
        return np.zeros((0, enc.dim), dtype=np.float32)
    emb = np.concatenate([enc.encode(texts[i : i + 2048]) for i in range(0, len(texts), 2048)])
    np.save(path, emb)
    return emb


def fit_head(
    x: np.ndarray,
    y: np.ndarray,
    c: float,
    weight: np.ndarray | None = None,
    class_weight: str | None = None,
    warm: object | None = None,
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
    k = int(y.max()) + 1
    coef = np.zeros((x.shape[1], k), dtype=np.float32)
    intercept = np.full(k, -30.0, dtype=np.float32)  # classes never seen stay impossible
    coef[:, clf.classes_] = (
        clf.coef_.T if len(clf.classes_) > 2 else np.hstack([-clf.coef_.T, clf.coef_.T]) / 2
    )
    intercept[clf.classes_] = (
        clf.intercept_ if len(clf.classes_) > 2 else np.array([-1, 1]) * clf.intercept_[0] / 2
    )
    return LinearHead(mean.astype(np.float32), scale.astype(np.float32), coef, intercept), clf


def save_artefact(stem: str, arrays: dict[str, np.ndarray], card: dict) -> None:
    MODELS_DIR.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(MODELS_DIR / f"{stem}.npz", **arrays)
    (MODELS_DIR / f"{stem}.json").write_text(json.dumps(card, indent=2) + "\n")
    print(
        f"wrote {MODELS_DIR / stem}.npz ({(MODELS_DIR / f'{stem}.npz').stat().st_size / 1e6:.2f} "
        "MB)"
    )
