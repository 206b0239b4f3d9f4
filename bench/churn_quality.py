"""Churn model quality on SIMULATED data, checked against the simulator's ground truth.

    .venv/bin/python bench/churn_quality.py [--model default|lexicon] [--customers N]
        [--days D] [--seed S] [--window DAYS] [--keep DIR]

Every figure printed here comes from the SIMULATOR (empathos.simulate), not from real
data: no public data set joins conversations with later churn. The simulated company is
the ``small`` preset at the given size, with a contact rate of 0.05/customer/day and the
per-contact churn base rates raised 4x (so a 14-day window holds enough churners to
measure); every effect of experience on churn is the simulator's default
(``EffectSizes``: +1.6 log-odds per unit of negative remembered score, +0.25 per unit of
effort, +0.8 per unit of negative journey memory).

Steps: simulate -> store -> ``analyze`` with the chosen understand backend (``default``
= the real default emotion/empathy models; ``lexicon`` = the fast baseline) -> time-split
churn evaluation (train on snapshots whose labels end by the split, test on later
snapshots) -> AUC, Brier, reliability, ablation with/without the emotional features (AUC
difference with a bootstrap CI over customers) -> comparisons with the ground truth:

* an *oracle* model: the same features but the simulator's TRUE remembered score, effort
  and journey memory in place of the estimated emotional ones (the ceiling that better
  emotion models could reach);
* per-contact logistic regression of "this contact made the customer leave" (the
  simulator's trigger) on -remembered, effort and negative memory, once with the true
  values (should give back 1.6 / 0.25 / 0.8) and once with the stored estimates;
* the sign of the churn model's SHAP contributions of the remembered score;
* effect sizes of the remembered score on CSAT / NPS / purchases (the predict report's
  table) next to the simulator's true CSAT slope;
* employee attrition index vs the simulator's true stress (rank correlation, few employees).

Writes bench/results/churn_quality.json and bench/results/churn_reliability.png.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
RESULTS = ROOT / "bench" / "results"
PROVENANCE = "SIMULATED data (empathos.simulate), not real"

from empathos.predict import churn as ch  # noqa: E402
from empathos.predict import features as feat  # noqa: E402

ORACLE = ("true_remembered_last", "true_effort_last", "true_effort_mean", "true_memory")


def simulate_and_analyze(work: Path, model: str, customers: int, days: int, seed: int) -> Any:
    from empathos.simulate import preset, run_simulation
    from empathos.simulate.config import EffectSizes
    from empathos.simulate.store import store_simulation
    from empathos.store import init_db, make_engine
    from empathos.understand.pipeline import analyze

    base = EffectSizes()
    effects = replace(base, churn_base={k: min(0.5, 4 * v) for k, v in base.churn_base.items()})
    cfg = preset(
        "small",
        seed=seed,
        customers=customers,
        days=days,
        contacts_per_customer_day=0.05,
        effects=effects,
    )
    timings: dict[str, float] = {}
    t = time.perf_counter()
    run_simulation(cfg, work / "sim", progress=False)
    timings["simulate"] = time.perf_counter() - t
    engine = make_engine(f"sqlite:///{work / 'store.db'}")
    init_db(engine)
    t = time.perf_counter()
    store_simulation(work / "sim", engine)
    timings["store"] = time.perf_counter() - t
    t = time.perf_counter()
    report = analyze(engine, model, model, progress=False)
    timings["analyze"] = time.perf_counter() - t
    return engine, cfg, timings, report


# ------------------------------------------------------------------- ground truth


def truth_events(engine: Any, sim: Path) -> pd.DataFrame:
    """Per contact: true remembered, effort, memory before/after, need, end time, and
    whether it triggered the customer's (experience) churn."""
    from sqlalchemy import select

    from empathos.simulate.config import EffectSizes
    from empathos.simulate.outcomes import update_memory
    from empathos.store.schema import interactions

    rows = []
    with open(sim / "truth" / "interactions.jsonl", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            rows.append((r["interaction_id"], r["remembered"], r["effort"]))
    tr = pd.DataFrame(rows, columns=["interaction_id", "true_remembered", "true_effort"])
    i = interactions.c
    with engine.connect() as conn:
        meta = pd.DataFrame(
            conn.execute(
                select(i.interaction_id, i.customer_id, i.started_at, i.ended_at, i.need)
            ).all(),
            columns=["interaction_id", "customer_id", "started_at", "ended_at", "need"],
        )
    ev = meta.merge(tr, on="interaction_id").sort_values(
        ["customer_id", "started_at", "interaction_id"]
    )
    ev["ended_at"] = pd.to_datetime(ev["ended_at"].fillna(ev["started_at"]))
    eff = EffectSizes()
    before, after = [], []
    for _, g in ev.groupby("customer_id", sort=False):
        m = 0.0
        for rem in g["true_remembered"]:
            before.append(m)
            m = update_memory(eff, m, float(rem))
            after.append(m)
    ev["memory_before"], ev["memory_after"] = before, after
    gt = json.loads((sim / "ground_truth.json").read_text(encoding="utf-8"))
    triggers = {
        c["churn_trigger_interaction_id"]
        for c in gt["customers"]
        if c.get("churn_cause") == "experience"
    }
    ev["triggered_churn"] = ev["interaction_id"].isin(triggers).astype(int)
    return ev.reset_index(drop=True)


def add_oracle(X: pd.DataFrame, ev: pd.DataFrame) -> pd.DataFrame:
    """The true emotional state known at each snapshot (``as_of`` column) per row."""
    ev = ev.sort_values("ended_at")
    ev = ev.assign(
        cum_effort=ev.groupby("customer_id")["true_effort"].cumsum(),
        n=ev.groupby("customer_id").cumcount() + 1,
    )
    left = X.reset_index()[["customer_id", "as_of"]].assign(row=np.arange(len(X)))
    left["as_of"] = pd.to_datetime(left["as_of"])
    m = pd.merge_asof(
        left.sort_values("as_of"),
        ev[
            [
                "customer_id",
                "ended_at",
                "true_remembered",
                "true_effort",
                "cum_effort",
                "n",
                "memory_after",
            ]
        ],
        left_on="as_of",
        right_on="ended_at",
        by="customer_id",
        allow_exact_matches=True,
    ).sort_values("row")
    out = X.copy()
    out["true_remembered_last"] = m["true_remembered"].to_numpy()
    out["true_effort_last"] = m["true_effort"].to_numpy()
    out["true_effort_mean"] = (m["cum_effort"] / m["n"]).to_numpy()
    out["true_memory"] = m["memory_after"].fillna(0.0).to_numpy()
    return out


def logit_fit(X: np.ndarray, y: np.ndarray, names: list[str]) -> dict[str, dict[str, float]]:
    """Unpenalised logistic regression with Wald 95% intervals (no statsmodels here)."""
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=np.inf, max_iter=5000).fit(X, y)
    A = np.column_stack([np.ones(len(X)), X])
    beta = np.concatenate([lr.intercept_, lr.coef_[0]])
    p = 1 / (1 + np.exp(-A @ beta))
    cov = np.linalg.pinv(A.T @ (A * (p * (1 - p))[:, None]))
    se = np.sqrt(np.diag(cov))[1:]
    return {
        n: {"coef": float(b), "ci_low": float(b - 1.96 * s), "ci_high": float(b + 1.96 * s)}
        for n, b, s in zip(names, lr.coef_[0], se, strict=True)
    }


