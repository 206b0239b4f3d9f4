"""Fit the remembered score's weights and train the predicted-CSAT model on USS, one command.

    python -m empathos.understand.train_csat [--emotion-model NAME] [--empathy-model NAME]

Rerun it whenever the emotion or empathy model changes: both artefacts are fitted on the
configured models' own annotations of USS (``understand.uss_store``: the real ``analyze``
on a cache store), so they follow the models.

1. **Remembered weights** (``models/remembered-weights.json``): on ``USS_SPLIT`` train,
   least squares of the dialogue rating on the first, peak, end, mean and trend terms of
   the customer turns, with bootstrap CIs (1,000 resamples, seed 13), twice — on the
   annotators' own turn ratings (``(rating − 3) / 2`` as valence) and on the project's
   model valence. The *model* fit is shipped, because at run time the weights multiply
   model valences: weights fitted on human ratings would be right for a signal we do not
   have. Reported on test: Spearman of the remembered score with the rating beside the plain
   mean's and Kahneman's rule's, with bootstrap CIs.
2. **Predicted CSAT** (``models/csat-default.json``): a turn-pair satisfaction model
   (``understand.csat_turns``: TF-IDF ridge on each (employee turn, customer reply) pair's
   mean annotator rating minus its dialogue's mean turn rating, ``csat_turns.turn_deviations``,
   on train's turns; its summaries for train are out-of-fold, 5
   folds by dialogue, so the next step weighs them as on unseen turns), then ridge
   regression on :data:`empathos.understand.csat.MODEL_FEATURES`, trained on train, alpha
   tuned on val (Spearman), reported on test: Spearman with the rating and 2-class
   accuracy (satisfied: rating ≥ 3.5, i.e. the 1–5 rating rounds to 4 or 5 — USS has too
   few dialogues with a mean rating ≥ 4 for a two-class test: 2 % of them), beside the
   mean and peak–end baselines and the majority class.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np

from empathos.understand import csat as cs
from empathos.understand import csat_turns as ct
from empathos.understand import peak_end as pe
from empathos.understand.uss import PARTS, USS_SEED, USS_SPLIT, UssDialogue, uss_split

FIT_TERMS: tuple[str, ...] = ("first", "peak", "end", "mean", "trend")
ALPHAS: tuple[float, ...] = (0.1, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0)
SATISFIED_AT = 3.5
N_BOOT = 1000
#: Turn-pair model settings (chosen on val, ``csat_turns``) and the folds that give train
#: its out-of-fold turn features, so the CSAT ridge learns their weight on unseen turns.
TURN_MAX_FEATURES = 5000
TURN_ALPHA = 3.0
TURN_FOLDS = 5


def spearman(a: Sequence[float], b: Sequence[float]) -> float:
    from scipy.stats import spearmanr

    return float(spearmanr(a, b)[0])


def spearman_ci(
    a: np.ndarray, b: np.ndarray, n_boot: int = N_BOOT, seed: int = USS_SEED
) -> list[float]:
    """Percentile bootstrap 95 % interval of Spearman's rho over dialogues."""
    rng = np.random.default_rng(seed)
    vals = []
    for _ in range(n_boot):
        i = rng.integers(0, len(a), len(a))
        vals.append(spearman(a[i], b[i]))
    return [float(np.nanquantile(vals, 0.025)), float(np.nanquantile(vals, 0.975))]


def two_class(pred: np.ndarray, rating: np.ndarray, threshold: float) -> dict[str, float]:
    """Accuracy and balanced accuracy of ``pred >= threshold`` for ``rating >= 3.5``."""
    y = rating >= SATISFIED_AT
    p = pred >= threshold
    tpr = float(np.mean(p[y])) if y.any() else float("nan")
    tnr = float(np.mean(~p[~y])) if (~y).any() else float("nan")
    return {"accuracy": float(np.mean(p == y)), "balanced_accuracy": (tpr + tnr) / 2}


