"""CLV quality on real public data: BG/NBD + Gamma-Gamma on CDNOW vs the published results.

    .venv/bin/python bench/predict_quality.py [--data DIR] [--no-master] [--no-plot]

Every figure printed here comes from REAL PUBLIC DATA (the CDNOW purchase log, as shipped
by the lifetimes package, at ../shared/data/cdnow/), not from simulation.

The setup is the one of Fader, Hardie & Lee (2005), "Counting your customers the easy way":
the 1/10 sample (2,357 customers who first bought in Q1 1997), weeks 1-39
(1997-01-01..1997-09-30) to calibrate, weeks 40-78 (1997-10-01..1998-06-30) to hold out.
It checks, in order:

1. our calibration summary (frequency, recency, T, mean repeat spend) equals the
   published one shipped beside the data;
2. the fitted BG/NBD parameters against the published r, α, a, b (FHL 2005) and the
   Gamma-Gamma parameters against p, q, v (Fader & Hardie 2013, "The Gamma-Gamma model
   of monetary value");
3. predicted vs actual repeat purchases in the holdout, in total and by calibration
   frequency 0..7+ (the paper's conditional-expectation chart), with a naive baseline
   (each customer keeps buying at the calibration rate x/T);
4. the cohort's cumulative repeat purchases week by week (the paper's tracking chart);
5. the same split on the full master file (23,570 customers), which has no published
   parameters: only holdout fit and timings.

Writes bench/results/predict_quality.json and, when matplotlib is present,
bench/results/predict_quality.png.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from empathos.predict import clv

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "cdnow"
RESULTS = ROOT / "bench" / "results"
CAL_END = pd.Timestamp("1997-09-30")
HOLDOUT_END = pd.Timestamp("1998-06-30")
HOLDOUT_WEEKS = 39.0
PUBLISHED_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}  # FHL 2005
PUBLISHED_GG = {"p": 6.25, "q": 3.74, "v": 15.44}  # Fader & Hardie 2013
PROVENANCE = "real public data: CDNOW purchase log (1997-98), as shipped by lifetimes"


def holdout_repeat_purchases(transactions: pd.DataFrame, customers: pd.Series) -> np.ndarray:
    """Purchase days per customer in (CAL_END, HOLDOUT_END], same-day purchases as one —
    the counting rule of the calibration summary."""
    ts = transactions["ts"].dt.normalize()
    mask = (ts > CAL_END) & (ts <= HOLDOUT_END)
    days = transactions.loc[mask].assign(day=ts[mask]).drop_duplicates(["customer_id", "day"])
    counts = days.groupby("customer_id").size()
    return counts.reindex(customers.to_numpy(), fill_value=0).to_numpy(float)


def by_frequency_bucket(
    frequency: np.ndarray, predicted: np.ndarray, naive: np.ndarray, actual: np.ndarray
) -> list[dict[str, Any]]:
    bucket = np.minimum(frequency, 7).astype(int)
    rows = []
    for k in range(8):
        sel = bucket == k
        rows.append(
            {
                "calibration_frequency": f"{k}+" if k == 7 else str(k),
                "customers": int(sel.sum()),
                "actual_mean": float(actual[sel].mean()) if sel.any() else None,
                "predicted_mean": float(predicted[sel].mean()) if sel.any() else None,
                "naive_mean": float(naive[sel].mean()) if sel.any() else None,
            }
        )
    return rows


def weekly_tracking(
    transactions: pd.DataFrame, params: clv.BGNBDParams, weeks: int = 78
) -> dict[str, list[float]]:
    """Cumulative repeat purchases of the cohort at the end of each week, actual vs
    E[X(t)] summed over customers from each one's first purchase (FHL 2005, Figure 2)."""
    start = pd.Timestamp("1997-01-01")
    tx = transactions.assign(day=transactions["ts"].dt.normalize())
    tx = tx.drop_duplicates(["customer_id", "day"]).sort_values(["customer_id", "day"])
    first = tx.groupby("customer_id")["day"].transform("min")
    repeat_days = ((tx.loc[tx["day"] > first, "day"] - start).dt.days).to_numpy()
    trial_weeks = ((tx.groupby("customer_id")["day"].min() - start).dt.days / 7.0).to_numpy()
    ends = np.arange(1, weeks + 1, dtype=float)
    actual = [float((repeat_days < w * 7).sum()) for w in ends]
    predicted = [
        float(clv.expected_purchases_new_customer(params, np.clip(w - trial_weeks, 0, None)).sum())
        for w in ends
    ]
    return {"week": ends.tolist(), "actual_cumulative": actual, "predicted_cumulative": predicted}