def recovery(engine: Any, ev: pd.DataFrame, score_model: feat.ScoreModel) -> dict[str, Any]:
    """Does the stored remembered score recover the simulator's churn effect per contact?"""
    from sqlalchemy import select

    from empathos.store.schema import interaction_scores
    from empathos.understand import journey as jny

    s = interaction_scores.c
    with engine.connect() as conn:
        est = pd.DataFrame(
            conn.execute(
                select(s.interaction_id, s.remembered, s.effort_score).where(
                    s.model == score_model.model,
                    s.version == score_model.version,
                    s.empathy_model == score_model.empathy_model,
                    s.empathy_version == score_model.empathy_version,
                )
            ).all(),
            columns=["interaction_id", "remembered", "effort_score"],
        )
    d = ev.merge(est, on="interaction_id").dropna(subset=["remembered"])
    d = d.sort_values(["customer_id", "started_at"]).reset_index(drop=True)
    # the estimated journey memory before each contact, with the journey formula
    mem = np.zeros(len(d))
    for _, g in d.groupby("customer_id", sort=False):
        t = pd.to_datetime(g["started_at"]).to_numpy()
        r = g["remembered"].to_numpy(float)
        v = np.where(r >= 0, r, jny.LOSS_AVERSION * r)
        for k, idx in enumerate(g.index):
            if k:
                age = (t[k] - t[:k]) / np.timedelta64(1, "D")
                w = np.power(0.5, age / jny.HALF_LIFE_DAYS)
                mem[idx] = float((w * v[:k]).sum())
    d["est_memory"] = mem
    needs = pd.get_dummies(d["need"], prefix="need", drop_first=True, dtype=float)
    y = d["triggered_churn"].to_numpy(int)
    true_x = np.column_stack(
        [-d["true_remembered"], d["true_effort"], np.maximum(0, -d["memory_before"]), needs]
    )
    est_x = np.column_stack(
        [-d["remembered"], d["effort_score"], np.maximum(0, -d["est_memory"]), needs]
    )
    names = ["neg_remembered", "effort", "neg_memory", *needs.columns]
    keep = names[:3]
    t_fit = {k: v for k, v in logit_fit(true_x, y, names).items() if k in keep}
    e_fit = {k: v for k, v in logit_fit(est_x, y, names).items() if k in keep}
    return {
        "n_contacts": len(d),
        "n_triggers": int(y.sum()),
        "simulator_truth": {"neg_remembered": 1.6, "effort": 0.25, "neg_memory": 0.8},
        "fit_on_true_values": t_fit,
        "fit_on_stored_estimates": e_fit,
        "corr_remembered_est_vs_true": float(
            np.corrcoef(d["remembered"], d["true_remembered"])[0, 1]
        ),
        "note": "estimated effort (effort_score) is on the understand stage's own scale, "
        "not the simulator's; estimated memory uses the journey formula "
        "(half-life), not the simulator's per-contact retention",
    }


