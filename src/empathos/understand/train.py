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
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from empathos.understand.backends import _encoder, _features
from empathos.understand.backends._linear import MODELS_DIR
from empathos.understand.backends.default import EMOTION_ARTEFACT
from empathos.understand.emotions import GOEMOTIONS_LABELS
from empathos.understand.evaluate_metrics import tune_threshold
from empathos.understand.train_common import (  # noqa: F401 - re-exported (training.py)
    SEED,
    embed_cached,
    fit_head,
    save_artefact,
)
from empathos.understand.train_data import GOEMOTIONS_SPLIT, load_goemotions
from empathos.understand.train_empathy import (  # noqa: F401 - re-exported (training.py)
    SUPPLEMENT,
    SUPPLEMENT_WEIGHT,
    read_supplement,
    train_empathy,
)

# Hand-written customer messages in six languages with GoEmotions labels: Reddit has few
# service complaints ("fourth time I call", "still no answer"), which it would call neutral.
EMOTION_SUPPLEMENT = MODELS_DIR / "emotion_supplement.csv"
EMOTION_SUPPLEMENT_WEIGHT = 10.0  # fixed a priori (dev is Reddit and cannot measure this)


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
