"""How close are stored interaction scores to a simulator's ground truth?

The simulator (``empathos simulate``) writes ``truth/interactions.jsonl``: per contact the
true experienced, peak, end and remembered valence, effort, and per customer turn the
true valence and intensity. After ``empathos analyze`` on the simulated store, this
module measures what the pipeline recovers — per-score Pearson correlations, agreement on
the trigger turn of the peak, and the peak–end weight fit to CSAT on the *true* terms
beside the fit on the *model's* terms. The second comparison is the point: it shows how
much of a fitted weight is psychology and how much is the emotion model's noise.

Run::

    empathos simulate --preset medium --out /tmp/sim --store --db sqlite:////tmp/sim.db
    empathos analyze --model lexicon --empathy-model lexicon --db sqlite:////tmp/sim.db
    python -m empathos.understand.scores_vs_truth sqlite:////tmp/sim.db /tmp/sim lexicon 1

Reads only a JSONL file of the simulator's documented format; imports nothing from
``simulate`` (understand comes before it in the flywheel).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine, select

from empathos.store.schema import customer_journeys, interaction_scores, outcomes
from empathos.understand import peak_end as pe

PAIRS = (
    ("experienced", "experienced"),
    ("remembered", "remembered"),
    ("peak_valence", "peak"),
    ("end_valence", "end"),
    ("effort_score", "effort"),
)


def _true_peak_seq(truth: dict[str, Any]) -> int | None:
    cust = [t for t in truth.get("turns", []) if t.get("speaker") == "customer"]
    return max(cust, key=lambda t: t["intensity"])["seq"] if cust else None


def auc(score: np.ndarray, positive: np.ndarray) -> float:
    """Area under the ROC curve (Mann–Whitney, ties averaged): P(score of a positive >
    score of a negative)."""
    score = np.asarray(score, dtype=float)
    pos = np.asarray(positive, dtype=bool)
    n_pos, n_neg = int(pos.sum()), int((~pos).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    order = np.argsort(score, kind="mergesort")
    ranks = np.empty(len(score))
    ranks[order] = np.arange(1, len(score) + 1)
    for v in np.unique(score):  # average ranks of ties
        tie = score == v
        if tie.sum() > 1:
            ranks[tie] = ranks[tie].mean()
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def compare_journeys(
    engine: Engine, sim_dir: str | Path, model: str, version: str
) -> dict[str, Any]:
    """Stored journeys vs the simulator's per-customer truth: correlation of ``memory`` and
    ``balance`` with its final journey memory (a different formula: retention 0.6 per
    contact, negative ×1.5), and how well low memory ranks customers who churned *because
    of their experience* (AUC), beside the same AUC for the true memory."""
    path = Path(sim_dir) / "ground_truth.json"
    truth = {c["customer_id"]: c for c in json.loads(path.read_text(encoding="utf-8"))["customers"]}
    with engine.connect() as conn:
        rows = [
            r
            for r in conn.execute(
                select(customer_journeys).where(
                    customer_journeys.c.model == model, customer_journeys.c.version == version
                )
            )
            if r.n_interactions > 0 and r.customer_id in truth
        ]
    if len(rows) < 3:
        return {"n": len(rows)}
    mem = np.array([r.memory for r in rows])
    bal = np.array([r.balance for r in rows])
    true_mem = np.array([truth[r.customer_id]["memory_final"] for r in rows], dtype=float)
    churned = np.array(
        [
            bool(truth[r.customer_id]["churned"])
            and truth[r.customer_id].get("churn_cause") == "experience"
            for r in rows
        ]
    )
    return {
        "n": len(rows),
        "experience_churners": int(churned.sum()),
        "pearson_memory": float(np.corrcoef(mem, true_mem)[0, 1]),
        "pearson_balance": float(np.corrcoef(bal, true_mem)[0, 1]),
        "auc_low_memory": auc(-mem, churned),
        "auc_low_balance": auc(-bal, churned),
        "auc_low_true_memory": auc(-true_mem, churned),
    }


def compare_with_truth(
    engine: Engine, sim_dir: str | Path, model: str, version: str, n_boot: int = 300
) -> dict[str, Any]:
    """Correlations and CSAT fits of ``model``/``version``'s scores against the truth."""
    truth: dict[str, dict[str, Any]] = {}
    with open(Path(sim_dir) / "truth" / "interactions.jsonl", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            truth[r["interaction_id"]] = r
    with engine.connect() as conn:
        scored = {
            r.interaction_id: r
            for r in conn.execute(
                select(interaction_scores).where(
                    interaction_scores.c.model == model,
                    interaction_scores.c.version == version,
                    interaction_scores.c.experienced.is_not(None),
                )
            )
        }
        csat = {
            r.interaction_id: float(r.value)
            for r in conn.execute(
                select(outcomes.c.interaction_id, outcomes.c.value).where(outcomes.c.kind == "csat")
            )
        }
    ids = sorted(i for i in scored if truth.get(i, {}).get("remembered") is not None)
    out: dict[str, Any] = {"model": model, "version": version, "n": len(ids), "pearson": {}}
    for ours, theirs in PAIRS:
        a = np.array([getattr(scored[i], ours) for i in ids], dtype=float)
        b = np.array([truth[i][theirs] for i in ids], dtype=float)
        out["pearson"][ours] = float(np.corrcoef(a, b)[0, 1]) if len(ids) > 2 else float("nan")
    out["peak_turn_agreement"] = float(
        np.mean([scored[i].peak_seq == _true_peak_seq(truth[i]) for i in ids])
    )
    with_csat = [i for i in ids if i in csat]
    y = np.array([csat[i] for i in with_csat])
    terms_true = np.array(
        [[truth[i]["peak"], truth[i]["end"], truth[i]["experienced"]] for i in with_csat]
    )
    terms_model = np.array(
        [[scored[i].peak_valence, scored[i].end_valence, scored[i].experienced] for i in with_csat]
    )
    for key, x in (("csat_fit_true_terms", terms_true), ("csat_fit_model_terms", terms_model)):
        try:
            out[key] = pe.fit_peak_end_weights(
                x.reshape(len(with_csat), 3), y, n_boot=n_boot
            ).as_dict()
        except ValueError as exc:  # too few CSAT answers: say so instead of failing
            out[key] = {"error": str(exc)}
    return out


def format_report(r: dict[str, Any]) -> str:
    lines = [f"{r['model']} {r['version']}: {r['n']} interactions with customer turns"]
    for k, v in r["pearson"].items():
        lines.append(f"  pearson r, {k:<13} vs truth: {v:.3f}")
    lines.append(f"  trigger (peak) turn agreement: {r['peak_turn_agreement']:.3f}")
    j = r.get("journeys")
    if j and "pearson_memory" in j:
        lines.append(
            f"  journeys (n={j['n']}): r memory {j['pearson_memory']:.3f}, "
            f"r balance {j['pearson_balance']:.3f} vs true memory; experience-churn AUC "
            f"low memory {j['auc_low_memory']:.3f}, low balance {j['auc_low_balance']:.3f}, "
            f"true memory {j['auc_low_true_memory']:.3f} ({j['experience_churners']} churners)"
        )
    for key in ("csat_fit_true_terms", "csat_fit_model_terms"):
        f = r[key]
        if "error" in f:
            lines.append(f"  {key}: not fitted ({f['error']})")
            continue
        lines.append(
            f"  {key}: n={f['n']} R2={f['score']:.3f} (mean only {f['score_mean_only']:.3f})"
        )
        for t in f["terms"]:
            lo, hi = f["weights_ci"][t]
            clo, chi = f["coef_ci"][t]
            lines.append(
                f"    {t:>5}: coef {f['coef'][t]:+.2f} [{clo:+.2f}, {chi:+.2f}]"
                f"  weight {f['weights'][t]:.2f} [{lo:.2f}, {hi:.2f}]"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    from empathos.store import make_engine

    db, sim_dir, model, version = (argv or sys.argv[1:])[:4]
    engine = make_engine(db)
    report = compare_with_truth(engine, sim_dir, model, version)
    if (Path(sim_dir) / "ground_truth.json").exists():
        report["journeys"] = compare_journeys(engine, sim_dir, model, version)
    print(format_report(report))


if __name__ == "__main__":
    main()