def evaluate(transactions: pd.DataFrame, label: str) -> dict[str, Any]:
    t0 = time.perf_counter()
    summary = clv.rfm_summary(transactions, CAL_END)
    t_summary = time.perf_counter() - t0
    fitted = clv.fit_clv(summary)
    x = summary["frequency"].to_numpy(float)
    t_x = summary["recency"].to_numpy(float)
    T = summary["T"].to_numpy(float)
    t1 = time.perf_counter()
    predicted = clv.expected_purchases(fitted.bgnbd, x, t_x, T, HOLDOUT_WEEKS)
    scored = clv.score_customers(fitted, summary)
    t_score = time.perf_counter() - t1
    naive = x / np.maximum(T, 1e-9) * HOLDOUT_WEEKS
    actual = holdout_repeat_purchases(transactions, summary["customer_id"])
    return {
        "label": label,
        "customers": len(summary),
        "repeat_customers_in_calibration": fitted.n_repeat_customers,
        "fitted": fitted,
        "bgnbd": {k: getattr(fitted.bgnbd, k) for k in ("r", "alpha", "a", "b")},
        "gamma_gamma": (
            {k: getattr(fitted.gamma_gamma, k) for k in ("p", "q", "v")}
            if fitted.gamma_gamma
            else None
        ),
        "holdout_total": {
            "actual": float(actual.sum()),
            "predicted_bgnbd": float(predicted.sum()),
            "predicted_naive": float(naive.sum()),
            "error_pct_bgnbd": float(100 * (predicted.sum() - actual.sum()) / actual.sum()),
            "error_pct_naive": float(100 * (naive.sum() - actual.sum()) / actual.sum()),
        },
        "customer_level": {
            "mae_bgnbd": float(np.abs(predicted - actual).mean()),
            "mae_naive": float(np.abs(naive - actual).mean()),
            "rmse_bgnbd": float(np.sqrt(((predicted - actual) ** 2).mean())),
            "rmse_naive": float(np.sqrt(((naive - actual) ** 2).mean())),
            "pearson_bgnbd": float(np.corrcoef(predicted, actual)[0, 1]),
        },
        "by_calibration_frequency": by_frequency_bucket(x, predicted, naive, actual),
        "clv_52w_10pct": {
            "mean": float(scored["clv"].mean()),
            "median": float(scored["clv"].median()),
            "p_alive_mean": float(scored["p_alive"].mean()),
        },
        "seconds": {
            "summary": t_summary,
            "fit_bgnbd_plus_gg": fitted.fit_seconds,
            "score_all_customers": t_score,
        },
    }


def check_summary_matches_published(summary: pd.DataFrame, data_dir: Path) -> dict[str, Any]:
    ref = pd.read_csv(data_dir / "cdnow_customers_summary_with_transactions.csv")
    merged = summary.merge(ref, left_on="customer_id", right_on="ID", how="outer")
    return {
        "customers_ours": len(summary),
        "customers_published": len(ref),
        "frequency_equal": int((merged["frequency"] == merged["x"]).sum()),
        "recency_within_0.01": int(((merged["recency"] - merged["t_x"]).abs() < 0.01).sum()),
        "T_within_0.01": int(((merged["T_x"] - merged["T_y"]).abs() < 0.01).sum()),
        "monetary_within_0.01": int(((merged["monetary"] - merged["zbar"]).abs() < 0.01).sum()),
    }


