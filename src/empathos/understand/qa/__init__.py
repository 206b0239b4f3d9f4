"""Auto-QA: a rubric of plug-in items scored on every contact, with evidence turns.

``rubric`` (the item protocol, the YAML rubric, scoring one contact), ``items`` (the
built-in items), ``scorecards`` (per employee, pod and week from the store). The
``analyze`` step that stores them is ``understand.pipeline.qa``."""

from empathos.understand.qa.rubric import (
    DEFAULT_RUBRIC,
    Evidence,
    ItemResult,
    QAContact,
    QATurn,
    Rubric,
    RubricError,
    RubricItem,
    Scorecard,
    load_rubric,
    parse_rubric,
    score_contact,
)

__all__ = [
    "DEFAULT_RUBRIC",
    "Evidence",
    "ItemResult",
    "QAContact",
    "QATurn",
    "Rubric",
    "RubricError",
    "RubricItem",
    "Scorecard",
    "load_rubric",
    "parse_rubric",
    "score_contact",
]