def auc_difference(
    y: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    groups: np.ndarray,
    n_boot: int = 500,
    seed: int = 0,
) -> dict[str, float]:
    """AUC(a) - AUC(b) on the same rows, 95% percentile bootstrap over customers."""
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(seed)
    idx_by = pd.Series(np.arange(len(y))).groupby(groups).indices
    keys = list(idx_by)
    diffs = []
    for _ in range(n_boot):
        pick = np.concatenate([idx_by[keys[k]] for k in rng.integers(0, len(keys), len(keys))])
        if y[pick].min() == y[pick].max():
            continue
        diffs.append(roc_auc_score(y[pick], a[pick]) - roc_auc_score(y[pick], b[pick]))
    point = roc_auc_score(y, a) - roc_auc_score(y, b)
    return {
        "diff": float(point),
        "ci_low": float(np.percentile(diffs, 2.5)),
        "ci_high": float(np.percentile(diffs, 97.5)),
        "n_boot": len(diffs),
    }


def shap_sign(ev: ch.ChurnEvaluation) -> dict[str, float]:
    """Rank correlation between a feature's value and its SHAP contribution (negative =
    lower values raise risk, as the simulator says for the remembered score)."""
    from scipy.stats import spearmanr

    X = ev.test_X
    contrib = ev.model.contributions(X)
    out = {}
    for name in (
        "remembered_score",
        "emotional_memory",
        "emotion_remembered_mean_last3",
        "effort_mean",
    ):
        ok = X[name].notna().to_numpy()
        out[name] = float(spearmanr(X.loc[ok, name], contrib.loc[ok, name]).statistic)
    mean_abs = contrib.drop(columns="bias").abs().mean()
    out["emotional_share_of_mean_abs_shap"] = float(
        mean_abs[list(feat.EMOTIONAL_FEATURES)].sum() / mean_abs.sum()
    )
    return out


def attrition_vs_truth(engine: Any, sim: Path) -> dict[str, Any]:
    from scipy.stats import spearmanr

    from empathos.predict import attrition as attr

    first, last = feat.data_span(engine)
    sm = feat.latest_score_model(engine)
    f = attr.employee_features(
        engine, last, None, (sm.model, sm.version), (sm.empathy_model, sm.empathy_version)
    )
    s = attr.score_employees(f)
    gt = json.loads((sim / "ground_truth.json").read_text(encoding="utf-8"))
    stress = pd.Series({e["employee_id"]: e["stress_final"] for e in gt["employees"]})
    common = s.index.intersection(stress.index)
    rho = spearmanr(s.loc[common, "attrition_risk"], stress.loc[common]).statistic
    return {
        "n_employees": len(common),
        "spearman_risk_vs_true_stress": float(rho),
        "n_left_in_simulation": sum(bool(e["left"]) for e in gt["employees"]),
    }


def effects_vs_truth(engine: Any, score_model: feat.ScoreModel) -> list[dict[str, Any]]:
    from dataclasses import asdict

    from empathos.predict import effects as eff

    frame = eff.contact_outcomes(engine, score_model=score_model)
    sd = float(frame["remembered"].std(ddof=0)) if len(frame) else float("nan")
    rows = []
    for r in eff.effect_table(frame, n_boot=300):
        d = asdict(r)
        d["slope_per_unit"] = r.slope_per_sd / sd if sd else float("nan")
        rows.append(d)
    return rows


