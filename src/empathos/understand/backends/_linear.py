"""A stored softmax-regression head: standardise, multiply, softmax — numpy only at run time."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


@dataclass
class LinearHead:
    mean: np.ndarray  # (d,)
    scale: np.ndarray  # (d,)
    coef: np.ndarray  # (d, k)
    intercept: np.ndarray  # (k,)

    def logits(self, x: np.ndarray) -> np.ndarray:
        """``(n, k)`` float64 scores before the softmax."""
        z = ((x - self.mean) / self.scale) @ self.coef + self.intercept
        return z.astype(np.float64)

    def predict_proba(self, x: np.ndarray, temperature: float = 1.0) -> np.ndarray:
        if x.shape[0] == 0:
            return np.zeros((0, self.coef.shape[1]))
        return softmax(self.logits(x) / temperature)

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {
            f"{prefix}mean": self.mean.astype(np.float32),
            f"{prefix}scale": self.scale.astype(np.float32),
            f"{prefix}coef": self.coef.astype(np.float16),  # halves the committed size
            f"{prefix}intercept": self.intercept.astype(np.float32),
        }

    @classmethod
    def from_arrays(cls, data: dict[str, np.ndarray], prefix: str) -> LinearHead:
        return cls(
            mean=np.asarray(data[f"{prefix}mean"], dtype=np.float32),
            scale=np.asarray(data[f"{prefix}scale"], dtype=np.float32),
            coef=np.asarray(data[f"{prefix}coef"], dtype=np.float32),
            intercept=np.asarray(data[f"{prefix}intercept"], dtype=np.float32),
        )


MODELS_DIR = Path(__file__).resolve().parents[1] / "models"


def artefact_dir(stem: str, models_dir: Path | None = None) -> Path:
    """Where ``<stem>.npz`` is loaded from: ``models_dir`` (default: the settings'
    ``models_dir``, ``EMPATHOS_MODELS_DIR``) when it holds one (heads promoted by
    ``empathos retrain``, see ``empathos.learn.retrain``), else the packaged ``models/``."""
    if models_dir is None:
        from empathos.config import get_settings

        models_dir = get_settings().models_dir
    if models_dir is not None and (Path(models_dir) / f"{stem}.npz").exists():
        return Path(models_dir)
    return MODELS_DIR


def load_artefact(stem: str, models_dir: Path | None = None) -> tuple[dict[str, np.ndarray], dict]:
    """``<stem>.npz`` and its ``<stem>.json`` card (see :func:`artefact_dir`); a clear error
    if not built."""
    base = artefact_dir(stem, models_dir)
    npz, card = base / f"{stem}.npz", base / f"{stem}.json"
    if not npz.exists():
        raise FileNotFoundError(
            f"{npz} is missing; rebuild it with `python -m empathos.understand.train`"
        )
    with np.load(npz) as data:
        arrays = {k: data[k] for k in data.files}
    return arrays, json.loads(card.read_text()) if card.exists() else {}
