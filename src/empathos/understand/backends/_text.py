"""Text normalisation and fast cue matching shared by the lexicon backends and the
lexicon features of the learned models."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

import numpy as np

_EXTRA = str.maketrans({"ł": "l", "Ł": "l", "ß": "ss", "’": "'", "‘": "'", "ø": "o", "đ": "d"})
# The combining-mark blocks NFKD leaves behind Latin, Greek and Cyrillic letters; one regex
# pass instead of a Python loop over characters (the loop was most of a turn's cue cost).
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def normalise(text: str) -> str:
    """Lower case, accents stripped (``é``->``e``, ``ł``->``l``, ``ß``->``ss``), typographic
    apostrophes made plain, whitespace collapsed: one spelling for every cue list."""
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text.translate(_EXTRA)))
    return " ".join(text.lower().split())


def _cue_tokens(cue: str) -> tuple[list[str], str]:
    """A cue as regex tokens (one per character, a space matching any whitespace) and the
    suffix that ends it (``\\w*`` for a prefix cue, a word boundary after a letter)."""
    prefix = cue.endswith("*")
    body = cue.rstrip("*")
    tokens = [r"\s+" if ch == " " else re.escape(ch) for ch in body]
    suffix = r"\w*" if prefix else (r"(?!\w)" if body[-1:].isalnum() else "")
    return tokens, suffix


def _trie_regex(cues: Iterable[str]) -> str:
    """One alternation over ``cues`` folded into a prefix tree: at each text position the
    engine checks one character per branch instead of trying every cue in turn (the flat
    alternation cost ~0.4 ms a turn per category). Longer continuations are tried before a
    cue ending at a node, as the flat list sorted longest-first did."""
    trie: dict = {}
    for cue in cues:
        tokens, suffix = _cue_tokens(cue)
        node = trie
        for tok in tokens:
            node = node.setdefault(tok, {})
        node.setdefault("", set()).add(suffix)

    def emit(node: dict) -> str:
        alts = [tok + emit(child) for tok, child in node.items() if tok != ""]
        ends = sorted(node.get("", ()), key=lambda x: (x != r"\w*", x))  # \w* before others
        alts += ends
        if len(alts) == 1:
            return alts[0]
        return "(?:" + "|".join(alts) + ")"

    return emit(trie) if trie else "(?!)"


class CueMatcher:
    """Counts, per category, how many cue occurrences a normalised text contains.

    One compiled alternation per category keeps matching at C speed (a few µs a text)."""

    def __init__(self, categories: dict[str, Iterable[str]]) -> None:
        self.names: tuple[str, ...] = tuple(categories)
        self._patterns = [self._compile(set(cues)) for cues in categories.values()]

    @staticmethod
    def _compile(cues: set[str]) -> re.Pattern[str]:
        bounded = [c for c in cues if c[:1].isalnum()]  # a cue starting a word
        free = [c for c in cues if not c[:1].isalnum()]  # emoji, "?", "!"
        parts = []
        if bounded:
            parts.append(r"(?<!\w)" + _trie_regex(bounded))
        if free:
            parts.append(_trie_regex(free))
        return re.compile("|".join(parts) if parts else "(?!)")

    def spans(self, text: str) -> list[list[tuple[int, int]]]:
        """Match spans per category in an already normalised text."""
        return [[m.span() for m in p.finditer(text)] for p in self._patterns]

    def patterns(self) -> list[tuple[str, re.Pattern[str]]]:
        """``(category, compiled alternation)`` pairs, for callers that only need to know
        whether a category occurs (``pattern.search``: what ``counts(...) > 0`` says, without
        finding every match)."""
        return list(zip(self.names, self._patterns, strict=True))

    def counts(self, texts: Sequence[str], normalised: bool = False) -> np.ndarray:
        """``(n, n_categories)`` cue counts."""
        out = np.zeros((len(texts), len(self._patterns)), dtype=np.float64)
        for i, t in enumerate(texts):
            t = t if normalised else normalise(t)
            for j, p in enumerate(self._patterns):
                out[i, j] = len(p.findall(t))
        return out
