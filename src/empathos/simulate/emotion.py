"""The customer's simulated emotional state and how it maps to the CX emotions.

The state is (valence −1…1, arousal 0…1). The CX emotion label of a turn is a function of
the state and the context (need, phase, whether it was resolved), so the labels written
to the ground truth follow the trajectory the simulation produced. Pure functions only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Same labels and order as empathos.understand.protocols.CX_EMOTIONS (a test checks it);
# copied so the simulator does not depend on the understand stage.
CX_EMOTIONS: tuple[str, ...] = (
    "anger",
    "frustration",
    "anxiety",
    "sadness",
    "confusion",
    "neutral",
    "joy",
    "gratitude",
    "relief",
)

_WORRY_NEEDS = frozenset({"billing", "account", "cancellation", "delivery"})
_PUZZLE_NEEDS = frozenset({"technical", "account", "billing"})


def clamp(x: float, lo: float, hi: float) -> float:
    return lo if x < lo else hi if x > hi else x


@dataclass(slots=True)
class EmotionState:
    """The customer's state during one contact."""

    valence: float
    arousal: float

    def shift(self, dv: float, da: float = 0.0) -> None:
        self.valence = clamp(self.valence + dv, -1.0, 1.0)
        self.arousal = clamp(self.arousal + da, 0.0, 1.0)

    @property
    def intensity(self) -> float:
        """How strongly the emotion is felt: mostly arousal, plus distance from neutral."""
        return clamp(0.55 * self.arousal + 0.45 * abs(self.valence), 0.0, 1.0)


def label(
    valence: float,
    arousal: float,
    need: str,
    *,
    ending: bool = False,
    resolved: bool = False,
    started_negative: bool = False,
    empathic: bool = False,
) -> str:
    """The CX emotion for a state in context.

    Negative: high arousal → anger (very negative) or frustration; low arousal → anxiety
    (worry-prone needs) or sadness. Near neutral: confusion for puzzling needs when aroused.
    Positive at the end of a resolved contact: relief if it started badly, gratitude if the
    employee was empathic, else joy.
    """
    if valence <= -0.55 and arousal >= 0.55:
        return "anger"
    if valence < -0.2:
        if arousal >= 0.45:
            return "frustration"
        return "anxiety" if need in _WORRY_NEEDS and arousal >= 0.25 else "sadness"
    if valence < 0.15:
        if need in _PUZZLE_NEEDS and arousal >= 0.35 and not ending:
            return "confusion"
        return "neutral"
    if ending and resolved:
        if started_negative:
            return "relief"
        return "gratitude" if empathic else "joy"
    return "gratitude" if empathic and valence > 0.4 else "joy"


def wait_shift(minutes: float, per_log_min: float, cap: float) -> float:
    """Valence change from waiting ``minutes`` (logarithmic, capped)."""
    return max(cap, per_log_min * math.log1p(max(0.0, minutes)))


def peak_end(
    valences: list[float], intensities: list[float], peak_weight: float, end_weight: float
) -> tuple[float, float, float]:
    """(peak valence, end valence, remembered score) of the customer turns of one contact.

    The peak is the valence at the most *intense* turn (first one on ties); the end is the
    last turn's valence. Remembered = peak_weight·peak + end_weight·end, clipped to −1…1.
    """
    if not valences:
        return 0.0, 0.0, 0.0
    i = max(range(len(intensities)), key=intensities.__getitem__)
    peak, end = valences[i], valences[-1]
    return peak, end, clamp(peak_weight * peak + end_weight * end, -1.0, 1.0)


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x > -700 else 0.0


def logit(p: float) -> float:
    p = clamp(p, 1e-9, 1 - 1e-9)
    return math.log(p / (1 - p))
