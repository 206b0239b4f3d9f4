"""The QA items' faster phrase search (``items._search``) finds what the case-insensitive
patterns find, at the same positions.

It runs each pattern's case-sensitive twin on ``text.lower()`` where that is exact, so
the check is on what that rests on, for every Unicode character: a pattern literal
matches a character under IGNORECASE exactly when it equals the character's lower case,
and the character classes the patterns use (``\\w``, ``\\d``, ``\\s``, ``[^\\W\\d_]``,
hence ``\\b``) say the same of a character and of its lower case, for every character
the fast path accepts. Then the patterns themselves, on real turns (TWCS, both speakers)
and on edge cases."""

from __future__ import annotations

import csv
import re
import sys

import pytest

from empathos.understand.qa import items as qi
from empathos.understand.train_data import shared_data_dir

TWCS = shared_data_dir() / "real" / "twcs_5k.csv"
IU = re.IGNORECASE | re.UNICODE
EDGE = [
    "",
    "HELLO, MY NAME IS ANNA FROM SUPPORT",
    "Guten Tag! Ihre Bestellnummer bitte. ÄÖÜ äöü ß",
    "İstanbul: hi there, thank you for contacting us",
    "ſorry, we've ſent it - HI",
    "ΑΣ ΣΑΣ hello Σ",
    "Dzień dobry, CZEŚĆ. Mił ego DNIA",
    "K\u212a\u212b\u2126 Kelvin hello \u0131 anything else",
    "🙂 Have A Great Day! ^AB",
    "@Handle HI -Mia",
    "DZIEŃ DOBRY, PROSZĘ BARDZO — ¿ALGO MÁS? ÇA VA, BONNE JOURNÉE",
]


def _chars() -> list[str]:
    return [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]


def _fast(c: str) -> bool:
    """Whether ``_search`` takes the lower-case twin for a text holding ``c``."""
    low = c.lower()
    return c.isascii() or (len(low) == 1 and not qi._FOLD_SPECIAL.search(low))


def test_every_phrase_pattern_has_a_lower_case_twin() -> None:
    assert all(getattr(qi, name) in qi._LOWER for name in (*PHRASES, "POSITIVE_END"))
    for rx in qi._LOWER:  # no character range in a class: the literal check covers classes
        assert not re.search(r"\[[^\]]*[^\\]-[^\]]", rx.pattern), rx.pattern


def test_literals_and_classes_fold_alike_for_every_character() -> None:
    chars = _chars()
    literals = sorted({c for rx in qi._LOWER for c in re.sub(r"\\.", "", rx.pattern)})
    any_literal = re.compile("[" + "".join(re.escape(c) for c in literals) + "]", IU)
    lit_set = set(literals)
    suspects = [c for c in chars if any_literal.fullmatch(c) or c.lower() in lit_set]
    wrong = []
    for c in suspects:
        if not _fast(c):
            continue
        for p in literals:
            if bool(re.fullmatch(re.escape(p), c, IU)) != (c.lower() == p):
                wrong.append((c, p))
    assert not wrong, wrong[:20]
    classes = [re.compile(k, IU) for k in (r"\w", r"\W", r"\d", r"\s", r"[^\W\d_]")]
    cased = [c for c in chars if c.lower() != c and _fast(c)]
    assert len(cased) > 1000
    for k, rx_i in zip((r"\w", r"\W", r"\d", r"\s", r"[^\W\d_]"), classes, strict=True):
        rx = re.compile(k, re.UNICODE)
        bad = [c for c in cased if bool(rx_i.fullmatch(c)) != bool(rx.fullmatch(c.lower()))]
        assert not bad, (k, bad[:20])


def _texts() -> list[str]:
    out = list(EDGE)
    if TWCS.exists():
        with TWCS.open(encoding="utf-8") as fh:
            out += [r["text"] for r in csv.DictReader(fh) if r["text"]]
    return out


PHRASES = ("GREETING", "IDENTIFICATION", "CONFIRM", "NEGATIVE_WORDS", "RESOLUTION", "CLOSING")


@pytest.mark.parametrize("name", [*PHRASES, "POSITIVE_END"])
def test_search_equals_the_case_insensitive_pattern(name: str) -> None:
    rx = getattr(qi, name)
    assert rx in qi._LOWER
    texts = _texts()
    if len(texts) == len(EDGE):
        pytest.skip("shared/data/real not present")
    hits = 0
    for t in texts + [t.upper() for t in texts[:2000]] + [t.title() for t in texts[:2000]]:
        want, got = rx.search(t), qi._search(rx, t)
        assert (want is None) == (got is None), t
        if want is not None:
            hits += 1
            assert want.span() == got.span(), t  # type: ignore[union-attr]
    assert hits > 0