def plot(result: dict[str, Any], tracking: dict[str, list[float]], path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    rows = result["by_calibration_frequency"]
    labels = [r["calibration_frequency"] for r in rows]
    pos = np.arange(len(labels))
    left.plot(pos, [r["actual_mean"] for r in rows], "k-o", label="actual")
    left.plot(pos, [r["predicted_mean"] for r in rows], "b--s", label="BG/NBD")
    left.plot(pos, [r["naive_mean"] for r in rows], ":", color="grey", label="naive x/T")
    left.set_xticks(pos, labels)
    left.set_xlabel("repeat purchases in calibration (weeks 1-39)")
    left.set_ylabel("mean repeat purchases in holdout (weeks 40-78)")
    left.set_title("Conditional expectations, CDNOW 1/10 sample")
    left.legend()
    right.plot(tracking["week"], tracking["actual_cumulative"], "k-", label="actual")
    right.plot(tracking["week"], tracking["predicted_cumulative"], "b--", label="BG/NBD")
    right.axvline(39, color="grey", lw=0.8)
    right.set_xlabel("week")
    right.set_ylabel("cumulative repeat purchases")
    right.set_title("Cohort tracking (calibration | holdout)")
    right.legend()
    fig.suptitle("Real public data (CDNOW); FHL 2005 setup", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def _fmt(v: float | None, digits: int = 3) -> str:
    return "-" if v is None else f"{v:.{digits}f}"


def print_report(sample: dict[str, Any], master: dict[str, Any] | None, check: dict) -> None:
    print(f"\nCLV quality — {PROVENANCE}\n")
    print("calibration summary vs published summary (2,357 customers):", check)
    print("\nparameters (1/10 sample)   ours       published")
    for k, v in PUBLISHED_BGNBD.items():
        print(f"  BG/NBD {k:<6}          {sample['bgnbd'][k]:8.3f}   {v:8.3f}")
    for k, v in PUBLISHED_GG.items():
        print(f"  Gamma-Gamma {k:<6}     {sample['gamma_gamma'][k]:8.3f}   {v:8.3f}")
    for res in [sample] + ([master] if master else []):
        h, c = res["holdout_total"], res["customer_level"]
        print(f"\nholdout weeks 40-78, {res['label']} ({res['customers']} customers)")
        print(
            f"  total repeat purchases: actual {h['actual']:.0f}, BG/NBD "
            f"{h['predicted_bgnbd']:.1f} ({h['error_pct_bgnbd']:+.1f}%), naive "
            f"{h['predicted_naive']:.1f} ({h['error_pct_naive']:+.1f}%)"
        )
        print(
            f"  per customer: MAE BG/NBD {c['mae_bgnbd']:.3f} vs naive {c['mae_naive']:.3f}; "
            f"RMSE {c['rmse_bgnbd']:.3f} vs {c['rmse_naive']:.3f}; r={c['pearson_bgnbd']:.3f}"
        )
        print("  x_cal  customers  actual  BG/NBD   naive")
        for row in res["by_calibration_frequency"]:
            print(
                f"  {row['calibration_frequency']:>5}  {row['customers']:>9}  "
                f"{_fmt(row['actual_mean'])}  {_fmt(row['predicted_mean'])}  "
                f"{_fmt(row['naive_mean'])}"
            )
        s = res["seconds"]
        print(
            f"  seconds: summary {s['summary']:.2f}, fit {s['fit_bgnbd_plus_gg']:.2f}, "
            f"score {s['score_all_customers']:.2f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--no-master", action="store_true", help="skip the full 23,570 file")
    parser.add_argument("--no-plot", action="store_true")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    import pymc_marketing  # noqa: F401  (timed on its own: ~6 s, paid once per process)

    import_seconds = time.perf_counter() - t0
    sample_tx = clv.read_cdnow(args.data / "CDNOW_sample.txt")
    sample = evaluate(sample_tx, "CDNOW 1/10 sample")
    check = check_summary_matches_published(clv.rfm_summary(sample_tx, CAL_END), args.data)
    tracking = weekly_tracking(sample_tx, sample["fitted"].bgnbd)
    master = None
    if not args.no_master:
        master = evaluate(clv.read_cdnow(args.data / "CDNOW_master.txt"), "CDNOW master file")
    print_report(sample, master, check)

    RESULTS.mkdir(parents=True, exist_ok=True)
    png = RESULTS / "predict_quality.png"
    plotted = False if args.no_plot else plot(sample, tracking, png)
    for res in [sample] + ([master] if master else []):
        res.pop("fitted")
    payload = {
        "provenance": PROVENANCE,
        "setup": "Fader, Hardie & Lee (2005): calibrate 1997-01-01..1997-09-30, "
        "hold out 1997-10-01..1998-06-30 (39 weeks); time unit = week; "
        "same-day purchases count as one; MAP with flat priors = MLE",
        "model": clv.MODEL_NAME,
        "published": {"bgnbd_FHL2005": PUBLISHED_BGNBD, "gamma_gamma_FH2013": PUBLISHED_GG},
        "summary_check": check,
        "sample": sample,
        "tracking_sample": {k: tracking[k] for k in tracking},
        "tracking_at": {
            "week39": {
                "actual": tracking["actual_cumulative"][38],
                "predicted": tracking["predicted_cumulative"][38],
            },
            "week78": {
                "actual": tracking["actual_cumulative"][77],
                "predicted": tracking["predicted_cumulative"][77],
            },
        },
        "master": master,
        "plot": str(png.relative_to(ROOT)) if plotted else None,
        "import_pymc_marketing_seconds": import_seconds,
        "timing_note": "fit seconds include PyTensor's C compilation the first time on a "
        "machine (~45 s on 2 cores); later runs reuse its cache",
        "python": sys.version.split()[0],
        "machine": platform.machine(),
    }
    out = RESULTS / "predict_quality.json"
    out.write_text(json.dumps(payload, indent=2))
    print(
        f"\ncumulative repeat purchases, week 78: actual "
        f"{payload['tracking_at']['week78']['actual']:.0f}, predicted "
        f"{payload['tracking_at']['week78']['predicted']:.1f}"
    )
    print(f"wrote {out.relative_to(ROOT)}" + (f" and {png.relative_to(ROOT)}" if plotted else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
