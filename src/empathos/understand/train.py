"""Rebuild the committed model artefacts.

``python -m empathos.understand.train [emotion|empathy|all] [--encoder NAME]``.

A thin dispatcher: the empathy heads are trained in ``train_empathy`` (EPITOME + ESConv +
supplement, see there); the emotion heads here.

Reproducible by construction: fixed seed, fixed data (``../shared/data``), fixed splits
(GoEmotions' own; ``EPITOME_SPLIT``; ``ESCONV_SPLIT``), fixed hyper-parameter grids
searched on *dev* / *val* only; GoEmotions and EPITOME test are never read here (ESConv
test is scored once, after the choice, for the empathy card). Runs in a few minutes on 2
cores (the encoder embeds ~60k texts once; embeddings are cached in
``Settings.cache_dir``: ``$EMPATHOS_CACHE`` or ``~/.cache/empathos``).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from empathos.understand.backends import _encoder, _features
from empathos.understand.backends._linear import MODELS_DIR, LinearHead
from empathos.understand.backends.default import EMOTION_ARTEFACT
from empathos.understand.emotions import GOEMOTIONS_LABELS
from empathos.understand.evaluate_metrics import tune_threshold
from empathos.understand.train_data import GOEMOTIONS_SPLIT, load_goemotions
from empathos.understand.train_empathy import (  # noqa: F401 - re-exported (training.py)
    SUPPLEMENT,
    SUPPLEMENT_WEIGHT,
    read_supplement,
    train_empathy,
)

SEED = 13
# Hand-written customer messages in six languages with GoEmotions labels: Reddit has few
# service complaints ("fourth time I call", "still no answer"), which it would call neutral.
EMOTION_SUPPLEMENT = MODELS_DIR / "emotion_supplement.csv"
EMOTION_SUPPLEMENT_WEIGHT = 10.0  # fixed a priori (dev is Reddit and cannot measure this)


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


def expand_multilabel(x: np.ndarray, y28: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One row per (text, gold label) with weight 1/#labels: the softmax learns the
    label distribution of multi-label texts."""
    rows, labels = np.nonzero(y28)
    counts = y28.sum(1)[rows]
    return x[rows], labels, 1.0 / counts


def train_emotion(grid: Sequence[float] = (0.01, 0.03, 0.1)) -> dict:
    t0 = time.time()
    tr, dev = load_goemotions("train"), load_goemotions("dev")
    x_tr = _features.emotion_features(tr.texts, embed_cached(tr.texts))
    x_dev = _features.emotion_features(dev.texts, embed_cached(dev.texts))
    sup_texts, sup_y = read_emotion_supplement()
    x_sup = _features.emotion_features(sup_texts, embed_cached(sup_texts))
    xe, ye, we = expand_multilabel(np.vstack([x_tr, x_sup]), np.vstack([tr.y28, sup_y]))
    source_row = np.nonzero(np.vstack([tr.y28, sup_y]))[0]  # same order as expand_multilabel
    we = we * np.where(source_row >= len(tr.texts), EMOTION_SUPPLEMENT_WEIGHT, 1.0)
    results = []
    best = None
    clf = None
    for c in grid:  # from strong to weak regularisation, each fit warm-started from the last
        head, clf = fit_head(xe, ye, c, we, warm=clf)
        thr, f1 = tune_threshold(head.predict_proba(x_dev), dev.y28)
        results.append({"C": c, "dev_threshold": thr, "dev_macro_f1_28": round(f1, 4)})
        print(f"emotion C={c}: dev macro-F1 (28) {f1:.4f} at threshold {thr}", flush=True)
        if best is None or f1 > best[0]:
            best = (f1, c, head, thr)
    f1, c, head, thr = best
    card = {
        "name": "default",
        "version": "1",
        "kind": "emotion",
        "encoder": _encoder.ENCODER_NAME,
        "labels": list(GOEMOTIONS_LABELS),
        "data": GOEMOTIONS_SPLIT,
        "trained_on": "train+supplement",
        "tuned_on": "dev",
        "seed": SEED,
        "supplement": EMOTION_SUPPLEMENT.name,
        "supplement_rows": len(sup_texts),
        "supplement_weight": EMOTION_SUPPLEMENT_WEIGHT,
        "C": c,
        "dev_threshold_28": thr,
        "dev_macro_f1_28": round(f1, 4),
        "grid": results,
        "seconds": round(time.time() - t0, 1),
    }
    save_artefact(EMOTION_ARTEFACT, head.arrays(""), card)
    return card


def read_emotion_supplement(path: Path = EMOTION_SUPPLEMENT) -> tuple[list[str], np.ndarray]:
    """Texts and ``(n, 28)`` multi-hot labels (``;``-separated GoEmotions names)."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    y = np.zeros((len(rows), len(GOEMOTIONS_LABELS)), dtype=np.int8)
    for i, r in enumerate(rows):
        for label in r["labels"].split(";"):
            y[i, GOEMOTIONS_LABELS.index(label.strip())] = 1
    return [r["text"] for r in rows], y


def save_artefact(stem: str, arrays: dict[str, np.ndarray], card: dict) -> None:
    MODELS_DIR.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(MODELS_DIR / f"{stem}.npz", **arrays)
    (MODELS_DIR / f"{stem}.json").write_text(json.dumps(card, indent=2) + "\n")
    print(
        f"wrote {MODELS_DIR / stem}.npz ({(MODELS_DIR / f'{stem}.npz').stat().st_size / 1e6:.2f} "
        "MB)"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "what", nargs="?", default="all", choices=["emotion", "empathy", "transformer", "all"]
    )
    parser.add_argument(
        "--encoder",
        default=_encoder.ENCODER_NAME,
        help=f"sentence encoder of the heads (default {_encoder.ENCODER_NAME})",
    )
    args = parser.parse_args(argv)
    np.random.seed(SEED)
    if args.what in ("emotion", "all"):
        train_emotion()
    if args.what in ("empathy", "all"):
        train_empathy(encoder=args.encoder)
    if args.what == "transformer":
        from empathos.understand.train_transformer import main as train_transformer

        train_transformer()


if __name__ == "__main__":
    main()
