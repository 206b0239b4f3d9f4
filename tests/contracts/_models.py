"""Inputs shared by the emotion and empathy contract suites."""

from __future__ import annotations

import pytest

TEXTS = [
    "This is the third time I write and my parcel still has not arrived!",
    "Vielen Dank, das hat sofort geholfen.",
    "No entiendo la factura, ¿por qué me cobran dos veces?",
    "Sono preoccupato, la mia carta è stata addebitata due volte.",
    "Jestem bardzo rozczarowany, zamówienie przyszło uszkodzone.",
    "Enfin ! Merci, tout fonctionne maintenant.",
    "",
    "ok",
]
SEEKERS = TEXTS[:4]
REPLIES = [
    "I'm so sorry to hear that, it must be really frustrating. What happened exactly?",
    "Sorry for the inconvenience.",
    "Entiendo que ha tenido que esperar mucho. ¿Desde cuándo tiene el problema?",
    "",
]


def slow_unless_lexicon(names: list[str]) -> list:
    """Every backend but the lexicon loads a model: marked slow (still runs in CI)."""
    return [n if n == "lexicon" else pytest.param(n, marks=pytest.mark.slow) for n in names]
