"""The empathy-model contract, run on every installed empathy backend (river-style
estimator checks): built with no arguments, name and version, shapes (3 mechanisms x 3
levels), probabilities, determinism, empty input, mismatched lengths rejected."""

from __future__ import annotations

import numpy as np
import pytest

from empathos import plugins
from empathos.understand.protocols import (
    EMPATHY_LEVELS,
    EMPATHY_MECHANISMS,
    EmpathyModel,
    UnknownModelError,
    available_empathy_models,
    get_empathy_model,
)
from tests.contracts._models import REPLIES, SEEKERS, slow_unless_lexicon


def _empathy(name: str) -> EmpathyModel:
    try:
        return get_empathy_model(name)
    except ImportError as exc:
        pytest.skip(f"{name}: optional dependency missing ({exc})")
    except FileNotFoundError as exc:
        pytest.skip(f"{name}: model artefact not built ({exc})")


def test_backends_are_installed() -> None:
    assert {"lexicon", "default", "fast"} <= set(available_empathy_models())
    assert available_empathy_models() == plugins.names("empathy_models")


def test_unknown_name_lists_the_available_ones() -> None:
    with pytest.raises(UnknownModelError, match="available: default, fast, lexicon"):
        get_empathy_model("no-such-model")


@pytest.mark.parametrize("name", slow_unless_lexicon(plugins.names("empathy_models")))
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