def best_threshold(pred: np.ndarray, rating: np.ndarray) -> float:
    """The cut on ``pred`` with the best balanced accuracy (tuned on val, applied to test)."""
    cands = np.unique(np.quantile(pred, np.linspace(0.02, 0.98, 97)))
    return float(max(cands, key=lambda t: two_class(pred, rating, t)["balanced_accuracy"]))


# ---------------------------------------------------------------------------- terms


def annotator_terms(d: UssDialogue) -> pe.PeakEndTerms:
    """Peak–end terms of the annotators' own turn ratings, mapped to −1…1."""
    return pe.peak_end_terms([(r - 3.0) / 2.0 for r in d.user_ratings])


def model_terms(view: cs.ContactView) -> pe.PeakEndTerms:
    return pe.peak_end_terms(view.valences, view.intensities)


def _matrix(terms: Sequence[pe.PeakEndTerms], names: Sequence[str] = FIT_TERMS) -> np.ndarray:
    return np.array([[getattr(t, n) for n in names] for t in terms], dtype=float)


def fit_remembered(
    terms: dict[str, list[pe.PeakEndTerms]], ratings: dict[str, np.ndarray]
) -> dict[str, Any]:
    """The weights fit on train and its test figures (see the module docstring)."""
    fit = pe.fit_peak_end_weights(
        _matrix(terms["train"]),
        ratings["train"],
        kind="linear",
        terms=FIT_TERMS,
        n_boot=N_BOOT,
        seed=USS_SEED,
    )
    weights = fit.to_weights()
    weights_ci = _weights_ci(_matrix(terms["train"]), ratings["train"])
    test_t, test_y = terms["test"], ratings["test"]
    remembered = np.array([pe.remembered_from_terms(t, weights) for t in test_t])
    kahneman = np.array([pe.remembered_from_terms(t, pe.KAHNEMAN) for t in test_t])
    mean = np.array([t.mean for t in test_t])
    full = fit.intercept + _matrix(test_t) @ np.array([fit.coef[n] for n in FIT_TERMS])
    return {
        "fit": fit.as_dict(),
        "weights": weights.as_dict(),
        "weights_ci": weights_ci,
        "test": {
            "n": len(test_t),
            "spearman_remembered": spearman(remembered, test_y),
            "spearman_remembered_ci": spearman_ci(remembered, test_y),
            "spearman_mean": spearman(mean, test_y),
            "spearman_mean_ci": spearman_ci(mean, test_y),
            "spearman_kahneman": spearman(kahneman, test_y),
            "spearman_kahneman_ci": spearman_ci(kahneman, test_y),
            "spearman_linear_with_trend": spearman(full, test_y),
        },
    }


def _weights_ci(x: np.ndarray, y: np.ndarray) -> dict[str, list[float]]:
    """Bootstrap 95 % intervals of the *shipped* shares (positive coefficients of first,
    peak, end and mean renormalised without trend, as :meth:`PeakEndFit.to_weights`)."""
    carried = [FIT_TERMS.index(n) for n in ("first", "peak", "end", "mean")]
    rng = np.random.default_rng(USS_SEED)
    shares = []
    for _ in range(N_BOOT):
        i = rng.integers(0, len(y), len(y))
        beta, *_ = np.linalg.lstsq(np.column_stack([np.ones(len(i)), x[i]]), y[i], rcond=None)
        pos = np.clip(beta[1:][carried], 0.0, None)
        shares.append(pos / pos.sum() if pos.sum() > 0 else np.full(len(carried), np.nan))
    arr = np.array(shares)
    names = ("first", "peak", "end", "mean")
    return {
        n: [float(np.nanquantile(arr[:, j], 0.025)), float(np.nanquantile(arr[:, j], 0.975))]
        for j, n in enumerate(names)
    }


# ---------------------------------------------------------------------------- predicted CSAT


