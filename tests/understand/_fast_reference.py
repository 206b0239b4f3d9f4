"""The ``fast``/``default`` emotion and empathy paths as they were before the fast-path
rewrite (issue 15 item 5), kept callable so ``test_fast_equivalence.py`` can prove the
vectorised code gives the same outputs on real turns.

Everything here reads the artefact's arrays directly and redoes the old per-text Python
loops (``Counter`` over character n-grams, per-character surface cues, the joint polarity
head computed twice, the per-text piece list of the static encoder); it shares nothing
with the new code (the old ``char_wb_ngrams`` is copied here too) but the tokenizer's word
cache (``StaticEncoder.rows_of``, itself checked
against whole-text tokenization in ``test_fast.py``) and the lexicon cue features.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from empathos.understand.backends import _features
from empathos.understand.backends._linear import load_artefact
from empathos.understand.emotions import go_to_cx, with_polarity
from empathos.understand.protocols import EMPATHY_MECHANISMS


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def _logits(a: dict, p: str, x: np.ndarray) -> np.ndarray:
    mean = np.asarray(a[f"{p}mean"], dtype=np.float32)
    scale = np.asarray(a[f"{p}scale"], dtype=np.float32)
    coef = np.asarray(a[f"{p}coef"], dtype=np.float32)
    intercept = np.asarray(a[f"{p}intercept"], dtype=np.float32)
    return (((x - mean) / scale) @ coef + intercept).astype(np.float64)


def _scalar(a: dict, key: str, default: float) -> float:
    return float(np.asarray(a[key]).reshape(-1)[0]) if key in a else default


def static_encode(encoder, texts: Sequence[str]) -> np.ndarray:  # noqa: ANN001
    """The old ``StaticEncoder.encode``: per-text piece lists, one mean each."""
    out = np.zeros((len(texts), encoder.dim), dtype=np.float32)
    for i, text in enumerate(texts):
        rows = [r for w in (text or "").split() for r in encoder.rows_of(w)]
        if rows:
            v = (encoder._table[rows].astype(np.float32) * encoder._scale[rows, None]).sum(0)
            out[i] = v / max(np.linalg.norm(v), 1e-12)
    return out


def surface_features(texts: Sequence[str]) -> np.ndarray:
    rows = []
    for t in texts:
        t = t or ""
        letters = [c for c in t if c.isalpha()]
        upper = sum(c.isupper() for c in letters) / len(letters) if len(letters) >= 8 else 0.0
        rows.append(
            [
                np.log1p(t.count("!")),
                np.log1p(t.count("?")),
                np.log1p(sum(c in _features.NEGATIVE_EMOJI for c in t)),
                np.log1p(sum(c in _features.POSITIVE_EMOJI for c in t)),
                upper,
                np.log1p(len(t.split())),
            ]
        )
    return np.array(rows, dtype=np.float32).reshape(-1, 6)


def char_wb_ngrams(text: str, min_n: int, max_n: int) -> list[str]:
    out: list[str] = []
    for w in re.sub(r"\s\s+", " ", text.lower()).split():
        w = f" {w} "
        for n in range(min_n, max_n + 1):
            offset = 0
            out.append(w[offset : offset + n])
            while offset + n < len(w):
                offset += 1
                out.append(w[offset : offset + n])
            if offset == 0:  # a word shorter than n is counted once
                break
    return out


def _log_odds(q: np.ndarray) -> np.ndarray:
    q = np.clip(q, 1e-6, 1 - 1e-6)
    return np.log(q) - np.log(1 - q)


def word_ngrams(text: str, min_n: int, max_n: int) -> list[str]:
    """scikit-learn's ``word`` analyzer, written out again (default token pattern)."""
    tokens = re.findall(r"(?u)\b\w\w+\b", text.lower())
    return [
        " ".join(tokens[k : k + n])
        for n in range(min_n, max_n + 1)
        for k in range(len(tokens) - n + 1)
    ]


def chargram_logits(a: dict, p: str, texts: Sequence[str], analyzer=None) -> np.ndarray:  # noqa: ANN001
    analyzer = analyzer or char_wb_ngrams
    index = {str(g): i for i, g in enumerate(a[f"{p}vocab"])}
    idf = np.asarray(a[f"{p}idf"], dtype=np.float64)
    coef = np.asarray(a[f"{p}coef"], dtype=np.float64)
    ngram = tuple(int(n) for n in a[f"{p}ngram"])
    out = np.tile(np.asarray(a[f"{p}intercept"], dtype=np.float64), (len(texts), 1))
    for i, t in enumerate(texts):
        counts = Counter(j for g in analyzer(t or "", *ngram) if (j := index.get(g)) is not None)
        if not counts:
            continue
        idx = np.fromiter(counts.keys(), dtype=np.int64)
        tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64))
        v = tf * idf[idx]
        v /= np.linalg.norm(v)
        out[i] += v @ coef[idx]
    return out


