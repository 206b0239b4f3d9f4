"""Predicted CSAT: accuracy on the USS test split beside the baselines, and what it costs.

    python bench/understand_csat.py [--n 100]

1. **Accuracy** (``USS_SPLIT`` test, 300 dialogues of MWOZ + SGD): Spearman of each score
   with the dialogue's overall rating (95 % bootstrap CI) and 2-class accuracy (satisfied:
   rating >= 3.5) at a cut tuned on val — the shipped predicted-CSAT model (its val Spearman
   from its card) beside the plain
   mean valence, Kahneman's peak–end rule and the shipped remembered score (all on the
   configured emotion model's valences), and the annotators' own mean turn rating as the
   ceiling the model cannot see. Features come from the cached USS store that
   ``python -m empathos.understand.train_csat`` builds (built here if missing).
2. **Cost**: ``analyze`` twice in the same run on two fresh stores holding the same ``--n``
   USS test dialogues (default models, so annotation is the real cost): once with
   ``predict_csat=False``, once with it, each twice in ABBA order (means); the added cost
   is reported as a ratio to the time without it, twice — from the wall times (noisy on a
   shared machine) and from the
   time the run itself spent in the CSAT code (``AnalyzeReport.csat_seconds``). The
   issue's budget is 20 % for predicted CSAT, QA and topics together.

Prints a table, writes ``bench/results/understand_csat.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "results" / "understand_csat.json"


def accuracy() -> dict:
    from empathos.understand import csat as cs
    from empathos.understand import peak_end as pe
    from empathos.understand.pipeline.csat import load_views
    from empathos.understand.pipeline.run import resolve_models
    from empathos.understand.train_csat import annotator_terms, evaluate, model_terms
    from empathos.understand.uss import PARTS, USS_SPLIT, uss_split
    from empathos.understand.uss_store import annotated_uss_store

    model = cs.load_model()
    if model is None:
        raise SystemExit("no CSAT artefact: run python -m empathos.understand.train_csat")
    em, pm = resolve_models(None, None)
    dialogues = {p: uss_split(p) for p in ("val", "test")}
    engine = annotated_uss_store([d for p in PARTS if p in dialogues for d in dialogues[p]], em, pm)
    views = load_views(engine, em, pm)
    y = {p: np.array([d.rating for d in dialogues[p]]) for p in dialogues}
    mterms = {p: [model_terms(views[d.dialogue_id]) for d in dialogues[p]] for p in dialogues}
    preds = {
        "predicted_csat": {
            p: model.predict_rows(np.array([model.row(views[d.dialogue_id]) for d in dialogues[p]]))
            for p in dialogues
        },
        "mean_valence": {p: np.array([t.mean for t in mterms[p]]) for p in dialogues},
        "peak_end_kahneman": {
            p: np.array([pe.remembered_from_terms(t, pe.KAHNEMAN) for t in mterms[p]])
            for p in dialogues
        },
        "remembered_shipped": {
            p: np.array([pe.remembered_from_terms(t, pe.DEFAULT_WEIGHTS) for t in mterms[p]])
            for p in dialogues
        },
        "annotators_mean_rating": {
            p: np.array([annotator_terms(d).mean for d in dialogues[p]]) for p in dialogues
        },
    }
    return {
        "split": USS_SPLIT,
        "n_test": len(dialogues["test"]),
        "csat_model": model.version,
        "emotion_model": f"{em.name} {em.version}",
        "empathy_model": f"{pm.name} {pm.version}",
        "remembered_weights": pe.DEFAULT_WEIGHTS.as_dict(),
        "val_spearman": model.card.get("tuning", {}).get("val_spearman"),
        "val_spearman_ci": model.card.get("tuning", {}).get("val_spearman_ci"),
        "test": evaluate(preds, y),
        "goal_spearman": 0.50,
    }


def cost(n: int) -> dict:
    from empathos.store import init_db, make_engine
    from empathos.understand.pipeline import AnalyzeConfig, analyze
    from empathos.understand.pipeline.run import resolve_models
    from empathos.understand.uss import uss_split
    from empathos.understand.uss_store import load_dialogues

    dialogues = uss_split("test")[:n]
    # one model pair, loaded and warmed before either timing, so neither run pays the load
    em, pm = resolve_models(None, None)
    em.predict_proba(["warm up"])
    pm.predict_proba(["warm up"], ["warm up"])
    runs: dict[str, dict] = {}
    # ABBA order, so drift of the shared machine's load hits both configurations alike
    order = (
        ("without_csat", False),
        ("with_csat", True),
        ("with_csat", True),
        ("without_csat", False),
    )
    with tempfile.TemporaryDirectory() as tmp:
        for k, (label, on) in enumerate(order):
            engine = make_engine(f"sqlite:///{Path(tmp) / f'{k}.db'}")
            init_db(engine)
            load_dialogues(engine, dialogues)
            t0 = time.perf_counter()
            rep = analyze(engine, em, pm, progress=False, config=AnalyzeConfig(predict_csat=on))
            r = runs.setdefault(label, {"seconds": 0.0, "csat_seconds": 0.0, "repeats": 0})
            r["seconds"] += (time.perf_counter() - t0) / 2
            r["csat_seconds"] += rep.csat_seconds / 2
            r["repeats"] += 1
            r["interactions"] = rep.interactions_scored
            r["turns"] = rep.turns_emotion + rep.turns_empathy
            engine.dispose()
    base = runs["without_csat"]["seconds"]
    with_ = runs["with_csat"]
    return {
        "contacts": n,
        "runs": runs,
        "added_ratio_wall": (with_["seconds"] - base) / base,
        "added_ratio_in_run": with_["csat_seconds"] / (with_["seconds"] - with_["csat_seconds"]),
        "added_ms_per_contact": 1000 * with_["csat_seconds"] / max(1, with_["interactions"]),
        "budget_ratio_all_three": 0.20,
        "load_average": os.getloadavg(),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100, help="USS test dialogues for the cost runs")
    args = ap.parse_args()
    acc = accuracy()
    c = cost(args.n)
    print(f"USS test ({acc['split']}, n={acc['n_test']}), emotion {acc['emotion_model']}")
    if acc["val_spearman"] is not None:
        lo, hi = acc["val_spearman_ci"]
        print(f"{acc['csat_model']}: val Spearman {acc['val_spearman']:.3f} [{lo:.3f}, {hi:.3f}]")
    print("| score | Spearman [95% CI] | 2-class acc (val cut) | balanced acc |")
    print("|---|---|---|---|")
    for name, r in acc["test"].items():
        if name == "majority_class":
            print(f"| majority class | | {r['accuracy']:.3f} | 0.500 |")
            continue
        lo, hi = r["spearman_ci"]
        print(
            f"| {name} | {r['spearman']:.3f} [{lo:.3f}, {hi:.3f}] | "
            f"{r['accuracy_val_tuned']:.3f} | {r['balanced_accuracy_val_tuned']:.3f} |"
        )
    print(f"\ncost on {c['contacts']} contacts (same run, default models):")
    print("| analyze | seconds | CSAT seconds |")
    print("|---|---|---|")
    for k, r in c["runs"].items():
        print(f"| {k} | {r['seconds']:.2f} | {r['csat_seconds']:.4f} |")
    print(
        f"added: {100 * c['added_ratio_in_run']:.2f} % of analyze (in-run timer), "
        f"{100 * c['added_ratio_wall']:.1f} % (wall times, noisy); "
        f"{c['added_ms_per_contact']:.3f} ms per contact"
    )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps({"accuracy": acc, "cost": c, "machine": platform.platform()}, indent=1),
        encoding="utf-8",
    )
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