def rated_pairs(d: UssDialogue) -> tuple[list[tuple[str, str]], list[float]]:
    """(employee text before, customer turn) pairs of one dialogue with the turn's rating."""
    keep = ct.customer_replies(d.turns, lambda t: t.rating is not None)
    return [(p, t.text) for t, p in keep], [float(t.rating or 0.0) for t, _ in keep]


def fit_turns(dialogues: Sequence[UssDialogue]) -> ct.TurnSatModel:
    """The turn model on ``dialogues``' rated pairs, each pair's target its rating's
    deviation from its dialogue's mean turn rating (:func:`ct.turn_deviations`)."""
    pairs: list[tuple[str, str]] = []
    targets: list[float] = []
    for d in dialogues:
        p, r = rated_pairs(d)
        pairs += p
        targets += ct.turn_deviations(r)
    return ct.fit_turn_model(pairs, targets, TURN_MAX_FEATURES, TURN_ALPHA)


def turn_feature_rows(
    dialogues: dict[str, list[UssDialogue]], views: dict[str, cs.ContactView]
) -> tuple[ct.TurnSatModel, dict[str, np.ndarray], dict[str, float]]:
    """The turn model fitted on all of train, and each part's :data:`ct.TURN_FEATURES`:
    out-of-fold on train (``TURN_FOLDS`` folds by dialogue, seed 13), the full model on
    val and test. Also the turn-level Spearman on val (pairs with a rating) with the
    target (the deviation) and with the raw turn rating."""
    train = dialogues["train"]
    rows = np.zeros((len(train), len(ct.TURN_FEATURES)))
    folds = np.random.default_rng(USS_SEED).permutation(len(train)) % TURN_FOLDS
    for k in range(TURN_FOLDS):
        m = fit_turns([d for d, f in zip(train, folds, strict=True) if f != k])
        for i in np.flatnonzero(folds == k):
            rows[i] = ct.turn_features(views[train[i].dialogue_id], m)
    full = fit_turns(train)
    out = {"train": rows}
    for p in ("val", "test"):
        out[p] = np.array([ct.turn_features(views[d.dialogue_id], full) for d in dialogues[p]])
    val_pairs = [rated_pairs(d) for d in dialogues["val"]]
    val_pred = full.predict_pairs([x for p, _ in val_pairs for x in p])
    return (
        full,
        out,
        {
            "target": "turn rating minus its dialogue's mean turn rating",
            "val_turn_spearman_deviation": spearman(
                val_pred, [x for _, rs in val_pairs for x in ct.turn_deviations(rs)]
            ),
            "val_turn_spearman": spearman(val_pred, [r for _, rs in val_pairs for r in rs]),
        },
    )


def train_csat_model(
    x: dict[str, np.ndarray],
    y: dict[str, np.ndarray],
    version_tag: str,
    turn_model: ct.TurnSatModel | None = None,
) -> tuple[cs.CsatModel, dict[str, Any]]:
    tuning = {}
    for a in ALPHAS:
        m = cs.fit_ridge(x["train"], y["train"], a, "tune")
        tuning[a] = spearman(m.predict_rows(x["val"]), y["val"])
    alpha = max(tuning, key=lambda a: tuning[a])
    m = cs.fit_ridge(x["train"], y["train"], alpha, "tmp")
    digest = hashlib.sha256(np.round(m.coef, 6).tobytes()).hexdigest()[:8]
    model = cs.CsatModel(
        f"csat-ridge-turns-{version_tag}-{digest}",
        m.features,
        m.mean,
        m.scale,
        m.coef,
        m.intercept,
        turn_model=turn_model,
    )
    return model, {"alpha": alpha, "val_spearman_by_alpha": {str(k): v for k, v in tuning.items()}}


