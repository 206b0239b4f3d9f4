"""The evaluation harness: every backend on the same test sets, next to published baselines.

Emotion: GoEmotions test (original split). Decision rule for every backend: a text gets
every label whose probability reaches one global threshold, plus its argmax; the threshold
is tuned on GoEmotions *dev* per backend and per taxonomy, then applied to test once.
Reported: macro-F1 per label and overall for the CX mapping (all backends), and for the
28 labels, Ekman's 6+neutral and the sentiment grouping where a backend exposes 28-label
probabilities (``predict_goemotions_proba``).

Empathy: ``EPITOME_SPLIT`` test; the predicted level is the argmax; macro-F1 over the three
levels and accuracy per mechanism. Also the hand-written sympathy-vs-empathy set
(``tests/understand/data/sympathy_pairs.csv``) when present.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

import numpy as np

from empathos.understand.emotions import (
    EKMAN_GROUPS,
    EKMAN_LABELS,
    GO_TO_CX_MATRIX,
    GOEMOTIONS_LABELS,
    SENTIMENT_GROUPS,
    SENTIMENT_LABELS,
    group_gold,
    group_matrix,
)
from empathos.understand.evaluate_metrics import (
    f1_per_label,
    multiclass_macro_f1,
    predict_sets,
    recall_per_label,
    tune_threshold,
)
from empathos.understand.protocols import (
    CX_EMOTIONS,
    EMPATHY_MECHANISMS,
    get_emotion_model,
    get_empathy_model,
)
from empathos.understand.train_data import (
    EPITOME_SPLIT,
    GOEMOTIONS_SPLIT,
    epitome_split,
    load_goemotions,
)

# Published baselines, cited. GoEmotions: Demszky et al., ACL 2020, Table 4 (BERT-base,
# macro-F1 on test). EPITOME: Sharma, Miner, Atkins & Althoff, EMNLP 2020, Table 3 (their
# multi-task RoBERTa bi-encoder, on *their* split of the Reddit data: not the same test
# pairs as EPITOME_SPLIT, so compare orders of magnitude, not decimals).
GOEMOTIONS_BASELINE = {
    "source": "Demszky et al. 2020 (GoEmotions), BERT-base, test macro-F1",
    "goemotions_28": 0.46,
    "ekman": 0.64,
    "sentiment": 0.69,
}
EPITOME_BASELINE = {
    "source": "Sharma et al. 2020 (EPITOME), RoBERTa bi-encoder, Table 3 (accuracy, macro-F1)",
    "emotional_reaction": {"accuracy": 0.7943, "macro_f1": 0.7446},
    "interpretation": {"accuracy": 0.8404, "macro_f1": 0.6260},
    "exploration": {"accuracy": 0.9261, "macro_f1": 0.7258},
}
SYMPATHY_SET = (
    Path(__file__).resolve().parents[3] / "tests" / "understand" / "data" / "sympathy_pairs.csv"
)


def taxonomy_scores(
    p_dev: np.ndarray,
    p_test: np.ndarray,
    y_dev: np.ndarray,
    y_test: np.ndarray,
    labels: tuple[str, ...],
) -> dict:
    """Multi-label scores of one label set: the decision threshold is tuned on dev
    (``p_dev``/``y_dev``), then macro-F1, per-label F1 and support are measured on test, so
    every backend (and every retrained head) is scored by the same rule."""
    threshold, dev_f1 = tune_threshold(p_dev, y_dev)
    pred = predict_sets(p_test, threshold)
    per = f1_per_label(y_test, pred)
    rec = recall_per_label(y_test, pred)
    return {
        "macro_f1": round(float(per.mean()), 4),
        "per_label": {label: round(float(f), 4) for label, f in zip(labels, per, strict=True)},
        "recall": {label: round(float(r), 4) for label, r in zip(labels, rec, strict=True)},
        "support": {label: int(s) for label, s in zip(labels, y_test.sum(0), strict=True)},
        "threshold": threshold,
        "dev_macro_f1": round(dev_f1, 4),
    }


def evaluate_emotion(name: str = "default", limit: int | None = None) -> dict:
    """Score one emotion backend on GoEmotions test (threshold tuned on dev)."""
    model = get_emotion_model(name)
    dev, test = load_goemotions("dev"), load_goemotions("test")
    dev_texts, y_dev = dev.texts[:limit], dev.y28[:limit]
    test_texts, y_test = test.texts[:limit], test.y28[:limit]
    t0 = time.perf_counter()
    result: dict = {
        "task": "emotion",
        "model": model.name,
        "version": model.version,
        "data": GOEMOTIONS_SPLIT,
        "n_test": len(test_texts),
        "decision": "labels >= threshold (tuned on dev) + argmax",
        "baseline": GOEMOTIONS_BASELINE,
    }
    if hasattr(model, "predict_goemotions_proba"):
        p28_dev = model.predict_goemotions_proba(dev_texts)
        p28_test = model.predict_goemotions_proba(test_texts)
        result["goemotions_28"] = taxonomy_scores(
            p28_dev, p28_test, y_dev, y_test, GOEMOTIONS_LABELS
        )
        for key, groups, labels in (
            ("ekman", EKMAN_GROUPS, EKMAN_LABELS),
            ("sentiment", SENTIMENT_GROUPS, SENTIMENT_LABELS),
        ):
            m = group_matrix(groups, labels)
            result[key] = taxonomy_scores(
                p28_dev @ m, p28_test @ m, group_gold(y_dev, m), group_gold(y_test, m), labels
            )
        p_dev, p_test = p28_dev @ GO_TO_CX_MATRIX, p28_test @ GO_TO_CX_MATRIX
    else:
        p_dev, p_test = model.predict_proba(dev_texts), model.predict_proba(test_texts)
    result["cx"] = taxonomy_scores(
        p_dev,
        p_test,
        group_gold(y_dev, GO_TO_CX_MATRIX),
        group_gold(y_test, GO_TO_CX_MATRIX),
        CX_EMOTIONS,
    )
    result["seconds"] = round(time.perf_counter() - t0, 1)
    return result


def read_sympathy_set(path: Path = SYMPATHY_SET) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def empathy_score(probs: np.ndarray) -> np.ndarray:
    """Per reply, the highest probability over mechanisms that the level is >= 1."""
    return probs[:, :, 1:].sum(axis=2).max(axis=1)


def evaluate_empathy(name: str = "default", limit: int | None = None) -> dict:
    """Score one empathy backend on the EPITOME test split and the sympathy set."""
    model = get_empathy_model(name)
    test = epitome_split("test")
    seekers, responses, gold = test.seeker[:limit], test.response[:limit], test.levels[:limit]
    t0 = time.perf_counter()
    probs = model.predict_proba(seekers, responses)
    pred = probs.argmax(axis=2)
    result: dict = {
        "task": "empathy",
        "model": model.name,
        "version": model.version,
        "data": EPITOME_SPLIT,
        "n_test": len(responses),
        "decision": "argmax level",
        "baseline": EPITOME_BASELINE,
        "mechanisms": {},
    }
    for j, mech in enumerate(EMPATHY_MECHANISMS):
        macro, per = multiclass_macro_f1(gold[:, j], pred[:, j], 3)
        result["mechanisms"][mech] = {
            "macro_f1": round(macro, 4),
            "accuracy": round(float((gold[:, j] == pred[:, j]).mean()), 4),
            "per_level_f1": [round(f, 4) for f in per],
            "support": [int((gold[:, j] == lv).sum()) for lv in range(3)],
        }
    result["macro_f1_mean"] = round(
        float(np.mean([m["macro_f1"] for m in result["mechanisms"].values()])), 4
    )
    if SYMPATHY_SET.exists():
        rows = read_sympathy_set()
        p = model.predict_proba([r["seeker"] for r in rows], [r["response"] for r in rows])
        score = empathy_score(p)
        kinds = np.array([r["kind"] for r in rows])
        result["sympathy_set"] = {
            "n_sympathy": int((kinds == "sympathy").sum()),
            "n_empathy": int((kinds == "empathy").sum()),
            "sympathy_scored_as_empathy": round(
                float((score[kinds == "sympathy"] >= 0.5).mean()), 4
            ),
            "empathy_recognised": round(float((score[kinds == "empathy"] >= 0.5).mean()), 4),
        }
    result["seconds"] = round(time.perf_counter() - t0, 1)
    return result


def markdown_tables(emotion: list[dict], empathy: list[dict]) -> str:
    """The quality tables for docs/understand.md (a section per non-empty list)."""
    return (
        (_emotion_table(emotion) if emotion else "")
        + ("\n" if emotion and empathy else "")
        + (_empathy_table(empathy) if empathy else "")
    )


def _emotion_table(emotion: list[dict]) -> str:
    lines = [
        f"### Emotion — GoEmotions test ({GOEMOTIONS_SPLIT}), macro-F1",
        "",
        "| backend | CX mapping (9) | 28 labels | Ekman 6+neutral | sentiment |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in emotion:
        get = lambda k, r=r: f"{r[k]['macro_f1']:.3f}" if k in r else "—"  # noqa: E731
        lines.append(
            f"| {r['model']} v{r['version']} | {get('cx')} | {get('goemotions_28')} | "
            f"{get('ekman')} | {get('sentiment')} |"
        )
    b = GOEMOTIONS_BASELINE
    lines.append(
        f"| *published: BERT-base* | — | {b['goemotions_28']:.2f} | {b['ekman']:.2f} | "
        f"{b['sentiment']:.2f} |"
    )
    lines += [
        "",
        "Per CX emotion (F1 on test):",
        "",
        "| backend | " + " | ".join(CX_EMOTIONS) + " |",
        "| --- |" + " --- |" * len(CX_EMOTIONS),
    ]
    for r in emotion:
        lines.append(
            f"| {r['model']} | "
            + " | ".join(f"{r['cx']['per_label'][e]:.2f}" for e in CX_EMOTIONS)
            + " |"
        )
    support = emotion[0]["cx"]["support"] if emotion else {}
    lines.append("| *support* | " + " | ".join(str(support.get(e, "")) for e in CX_EMOTIONS) + " |")
    return "\n".join(lines) + "\n"


def _empathy_table(empathy: list[dict]) -> str:
    lines = [
        f"### Empathy — EPITOME test ({EPITOME_SPLIT}), macro-F1 over levels 0/1/2 (accuracy)",
        "",
        "| backend | emotional reaction | interpretation | exploration | sympathy scored as "
        "empathy | empathic replies recognised |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in empathy:
        cells = [
            f"{r['mechanisms'][m]['macro_f1']:.3f} ({r['mechanisms'][m]['accuracy']:.2f})"
            for m in EMPATHY_MECHANISMS
        ]
        s = r.get("sympathy_set", {})
        lines.append(
            f"| {r['model']} v{r['version']} | "
            + " | ".join(cells)
            + f" | {s.get('sympathy_scored_as_empathy', float('nan')):.0%} of "
            + f"{s.get('n_sympathy', 0)}"
            + f" | {s.get('empathy_recognised', float('nan')):.0%} of {s.get('n_empathy', 0)} |"
        )
    eb = EPITOME_BASELINE
    lines.append(
        "| *published: RoBERTa bi-encoder (their split)* | "
        + " | ".join(
            f"{eb[m]['macro_f1']:.3f} ({eb[m]['accuracy']:.2f})" for m in EMPATHY_MECHANISMS
        )
        + " | — | — |"
    )
    return "\n".join(lines) + "\n"