def polarity_proba(
    a: dict, x: np.ndarray, languages: Sequence[str | None], texts: Sequence[str]
) -> np.ndarray:
    z = _logits(a, "pol_", x) / _scalar(a, "pol_temperature", 1.0)
    langs = np.array([(lang or "").split("-")[0].lower() for lang in languages])
    for key in a:
        if not (key.startswith("pol_") and key.endswith("_mix")):
            continue
        lang = key[len("pol_") : -len("_mix")]
        p = f"pol_{lang}_"
        rows = np.nonzero(langs == lang)[0]
        if not len(rows):
            continue
        mix = _scalar(a, f"{p}mix", 0.0)
        zs = (1.0 - mix) * _logits(a, "pol_", x[rows]) + mix * _logits(a, p, x[rows])
        weight = _scalar(a, f"{p}char_weight", 0.0)
        if f"{p}char_vocab" in a and weight:
            zs = zs + weight * chargram_logits(a, f"{p}char_", [texts[i] for i in rows])
        z[rows] = zs / _scalar(a, f"{p}temperature", 1.0)
    return _softmax(z)


def emotion_parts(
    model, texts: Sequence[str], languages: Sequence[str | None], embeddings: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # noqa: ANN001
    """``(p28, polarity, cx)`` of a v2 emotion artefact the old way."""
    a, _ = load_artefact(model.artefact)
    x = np.hstack([embeddings, surface_features(texts)]).astype(np.float32)
    z28 = _logits(a, "", x)
    if "go_ngram_char_vocab" in a:  # v3: the 28-label character + word n-gram head
        z28 = z28 + _scalar(a, "go_ngram_weight", 0.0) * (
            chargram_logits(a, "go_ngram_char_", texts)
            + chargram_logits(a, "go_ngram_word_", texts, word_ngrams)
        )
    p28 = _softmax(z28 / _scalar(a, "go_temperature", 1.0))
    pol = polarity_proba(a, x, languages, texts)
    return p28, pol, with_polarity(go_to_cx(p28), pol)


def empathy_proba(
    model, seekers: Sequence[str], responses: Sequence[str], es: np.ndarray, er: np.ndarray
) -> np.ndarray:  # noqa: ANN001
    """``(n, 3, 3)`` of an empathy artefact the old way."""
    from empathos.understand.backends.default import mix_levels

    a, _ = load_artefact(model.artefact)
    x = np.hstack([er, es, er * es, _features.empathy_lexicon_features(responses)])
    x = x.astype(np.float32)
    out = []
    if "esconv_map" in a:  # v3: the strategy model and a logistic stack per mechanism
        z = (
            _logits(a, "esconv_emb_", x)
            + chargram_logits(a, "esconv_char_", responses)
            + chargram_logits(a, "esconv_word_", responses, word_ngrams)
        )
        used = _softmax(z) @ np.asarray(a["esconv_map"], dtype=np.float64)
        for j, m in enumerate(EMPATHY_MECHANISMS):
            p = _softmax(_logits(a, f"{m}_", x))
            r, b1, b0 = (float(v) for v in a[f"{m}_stack"])
            above = p[:, 1] + p[:, 2]
            lo = _log_odds
            mixed = 1 / (1 + np.exp(-(b0 + b1 * (lo(above) + r * lo(used[:, j])))))
            if (r, b1, b0) == (0.0, 1.0, 0.0):
                out.append(p)
                continue
            share2 = np.where(above > 1e-12, p[:, 2] / np.maximum(above, 1e-300), 0.5)
            out.append(np.stack([1 - mixed, mixed * (1 - share2), mixed * share2], axis=1))
        return np.stack(out, axis=1)
    for m in EMPATHY_MECHANISMS:
        p = _softmax(_logits(a, f"{m}_", x))
        if f"{m}_esconv_coef" in a and _scalar(a, f"{m}_alpha", 0.0):
            used = _softmax(_logits(a, f"{m}_esconv_", x))[:, 1]
            p = mix_levels(p, used, _scalar(a, f"{m}_alpha", 0.0))
        out.append(p)
    return np.stack(out, axis=1)
