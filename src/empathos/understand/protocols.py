"""The contracts every understand backend meets, and the registry that names them.

Scores and decisions are separate: a model only returns probabilities (no side effects,
no store access); the pipeline decides what to write. Backends are named plug-ins
(:mod:`empathos.plugins`, kinds ``emotion_models`` and ``empathy_models``: one class, built
with no arguments, and one entry point each) and stamp their results with a versioned name
(``emotion.default.v1`` style) so several can coexist on the same turns and a rerun with
a new model stays comparable and reversible.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from empathos import plugins

# The CX emotions of DESIGN.md, in the fixed column order of every probability array.
CX_EMOTIONS: tuple[str, ...] = (
    "anger",
    "frustration",
    "anxiety",
    "sadness",  # sadness / disappointment
    "confusion",
    "neutral",
    "joy",  # satisfaction / joy
    "gratitude",
    "relief",
)

# The three EPITOME mechanisms of empathic communication (Sharma et al., EMNLP 2020),
# each scored at level 0 (none), 1 (weak), 2 (strong).
EMPATHY_MECHANISMS: tuple[str, ...] = ("emotional_reaction", "interpretation", "exploration")
EMPATHY_LEVELS: tuple[int, ...] = (0, 1, 2)


@runtime_checkable
class EmotionModel(Protocol):
    """Batch of customer texts in, ``(n, len(CX_EMOTIONS))`` probabilities out (rows sum to 1)."""

    name: str
    version: str

    def predict_proba(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> np.ndarray: ...


@runtime_checkable
class EmpathyModel(Protocol):
    """Pairs (what the customer said before, the employee's reply) in,
    ``(n, 3 mechanisms, 3 levels)`` probabilities out (each mechanism's levels sum to 1)."""

    name: str
    version: str

    def predict_proba(
        self,
        seeker_texts: Sequence[str],
        response_texts: Sequence[str],
        languages: Sequence[str | None] | None = None,
    ) -> np.ndarray: ...


class UnknownModelError(plugins.UnknownPluginError):
    """Raised for a model name nobody installed; the message lists the available ones."""


def _build(kind: str, name: str):  # noqa: ANN202 - EmotionModel or EmpathyModel
    """The backend class installed as ``name`` (an entry point of ``kind``), built with no
    arguments. Nothing is imported until a model is asked for, so importing the protocols
    never loads a model."""
    try:
        cls = plugins.load(kind, name)
    except plugins.UnknownPluginError as exc:
        raise UnknownModelError(exc.message) from None
    return cls()


def get_emotion_model(name: str) -> EmotionModel:
    """Build the emotion backend installed as ``name``; unknown names list the available ones."""
    return _build("emotion_models", name)


def get_empathy_model(name: str) -> EmpathyModel:
    """Build the empathy backend installed as ``name``; unknown names list the available ones."""
    return _build("empathy_models", name)


def available_emotion_models() -> list[str]:
    """Names of the installed emotion backends, sorted."""
    return plugins.names("emotion_models")


def available_empathy_models() -> list[str]:
    """Names of the installed empathy backends, sorted."""
    return plugins.names("empathy_models")
