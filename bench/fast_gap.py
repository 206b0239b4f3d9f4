"""The quality the ``fast`` backends give up against the best backend, per visible test set.

    python bench/fast_gap.py [--backends default,fast,lexicon] [--limit N]

Sets (``../shared/data``; all figures *imported* public data, test splits never used to
tune): GoEmotions test (CX-mapping macro-F1, thresholds tuned on dev, as
``empathos eval``), UMSAB test per language (3-way negative/neutral/positive macro-F1;
the two valence cut points are tuned per backend on UMSAB *val*, pooled over languages),
EPITOME test split (``epitome-reddit-seed13-80/10/10``, macro-F1 over levels per
mechanism). The bar of issue 15: ``fast`` within 0.02 macro-F1 of the best backend on
every set; the verdict is printed and written to ``bench/results/fast_gap.json``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "results" / "fast_gap.json"
UMSAB = {
    "en": "english",
    "fr": "french",
    "de": "german",
    "it": "italian",
    "pt": "portuguese",
    "es": "spanish",
}
BAR = 0.02


def umsab(lang: str, split: str) -> tuple[list[str], np.ndarray]:
    from empathos.understand.train_data import shared_data_dir

    d = shared_data_dir() / "umsab" / UMSAB[lang]
    texts = (d / f"{split}_text.txt").read_text(encoding="utf-8").splitlines()
    labels = np.array([int(x) for x in (d / f"{split}_labels.txt").read_text().split()])
    return texts, labels


def polarity(v: np.ndarray, lo: float, hi: float) -> np.ndarray:
    return np.where(v <= lo, 0, np.where(v >= hi, 2, 1))


def tune_cuts(v: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """The (lo, hi) valence cut points with the best val macro-F1 (grid of 0.025)."""
    from empathos.understand.evaluate_metrics import multiclass_macro_f1

    grid = np.round(np.arange(-0.6, 0.61, 0.025), 3)
    best = (-1.0, 0.0, 0.0)
    for lo in grid:
        for hi in grid[grid > lo]:
            f1, _ = multiclass_macro_f1(y, polarity(v, lo, hi), 3)
            if f1 > best[0]:
                best = (f1, float(lo), float(hi))
    return best[1], best[2]


def umsab_scores(name: str, limit: int | None) -> dict:
    from empathos.understand.emotions import valence
    from empathos.understand.evaluate_metrics import multiclass_macro_f1
    from empathos.understand.protocols import get_emotion_model

    model = get_emotion_model(name)
    vals, ys = [], []
    for lang in UMSAB:
        texts, y = umsab(lang, "val")
        vals.append(valence(model.predict_proba(texts[:limit], [lang] * len(texts[:limit]))))
        ys.append(y[:limit])
    lo, hi = tune_cuts(np.concatenate(vals), np.concatenate(ys))
    out = {"cuts_tuned_on_val": [lo, hi]}
    for lang in UMSAB:
        texts, y = umsab(lang, "test")
        texts, y = texts[:limit], y[:limit]
        v = valence(model.predict_proba(texts, [lang] * len(texts)))
        out[lang] = round(multiclass_macro_f1(y, polarity(v, lo, hi), 3)[0], 4)
    return out


def scores(name: str, limit: int | None) -> dict:
    from empathos.understand.evaluate import evaluate_emotion, evaluate_empathy
    from empathos.understand.protocols import available_empathy_models

    t0 = time.perf_counter()
    row: dict = {"backend": name, "sets": {}}
    emo = evaluate_emotion(name, limit=limit)
    row["sets"]["goemotions_test_cx"] = emo["cx"]["macro_f1"]
    u = umsab_scores(name, limit)
    row["umsab_cuts"] = u.pop("cuts_tuned_on_val")
    row["sets"].update({f"umsab_test_{lang}": f1 for lang, f1 in u.items()})
    if name in available_empathy_models():
        emp = evaluate_empathy(name, limit=limit)
        for mech, m in emp["mechanisms"].items():
            row["sets"][f"epitome_test_{mech}"] = m["macro_f1"]
        row["sympathy_scored_as_empathy"] = emp.get("sympathy_set", {}).get(
            "sympathy_scored_as_empathy"
        )
    row["seconds"] = round(time.perf_counter() - t0, 1)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="default,fast,lexicon")
    parser.add_argument("--limit", type=int, default=None, help="texts per set (smoke runs)")
    args = parser.parse_args()
    rows = []
    for name in args.backends.split(","):
        print(f"scoring {name} ...", flush=True)
        rows.append(scores(name, args.limit))
    sets = list(rows[0]["sets"])
    learned = [r for r in rows if r["backend"] != "lexicon"]  # the bar is against learned ones
    best = {s: max(r["sets"].get(s, -1) for r in learned) for s in sets}
    fast = next((r for r in rows if r["backend"] == "fast"), None)
    gap = {s: round(fast["sets"][s] - best[s], 4) for s in sets} if fast else {}
    meets = bool(fast) and all(g >= -BAR for g in gap.values())
    names = [r["backend"] for r in rows]
    lines = [
        "| set | " + " | ".join(names) + " | best | fast − best |",
        "| --- |" + " --- |" * (len(names) + 2),
    ]
    for s in sets:
        cells = [
            f"{r['sets'][s]:.3f}" if s in r["sets"] else "n/a (no empathy backend)" for r in rows
        ]
        lines.append(f"| {s} | " + " | ".join(cells) + f" | {best[s]:.3f} | {gap.get(s, 0):+.3f} |")
    verdict = (
        f"fast {'MEETS' if meets else 'does NOT meet'} the bar (within {BAR} macro-F1 of the "
        f"best learned backend on every set); worst gap {min(gap.values()):+.3f}"
        if gap
        else "no fast backend scored"
    )
    table = "\n".join(lines) + f"\n\n{verdict}.\n"
    print(table)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps(
            {
                "generated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "source": "imported public test sets (GoEmotions, UMSAB, EPITOME)",
                "limit": args.limit,
                "rows": rows,
                "best": best,
                "fast_minus_best": gap,
                "bar": BAR,
                "fast_meets_bar": meets,
            },
            indent=2,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
