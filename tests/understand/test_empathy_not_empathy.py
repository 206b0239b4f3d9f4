"""Greetings, "please DM us" and formulaic closings are not empathy (issue 15).

The replies (tests/understand/data/not_empathy.csv, en/de/es/fr/it/pl) were written for this
test; none is in the training supplement (the supplement's look-alikes are phrased
differently, checked below), so the test measures generalisation, not recall."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from empathos.understand.backends._linear import MODELS_DIR
from empathos.understand.evaluate import empathy_score
from empathos.understand.protocols import get_empathy_model

DATA = Path(__file__).parent / "data" / "not_empathy.csv"


def _rows() -> list[dict[str, str]]:
    with open(DATA, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_set_covers_the_three_kinds_in_six_languages_and_is_not_trained_on() -> None:
    rows = _rows()
    assert {r["kind"] for r in rows} == {"greeting", "dm", "closing"}
    assert {r["language"] for r in rows} == {"en", "de", "es", "fr", "it", "pl"}
    assert {"Hi!", "Have a great day!"} <= {r["response"] for r in rows}
    with open(MODELS_DIR / "empathy_supplement.csv", encoding="utf-8", newline="") as fh:
        supplement = {r["response"].strip().lower() for r in csv.DictReader(fh)}
    assert not supplement & {r["response"].strip().lower() for r in rows}


# Measured with default v2: 26 of the 27 replies pass; the French closing "Très bonne
# journée à vous !" gets level 1 emotional reaction (P(level >= 1) 0.77; default v3: 0.98,
# still the only miss; fast v3 misses none, fast v1 missed 23). Recorded here and in
# docs/understand.md rather than fixed by adding it (or a paraphrase) to the training
# supplement after seeing it fail.
KNOWN_MISSES = {"Très bonne journée à vous !"}


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["default", "fast"])
@pytest.mark.parametrize("kind", ["greeting", "dm", "closing"])
def test_the_learned_backends_do_not_score_them_as_empathy(kind: str, backend: str) -> None:
    rows = [r for r in _rows() if r["kind"] == kind]
    replies = [r["response"] for r in rows]
    probs = get_empathy_model(backend).predict_proba([r["seeker"] for r in rows], replies)
    score = empathy_score(probs)
    # no mechanism at level >= 1 (argmax) and no mechanism even 50 % likely
    misses = {
        reply
        for reply, p, s in zip(replies, probs, score, strict=True)
        if (p.argmax(axis=1) > 0).any() or s >= 0.5
    }
    assert misses <= (KNOWN_MISSES if backend == "default" else set()), dict(
        zip(replies, np.round(score, 2), strict=True)
    )