# ------------------------------------------------------------------- main


def reuse(work: Path, customers: int, days: int, seed: int) -> Any:
    """The store an earlier run left in ``--keep`` (simulated and analysed already)."""
    from types import SimpleNamespace

    from sqlalchemy import func, select

    from empathos.simulate import preset
    from empathos.store import make_engine
    from empathos.store.schema import turn_emotions, turn_empathy

    engine = make_engine(f"sqlite:///{work / 'store.db'}")
    cfg = preset("small", seed=seed, customers=customers, days=days)
    with engine.connect() as conn:
        n_emo = conn.execute(select(func.count()).select_from(turn_emotions)).scalar()
        n_emp = conn.execute(select(func.count()).select_from(turn_empathy)).scalar()
    gt = json.loads((work / "sim" / "ground_truth.json").read_text(encoding="utf-8"))
    if gt["config"]["customers"] != customers or gt["config"]["days"] != days:
        raise SystemExit("--reuse: the kept store was simulated with another size")
    return engine, cfg, {"reused": 0.0}, SimpleNamespace(turns_emotion=n_emo, turns_empathy=n_emp)


def run(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    if args.reuse:
        engine, cfg, timings, areport = reuse(work, args.customers, args.days, args.seed)
    else:
        engine, cfg, timings, areport = simulate_and_analyze(
            work, args.model, args.customers, args.days, args.seed
        )
    sm = feat.latest_score_model(engine)
    split = cfg.start + timedelta(days=args.split_day)
    ccfg = ch.ChurnConfig(window_days=args.window, train_snapshots=args.train_snapshots)
    t = time.perf_counter()
    ev = ch.evaluate_churn(engine, split, ccfg, sm)
    timings["evaluate"] = time.perf_counter() - t
    truth = truth_events(engine, work / "sim")
    oracle_cols = feat.BASE_FEATURES + feat.SURVEY_FEATURES + ORACLE
    Xtr, Xte = add_oracle(ev.train_X, truth), add_oracle(ev.test_X, truth)
    oracle_model = ch.fit_churn(Xtr, ev.train_y, oracle_cols, ccfg)
    p_oracle = oracle_model.predict_proba(Xte)
    from sklearn.metrics import brier_score_loss, roc_auc_score

    y = ev.test_y.to_numpy()
    groups = ev.test_X.index.to_numpy()
    ablation = dict(ev.ablation)
    ablation["oracle: base + surveys + TRUE emotional state"] = {
        "auc": float(roc_auc_score(y, p_oracle)),
        "brier": float(brier_score_loss(y, p_oracle)),
        "n_features": len(oracle_cols),
    }
    names = list(ch.FEATURE_SETS)
    diff = auc_difference(y, ev.predictions[names[0]], ev.predictions[names[1]], groups)
    diff_oracle = auc_difference(y, p_oracle, ev.predictions[names[1]], groups)
    suffix = "" if args.model == "default" else f"_{args.model}"
    png = ch.plot_reliability(
        ev.reliability,
        RESULTS / f"churn_reliability{suffix}.png",
        f"churn reliability, {args.window:.0f}-day window (SIMULATED, {args.model} models)",
    )
    return {
        "provenance": PROVENANCE,
        "understand_models": args.model,
        "score_model": sm.label(),
        "train_snapshots": args.train_snapshots,
        "simulation": {
            "customers": args.customers,
            "days": args.days,
            "seed": args.seed,
            "contacts_per_customer_day": 0.05,
            "churn_base_multiplier": 4,
        },
        "turns_annotated": {"emotion": areport.turns_emotion, "empathy": areport.turns_empathy},
        "evaluation": ev.to_dict() | {"ablation": ablation},
        "auc_gain_emotional_vs_without": diff,
        "auc_gain_oracle_vs_without": diff_oracle,
        "shap": shap_sign(ev),
        "per_contact_recovery": recovery(engine, truth, sm),
        "effects": effects_vs_truth(engine, sm),
        "simulator_true_csat_per_remembered": 1.6,
        "attrition": attrition_vs_truth(engine, work / "sim"),
        "seconds": timings,
        "reliability_png": str(png.relative_to(ROOT)),
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
    }


def print_report(r: dict[str, Any]) -> None:
    ev = r["evaluation"]
    print(
        f"\nChurn quality — {r['provenance']}; understand models: {r['understand_models']} "
        f"({r['score_model']})"
    )
    s = r["simulation"]
    print(
        f"company: {s['customers']:,} customers, {s['days']} days, seed {s['seed']}; "
        f"train snapshots {ev['train_dates'][0][:10]}..{ev['train_dates'][-1][:10]}, "
        f"test {ev['test_dates'][0][:10]}..{ev['test_dates'][-1][:10]}, "
        f"{ev['window_days']:.0f}-day window"
    )
    print(
        f"train {ev['n_train']:,} customer-snapshots ({ev['n_train_positive']} churners); "
        f"test {ev['n_test']:,} ({ev['n_test_positive']} churners)\n"
    )
    print("| feature set | features | AUC | Brier |\n| --- | ---: | ---: | ---: |")
    for name, a in ev["ablation"].items():
        print(f"| {name} | {a['n_features']} | {a['auc']:.3f} | {a['brier']:.4f} |")
    print(f"| predict the training churn rate | 0 | 0.500 | {ev['brier_base_rate']:.4f} |")
    for key, label in (
        ("auc_gain_emotional_vs_without", "emotional features"),
        ("auc_gain_oracle_vs_without", "TRUE emotional state (oracle)"),
    ):
        d = r[key]
        print(
            f"\nAUC gain of {label} over base + surveys: {d['diff']:+.3f} "
            f"(95% CI {d['ci_low']:+.3f}..{d['ci_high']:+.3f}, bootstrap over customers)",
            end="",
        )
    print(
        "\n\nper-contact churn trigger, logistic coefficients (simulator truth: "
        "neg_remembered 1.6, effort 0.25, neg_memory 0.8):"
    )
    rec = r["per_contact_recovery"]
    for which in ("fit_on_true_values", "fit_on_stored_estimates"):
        parts = ", ".join(
            f"{k} {v['coef']:.2f} [{v['ci_low']:.2f}, {v['ci_high']:.2f}]"
            for k, v in rec[which].items()
        )
        print(f"  {which}: {parts}")
    print(
        f"  ({rec['n_contacts']:,} contacts, {rec['n_triggers']} triggers; corr(estimated, "
        f"true remembered) = {rec['corr_remembered_est_vs_true']:.2f})"
    )
    sh = r["shap"]
    print(
        f"\nSHAP: spearman(value, contribution) remembered_score {sh['remembered_score']:+.2f}, "
        f"emotional_memory {sh['emotional_memory']:+.2f}, effort_mean {sh['effort_mean']:+.2f}; "
        f"emotional features' share of mean |SHAP| {sh['emotional_share_of_mean_abs_shap']:.2f}"
    )
    print("\neffect of +1 SD remembered score (30 days after a contact), 95% bootstrap CI:")
    print(
        "| outcome | contacts | per SD | 95% CI | per unit | r |\n| --- | ---: | ---: | --- | ---: "
        "| ---: |"
    )
    for e in r["effects"]:
        print(
            f"| {e['outcome']} | {e['n_contacts']:,} | {e['slope_per_sd']:+.3f} | "
            f"{e['slope_ci'][0]:+.3f}..{e['slope_ci'][1]:+.3f} | {e['slope_per_unit']:+.2f} | "
            f"{e['r']:+.2f} |"
        )
    print("(simulator: CSAT = 3.2 + 1.6 x remembered + noise, rounded to 1..5)")
    a = r["attrition"]
    print(
        "\nemployees: attrition index vs true stress, spearman "
        f"{a['spearman_risk_vs_true_stress']:+.2f} "
        f"over {a['n_employees']} employees ({a['n_left_in_simulation']} left in the simulation)"
    )
    print("seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in r["seconds"].items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="default", help="understand backend: default|lexicon")
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--window", type=float, default=14.0, help="churn label window, days")
    parser.add_argument(
        "--train-snapshots",
        type=int,
        default=12,
        help="weekly training snapshots before the split (those after the first week of data)",
    )
    parser.add_argument(
        "--split-day",
        type=int,
        default=None,
        help="day of the time split (default: 55%% of the days)",
    )
    parser.add_argument("--keep", type=Path, default=None, help="keep the store/sim here")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="skip simulate/analyze: evaluate the store left in --keep",
    )
    args = parser.parse_args(argv)
    if args.reuse and not args.keep:
        parser.error("--reuse needs --keep DIR")
    if args.split_day is None:
        args.split_day = int(round(args.days * 0.55))
    RESULTS.mkdir(parents=True, exist_ok=True)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        result = run(args, args.keep)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            result = run(args, Path(tmp))
    print_report(result)
    suffix = "" if args.model == "default" else f"_{args.model}"
    out = RESULTS / f"churn_quality{suffix}.json"
    out.write_text(json.dumps(result, indent=2, default=str))
    print(f"\nwrote {out.relative_to(ROOT)} and {result['reliability_png']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
