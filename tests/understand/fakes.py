"""Hand-built fake backends for fast tests (DESIGN.md: fast unit tests use fakes).

They meet the protocols of ``empathos.understand.protocols`` with keyword rules whose
output a test can predict exactly, and they count what they were asked, so a test can
prove that an incremental run did not re-annotate anything.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from empathos.understand.protocols import CX_EMOTIONS, EMPATHY_MECHANISMS

_RULES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("furious", "angry", "unacceptable", "wütend"), "anger"),
    (("third time", "again", "still", "frustrat"), "frustration"),
    (("worried", "afraid", "scared"), "anxiety"),
    (("disappointed", "sad"), "sadness"),
    (("don't understand", "confused", "?"), "confusion"),
    (("thank", "danke", "gracias"), "gratitude"),
    (("relieved", "phew"), "relief"),
    (("great", "perfect", "happy"), "joy"),
)


def fake_emotion_label(text: str) -> str:
    t = text.casefold()
    for keys, label in _RULES:
        if any(k in t for k in keys):
            return label
    return "neutral"


class FakeEmotionModel:
    """Puts ``confidence`` on the keyword-rule label and spreads the rest evenly."""

    def __init__(self, name: str = "fake", version: str = "1", confidence: float = 0.92) -> None:
        self.name = name
        self.version = version
        self.confidence = confidence
        self.calls: list[list[str]] = []

    @property
    def n_texts(self) -> int:
        return sum(len(c) for c in self.calls)

    def predict_proba(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> np.ndarray:
        self.calls.append(list(texts))
        k = len(CX_EMOTIONS)
        out = np.full((len(texts), k), (1.0 - self.confidence) / (k - 1))
        for i, t in enumerate(texts):
            out[i, CX_EMOTIONS.index(fake_emotion_label(t))] = self.confidence
        return out


class FakeEmpathyModel:
    """Emotional reaction for "sorry to hear"/"I understand", interpretation for "you must",
    exploration for a question; "sorry for the inconvenience" alone is sympathy: level 0."""

    def __init__(self, name: str = "fake-empathy", version: str = "1") -> None:
        self.name = name
        self.version = version
        self.calls: list[tuple[list[str], list[str]]] = []

    @property
    def n_texts(self) -> int:
        return sum(len(c[1]) for c in self.calls)

    def predict_proba(
        self,
        seeker_texts: Sequence[str],
        response_texts: Sequence[str],
        languages: Sequence[str | None] | None = None,
    ) -> np.ndarray:
        assert len(seeker_texts) == len(response_texts)
        self.calls.append((list(seeker_texts), list(response_texts)))
        out = np.zeros((len(response_texts), len(EMPATHY_MECHANISMS), 3))
        for i, r in enumerate(response_texts):
            t = r.casefold()
            levels = (
                2 if ("sorry to hear" in t or "i understand" in t) else 0,
                2 if "you must" in t else 0,
                1 if "?" in t else 0,
            )
            for j, lvl in enumerate(levels):
                out[i, j] = 0.05
                out[i, j, lvl] = 0.9
        return out
