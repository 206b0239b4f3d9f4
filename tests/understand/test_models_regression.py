"""Regression guard (not a quality claim): the default backends' outputs on a fixed small
sample stay within a tolerance of the committed expectations. After an intended model
change, refresh them with
``EMPATHOS_UPDATE_EXPECTATIONS=1 pytest tests/understand/test_models_regression.py``."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from empathos.understand.protocols import get_emotion_model, get_empathy_model

EXPECTED = Path(__file__).parent / "data" / "default_expectations.json"
TOLERANCE = 0.02  # absolute, per probability: float16 weights and BLAS order stay far below it

SAMPLE = [
    "Third time I write, my parcel still hasn't arrived and nobody answers!",
    "Thank you so much, the refund came through.",
    "I don't understand this charge on my invoice.",
    "I'm really worried my account was hacked.",
    "Das ist eine Frechheit, ich will sofort mein Geld zurück.",
    "Vielen Dank für die schnelle Hilfe!",
    "No entiendo por qué me cobraron dos veces.",
    "Sono molto deluso dal servizio.",
    "Dziękuję, wszystko działa.",
    "Je suis soulagée, tout est réglé.",
    "Please change my delivery address.",
    "",
]
PAIRS = [
    ("My order is late again.", "Sorry for the inconvenience."),
    (
        "My order is late again.",
        "That must be really frustrating after waiting so long. What did the courier tell you?",
    ),
    (
        "Meine Rechnung ist falsch.",
        "Ich verstehe, dass Sie verärgert sind. Können Sie mir die Rechnungsnummer nennen?",
    ),
    ("Il pacco è arrivato rotto.", "Ci scusiamo per il disagio."),
]


def _outputs() -> dict[str, list]:
    emotion = get_emotion_model("default")
    empathy = get_empathy_model("default")
    return {
        "emotion_version": emotion.version,
        "empathy_version": empathy.version,
        "emotion": np.round(emotion.predict_proba(SAMPLE), 4).tolist(),
        "empathy": np.round(
            empathy.predict_proba([p[0] for p in PAIRS], [p[1] for p in PAIRS]), 4
        ).tolist(),
    }


@pytest.mark.slow
def test_default_predictions_match_stored_expectations() -> None:
    got = _outputs()
    if os.environ.get("EMPATHOS_UPDATE_EXPECTATIONS") or not EXPECTED.exists():
        EXPECTED.write_text(json.dumps(got, indent=1) + "\n")
        if not os.environ.get("EMPATHOS_UPDATE_EXPECTATIONS"):
            pytest.fail(f"{EXPECTED} did not exist; written now, commit it")
    want = json.loads(EXPECTED.read_text())
    assert got["emotion_version"] == want["emotion_version"]
    assert got["empathy_version"] == want["empathy_version"]
    np.testing.assert_allclose(np.array(got["emotion"]), np.array(want["emotion"]), atol=TOLERANCE)
    np.testing.assert_allclose(np.array(got["empathy"]), np.array(want["empathy"]), atol=TOLERANCE)
