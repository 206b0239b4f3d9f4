"""Rebuild the committed model artefacts.

``python -m empathos.understand.train [emotion|empathy|all] [--encoder NAME]``.

``--encoder`` names the sentence encoder the heads are trained on (``_encoder.ENCODERS``):
``use-multilingual-v3`` (default) writes ``emotion-default`` / ``empathy-default``,
``static-use-v1`` writes the ``fast`` backend's ``emotion-fast`` / ``empathy-fast``.

Reproducible by construction: fixed seed, fixed data (``../shared/data``), fixed splits
(GoEmotions' own; ``EPITOME_SPLIT``), fixed hyper-parameter grids searched on *dev* only;
the test splits are never read here. Runs in a few minutes on 2 cores (the encoder embeds
~60k texts once; embeddings are cached in ``Settings.cache_dir``: ``$EMPATHOS_CACHE`` or
``~/.cache/empathos``).
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
from empathos.understand.emotions import GOEMOTIONS_LABELS
from empathos.understand.evaluate_metrics import multiclass_macro_f1, tune_threshold
from empathos.understand.protocols import EMPATHY_MECHANISMS
from empathos.understand.train_data import (
    EPITOME_SPLIT,
    GOEMOTIONS_SPLIT,
    epitome_split,
    load_goemotions,
)

SEED = 13
SUPPLEMENT = MODELS_DIR / "empathy_supplement.csv"
SUPPLEMENT_WEIGHT = 3.0  # each hand-written customer-service pair counts as three Reddit pairs
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


#: encoder name -> the backend whose artefacts its heads become (``<kind>-<backend>``).
BACKEND_OF_ENCODER = {_encoder.ENCODER_NAME: "default", "static-use-v1": "fast"}


def artefact_name(kind: str, encoder: str = _encoder.ENCODER_NAME) -> str:
    """``emotion-default``, ``empathy-fast``, ...: the artefact a head on ``encoder`` is."""
    return f"{kind}-{BACKEND_OF_ENCODER[encoder]}"


def embed_cached(texts: Sequence[str], encoder: str = _encoder.ENCODER_NAME) -> np.ndarray:
    """Encoder embeddings, cached on disk by a hash of the texts and the encoder name."""
    enc = _encoder.get_encoder(encoder)
    key = hashlib.sha256(("\x00".join(texts) + enc.name).encode()).hexdigest()[:20]
    path = _cache_dir() / f"emb-{key}.npy"
    if path.exists():
        return np.load(path)
    emb = np.concatenate(
        [enc.encode(texts[i : i + 2048]) for i in range(0, len(texts), 2048)]
        or [np.zeros((0, enc.dim), dtype=np.float32)]
    )
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


def train_emotion(
    grid: Sequence[float] = (0.01, 0.03, 0.1), encoder: str = _encoder.ENCODER_NAME
) -> dict:
    t0 = time.time()
    tr, dev = load_goemotions("train"), load_goemotions("dev")
    x_tr = _features.emotion_features(tr.texts, embed_cached(tr.texts, encoder))
    x_dev = _features.emotion_features(dev.texts, embed_cached(dev.texts, encoder))
    sup_texts, sup_y = read_emotion_supplement()
    x_sup = _features.emotion_features(sup_texts, embed_cached(sup_texts, encoder))
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
        "name": BACKEND_OF_ENCODER[encoder],
        "version": "1",
        "kind": "emotion",
        "encoder": encoder,
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
    _save(artefact_name("emotion", encoder), head.arrays(""), card)
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


def read_supplement(path: Path = SUPPLEMENT) -> tuple[list[str], list[str], np.ndarray]:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    levels = np.array([[int(r[m]) for m in EMPATHY_MECHANISMS] for r in rows], dtype=np.int64)
    return [r["seeker"] for r in rows], [r["response"] for r in rows], levels


def _empathy_x(
    seekers: list[str], responses: list[str], encoder: str = _encoder.ENCODER_NAME
) -> np.ndarray:
    return _features.empathy_features(
        seekers, responses, embed_cached(seekers, encoder), embed_cached(responses, encoder)
    )


def train_empathy(
    grid: Sequence[float] = (0.003, 0.01, 0.03, 0.1),
    class_weights: Sequence[str | None] = (None, "balanced"),
    encoder: str = _encoder.ENCODER_NAME,
) -> dict:
    t0 = time.time()
    tr, dev = epitome_split("train"), epitome_split("dev")
    s_seek, s_resp, s_levels = read_supplement()
    x_tr = np.vstack(
        [_empathy_x(tr.seeker, tr.response, encoder), _empathy_x(s_seek, s_resp, encoder)]
    )
    y_tr = np.vstack([tr.levels, s_levels])
    w_tr = np.concatenate([np.ones(len(tr.levels)), np.full(len(s_levels), SUPPLEMENT_WEIGHT)])
    x_dev = _empathy_x(dev.seeker, dev.response, encoder)
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
        "name": BACKEND_OF_ENCODER[encoder],
        "version": "1",
        "kind": "empathy",
        "encoder": encoder,
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
    _save(artefact_name("empathy", encoder), arrays, card)
    return card


def _save(stem: str, arrays: dict[str, np.ndarray], card: dict) -> None:
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
        choices=sorted(BACKEND_OF_ENCODER),
        help="sentence encoder of the heads (static-use-v1: the fast backend's)",
    )
    args = parser.parse_args(argv)
    np.random.seed(SEED)
    if args.what in ("emotion", "all"):
        train_emotion(encoder=args.encoder)
    if args.what in ("empathy", "all"):
        train_empathy(encoder=args.encoder)
    if args.what == "transformer":
        from empathos.understand.train_transformer import main as train_transformer

        train_transformer()


if __name__ == "__main__":
    main()
