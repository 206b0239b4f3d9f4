"""``empathos retrain``: refit the default understand heads with the stored corrections.

What it does, per model kind (emotion, empathy):

1. Builds the training data ``python -m empathos.understand.train`` uses (GoEmotions train
   + the emotion supplement; EPITOME_SPLIT train + the empathy supplement) and adds the
   effective corrections (``learn.feedback.effective``) with weight ``CORRECTION_WEIGHT``.
2. Fits the heads with the hyper-parameters of the deployed card (no new grid search: only
   the data changes, so before/after differ by the corrections alone), seed 13.
3. Scores before and after on the fixed test sets, exactly as ``understand.evaluate``
   does: emotion = macro-F1 over the 9 CX emotions on GoEmotions test (threshold tuned on
   dev); empathy = mean over the three mechanisms of the macro-F1 over levels on the
   EPITOME_SPLIT test pairs.
4. Promotes — writes the new heads as the next model version into the models directory
   (``Settings.models_dir``, ``EMPATHOS_MODELS_DIR``, which the default backend loads from
   when set) — only if the test score after is not lower than before. Every run is recorded
   in ``retrain_runs``.

Everything it needs from understand comes through ``empathos.understand.training``, the
public training API (same features, solver and scoring rule as the committed heads).

"Before" is the deployed model. With ``limit_train`` (a subset for tests and quick looks)
a model trained on a few thousand texts cannot be compared with the deployed one trained on
all of them, so "before" is then a refit on the same subset *without* the corrections: the
comparison still isolates the corrections, and the promotion rule is the same.

Emotion corrections are CX labels, the head predicts GoEmotions' 28 labels: a corrected CX
emotion trains the one GoEmotions label chosen to stand for it (``CX_TO_GO``), each of
which maps back to that CX emotion.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine, func, insert, select

from empathos.learn.feedback import FeedbackRecord, all_feedback, effective
from empathos.store.schema import turns
from empathos.store.tables_feedback import retrain_runs
from empathos.understand.emotions import GO_TO_CX, GOEMOTIONS_LABELS
from empathos.understand.protocols import CX_EMOTIONS, EMPATHY_MECHANISMS

CORRECTION_WEIGHT = 3.0  # as the empathy supplement; measured on a subset, see docs/learn_loop.md
CX_TO_GO: dict[str, str] = {
    "anger": "anger",
    "frustration": "annoyance",
    "anxiety": "nervousness",
    "sadness": "disappointment",
    "confusion": "confusion",
    "neutral": "neutral",
    "joy": "joy",
    "gratitude": "gratitude",
    "relief": "relief",
}
assert all(GO_TO_CX[go] == cx for cx, go in CX_TO_GO.items())
assert set(CX_TO_GO) == set(CX_EMOTIONS)


@dataclass
class RetrainOptions:
    """``limit_train``/``limit_eval``: first N training texts / dev and test texts (None: all)."""

    limit_train: int | None = None
    limit_eval: int | None = None
    models_dir: Path | None = None  # default: Settings.models_dir, else ./empathos-models
    correction_weight: float = CORRECTION_WEIGHT
    record: bool = True  # write a retrain_runs row

    def out_dir(self) -> Path:
        """Where promoted heads go: this option, else ``Settings.models_dir`` (the folder the
        default backend loads promoted heads from), else ``./empathos-models``."""
        if self.models_dir is not None:
            return Path(self.models_dir)
        from empathos.config import get_settings

        return Path(get_settings().models_dir or "empathos-models")


@dataclass
class RetrainResult:
    kind: str
    metric: str
    n_corrections: int
    score_before: float | None = None
    score_after: float | None = None
    promoted: bool = False
    baseline: str = ""
    base_version: str | None = None
    new_version: str | None = None
    path: str | None = None
    n_train: int = 0
    n_dev: int = 0
    n_test: int = 0
    data: str = ""
    seconds: float = 0.0
    reason: str = ""
    corrections_source: str = (
        ""  # imported / sample / simulated / mixed: the interactions the corrected turns belong to
    )
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def should_promote(score_before: float, score_after: float) -> bool:
    """The promotion rule: the test score must not get worse (ties promote: the corrections
    then cost nothing on the benchmark and fix what people saw)."""
    return bool(score_after >= score_before)


def _next_version(version: str | None) -> str:
    try:
        return str(int(version or "1") + 1)
    except ValueError:
        return f"{version}.1"


# ---------------------------------------------------------------------------- corrections


def emotion_corrections(engine: Engine) -> tuple[list[str], list[str]]:
    """Texts of corrected customer turns and their corrected CX emotions (effective ones)."""
    recs = effective(all_feedback(engine, "emotion"))
    texts = _turn_texts(engine, [(r.interaction_id, r.seq) for r in recs])
    keep = [
        (texts[(r.interaction_id, r.seq)], r.new_value)
        for r in recs
        if (r.interaction_id, r.seq) in texts
    ]
    return [t for t, _ in keep], [lab for _, lab in keep]


def empathy_corrections(engine: Engine) -> dict[str, tuple[list[str], list[str], list[int]]]:
    """Per mechanism: seeker texts, reply texts and corrected levels (effective ones)."""
    from empathos.understand.pipeline import seeker_texts

    recs: list[FeedbackRecord] = effective(all_feedback(engine, "empathy"))
    ids = sorted({r.interaction_id for r in recs})
    convo: dict[str, list[tuple[int, str, str]]] = {i: [] for i in ids}
    with engine.connect() as conn:
        for k in range(0, len(ids), 500):
            q = select(turns.c.interaction_id, turns.c.seq, turns.c.speaker, turns.c.text).where(
                turns.c.interaction_id.in_(ids[k : k + 500])
            )
            for r in conn.execute(q.order_by(turns.c.interaction_id, turns.c.seq)):
                convo[r.interaction_id].append((int(r.seq), r.speaker, r.text))
    out: dict[str, tuple[list[str], list[str], list[int]]] = {
        m: ([], [], []) for m in EMPATHY_MECHANISMS
    }
    for r in recs:
        rows = convo.get(r.interaction_id, [])
        reply = next((t for s, _, t in rows if s == r.seq), None)
        if reply is None or r.mechanism not in out:
            continue
        seekers, replies, levels = out[r.mechanism]
        seekers.append(seeker_texts(rows, [r.seq]).get(r.seq, ""))
        replies.append(reply)
        levels.append(int(r.new_value))
    return out


def corrections_source(engine: Engine, kind: str) -> str:
    """Where the corrected turns come from (``interactions.source`` of their contacts)."""
    from empathos.store.schema import interactions
    from empathos.store.tables_feedback import label_feedback

    q = (
        select(interactions.c.source, func.count())
        .where(
            interactions.c.interaction_id.in_(
                select(label_feedback.c.interaction_id).where(label_feedback.c.kind == kind)
            )
        )
        .group_by(interactions.c.source)
    )
    with engine.connect() as conn:
        counts = {src or "unknown": int(n) for src, n in conn.execute(q)}
    if not counts:
        return "no corrections"
    if len(counts) == 1:
        return next(iter(counts))
    return "mixed (" + ", ".join(f"{n} contacts {k}" for k, n in sorted(counts.items())) + ")"


def _turn_texts(engine: Engine, keys: list[tuple[str, int]]) -> dict[tuple[str, int], str]:
    out: dict[tuple[str, int], str] = {}
    ids = sorted({i for i, _ in keys})
    wanted = set(keys)
    with engine.connect() as conn:
        for k in range(0, len(ids), 500):
            q = select(turns.c.interaction_id, turns.c.seq, turns.c.text).where(
                turns.c.interaction_id.in_(ids[k : k + 500])
            )
            for r in conn.execute(q):
                if (r.interaction_id, int(r.seq)) in wanted:
                    out[(r.interaction_id, int(r.seq))] = r.text
    return out


# ---------------------------------------------------------------------------- emotion


def _emotion_scores(
    head: Any, x_dev: np.ndarray, y_dev: np.ndarray, x_test: np.ndarray, y_test: np.ndarray
) -> dict:
    """The CX block of ``understand.evaluate.evaluate_emotion`` for a head on features."""
    from empathos.understand.emotions import GO_TO_CX_MATRIX, group_gold
    from empathos.understand.training import taxonomy_scores

    m = GO_TO_CX_MATRIX
    return taxonomy_scores(
        head.predict_proba(x_dev) @ m,
        head.predict_proba(x_test) @ m,
        group_gold(y_dev, m),
        group_gold(y_test, m),
        CX_EMOTIONS,
    )


def retrain_emotion(engine: Engine, options: RetrainOptions | None = None) -> RetrainResult:
    """Refit the default emotion head with the stored corrections; promote if not worse."""
    from empathos.understand.train_data import GOEMOTIONS_SPLIT, load_goemotions
    from empathos.understand.training import (
        EMOTION_ARTEFACT,
        EMOTION_SUPPLEMENT_WEIGHT,
        SEED,
        LinearHead,
        emotion_features,
        expand_multilabel,
        fit_head,
        read_emotion_supplement,
    )

    opt = options or RetrainOptions()
    t0 = time.perf_counter()
    texts_fb, labels_fb = emotion_corrections(engine)
    res = RetrainResult(
        "emotion",
        "GoEmotions test macro-F1 over the 9 CX emotions",
        len(texts_fb),
        data=GOEMOTIONS_SPLIT,
    )
    if not texts_fb:
        res.reason = "no emotion corrections stored: nothing to retrain"
        return res
    res.corrections_source = corrections_source(engine, "emotion")
    np.random.seed(SEED)
    deployed_arrays, card = _load_current(EMOTION_ARTEFACT, opt)
    res.base_version = str(card.get("version", "1"))
    tr, dev, test = load_goemotions("train"), load_goemotions("dev"), load_goemotions("test")
    n, e = opt.limit_train, opt.limit_eval
    tr_texts, tr_y = tr.texts[:n], tr.y28[:n]
    feats = emotion_features
    x_dev, x_test = feats(dev.texts[:e]), feats(test.texts[:e])
    y_dev, y_test = dev.y28[:e], test.y28[:e]
    sup_texts, sup_y = read_emotion_supplement()
    x_base = np.vstack([feats(tr_texts), feats(sup_texts)])
    xe, ye, we = expand_multilabel(x_base, np.vstack([tr_y, sup_y]))
    rows = np.nonzero(np.vstack([tr_y, sup_y]))[0]
    we = we * np.where(rows >= len(tr_texts), EMOTION_SUPPLEMENT_WEIGHT, 1.0)
    c = float(card.get("C", 0.01))
    fb_y = np.array([GOEMOTIONS_LABELS.index(CX_TO_GO[lab]) for lab in labels_fb])
    x_all = np.vstack([xe, feats(texts_fb)])
    y_all = np.concatenate([ye, fb_y])
    w_all = np.concatenate([we, np.full(len(fb_y), opt.correction_weight)])
    new_head, _ = fit_head(x_all, y_all, c, w_all)
    if n is None:
        old_head = LinearHead.from_arrays(deployed_arrays, "")
        res.baseline = f"deployed emotion model default v{res.base_version}"
    else:
        old_head, _ = fit_head(xe, ye, c, we)
        res.baseline = f"refit on the same {len(tr_texts)}-text subset without the corrections"
    before = _emotion_scores(old_head, x_dev, y_dev, x_test, y_test)
    after = _emotion_scores(new_head, x_dev, y_dev, x_test, y_test)
    res.score_before, res.score_after = before["macro_f1"], after["macro_f1"]
    res.n_train, res.n_dev, res.n_test = len(tr_texts) + len(sup_texts), len(y_dev), len(y_test)
    res.details = {
        "C": c,
        "per_label_before": before["per_label"],
        "per_label_after": after["per_label"],
        "corrections_by_label": _counts(labels_fb),
    }
    # The refit replaces the 28-label embedding head only; the rest of the artefact (v2: its
    # temperature and the polarity stack; v3 also the n-gram head, whose logits are summed
    # with the new head's as they were with the old one's) is carried over unchanged. The
    # before/after scores compare the embedding heads alone.
    arrays = {**deployed_arrays, **new_head.arrays("")}
    _decide_and_save(res, opt, EMOTION_ARTEFACT, arrays, card, t0, engine)
    return res


# ---------------------------------------------------------------------------- empathy


def retrain_empathy(engine: Engine, options: RetrainOptions | None = None) -> RetrainResult:
    """Refit the default empathy heads of the corrected mechanisms; promote if not worse."""
    from empathos.understand.train_data import EPITOME_SPLIT, epitome_split
    from empathos.understand.training import (
        EMPATHY_ARTEFACT,
        EMPATHY_SUPPLEMENT_WEIGHT,
        SEED,
        LinearHead,
        empathy_features,
        fit_head,
        multiclass_macro_f1,
        read_empathy_supplement,
    )

    opt = options or RetrainOptions()
    t0 = time.perf_counter()
    fb = empathy_corrections(engine)
    n_fb = sum(len(v[2]) for v in fb.values())
    res = RetrainResult(
        "empathy",
        "EPITOME test macro-F1 over levels, mean of the 3 mechanisms",
        n_fb,
        data=EPITOME_SPLIT,
    )
    if not n_fb:
        res.reason = "no empathy corrections stored: nothing to retrain"
        return res
    res.corrections_source = corrections_source(engine, "empathy")
    np.random.seed(SEED)
    deployed_arrays, card = _load_current(EMPATHY_ARTEFACT, opt)
    res.base_version = str(card.get("version", "1"))
    feats = empathy_features

    tr, test = epitome_split("train"), epitome_split("test")
    n, e = opt.limit_train, opt.limit_eval
    s_seek, s_resp, s_levels = read_empathy_supplement()
    x_base = np.vstack([feats(tr.seeker[:n], tr.response[:n]), feats(s_seek, s_resp)])
    y_base = np.vstack([tr.levels[:n], s_levels])
    w_base = np.concatenate(
        [np.ones(len(tr.levels[:n])), np.full(len(s_levels), EMPATHY_SUPPLEMENT_WEIGHT)]
    )
    x_test, y_test = feats(test.seeker[:e], test.response[:e]), test.levels[:e]
    # start from the deployed arrays: the ESConv heads or strategy model and the mixing
    # weights (default v2 noisy-OR, v3 stack)
    # (understand.train_empathy) are kept as they are; only the EPITOME heads are refitted
    arrays: dict[str, np.ndarray] = dict(deployed_arrays)
    per: dict[str, dict[str, float]] = {}
    for j, mech in enumerate(EMPATHY_MECHANISMS):
        seekers, replies, levels = fb[mech]
        chosen = card.get("heads", {}).get(mech, {})
        c, cw = float(chosen.get("C", 0.03)), chosen.get("class_weight")
        deployed = LinearHead.from_arrays(deployed_arrays, f"{mech}_")
        if n is None:
            old = deployed
        else:
            old, _ = fit_head(x_base, y_base[:, j], c, w_base, cw)
        if levels:
            x = np.vstack([x_base, feats(seekers, replies)])
            y = np.concatenate([y_base[:, j], levels])
            w = np.concatenate([w_base, np.full(len(levels), opt.correction_weight)])
            new, _ = fit_head(x, y, c, w, cw)
        else:
            new = old  # nothing corrected: this head stays as it is
        f_old, _ = multiclass_macro_f1(y_test[:, j], old.predict_proba(x_test).argmax(1), 3)
        f_new, _ = multiclass_macro_f1(y_test[:, j], new.predict_proba(x_test).argmax(1), 3)
        per[mech] = {
            "before": round(f_old, 4),
            "after": round(f_new, 4),
            "corrections": len(levels),
        }
        arrays.update(new.arrays(f"{mech}_"))
    res.baseline = (
        f"deployed empathy model default v{res.base_version}"
        if n is None
        else f"refit on the same {len(tr.levels[:n])}-pair subset without the corrections"
    )
    res.score_before = round(float(np.mean([p["before"] for p in per.values()])), 4)
    res.score_after = round(float(np.mean([p["after"] for p in per.values()])), 4)
    res.n_train, res.n_dev, res.n_test = len(y_base), 0, len(y_test)
    res.details = {"mechanisms": per}
    _decide_and_save(res, opt, EMPATHY_ARTEFACT, arrays, card, t0, engine)
    return res


# ---------------------------------------------------------------------------- shared


def _load_current(stem: str, opt: RetrainOptions) -> tuple[dict, dict]:
    """The heads now in use: the output folder's if it holds a promoted one, else the
    loader's choice (``Settings.models_dir`` or the packaged ``models/``)."""
    from empathos.understand.training import load_deployed

    out = opt.out_dir()
    if (out / f"{stem}.npz").exists():
        return load_deployed(stem, out)
    return load_deployed(stem)


