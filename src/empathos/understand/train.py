"""Rebuild the committed model artefacts.

``python -m empathos.understand.train [emotion|empathy|all] [--encoder NAME]``.

The thin CLI over the per-kind training code (emotion: ``train_emotion.py``; empathy: here)
and the shared helpers (``train_common.py``), re-exported for ``understand.training``.
Reproducible by construction: fixed seed, fixed data (``../shared/data``), fixed splits
(GoEmotions', UMSAB's and TweetEval's own; ``EPITOME_SPLIT``), fixed hyper-parameter grids
searched on *dev/val* only; the test splits are never read here. Embeddings are cached in
``Settings.cache_dir`` (``$EMPATHOS_CACHE`` or ``~/.cache/empathos``).
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
from empathos.understand.backends.default import EMPATHY_ARTEFACT
from empathos.understand.evaluate_metrics import multiclass_macro_f1
from empathos.understand.protocols import EMPATHY_MECHANISMS
from empathos.understand.train_common import (
    SEED,
    embed_cached,
    expand_multilabel,
    fit_head,
    save_artefact,
)
from empathos.understand.train_data import EPITOME_SPLIT, epitome_split
from empathos.understand.train_emotion import (
    EMOTION_SUPPLEMENT,
    EMOTION_SUPPLEMENT_WEIGHT,
    read_emotion_supplement,
    train_emotion,
)

__all__ = [
    "EMOTION_SUPPLEMENT",
    "EMOTION_SUPPLEMENT_WEIGHT",
    "SEED",
    "embed_cached",
    "expand_multilabel",
    "fit_head",
    "read_emotion_supplement",
    "train_emotion",
]

SUPPLEMENT = MODELS_DIR / "empathy_supplement.csv"
SUPPLEMENT_WEIGHT = 3.0  # each hand-written customer-service pair counts as three Reddit pairs


def read_supplement(path: Path = SUPPLEMENT) -> tuple[list[str], list[str], np.ndarray]:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    levels = np.array([[int(r[m]) for m in EMPATHY_MECHANISMS] for r in rows], dtype=np.int64)
    return [r["seeker"] for r in rows], [r["response"] for r in rows], levels


def _empathy_x(seekers: list[str], responses: list[str]) -> np.ndarray:
    return _features.empathy_features(
        seekers, responses, embed_cached(seekers), embed_cached(responses)
    )


def train_empathy(
    grid: Sequence[float] = (0.003, 0.01, 0.03, 0.1),
    class_weights: Sequence[str | None] = (None, "balanced"),
) -> dict:
    t0 = time.time()
    tr, dev = epitome_split("train"), epitome_split("dev")
    s_seek, s_resp, s_levels = read_supplement()
    x_tr = np.vstack([_empathy_x(tr.seeker, tr.response), _empathy_x(s_seek, s_resp)])
    y_tr = np.vstack([tr.levels, s_levels])
    w_tr = np.concatenate([np.ones(len(tr.levels)), np.full(len(s_levels), SUPPLEMENT_WEIGHT)])
    x_dev = _empathy_x(dev.seeker, dev.response)
    arrays: dict[str, np.ndarray] = {}
    chosen: dict[str, dict] = {}
    for j, mech in enumerate(EMPATHY_MECHANISMS):
        best = None
        for cw in class_weights:
            clf = None
            for c in grid:
                head, clf = fit_head(x_tr, y_tr[:, j], c, w_tr, cw, warm=clf)
                f1, _ = multiclass_macro_f1(
                    dev.levels[:, j], head.predict_proba(x_dev).argmax(1), 3
                )
                print(f"empathy {mech} C={c} class_weight={cw}: dev macro-F1 {f1:.4f}", flush=True)
                if best is None or f1 > best[0]:
                    best = (f1, c, cw, head)
        f1, c, cw, head = best
        arrays.update(head.arrays(f"{mech}_"))
        chosen[mech] = {"C": c, "class_weight": cw, "dev_macro_f1": round(f1, 4)}
    card = {
        "name": "default",
        "version": "1",
        "kind": "empathy",
        "encoder": _encoder.ENCODER_NAME,
        "data": EPITOME_SPLIT,
        "supplement": SUPPLEMENT.name,
        "supplement_rows": len(s_levels),
        "supplement_weight": SUPPLEMENT_WEIGHT,
        "trained_on": "train+supplement",
        "tuned_on": "dev",
        "seed": SEED,
        "heads": chosen,
        "seconds": round(time.time() - t0, 1),
    }
    save_artefact(EMPATHY_ARTEFACT, arrays, card)
    return card


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "what", nargs="?", default="all", choices=["emotion", "empathy", "transformer", "all"]
    )
    parser.add_argument(
        "--encoder",
        default=_encoder.ENCODER_NAME,
        help="sentence encoder of the heads (emotion-<backend> is named after it): "
        "use-multilingual-v3 (default backend) or static-use-v1 (fast backend)",
    )
    args = parser.parse_args(argv)
    np.random.seed(SEED)
    if args.what in ("emotion", "all"):
        train_emotion(args.encoder)
    if args.what in ("empathy", "all"):
        train_empathy()
    if args.what == "transformer":
        from empathos.understand.train_transformer import main as train_transformer

        train_transformer()


if __name__ == "__main__":
    main()
