"""The valence bands every stage thresholds on, derived from the emotion model's calibration.

"Negative" and "positive" customer turns are decided in one place: a turn is *negative*
when its valence is at or below ``NEGATIVE`` and *positive* at or above ``POSITIVE``. The two
numbers are not hand-set: ``python -m empathos.understand.train emotion`` chooses them on
UMSAB *val* (six languages of tweets with negative/neutral/positive gold), on the calibrated
valence the ``default`` backend serves, as the pair that maximises three-way macro-F1 among
those that put at least 75 % of the negative val tweets in the negative band (the issue asks
70 % on test), and writes them into the artefact's card (``bands``). They are read from the
card of the emotion artefact the ``default`` backend loads (``Settings.models_dir`` when a
retrained one is promoted there, else the packaged one).

Who uses them: the unhelpful-turn rule of the agent empathy score
(``pipeline/run.py``: an empathy-free reply to a *negative* turn), the sentiment events of the
Genesys-style customer score (``peak_end.customer_sentiment_score``), triage's "clearly
negative" rule (``act/triage.py``) and the contact card's negative-peak and still-negative
advice (``act/card.py``). A backend other than ``default`` is not calibrated to these
bands; the bench reports each backend at them (docs/understand.md).

Without a card that carries bands (a v1 artefact) the previous hand-set ±0.25 apply, and
``BANDS.source`` says so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from empathos.understand.backends._linear import artefact_dir

EMOTION_ARTEFACT = "emotion-default"
LEGACY_NEGATIVE, LEGACY_POSITIVE = -0.25, 0.25


@dataclass(frozen=True)
class Bands:
    """Valence cut-offs: ``v <= negative`` is negative, ``v >= positive`` positive."""

    negative: float
    positive: float
    source: str

    def label(self, valence: float) -> str:
        """``negative`` / ``neutral`` / ``positive`` for one valence."""
        if valence <= self.negative:
            return "negative"
        if valence >= self.positive:
            return "positive"
        return "neutral"


def load_bands(stem: str = EMOTION_ARTEFACT) -> Bands:
    """The bands in the card of ``stem`` (legacy ±0.25 when the card has none)."""
    path = artefact_dir(stem) / f"{stem}.json"
    card = json.loads(path.read_text()) if path.exists() else {}
    b = card.get("bands")
    if not b:
        return Bands(LEGACY_NEGATIVE, LEGACY_POSITIVE, f"legacy ±0.25 ({path.name} has no bands)")
    return Bands(
        float(b["negative"]),
        float(b["positive"]),
        f"{path.name} v{card.get('version', '?')}: {b.get('tuned_on', 'val')}",
    )


BANDS: Bands = load_bands()
NEGATIVE: float = BANDS.negative
POSITIVE: float = BANDS.positive