def evaluate(
    preds: dict[str, dict[str, np.ndarray]], y: dict[str, np.ndarray]
) -> dict[str, dict[str, Any]]:
    """Test figures of each predictor: Spearman (CI), 2-class at a val-tuned cut; the model
    also at the fixed cut 3.5 of its own 1–5 scale."""
    out: dict[str, dict[str, Any]] = {}
    for name, p in preds.items():
        cut = best_threshold(p["val"], y["val"])
        row: dict[str, Any] = {
            "spearman": spearman(p["test"], y["test"]),
            "spearman_ci": spearman_ci(p["test"], y["test"]),
            "threshold_val_tuned": cut,
            **{f"{k}_val_tuned": v for k, v in two_class(p["test"], y["test"], cut).items()},
        }
        if name == "predicted_csat":
            row.update({f"{k}_at_3.5": v for k, v in two_class(p["test"], y["test"], 3.5).items()})
        out[name] = row
    sat = y["test"] >= SATISFIED_AT
    out["majority_class"] = {"accuracy": float(max(sat.mean(), 1 - sat.mean()))}
    return out


# ---------------------------------------------------------------------------- the command


def run(emotion_model: str | None = None, empathy_model: str | None = None) -> dict[str, Any]:
    """Fit both artefacts, write them under ``understand/models/``, return the report."""
    from empathos.understand.pipeline.csat import load_views
    from empathos.understand.pipeline.run import resolve_models
    from empathos.understand.uss_store import annotated_uss_store

    em, pm = resolve_models(emotion_model, empathy_model)
    dialogues = {p: uss_split(p) for p in PARTS}
    engine = annotated_uss_store([d for p in PARTS for d in dialogues[p]], em, pm)
    views = load_views(engine, em, pm)
    missing = [d.dialogue_id for p in PARTS for d in dialogues[p] if d.dialogue_id not in views]
    if missing:
        raise RuntimeError(f"{len(missing)} USS dialogues were not scored, e.g. {missing[:3]}")
    ratings = {p: np.array([d.rating for d in dialogues[p]]) for p in PARTS}
    tag = f"{em.name}{em.version}-{pm.name}{pm.version}"
    stamp = datetime.now(UTC).replace(microsecond=0).isoformat()

    # 1. remembered weights, on the annotators' ratings and on the model's valence
    by_basis = {
        "annotators": {p: [annotator_terms(d) for d in dialogues[p]] for p in PARTS},
        "model": {p: [model_terms(views[d.dialogue_id]) for d in dialogues[p]] for p in PARTS},
    }
    fits = {b: fit_remembered(t, ratings) for b, t in by_basis.items()}
    weights_card = {
        "version": f"uss-{tag}",
        "trained_at": stamp,
        "data": "USS MWOZ + SGD (Sun et al., SIGIR 2021), ../shared/data/uss",
        "split": USS_SPLIT,
        "terms_considered": list(FIT_TERMS),
        "emotion_model": f"{em.name} {em.version}",
        "shipped": {
            "basis": "model",
            "weights": fits["model"]["weights"],
            "why": (
                "at run time the weights multiply the emotion model's valences, so they are "
                "fitted on those; the annotators' fit is reported beside it. Trend is "
                "considered in the fit but not carried (it is a slope, not a valence)."
            ),
        },
        "fits": fits,
    }

    # 2. predicted CSAT
    base = {p: np.array([cs.features(views[d.dialogue_id]) for d in dialogues[p]]) for p in PARTS}
    turn_model, turn_x, turn_fit = turn_feature_rows(dialogues, views)
    x = {p: np.hstack([base[p], turn_x[p]]) for p in PARTS}
    model, tuning = train_csat_model(x, ratings, tag, turn_model)
    tuning["turn_model"] = {
        "max_features": TURN_MAX_FEATURES,
        "alpha": TURN_ALPHA,
        "oof_folds": TURN_FOLDS,
        **turn_fit,
    }
    val_pred = model.predict_rows(x["val"])
    tuning["val_spearman"] = spearman(val_pred, ratings["val"])
    tuning["val_spearman_ci"] = spearman_ci(val_pred, ratings["val"])
    shipped = pe.PeakEndWeights(**fits["model"]["weights"])
    preds = {
        "predicted_csat": {p: model.predict_rows(x[p]) for p in PARTS},
        "mean_valence": {p: np.array([t.mean for t in by_basis["model"][p]]) for p in PARTS},
        "peak_end_kahneman": {
            p: np.array([pe.remembered_from_terms(t, pe.KAHNEMAN) for t in by_basis["model"][p]])
            for p in PARTS
        },
        "remembered_shipped": {
            p: np.array([pe.remembered_from_terms(t, shipped) for t in by_basis["model"][p]])
            for p in PARTS
        },
        "annotators_mean_rating": {
            p: np.array([t.mean for t in by_basis["annotators"][p]]) for p in PARTS
        },
    }
    test = evaluate(preds, ratings)
    card = {
        "trained_at": stamp,
        "data": weights_card["data"],
        "split": USS_SPLIT,
        "n": {p: len(dialogues[p]) for p in PARTS},
        "emotion_model": f"{em.name} {em.version}",
        "empathy_model": f"{pm.name} {pm.version}",
        "target": "the dialogue's overall rating, mean of its annotators (1-5)",
        "satisfied": f"rating >= {SATISFIED_AT} (rounds to 4 or 5)",
        "tuning": tuning,
        "test": test,
        "goal_spearman": 0.50,
        "limits": (
            "English task-oriented bot dialogues rated by crowd workers; annotators' own turn "
            "ratings (annotators_mean_rating) are an upper reference the model cannot see"
        ),
    }
    model = cs.CsatModel(
        model.version,
        model.features,
        model.mean,
        model.scale,
        model.coef,
        model.intercept,
        card,
        turn_model,
    )
    cs.MODELS_DIR.mkdir(parents=True, exist_ok=True)
    (cs.MODELS_DIR / pe.REMEMBERED_WEIGHTS_ARTEFACT).write_text(
        json.dumps(weights_card, indent=1), encoding="utf-8"
    )
    (cs.MODELS_DIR / cs.ARTEFACT).write_text(json.dumps(model.to_json(), indent=1), "utf-8")
    return {"remembered": weights_card, "csat": card, "csat_version": model.version}