def _counts(items: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for x in items:
        out[x] = out.get(x, 0) + 1
    return out


def _decide_and_save(
    res: RetrainResult,
    opt: RetrainOptions,
    stem: str,
    arrays: dict[str, np.ndarray],
    card: dict,
    t0: float,
    engine: Engine,
) -> None:
    res.promoted = should_promote(res.score_before, res.score_after)
    if res.promoted:
        res.new_version = _next_version(res.base_version)
        res.path = str(_save(opt.out_dir(), stem, arrays, card, res))
        res.reason = (
            f"test score {res.score_before:.4f} -> {res.score_after:.4f}: not worse, promoted"
        )
    else:
        res.reason = (
            f"test score {res.score_before:.4f} -> {res.score_after:.4f}: worse, not promoted"
        )
    res.seconds = round(time.perf_counter() - t0, 1)
    if opt.record:
        _record(engine, res)


def _save(
    out: Path, stem: str, arrays: dict[str, np.ndarray], card: dict, res: RetrainResult
) -> Path:
    """Write ``<stem>.npz``/``.json`` (what the loader picks up) and a ``<stem>-v<N>`` copy
    (so an earlier version can be restored by copying it back)."""
    out.mkdir(parents=True, exist_ok=True)
    new_card = {
        **card,
        "version": res.new_version,
        "base_version": res.base_version,
        "trained_on": f"{card.get('trained_on', 'train+supplement')}+feedback",
        "feedback_corrections": res.n_corrections,
        "feedback_weight": CORRECTION_WEIGHT,
        "limit_train": res.n_train if res.baseline.startswith("refit") else None,
        "test_metric": res.metric,
        "test_before": res.score_before,
        "test_after": res.score_after,
        "promoted_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    path = out / f"{stem}.npz"
    np.savez_compressed(path, **arrays)
    (out / f"{stem}.json").write_text(json.dumps(new_card, indent=2) + "\n")
    shutil.copy(path, out / f"{stem}-v{res.new_version}.npz")
    shutil.copy(out / f"{stem}.json", out / f"{stem}-v{res.new_version}.json")
    return path


def _record(engine: Engine, res: RetrainResult) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(retrain_runs).values(
                kind=res.kind,
                started_at=datetime.now(UTC).replace(tzinfo=None),
                seconds=res.seconds,
                n_corrections=res.n_corrections,
                metric=res.metric,
                score_before=res.score_before,
                score_after=res.score_after,
                promoted=int(res.promoted),
                base_version=res.base_version,
                new_version=res.new_version,
                details={
                    **res.details,
                    "baseline": res.baseline,
                    "n_train": res.n_train,
                    "n_test": res.n_test,
                    "path": res.path,
                    "data": res.data,
                    "corrections_source": res.corrections_source,
                },
            )
        )


def retrain(
    engine: Engine, kind: str = "all", options: RetrainOptions | None = None
) -> list[RetrainResult]:
    """Retrain ``emotion``, ``empathy`` or ``all`` (each kind is promoted on its own).

    BLAS runs on one thread: the L-BFGS fits are small, and on a shared 2-core machine extra
    BLAS threads spin against other processes (measured: a subset retrain took 58 s with the
    default threads, 17 s with one)."""
    from threadpoolctl import threadpool_limits

    if kind not in ("emotion", "empathy", "all"):
        raise ValueError(f"kind must be emotion, empathy or all, not {kind!r}")
    out = []
    with threadpool_limits(limits=1):
        if kind in ("emotion", "all"):
            out.append(retrain_emotion(engine, options))
        if kind in ("empathy", "all"):
            out.append(retrain_empathy(engine, options))
    return out
