"""Empathy quality of every empathy backend, side by side with rules and published figures.

    python bench/_quality_empathy.py [--empathy NAME ...]

Prints one table and writes ``bench/results/understand_quality_empathy.json``;
``bench/understand_quality.py`` imports :func:`rows` for its combined table. Sets:

- ESConv val and test (``ESCONV_SPLIT``, by conversation, seed 13): AUC of P(level >= 1) per
  mechanism against the strategy mapping of ``understand.esconv``, next to the "contains ?"
  and "reply length" rules on the same turns; the raw mapping (phatic turns not reset); and
  the mapping of v3 and before (``STRATEGY_TO_MECHANISM_V3``: Self-disclosure none, which
  changes the interpretation labels only), against which the artefacts before v3 were
  measured.
- EPITOME test (``EPITOME_SPLIT``): macro-F1 over levels per mechanism, next to Sharma et
  al. 2020 (their split, so orders of magnitude) and to the previous artefacts (default v1,
  v2 and v3, fast v1 and v3, measured by this script before they were replaced: imported
  figures).
- Sympathy pairs and the not-empathy set (greetings, "please DM us", closings) in
  ``tests/understand/data``: how many replies score as empathy (P >= 0.5 on a mechanism).
- Real TWCS agent replies that ask the customer to DM (``../shared/data/real/twcs_5k.csv``,
  no labels): the distribution of the empathy score x 100 (``sample``).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "results" / "understand_quality_empathy.json"
NOT_EMPATHY = ROOT / "tests" / "understand" / "data" / "not_empathy.csv"
DM = re.compile(r"\b(dm|dms|direct message|private message|message us privately)\b", re.I)
# a DM reply that also acknowledges the customer ("sorry to hear", "I understand") may be a
# weak emotional reaction; the ones without such words are the pure "please DM us" replies
ACKNOWLEDGES = re.compile(r"sorry|apolog|understand|hear |frustrat|annoy|concern", re.I)

# EPITOME test macro-F1 and ESConv AUC of default v1 (EPITOME train + 36-row supplement),
# measured by this script at commit 196f5c3 before v2 replaced the artefact.
PREVIOUS_DEFAULT: dict[tuple[str, str, str], float] = {
    ("esconv", "val", "emotional_reaction"): 0.6413,
    ("esconv", "val", "interpretation"): 0.5523,
    ("esconv", "val", "exploration"): 0.8759,
    ("esconv", "test", "emotional_reaction"): 0.5949,
    ("esconv", "test", "interpretation"): 0.568,
    ("esconv", "test", "exploration"): 0.8867,
    ("epitome", "test", "emotional_reaction"): 0.684,
    ("epitome", "test", "interpretation"): 0.5446,
    ("epitome", "test", "exploration"): 0.6645,
}


# The artefacts v3 replaced, measured by this script at commit 8577fec (imported figures):
# default v2 (EPITOME heads + binary ESConv heads, noisy-OR) and fast v1 (EPITOME only).
PREVIOUS: dict[str, tuple[str, dict[tuple[str, str, str], float]]] = {
    "default": (
        "default v2",
        {
            ("esconv", "val", "emotional_reaction"): 0.7102,
            ("esconv", "val", "interpretation"): 0.6481,
            ("esconv", "val", "exploration"): 0.8932,
            ("esconv", "test", "emotional_reaction"): 0.6802,
            ("esconv", "test", "interpretation"): 0.6591,
            ("esconv", "test", "exploration"): 0.9039,
            ("epitome", "test", "emotional_reaction"): 0.691,
            ("epitome", "test", "interpretation"): 0.548,
            ("epitome", "test", "exploration"): 0.661,
        },
    ),
    "fast": (
        "fast v1",
        {
            ("esconv", "val", "emotional_reaction"): 0.625,
            ("esconv", "val", "interpretation"): 0.575,
            ("esconv", "val", "exploration"): 0.847,
            ("esconv", "test", "emotional_reaction"): 0.588,
            ("esconv", "test", "interpretation"): 0.591,
            ("esconv", "test", "exploration"): 0.852,
            ("epitome", "test", "emotional_reaction"): 0.581,
            ("epitome", "test", "interpretation"): 0.532,
            ("epitome", "test", "exploration"): 0.619,
        },
    ),
}


# v3 (the artefacts v4 replaced), measured by this script at commit 618acb8 (imported):
# ESConv on the current mapping ("esconv") and on the v3 mapping ("esconv v3 mapping").
PREVIOUS_V3: dict[str, tuple[str, dict[tuple[str, str, str], float]]] = {
    "default": (
        "default v3",
        {
            ("esconv", "val", "emotional_reaction"): 0.8056,
            ("esconv", "val", "interpretation"): 0.7776,
            ("esconv", "val", "exploration"): 0.934,
            ("esconv", "test", "emotional_reaction"): 0.8016,
            ("esconv", "test", "interpretation"): 0.7648,
            ("esconv", "test", "exploration"): 0.9438,
            ("esconv v3 mapping", "val", "interpretation"): 0.6658,
            ("esconv v3 mapping", "test", "interpretation"): 0.6839,
            ("epitome", "test", "emotional_reaction"): 0.673,
            ("epitome", "test", "interpretation"): 0.502,
            ("epitome", "test", "exploration"): 0.640,
        },
    ),
    "fast": (
        "fast v3",
        {
            ("esconv", "val", "emotional_reaction"): 0.8154,
            ("esconv", "val", "interpretation"): 0.7914,
            ("esconv", "val", "exploration"): 0.927,
            ("esconv", "test", "emotional_reaction"): 0.8226,
            ("esconv", "test", "interpretation"): 0.7919,
            ("esconv", "test", "exploration"): 0.9346,
            ("esconv v3 mapping", "val", "interpretation"): 0.7024,
            ("esconv v3 mapping", "test", "interpretation"): 0.7299,
            ("epitome", "test", "emotional_reaction"): 0.553,
            ("epitome", "test", "interpretation"): 0.490,
            ("epitome", "test", "exploration"): 0.577,
        },
    ),
}


def _previous(name: str) -> list[tuple[str, dict]]:
    """(label, figures) of the earlier artefacts of backend ``name``; the ESConv figures of
    those before v3 are on the v3 mapping (key "esconv v3 mapping")."""

    def old(figures: dict) -> dict:
        return {
            (("esconv v3 mapping" if k[0] == "esconv" else k[0]), *k[1:]): v
            for k, v in figures.items()
        }

    out = [PREVIOUS_V3[name]] if name in PREVIOUS_V3 else []
    out += [(PREVIOUS[name][0], old(PREVIOUS[name][1]))] if name in PREVIOUS else []
    return out + ([("default v1", old(PREVIOUS_DEFAULT))] if name == "default" else [])


def _twcs_dm_replies() -> tuple[list[str], list[str]]:
    """(customer tweet, agent reply) for agent replies in TWCS 5k that ask for a DM."""
    from empathos.understand.train_data import shared_data_dir

    path = shared_data_dir() / "real" / "twcs_5k.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    by_id = {r["tweet_id"].split(".")[0]: r for r in rows}
    posts, replies = [], []
    for r in rows:
        if r["inbound"] != "False" or not DM.search(r["text"]):
            continue
        prev = by_id.get((r.get("in_response_to_tweet_id") or "").split(".")[0])
        posts.append(prev["text"] if prev else "")
        replies.append(r["text"])
    return posts, replies


def _row(set_, split, mech, metric, backend, value, base_name=None, base_value=None) -> dict:
    return {
        "set": set_,
        "split": split,
        "mechanism": mech,
        "metric": metric,
        "backend": backend,
        "value": None if value is None or np.isnan(value) else round(float(value), 4),
        "baseline": base_name,
        "baseline_value": None if base_value is None else round(float(base_value), 4),
    }


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def rows(backends: list[str] | None = None) -> list[dict]:
    """Every empathy figure as one row (set, split, mechanism, metric, backend, value,
    baseline, baseline_value); a backend that cannot be built gives one ``skipped`` row."""
    from empathos.understand.evaluate import (
        EPITOME_BASELINE,
        SYMPATHY_SET,
        empathy_score,
        evaluate_empathy,
    )
    from empathos.understand.evaluate_esconv import evaluate_esconv
    from empathos.understand.protocols import (
        EMPATHY_MECHANISMS,
        available_empathy_models,
        get_empathy_model,
    )

    out: list[dict] = []
    for name in backends if backends is not None else available_empathy_models():
        try:
            model = get_empathy_model(name)
        except (ImportError, FileNotFoundError) as exc:
            out.append(_row("all", "-", "-", "skipped", name, None, str(exc)))
            continue
        label = f"{model.name} v{model.version}"
        for part in ("val", "test"):
            res = evaluate_esconv(name, part)
            for mech, m in res["mechanisms"].items():
                for rule, rv in m["rules"].items():
                    out.append(_row("ESConv", res["split"], mech, "AUC", label, m["auc"], rule, rv))
                for prev_label, figures in _previous(name):
                    prev = figures.get(("esconv", part, mech))
                    if prev is not None:
                        out.append(
                            _row(
                                "ESConv",
                                res["split"],
                                mech,
                                "AUC",
                                label,
                                m["auc"],
                                prev_label,
                                prev,
                            )
                        )
                out.append(
                    _row(
                        "ESConv",
                        res["split"] + " raw mapping",
                        mech,
                        "AUC",
                        label,
                        m["auc_raw_mapping"],
                    )
                )
                v3_split = res["split"] + " v3 mapping"
                for rule, rv in m["rules_v3_mapping"].items():
                    out.append(
                        _row("ESConv", v3_split, mech, "AUC", label, m["auc_v3_mapping"], rule, rv)
                    )
                for prev_label, figures in _previous(name):
                    prev = figures.get(
                        ("esconv v3 mapping", part, mech), figures.get(("esconv", part, mech))
                    )
                    out.append(
                        _row(
                            "ESConv",
                            v3_split,
                            mech,
                            "AUC",
                            label,
                            m["auc_v3_mapping"],
                            prev_label,
                            prev,
                        )
                    )
        ep = evaluate_empathy(name)
        for mech in EMPATHY_MECHANISMS:
            mf1 = ep["mechanisms"][mech]["macro_f1"]
            out.append(
                _row(
                    "EPITOME",
                    f"{ep['data']} test",
                    mech,
                    "macro-F1",
                    label,
                    mf1,
                    "Sharma et al. 2020 RoBERTa (their split)",
                    EPITOME_BASELINE[mech]["macro_f1"],
                )
            )
            for prev_label, figures in _previous(name):
                prev = figures.get(("epitome", "test", mech))
                out.append(
                    _row(
                        "EPITOME",
                        f"{ep['data']} test",
                        mech,
                        "macro-F1",
                        label,
                        mf1,
                        prev_label,
                        prev,
                    )
                )
        for path, set_name in ((SYMPATHY_SET, "sympathy pairs"), (NOT_EMPATHY, "not-empathy")):
            data = _read(path)
            score = empathy_score(
                model.predict_proba([r["seeker"] for r in data], [r["response"] for r in data])
            )
            kinds = np.array([r["kind"] for r in data])
            for kind in sorted(set(kinds)):
                sel = kinds == kind
                out.append(
                    _row(
                        set_name,
                        kind,
                        "any",
                        f"scored as empathy (of {int(sel.sum())})",
                        label,
                        float((score[sel] >= 0.5).sum()),
                    )
                )
        posts, replies = _twcs_dm_replies()
        score = 100 * empathy_score(model.predict_proba(posts, replies))
        pure = np.array([not ACKNOWLEDGES.search(r) for r in replies], dtype=bool)
        for subset, sel in (("all", np.ones(len(score), bool)), ("no acknowledgement", pure)):
            for metric, value in (
                (f"median score x100 (n={int(sel.sum())})", np.median(score[sel])),
                ("90th percentile x100", np.percentile(score[sel], 90)),
                ("share >= 50", float((score[sel] >= 50).mean())),
            ):
                out.append(
                    _row(
                        "TWCS 5k agent 'DM us' replies",
                        f"sample, {subset}",
                        "any",
                        metric,
                        label,
                        value,
                    )
                )
    return out


def table(result_rows: list[dict]) -> str:
    """One Markdown table of the rows."""
    lines = [
        "| set | split | mechanism | metric | backend | value | baseline | baseline value |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in result_rows:
        cells = [r[k] for k in ("set", "split", "mechanism", "metric", "backend")]
        value = "unknown" if r["value"] is None else f"{r['value']:g}"
        base_v = "" if r["baseline_value"] is None else f"{r['baseline_value']:g}"
        lines.append(
            "| " + " | ".join([*map(str, cells), value, r["baseline"] or "", base_v]) + " |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--empathy", nargs="*", default=None, help="backends (default: all)")
    args = parser.parse_args(argv)
    t0 = time.time()
    result = rows(args.empathy)
    print(table(result))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps(
            {
                "generated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "seconds": round(time.time() - t0, 1),
                "rows": result,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"wrote {OUT.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
