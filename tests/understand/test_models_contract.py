"""The protocol contract, run on every registered emotion and empathy backend (river-style
estimator checks): shapes, probabilities, name and version, determinism, empty input."""

from __future__ import annotations

import numpy as np
import pytest

from empathos.understand.protocols import (
    CX_EMOTIONS,
    EMPATHY_LEVELS,
    EMPATHY_MECHANISMS,
    EmotionModel,
    EmpathyModel,
    UnknownModelError,
    available_emotion_models,
    available_empathy_models,
    get_emotion_model,
    get_empathy_model,
)

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


# Backends whose optional dependencies are absent are skipped with the reason.
def _emotion(name: str) -> EmotionModel:
    try:
        return get_emotion_model(name)
    except ImportError as exc:
        pytest.skip(f"{name}: optional dependency missing ({exc})")
    except FileNotFoundError as exc:
        pytest.skip(f"{name}: model artefact not built ({exc})")


def _empathy(name: str) -> EmpathyModel:
    try:
        return get_empathy_model(name)
    except ImportError as exc:
        pytest.skip(f"{name}: optional dependency missing ({exc})")
    except FileNotFoundError as exc:
        pytest.skip(f"{name}: model artefact not built ({exc})")


def _slow_unless_lexicon(names: list[str]) -> list:
    return [n if n == "lexicon" else pytest.param(n, marks=pytest.mark.slow) for n in names]


def test_backends_are_registered() -> None:
    assert {"lexicon", "default"} <= set(available_emotion_models())
    assert {"lexicon", "default"} <= set(available_empathy_models())


def test_unknown_name_lists_the_available_ones() -> None:
    with pytest.raises(UnknownModelError, match="lexicon"):
        get_emotion_model("no-such-model")


@pytest.mark.parametrize("name", _slow_unless_lexicon(available_emotion_models()))
def test_emotion_contract(name: str) -> None:
    model = _emotion(name)
    assert isinstance(model, EmotionModel)
    assert isinstance(model.name, str) and model.name
    assert isinstance(model.version, str) and model.version
    p = model.predict_proba(TEXTS)
    assert p.shape == (len(TEXTS), len(CX_EMOTIONS))
    assert np.isfinite(p).all() and (p >= 0).all()
    np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-6)
    np.testing.assert_allclose(model.predict_proba(TEXTS), p, atol=1e-6)  # deterministic
    single = model.predict_proba(TEXTS[:1], languages=["en"])
    np.testing.assert_allclose(single[0], p[0], atol=1e-4)  # batch-independent
    assert model.predict_proba([]).shape == (0, len(CX_EMOTIONS))


@pytest.mark.parametrize("name", _slow_unless_lexicon(available_empathy_models()))
def test_empathy_contract(name: str) -> None:
    model = _empathy(name)
    assert isinstance(model, EmpathyModel)
    assert model.name and model.version
    p = model.predict_proba(SEEKERS, REPLIES)
    assert p.shape == (len(REPLIES), len(EMPATHY_MECHANISMS), len(EMPATHY_LEVELS))
    assert np.isfinite(p).all() and (p >= 0).all()
    np.testing.assert_allclose(p.sum(axis=2), 1.0, atol=1e-6)
    np.testing.assert_allclose(model.predict_proba(SEEKERS, REPLIES), p, atol=1e-6)
    assert model.predict_proba([], []).shape == (0, 3, 3)
    with pytest.raises(ValueError):
        model.predict_proba(SEEKERS, REPLIES[:2])