def table(report: dict[str, Any]) -> str:
    """The report as Markdown tables (what the command prints)."""
    lines = ["| remembered fit (train) | first | peak | end | mean | test Spearman | mean's |"]
    lines.append("|---|---|---|---|---|---|---|")
    for basis, f in report["remembered"]["fits"].items():
        w, t, ci = f["weights"], f["test"], f["weights_ci"]
        cells = [
            f"{w[k]:.2f} [{ci[k][0]:.2f}, {ci[k][1]:.2f}]" for k in ("first", "peak", "end", "mean")
        ]
        lines.append(
            f"| {basis} | "
            + " | ".join(cells)
            + f" | {t['spearman_remembered']:.3f} | {t['spearman_mean']:.3f} |"
        )
    lines += ["", "| USS test | Spearman [95% CI] | 2-class acc (val cut) | balanced acc |"]
    lines.append("|---|---|---|---|")
    for name, r in report["csat"]["test"].items():
        if name == "majority_class":
            lines.append(f"| majority class | | {r['accuracy']:.3f} | 0.500 |")
            continue
        lo, hi = r["spearman_ci"]
        lines.append(
            f"| {name} | {r['spearman']:.3f} [{lo:.3f}, {hi:.3f}] | "
            f"{r['accuracy_val_tuned']:.3f} | {r['balanced_accuracy_val_tuned']:.3f} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--emotion-model", default=None)
    ap.add_argument("--empathy-model", default=None)
    args = ap.parse_args(argv)
    report = run(args.emotion_model, args.empathy_model)
    print(table(report))
    print(f"\nwrote {cs.ARTEFACT} ({report['csat_version']}) and {pe.REMEMBERED_WEIGHTS_ARTEFACT}")


if __name__ == "__main__":
    main()
