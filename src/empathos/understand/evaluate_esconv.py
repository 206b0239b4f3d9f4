"""Empathy on real support turns: AUC per mechanism on ``ESCONV_SPLIT``, next to two rules.

A backend's score for a mechanism is P(level >= 1); the gold label is the strategy mapping
of ``understand.esconv`` (phatic turns none). AUC, not macro-F1, because ESConv says
whether a strategy was used, not how strongly, and because AUC needs no threshold, so the
rules below can be compared with the models on the same footing:

- ``contains ?``: 1 if the reply has a question mark (issue 15 found the EPITOME-only head
  no better than this for exploration);
- ``reply length``: the number of words (longer replies tend to do more).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from empathos.understand.esconv import ESCONV_SPLIT, esconv_split
from empathos.understand.evaluate_metrics import binary_auc
from empathos.understand.protocols import EMPATHY_MECHANISMS, get_empathy_model

RULES = ("contains ?", "reply length")


def rule_scores(replies: Sequence[str]) -> dict[str, np.ndarray]:
    """The two baseline rules' scores for ``replies``."""
    return {
        "contains ?": np.array([float("?" in (r or "")) for r in replies]),
        "reply length": np.array([float(len((r or "").split())) for r in replies]),
    }


def mechanism_scores(probs: np.ndarray) -> np.ndarray:
    """``(n, 3, 3)`` level probabilities -> ``(n, 3)`` P(level >= 1) per mechanism."""
    return np.asarray(probs)[:, :, 1:].sum(axis=2)


def evaluate_esconv(name: str = "default", part: str = "val", limit: int | None = None) -> dict:
    """AUC per mechanism of one empathy backend on ``part`` of ``ESCONV_SPLIT`` (the first
    ``limit`` pairs when given), with the rules' AUC on the same pairs, on the cleaned
    labels (``auc``), on the raw strategy mapping (``auc_raw_mapping``) and on the mapping of
    v3 and before, Self-disclosure none (``auc_v3_mapping``)."""
    data = esconv_split(part)
    seekers, replies = data.seeker[:limit], data.response[:limit]
    labels, raw, v3 = data.labels[:limit], data.raw_labels[:limit], data.v3_labels[:limit]
    model = get_empathy_model(name)
    scores = mechanism_scores(model.predict_proba(seekers, replies))
    rules = rule_scores(replies)
    out: dict = {
        "set": "ESConv",
        "split": f"{ESCONV_SPLIT} {part}",
        "model": model.name,
        "version": model.version,
        "n": len(replies),
        "mechanisms": {},
    }
    for j, mech in enumerate(EMPATHY_MECHANISMS):
        out["mechanisms"][mech] = {
            "positives": int(labels[:, j].sum()),
            "auc": round(binary_auc(labels[:, j], scores[:, j]), 4),
            "auc_raw_mapping": round(binary_auc(raw[:, j], scores[:, j]), 4),
            "auc_v3_mapping": round(binary_auc(v3[:, j], scores[:, j]), 4),
            "rules": {k: round(binary_auc(labels[:, j], v), 4) for k, v in rules.items()},
            "rules_v3_mapping": {k: round(binary_auc(v3[:, j], v), 4) for k, v in rules.items()},
        }
    return out
