"""The polarity stack of the emotion heads: negative / neutral / positive, per language.

Two kinds of softmax head on the same features: one *joint* head trained on every
language's tweets (UMSAB train, six languages) plus the Reddit and TweetEval texts mapped to
polarity, and one *in-language* head per UMSAB language trained on that language's train
split only. For a text whose language has an in-language head, the logits are mixed,
``z = (1 − w_L)·z_joint + w_L·z_L + b_L·z_char``, where ``z_char`` is a character n-gram
TF-IDF head of that language (``_chargram.py``), then divided by a temperature ``T_L``;
otherwise the joint logits are divided by the joint temperature. ``w_L`` and ``b_L`` are
chosen on the language's validation split (macro-F1), ``T_L`` fitted there by NLL
(``understand/calibration.py``).
Why a stack: the XLM-T probe showed in-language heads win on some languages (de, it, es) and
lose on others (en), and a mix tuned on validation takes the better of both per language.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from empathos.understand.backends._chargram import CharGramHead
from empathos.understand.backends._linear import LinearHead, softmax

PREFIX = "pol_"


def _scalar(arrays: dict[str, np.ndarray], key: str, default: float) -> float:
    return float(np.asarray(arrays[key]).reshape(-1)[0]) if key in arrays else default


class PolarityStack:
    """Calibrated ``(n, 3)`` polarity probabilities from emotion features and languages."""

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        self.joint = LinearHead.from_arrays(arrays, PREFIX)
        self.joint_temperature = _scalar(arrays, f"{PREFIX}temperature", 1.0)
        self.languages: dict[str, tuple[LinearHead, float, float]] = {}
        self.chargrams: dict[str, tuple[CharGramHead, float]] = {}
        for key in arrays:
            if key.startswith(PREFIX) and key.endswith("_mix"):
                lang = key[len(PREFIX) : -len("_mix")]
                p = f"{PREFIX}{lang}_"
                self.languages[lang] = (
                    LinearHead.from_arrays(arrays, p),
                    _scalar(arrays, f"{p}mix", 0.0),
                    _scalar(arrays, f"{p}temperature", 1.0),
                )
                if f"{p}char_vocab" in arrays:
                    self.chargrams[lang] = (
                        CharGramHead.from_arrays(arrays, f"{p}char_"),
                        _scalar(arrays, f"{p}char_weight", 0.0),
                    )

    @staticmethod
    def available(arrays: dict[str, np.ndarray]) -> bool:
        return f"{PREFIX}coef" in arrays

    def logits(
        self,
        x: np.ndarray,
        languages: Sequence[str | None] | None = None,
        calibrated: bool = True,
        texts: Sequence[str] | None = None,
    ) -> np.ndarray:
        """Calibrated logits (already divided by the temperature; ``calibrated=False``:
        temperature 1)."""
        zj = self.joint.logits(x)
        z = zj / (self.joint_temperature if calibrated else 1.0)
        if languages is None or not self.languages:
            return z
        groups: dict[str, list[int]] = {}
        for i, lang in enumerate(languages):
            groups.setdefault((lang or "").split("-")[0].lower(), []).append(i)
        for lang, rows in groups.items():
            if lang not in self.languages:
                continue
            head, mix, temperature = self.languages[lang]
            whole = len(rows) == len(languages)  # one language per batch: no row copies
            xr = x if whole else x[rows]
            zl = head.logits(xr)
            zs = (1.0 - mix) * (zj if whole else zj[rows]) + mix * zl
            if lang in self.chargrams and texts is not None:
                char, weight = self.chargrams[lang]
                if weight:
                    zs = zs + weight * char.logits(
                        list(texts) if whole else [texts[i] for i in rows]
                    )
            z[rows] = zs / (temperature if calibrated else 1.0)
        return z

    def predict_proba(
        self,
        x: np.ndarray,
        languages: Sequence[str | None] | None = None,
        calibrated: bool = True,
        texts: Sequence[str] | None = None,
    ) -> np.ndarray:
        """``texts`` feed the character n-gram heads (without them those are left out)."""
        if x.shape[0] == 0:
            return np.zeros((0, 3))
        return softmax(self.logits(x, languages, calibrated, texts))
