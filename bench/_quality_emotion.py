"""Emotion and valence rows of ``bench/understand_quality.py``: every backend on the same sets.

Sets (test splits, read once; every threshold or temperature comes from dev/val):

* GoEmotions test (original split): macro-F1 of the 9 CX emotions, Ekman 6+neutral, 28
  labels and the sentiment grouping (a text gets every label at or above one threshold
  tuned on dev, plus its argmax), per-CX F1 and recall, top-label ECE of the CX emotion.
* UMSAB test (XLM-T, six languages): three-way macro-F1 per language, polarity = the
  negative/neutral/positive mass of the CX probabilities (argmax); the share of negative
  tweets whose valence reaches the negative band; top-label ECE of the polarity.
* TweetEval emotion test: four-way macro-F1 (anger, joy, optimism, sadness) for backends
  with 28-label probabilities; three-way (anger, joy+optimism, sadness) from CX for all.
* TWCS (real customer tweets, inbound turns of ``../shared/data/real/twcs_5k.csv``, no
  labels): the share called ``neutral`` and the share in the negative band.

Backends: every registered emotion backend (``default``, ``lexicon``, ``fast`` when
registered, ``transformer`` when torch imports), the previous default (``default-v1``: the
v1 artefact kept in ``bench/baselines/``) and VADER (English sets only; compound ≥ 0.05
positive, ≤ −0.05 negative, VADER's documented cut-offs; valence = compound).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from empathos.understand import bands
from empathos.understand.backends import _features
from empathos.understand.backends._linear import LinearHead
from empathos.understand.calibration import ece, reliability, top_label_ece
from empathos.understand.emotions import (
    EKMAN_GROUPS,
    EKMAN_LABELS,
    GO_TO_CX_MATRIX,
    GOEMOTIONS_LABELS,
    SENTIMENT_GROUPS,
    SENTIMENT_LABELS,
    go_to_cx,
    group_gold,
    group_matrix,
    polarity,
    valence,
)
from empathos.understand.evaluate import taxonomy_scores
from empathos.understand.evaluate_metrics import multiclass_macro_f1
from empathos.understand.protocols import CX_EMOTIONS, get_emotion_model
from empathos.understand.train_common import embed_cached
from empathos.understand.train_data import (
    TWEETEVAL_EMOTION_LABELS,
    UMSAB_LANGUAGES,
    load_goemotions,
    load_tweeteval_emotion,
    load_umsab,
    shared_data_dir,
)

ROOT = Path(__file__).resolve().parents[1]
BASELINE_V1 = ROOT / "bench" / "baselines" / "emotion-default-v1"

# Published figures, cited (macro-F1 on the same test sets).
XLMT = {  # Barbieri, Espinosa-Anke & Camacho-Collados, LREC 2022 (XLM-T), UMSAB table
    "source": "XLM-T (Barbieri et al., LREC 2022): XLM-R multilingual / FastText monolingual",
    "xlmr_multi": {"en": 0.685, "fr": 0.705, "de": 0.728, "it": 0.686, "pt": 0.698, "es": 0.660},
    "fasttext_mono": {"en": 0.509, "fr": 0.548, "de": 0.596, "it": 0.547, "pt": 0.551, "es": 0.501},
}
TWEETEVAL = {  # Barbieri et al., Findings of EMNLP 2020 (TweetEval), Table: emotion macro-F1
    "source": "TweetEval (Barbieri et al., Findings EMNLP 2020), emotion macro-F1",
    "roberta_retrained": 0.795,
    "roberta_base": 0.761,
    "roberta_twitter": 0.720,
    "lstm": 0.660,
    "fasttext": 0.652,
    "svm": 0.647,
}
GOEMOTIONS = {  # Demszky et al., ACL 2020, Table 4 (BERT-base)
    "source": "GoEmotions (Demszky et al., ACL 2020), BERT-base",
    "goemotions_28": 0.46,
    "ekman": 0.64,
    "sentiment": 0.69,
}
TARGETS = {"cx": 0.55, "ekman": 0.60, "negative_band_reach": 0.70}
_TE_COLUMNS = [GOEMOTIONS_LABELS.index(lab) for lab in TWEETEVAL_EMOTION_LABELS]
_CX = {e: i for i, e in enumerate(CX_EMOTIONS)}
# TweetEval's labels from CX probabilities: anger (anger + frustration), joy (joy, gratitude,
# relief; TweetEval's optimism folds in here), sadness (sadness + anxiety).
_TE3 = np.zeros((len(CX_EMOTIONS), 3))
for _e, _j in (
    ("anger", 0),
    ("frustration", 0),
    ("joy", 1),
    ("gratitude", 1),
    ("relief", 1),
    ("sadness", 2),
    ("anxiety", 2),
):
    _TE3[_CX[_e], _j] = 1.0
_TE4_TO_3 = np.array([0, 1, 1, 2])


@dataclass
class Outputs:
    """What a backend says about a list of texts (any part may be missing)."""

    cx: np.ndarray | None = None  # (n, 9)
    p28: np.ndarray | None = None  # (n, 28)
    polarity: np.ndarray | None = None  # (n, 3)
    valence: np.ndarray | None = None  # (n,)
    extra: dict = field(default_factory=dict)


@dataclass
class Backend:
    name: str
    predict: Callable[[list[str], list[str | None]], Outputs]
    english_only: bool = False
    bands: bands.Bands = bands.BANDS
    note: str = ""
    uncalibrated: Callable[[list[str], list[str | None]], Outputs] | None = None


def _complete(out: Outputs) -> Outputs:
    if out.cx is not None:
        if out.polarity is None:
            out.polarity = polarity(out.cx)
        if out.valence is None:
            out.valence = valence(out.cx)
    return out


def _default_like(name: str, model: object) -> Backend:
    """A backend with ``predict_parts`` (default v2, fast): embeddings from the shared cache."""

    def run(texts: list[str], langs: list[str | None], calibrated: bool = True) -> Outputs:
        emb = embed_cached(texts, model.encoder)
        p28, pol, cx = model.predict_parts(texts, langs, emb, calibrated=calibrated)
        return _complete(Outputs(cx=cx, p28=p28, polarity=pol))

    return Backend(
        name,
        run,
        bands=bands.load_bands(getattr(model, "artefact", "emotion-default")),
        uncalibrated=lambda t, lg: run(t, lg, calibrated=False),
    )


def _generic(name: str, model: object) -> Backend:
    def run(texts: list[str], langs: list[str | None]) -> Outputs:
        out = Outputs(cx=model.predict_proba(texts, langs))
        if hasattr(model, "predict_goemotions_proba"):
            out.p28 = model.predict_goemotions_proba(texts, langs)
        return _complete(out)

    return Backend(
        name,
        run,
        english_only=name == "transformer",
        bands=bands.Bands(-0.25, 0.25, "legacy ±0.25"),
    )


def baseline_v1() -> Backend:
    """The previous ``default`` emotion head (v1, GoEmotions + supplement, lexicon cues)."""
    with np.load(f"{BASELINE_V1}.npz") as data:
        head = LinearHead.from_arrays({k: data[k] for k in data.files}, "")
    card = json.loads(Path(f"{BASELINE_V1}.json").read_text())

    def run(texts: list[str], langs: list[str | None]) -> Outputs:
        x = _features.emotion_features_v1(texts, embed_cached(texts, card["encoder"]))
        p28 = head.predict_proba(x)
        return _complete(Outputs(cx=go_to_cx(p28), p28=p28))

    return Backend(
        "default-v1",
        run,
        bands=bands.Bands(-0.25, 0.25, "legacy ±0.25 (what the stages used with v1)"),
        note="bench/baselines/emotion-default-v1 (the v1 emotion-default artefact)",
    )


def vader() -> Backend:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    sia = SentimentIntensityAnalyzer()

    def run(texts: list[str], langs: list[str | None]) -> Outputs:
        c = np.array([sia.polarity_scores(t)["compound"] for t in texts])
        pol = np.zeros((len(c), 3))
        pol[np.arange(len(c)), np.where(c <= -0.05, 0, np.where(c >= 0.05, 2, 1))] = 1.0
        return Outputs(polarity=pol, valence=c, extra={"compound": c})

    return Backend(
        "vader",
        run,
        english_only=True,
        bands=bands.Bands(-0.05, 0.05, "VADER's documented ±0.05"),
        note="vaderSentiment 3.3 (Hutto & Gilbert, ICWSM 2014)",
    )


def backends(names: Sequence[str] | None, skipped: dict[str, str]) -> list[Backend]:
    """The backends to score (registered ones, the v1 baseline, VADER), skips with reasons."""
    from empathos.understand.protocols import available_emotion_models

    out: list[Backend] = []
    registered = available_emotion_models()
    for name in names or registered:
        if name not in registered:
            continue
        try:
            model = get_emotion_model(name)
        except (ImportError, FileNotFoundError, OSError) as exc:
            skipped[name] = f"{type(exc).__name__}: {exc}"
            continue
        out.append(
            _default_like(name, model) if hasattr(model, "predict_parts") else _generic(name, model)
        )
    for name, build in (("default-v1", baseline_v1), ("vader", vader)):
        if names and name not in names:
            continue
        try:
            out.append(build())
        except (ImportError, FileNotFoundError) as exc:
            skipped[name] = f"{type(exc).__name__}: {exc}"
    return out


def twcs_inbound(path: Path | None = None) -> list[str]:
    """Texts of the inbound (customer) tweets of the TWCS 5k sample, in file order."""
    path = path or shared_data_dir() / "real" / "twcs_5k.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        return [
            r["text"]
            for r in csv.DictReader(fh)
            if (r.get("inbound") or "").strip() == "True" and r.get("text")
        ]


def _row(set_: str, metric: str, baseline: str = "", target: float | None = None) -> dict:
    return {"set": set_, "metric": metric, "values": {}, "baseline": baseline, "target": target}


def evaluate(backends_: list[Backend]) -> tuple[list[dict], dict]:
    """The rows of the one table (values per backend) and the raw details per backend."""
    go_dev, go_test = load_goemotions("dev"), load_goemotions("test")
    umsab = {lang: load_umsab(lang, "test") for lang in UMSAB_LANGUAGES}
    te = load_tweeteval_emotion("test")
    twcs = twcs_inbound()
    rows: dict[tuple[str, str], dict] = {}
    details: dict[str, dict] = {}

    def put(set_: str, metric: str, backend: str, value: float | None, **kw) -> None:
        key = (set_, metric)
        if key not in rows:
            rows[key] = _row(set_, metric, **kw)
        if value is not None and not isinstance(value, int):
            value = round(float(value), 4)
        rows[key]["values"][backend] = value

    cx_gold_dev = group_gold(go_dev.y28, GO_TO_CX_MATRIX)
    cx_gold_test = group_gold(go_test.y28, GO_TO_CX_MATRIX)
    for b in backends_:
        d: dict = {"note": b.note, "bands": [b.bands.negative, b.bands.positive, b.bands.source]}
        details[b.name] = d
        print(f"[quality] {b.name} …", flush=True)
        # --- GoEmotions
        dev_o = b.predict(go_dev.texts, ["en"] * len(go_dev.texts))
        test_o = b.predict(go_test.texts, ["en"] * len(go_test.texts))
        s = "GoEmotions test (en)"
        if test_o.cx is not None:
            cx = taxonomy_scores(dev_o.cx, test_o.cx, cx_gold_dev, cx_gold_test, CX_EMOTIONS)
            d["goemotions_cx"] = cx
            put(s, "CX macro-F1 (9)", b.name, cx["macro_f1"], baseline="target ≥ 0.55", target=0.55)
            for e in CX_EMOTIONS:
                put(s, f"F1 {e} (n={cx['support'][e]})", b.name, cx["per_label"][e])
            for e in CX_EMOTIONS:
                put(s, f"recall {e}", b.name, cx["recall"][e])
            dead = [e for e in CX_EMOTIONS if cx["support"][e] >= 50 and cx["per_label"][e] == 0]
            put(s, "CX emotions with ≥50 examples and F1 = 0", b.name, len(dead), baseline="0")
            d["dead_emotions"] = dead
            ok = cx_gold_test[np.arange(len(test_o.cx)), test_o.cx.argmax(1)] == 1
            put(s, "ECE top CX emotion", b.name, ece(test_o.cx.max(1), ok))
            d["goemotions_reliability"] = reliability(test_o.cx.max(1), ok)
            if b.uncalibrated is not None:
                u = b.uncalibrated(go_test.texts, ["en"] * len(go_test.texts))
                put(s, "ECE top CX emotion, uncalibrated (T=1)", b.name, ece(u.cx.max(1), ok))
                d["goemotions_reliability_uncalibrated"] = reliability(u.cx.max(1), ok)
        if test_o.p28 is not None:
            for key, groups, labels, base in (
                ("ekman", EKMAN_GROUPS, EKMAN_LABELS, "BERT 0.64; target ≥ 0.60"),
                ("sentiment", SENTIMENT_GROUPS, SENTIMENT_LABELS, "BERT 0.69"),
            ):
                m = group_matrix(groups, labels)
                r = taxonomy_scores(
                    dev_o.p28 @ m,
                    test_o.p28 @ m,
                    group_gold(go_dev.y28, m),
                    group_gold(go_test.y28, m),
                    labels,
                )
                put(s, f"{key} macro-F1", b.name, r["macro_f1"], baseline=base)
            r = taxonomy_scores(dev_o.p28, test_o.p28, go_dev.y28, go_test.y28, GOEMOTIONS_LABELS)
            put(s, "28-label macro-F1", b.name, r["macro_f1"], baseline="BERT 0.46")
        # --- UMSAB
        s = "UMSAB test"
        f1s, reach_n, reach_d, conf, correct, pneg, isneg = [], 0, 0, [], [], [], []
        d["umsab"] = {}
        for lang, data in umsab.items():
            if b.english_only and lang != "en":
                put(s, f"macro-F1 {lang}", b.name, None)
                continue
            o = b.predict(data.texts, [lang] * len(data.texts))
            f1 = multiclass_macro_f1(data.y, o.polarity.argmax(1), 3)[0]
            f1s.append(f1)
            xr, ft = XLMT["xlmr_multi"][lang], XLMT["fasttext_mono"][lang]
            put(
                s,
                f"macro-F1 {lang}",
                b.name,
                f1,
                baseline=f"XLM-R {xr:.3f} (target {xr - 0.05:.3f}); FastText {ft:.3f}",
                target=round(xr - 0.05, 3),
            )
            neg = data.y == 0
            reach = (o.valence[neg] <= b.bands.negative).mean()
            reach_n += int((o.valence[neg] <= b.bands.negative).sum())
            reach_d += int(neg.sum())
            d["umsab"][lang] = {
                "macro_f1": round(f1, 4),
                "negative_band_reach": round(float(reach), 4),
                "median_valence_negative": round(float(np.median(o.valence[neg])), 4),
            }
            conf.append(o.polarity.max(1))
            correct.append(o.polarity.argmax(1) == data.y)
            pneg.append(o.polarity[:, 0])
            isneg.append(neg)
            if b.uncalibrated is not None:
                u = b.uncalibrated(data.texts, [lang] * len(data.texts))
                d.setdefault("_unc", []).append((u.polarity, data.y))
        if f1s and not b.english_only:
            put(
                s,
                "macro-F1 mean (6)",
                b.name,
                float(np.mean(f1s)),
                baseline="XLM-R 0.694; FastText 0.542",
            )
        put(
            s,
            "negative tweets in the negative band",
            b.name,
            reach_n / reach_d if reach_d else None,
            baseline="target ≥ 0.70 (issue: 18 % before on customer tweets)",
            target=0.70,
        )
        if conf and b.name != "vader":  # VADER gives no probabilities to calibrate
            c, k = np.concatenate(conf), np.concatenate(correct)
            put(s, "ECE top polarity", b.name, ece(c, k))
            d["umsab_reliability_negative"] = reliability(
                np.concatenate(pneg), np.concatenate(isneg)
            )
            if "_unc" in d:
                pu = np.vstack([p for p, _ in d["_unc"]])
                yu = np.concatenate([y for _, y in d.pop("_unc")])
                put(s, "ECE top polarity, uncalibrated (T=1)", b.name, top_label_ece(pu, yu))
                d["umsab_reliability_negative_uncalibrated"] = reliability(pu[:, 0], yu == 0)
        # --- TweetEval emotion
        s = "TweetEval emotion test (en)"
        o = b.predict(te.texts, ["en"] * len(te.texts))
        if o.p28 is not None:
            f1 = multiclass_macro_f1(te.y, o.p28[:, _TE_COLUMNS].argmax(1), 4)[0]
            put(
                s,
                "macro-F1 (4: anger joy optimism sadness)",
                b.name,
                f1,
                baseline="RoBERTa-base 0.761, RoBERTa-RT 0.795, FastText 0.652, SVM 0.647",
            )
        if o.cx is not None:
            f1 = multiclass_macro_f1(_TE4_TO_3[te.y], (o.cx @ _TE3).argmax(1), 3)[0]
            put(s, "macro-F1 (3: anger, joy+optimism, sadness) from CX", b.name, f1)
        # --- TWCS
        s = "TWCS inbound customer tweets (no labels)"
        o = b.predict(twcs, ["en"] * len(twcs))
        neutral = (
            o.cx.argmax(1) == _CX["neutral"] if o.cx is not None else o.polarity.argmax(1) == 1
        )
        put(
            s,
            f"share called neutral (n={len(twcs)})",
            b.name,
            float(neutral.mean()),
            baseline="issue: 60 % with v1 (VADER: neutral polarity)",
        )
        put(s, "share in the negative band", b.name, float((o.valence <= b.bands.negative).mean()))
    return list(rows.values()), details
