"""A character + word n-gram TF-IDF head over GoEmotions' 28 labels, added to the embedding
head's logits (emotion v3).

Why: a linear head on the sentence embedding looked capped near 0.51 GoEmotions dev CX
macro-F1; a TF-IDF logistic regression reads the exact words and spellings ("ugh", "lol",
"thank you so much", "scared") the embedding smooths away, and the sum of the two heads'
logits beats either alone on dev (the weight of the n-gram part is chosen there, 0 leaves
it out; the card has the grid). One logistic regression is fitted on the two TF-IDF blocks
side by side (scikit-learn's ``char_wb`` and ``word`` analyzers, each L2-normalised), so
its coefficients split exactly into a :class:`CharGramHead` and a :class:`WordGramHead`
whose logits add up; the intercept lives in the character part. The same code runs in
``default`` and ``fast`` (the n-gram part does not depend on the encoder).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from empathos.understand.backends._chargram import CharGramHead
from empathos.understand.backends._wordgram import WordGramHead

PREFIX = "go_ngram_"


class NgramHead:
    """``(n, 28)`` n-gram logits, already multiplied by their stacking weight."""

    def __init__(self, char: CharGramHead, word: WordGramHead | None, weight: float) -> None:
        self.char, self.word, self.weight = char, word, float(weight)

    @staticmethod
    def available(arrays: dict[str, np.ndarray]) -> bool:
        return f"{PREFIX}char_vocab" in arrays

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> NgramHead:
        word = None
        if f"{PREFIX}word_vocab" in arrays:
            word = WordGramHead.from_arrays(arrays, f"{PREFIX}word_")
        weight = float(np.asarray(arrays[f"{PREFIX}weight"]).reshape(-1)[0])
        return cls(CharGramHead.from_arrays(arrays, f"{PREFIX}char_"), word, weight)

    def arrays(self) -> dict[str, np.ndarray]:
        out = self.char.arrays(f"{PREFIX}char_")
        if self.word is not None:
            out.update(self.word.arrays(f"{PREFIX}word_"))
        out[f"{PREFIX}weight"] = np.array([self.weight], dtype=np.float32)
        return out

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        z = self.char.logits(texts)
        if self.word is not None:
            z = z + self.word.logits(texts)
        return self.weight * z
