"""The built-in QA items' rules on hand-made contacts: each verdict, its evidence turn,
and the not-applicable / unknown cases (never a 0); the rubric file and the overall."""

from __future__ import annotations

from pathlib import Path

import pytest

from empathos.understand.qa.rubric import (
    DEFAULT_RUBRIC,
    RubricError,
    load_rubric,
    parse_rubric,
    score_contact,
)
from tests.contracts.test_qa_rubric_items import CONTACTS

RUBRIC = load_rubric(DEFAULT_RUBRIC)


def card(case: str):
    return score_contact(RUBRIC, CONTACTS[case])


def test_the_default_rubric_names_the_six_items() -> None:
    assert [e.item for e in RUBRIC.entries] == [
        "greeting_identification",
        "need_understood",
        "empathy_mechanisms",
        "resolution_offered",
        "ending_well",
        "effort",
    ]
    assert len(RUBRIC.version) == 12 and RUBRIC.version == load_rubric(DEFAULT_RUBRIC).version


def test_a_good_chat_passes_with_the_turns_that_show_it() -> None:
    c = card("annotated-chat")
    items = c.items
    g = items["greeting_identification"]
    assert g.status == "pass" and g.score == 1.0
    assert {e.seq for e in g.evidence} == {2}
    assert items["need_understood"].evidence[0].seq == 4  # interpretation level 1
    emp = items["empathy_mechanisms"]
    assert emp.status == "pass"
    assert emp.details["levels"] == {"emotional_reaction": 2, "interpretation": 1, "exploration": 1}
    assert emp.score == pytest.approx(4 / 6, abs=1e-4)
    assert items["resolution_offered"].evidence[0].seq == 4
    assert "refunded" in items["resolution_offered"].evidence[0].excerpt
    end = items["ending_well"]
    assert end.status == "pass" and end.score == 1.0 and end.details["customer_ok_at_end"]
    eff = items["effort"]
    assert eff.details["transfers"] == 1  # e-1 -> e-2, also the recorded count
    assert eff.details["long_waits"] == 1  # 28 minutes before turn 4 on chat (> 2 min)
    # one transfer (0.5) and one long wait (0.3): exp(-0.8) = 0.449, below the pass mark
    assert eff.status == "fail" and eff.score == pytest.approx(0.4493, abs=1e-3)
    assert c.overall is not None and c.n_scored == 6
    assert c.overall == pytest.approx((1 + 1 + 1.5 * 4 / 6 + 1.5 + 1 + 0.4493) / 7, abs=1e-3)


def test_bot_only_contact_is_not_applicable_for_employee_items_never_zero() -> None:
    c = card("bot-only")
    for name in ("greeting_identification", "need_understood", "resolution_offered"):
        assert c.items[name].status == "not_applicable" and c.items[name].score is None
    assert c.items["effort"].status == "pass"
    assert c.overall == c.items["effort"].score  # the overall is over the scored items only


def test_empathy_without_annotations_is_unknown_and_no_opportunity_is_not_applicable() -> None:
    de = card("unannotated-de").items
    assert de["empathy_mechanisms"].status == "unknown"  # upset ("verärgert"), no annotations
    assert de["greeting_identification"].status == "pass"
    assert de["resolution_offered"].status == "pass"
    assert de["ending_well"].details["closing"] is True
    calm = card("repeats-and-waits").items
    assert calm["empathy_mechanisms"].status == "not_applicable"


def test_effort_quotes_the_repeat_and_the_late_reply() -> None:
    eff = card("repeats-and-waits").items["effort"]
    assert eff.details == {"repeats": 1, "transfers": 0, "long_waits": 1}
    assert {e.seq for e in eff.evidence} == {2, 3}
    assert eff.status == "fail"  # exp(-(0.6 + 0.3)) = 0.41 < 0.5


def test_empty_contact_has_no_overall() -> None:
    c = card("empty")
    assert c.overall is None and c.n_scored == 0


def test_a_rubric_naming_an_unknown_item_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RubricError, match="unknown QA rubric item 'nope'; available: "):
        parse_rubric({"items": [{"item": "nope"}]}, "x.yaml")
    with pytest.raises(RubricError, match="weight must be > 0"):
        parse_rubric({"items": [{"item": "effort", "weight": 0}]})
    path = tmp_path / "mine.yaml"
    path.write_text("name: mine\nitems:\n  - effort\n  - item: ending_well\n    weight: 2\n")
    mine = load_rubric(path)
    assert mine.name == "mine" and [e.weight for e in mine.entries] == [1.0, 2.0]
    assert mine.version != RUBRIC.version


def test_the_setting_chooses_the_rubric(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from empathos.config import get_settings

    path = tmp_path / "only_effort.yaml"
    path.write_text("name: effort-only\nitems: [effort]\n")
    monkeypatch.setenv("EMPATHOS_QA_RUBRIC", str(path))
    get_settings.cache_clear()
    try:
        assert load_rubric().name == "effort-only"
    finally:
        monkeypatch.delenv("EMPATHOS_QA_RUBRIC")
        get_settings.cache_clear()


def test_speed_shortcuts_change_no_output() -> None:
    """``by_speaker`` is memoised and ``as_dict`` writes evidence by hand (bench/
    analyze_overhead.py): the same turns, a fresh list each call, and the dict
    ``dataclasses.asdict`` gives, on every hand-made contact."""
    from dataclasses import asdict, replace

    for name, contact in CONTACTS.items():
        fresh = replace(contact)  # no memo yet
        for speakers in (("employee",), ("customer",), ("employee", "bot")):
            want = [t for t in contact.turns if t.speaker in speakers]
            got = fresh.by_speaker(*speakers)
            assert got == want, name
            got.append(None)  # a caller's change does not leak into the memo
            assert fresh.by_speaker(*speakers) == want, name
        for res in score_contact(RUBRIC, contact).items.values():
            assert res.as_dict()["evidence"] == [asdict(e) for e in res.evidence], name


def test_evidence_as_dict_is_dataclasses_asdict() -> None:
    """Issue 19: the hand-written ``Evidence.as_dict`` is ``dataclasses.asdict``."""
    from dataclasses import asdict

    from empathos.understand.qa.rubric import Evidence

    for e in (Evidence(3, "employee", "sorry about that", "apology"), Evidence(0, "customer", "")):
        assert e.as_dict() == asdict(e)
        assert list(e.as_dict()) == list(asdict(e))
