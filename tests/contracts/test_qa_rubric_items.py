"""The QA rubric-item contract, run on every installed item (``qa_rubric_items``).

What every item must do, whatever its rule: be built with no arguments with a name (its
registered name), a version and a description; on any contact return an
:class:`~empathos.understand.qa.rubric.ItemResult` whose score is in [0, 1] exactly when
it passes or fails (not applicable and unknown carry None, never 0) and whose reason is
said; quote as evidence only turns of the contact, each excerpt a verbatim piece of that
turn; be deterministic; leave the contact alone; work with no options (its defaults) and
with the rubric's pass mark; and find nothing to judge on a contact with no turns.
"""

from __future__ import annotations

import copy
from datetime import datetime, timedelta

import pytest

from empathos import plugins
from empathos.understand.qa.rubric import ItemResult, QAContact, QATurn, RubricItem, get_item

NAMES = plugins.names("qa_rubric_items")
T0 = datetime(2026, 3, 2, 9, 0)


def _t(seq: int, speaker: str, text: str, minutes: float = 0.0, **kw) -> QATurn:
    return QATurn(seq, speaker, text, T0 + timedelta(minutes=minutes), **kw)


CONTACTS = {
    "empty": QAContact("q-empty", ()),
    "customer-only": QAContact(
        "q-cust", (_t(1, "customer", "Hello? Is anyone there? My order never arrived."),)
    ),
    "bot-only": QAContact(
        "q-bot",
        (
            _t(1, "customer", "I need to reset my password"),
            _t(2, "bot", "Here is how: click 'forgot password'."),
        ),
        channel="self_service",
    ),
    "annotated-chat": QAContact(
        "q-chat",
        (
            _t(
                1,
                "customer",
                "Hi, I was charged twice for order 123, this is unacceptable!",
                emotion=("anger", -0.8),
            ),
            _t(
                2,
                "employee",
                "Hello, my name is Ana. I'm so sorry, that must be frustrating. "
                "May I have your order number?",
                1,
                author_id="e-1",
                empathy=(2, 0, 1),
            ),
            _t(3, "customer", "It is 123.", 2, emotion=("neutral", 0.0)),
            _t(
                4,
                "employee",
                "So you were charged twice for 123. I have refunded the second charge.",
                30,
                author_id="e-2",
                empathy=(0, 1, 0),
            ),
            _t(5, "customer", "Thank you so much!", 31, emotion=("gratitude", 0.8)),
            _t(
                6,
                "employee",
                "You're welcome, anything else I can help with?",
                32,
                author_id="e-2",
                empathy=(0, 0, 0),
            ),
        ),
        channel="chat",
        recorded_transfers=1,
    ),
    "unannotated-de": QAContact(
        "q-de",
        (
            QATurn(1, "customer", "Guten Tag, meine Rechnung ist falsch, ich bin verärgert."),
            QATurn(2, "employee", "Guten Tag! Wie ist Ihre Kundennummer?", author_id="e-9"),
            QATurn(3, "customer", "12345"),
            QATurn(
                4, "employee", "Ich habe die Rechnung storniert. Schönen Tag noch!", author_id="e-9"
            ),
        ),
        language="de",
    ),
    "repeats-and-waits": QAContact(
        "q-effort",
        (
            _t(1, "customer", "My internet has not worked since Monday, please help"),
            _t(2, "employee", "Let me check.", 45, author_id="e-1"),
            _t(3, "customer", "My internet has not worked since Monday, please help!!", 46),
            _t(4, "employee", "Please restart the router.", 47, author_id="e-1"),
        ),
        channel="chat",
    ),
}


def test_items_are_installed() -> None:
    """The suite's parametrisation is not empty (the built-ins are pinned in test_plugins)."""
    assert {"greeting_identification", "effort"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_builds_with_no_arguments(name: str) -> None:
    item = get_item(name)
    assert isinstance(item, RubricItem)
    assert item.name == name, "an item's name is the name it is registered under"
    assert isinstance(item.version, str) and item.version
    assert isinstance(item.description, str) and item.description


@pytest.mark.parametrize("case", list(CONTACTS))
@pytest.mark.parametrize("name", NAMES)
def test_score_contract(name: str, case: str) -> None:
    contact = CONTACTS[case]
    before = copy.deepcopy(contact)
    for options in ({}, {"pass_mark": 0.5}):
        res = get_item(name).score(contact, options)
        assert isinstance(res, ItemResult)
        assert res.reason.strip(), "every verdict says why"
        if res.status in ("pass", "fail"):
            assert res.score is not None and 0.0 <= res.score <= 1.0
        else:
            assert res.score is None, "not applicable / unknown is never scored (never 0)"
        turns = {t.seq: t for t in contact.turns}
        for e in res.evidence:
            assert e.seq in turns, "evidence quotes a turn of the contact"
            assert e.excerpt and e.excerpt in turns[e.seq].text, "the excerpt is verbatim"
            assert e.speaker == turns[e.seq].speaker
        again = get_item(name).score(contact, options)
        assert again == res, "deterministic"
        assert res.as_dict()["status"] == res.status  # JSON-ready for the store
    assert contact == before, "the item mutated the contact"


@pytest.mark.parametrize("name", NAMES)
def test_nothing_to_judge_on_an_empty_contact(name: str) -> None:
    res = get_item(name).score(CONTACTS["empty"], {})
    assert res.status in ("not_applicable", "unknown") and res.score is None
