"""The emotion-model contract, run on every installed emotion backend (river-style
estimator checks): built with no arguments, name and version, shapes, probabilities,
determinism, batch independence, empty input. A backend whose optional dependency (torch)
or artefact is missing is skipped with the reason."""

from __future__ import annotations

import numpy as np
import pytest

from empathos import plugins
from empathos.understand.protocols import (
    CX_EMOTIONS,
    EmotionModel,
    UnknownModelError,
    available_emotion_models,
    get_emotion_model,
)
from tests.contracts._models import TEXTS, slow_unless_lexicon


def _emotion(name: str) -> EmotionModel:
    try:
        return get_emotion_model(name)
    except ImportError as exc:
        pytest.skip(f"{name}: optional dependency missing ({exc})")
    except FileNotFoundError as exc:
        pytest.skip(f"{name}: model artefact not built ({exc})")


def test_backends_are_installed() -> None:
    assert {"lexicon", "default", "fast"} <= set(available_emotion_models())
    assert available_emotion_models() == plugins.names("emotion_models")


def test_unknown_name_lists_the_available_ones() -> None:
    with pytest.raises(UnknownModelError, match="available: default, fast, lexicon"):
        get_emotion_model("no-such-model")
    with pytest.raises(KeyError):  # every unknown plug-in is a KeyError
        get_emotion_model("no-such-model")


@pytest.mark.parametrize("name", slow_unless_lexicon(plugins.names("emotion_models")))
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
    # Batch-independent, given the same inputs: a backend may read ``languages`` (default
    # picks its polarity head by language), so both calls pass the same ones.
    langs = ["en"] * len(TEXTS)
    batch = model.predict_proba(TEXTS, languages=langs)
    single = model.predict_proba(TEXTS[:1], languages=langs[:1])
    np.testing.assert_allclose(single[0], batch[0], atol=1e-4)
    assert model.predict_proba([]).shape == (0, len(CX_EMOTIONS))
