"""Phrase banks: same structure in every language, every template renders, enough variety."""

from __future__ import annotations

import random
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from empathos.simulate import SimulationReport
from empathos.simulate import text as T
from empathos.simulate.emotion import CX_EMOTIONS
from empathos.simulate.phrasebank import BANKS, LANGUAGES, template_count

REQUIRED_LANGUAGES = {"en", "de", "es", "it", "pl", "fr"}
DISTINCT_FLOOR = {"customer": 500, "employee": 300}
"""Minimum distinct utterances per language in the medium run (~6k contacts)."""


def _shape(d: dict[str, Any], prefix: str = "") -> set[str]:
    out: set[str] = set()
    for k, v in d.items():
        out |= _shape(v, f"{prefix}{k}.") if isinstance(v, dict) else {prefix + k}
    return out


def test_every_language_has_the_same_keys() -> None:
    assert set(LANGUAGES) >= REQUIRED_LANGUAGES
    reference = _shape(BANKS["en"])
    for lang in LANGUAGES:
        assert _shape(BANKS[lang]) == reference, lang
        assert set(BANKS[lang]["feel"]) == set(CX_EMOTIONS)
        assert template_count(lang) > 120


@pytest.mark.parametrize("lang", sorted(REQUIRED_LANGUAGES))
def test_every_template_renders(lang: str) -> None:
    rng = random.Random(0)
    s = T.make_slots(rng, lang, datetime(2026, 3, 1), 3, 42.5)
    s.agent, s.issue = "Ana", "x"

    def walk(v: Any) -> None:
        if isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for t in v:
                if isinstance(t, str):
                    out = T.fill(t, s, minutes=7)
                    assert "{" not in out and out.strip()

    walk({k: v for k, v in BANKS[lang].items() if k not in ("products", "months", "names")})


def test_cx_emotions_match_the_understand_stage() -> None:
    protocols = pytest.importorskip("empathos.understand.protocols")
    assert tuple(protocols.CX_EMOTIONS) == CX_EMOTIONS


def test_distinct_utterances_above_floor(medium_run: tuple[Path, SimulationReport]) -> None:
    _, report = medium_run
    counts = report.distinct_utterances
    for lang in REQUIRED_LANGUAGES:
        for speaker, floor in DISTINCT_FLOOR.items():
            assert counts[f"{lang}:{speaker}"] >= floor, (lang, speaker, counts)
