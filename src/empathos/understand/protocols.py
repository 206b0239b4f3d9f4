"""The contracts every understand backend meets, and the registry that names them.

Scores and decisions are separate: a model only returns probabilities (no side effects,
no store access); the pipeline decides what to write. Backends are registered under a
versioned name (``emotion.default.v1`` style) so several can coexist on the same turns
and a rerun with a new model stays comparable and reversible.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

import numpy as np

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


class UnknownModelError(KeyError):
    """Raised for a model name nobody registered; the message lists the available ones."""


_EMOTION: dict[str, Callable[[], EmotionModel]] = {}
_EMPATHY: dict[str, Callable[[], EmpathyModel]] = {}


def register_emotion(
    name: str,
) -> Callable[[Callable[[], EmotionModel]], Callable[[], EmotionModel]]:
    """Register an emotion backend factory under ``name`` (e.g. ``"lexicon"``)."""

    def deco(factory: Callable[[], EmotionModel]) -> Callable[[], EmotionModel]:
        _EMOTION[name] = factory
        return factory

    return deco


def register_empathy(
    name: str,
) -> Callable[[Callable[[], EmpathyModel]], Callable[[], EmpathyModel]]:
    """Register an empathy backend factory under ``name``."""

    def deco(factory: Callable[[], EmpathyModel]) -> Callable[[], EmpathyModel]:
        _EMPATHY[name] = factory
        return factory

    return deco


def _resolve(kind: str, registry: dict[str, Callable], name: str):  # noqa: ANN202
    if name not in registry:
        available = ", ".join(sorted(registry)) or "(none registered)"
        raise UnknownModelError(f"unknown {kind} model {name!r}; available: {available}")
    return registry[name]()


def get_emotion_model(name: str) -> EmotionModel:
    """Build the registered emotion backend ``name``; unknown names list the available ones."""
    _load_builtin_backends()
    return _resolve("emotion", _EMOTION, name)


def get_empathy_model(name: str) -> EmpathyModel:
    """Build the registered empathy backend ``name``; unknown names list the available ones."""
    _load_builtin_backends()
    return _resolve("empathy", _EMPATHY, name)


def available_emotion_models() -> list[str]:
    _load_builtin_backends()
    return sorted(_EMOTION)


def available_empathy_models() -> list[str]:
    _load_builtin_backends()
    return sorted(_EMPATHY)


def _load_builtin_backends() -> None:
    """Import the backend modules so their ``register_*`` decorators run (lazily, not at
    package import, so that importing the protocols never loads a model)."""
    import importlib

    for module in ("empathos.understand.backends",):
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:  # the backends package is optional only while absent
            if exc.name != module:
                raise
