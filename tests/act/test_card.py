"""The assist card: built from a real store, all four sections, in the employee's language."""

from __future__ import annotations

import pytest

from empathos.act.card import (
    CustomerRecord,
    TurnEmotion,
    available_languages,
    build_card,
    ending_guidance,
    handoff_note,
    load_customer_record,
    next_best_action,
    texts,
    trigger_turn,
)
from tests.act.live_store import NOW, fill

SECTIONS = ("historical", "contextual", "predictive", "ending")
TURNS = [
    TurnEmotion(1, "customer", "My bill is wrong again.", "frustration", -0.5, 0.6),
    TurnEmotion(2, "employee", "Let me look into it."),
    TurnEmotion(3, "customer", "This is unacceptable, I am furious!", "anger", -0.85, 0.95),
    TurnEmotion(4, "employee", "I have corrected the invoice."),
    TurnEmotion(5, "customer", "Thank you, that helps.", "gratitude", 0.6, 0.5),
]


def keys(d: dict, prefix: str = "") -> set[str]:
    out = set()
    for k, v in d.items():
        out |= keys(v, f"{prefix}{k}.") if isinstance(v, dict) else {f"{prefix}{k}"}
    return out


def test_every_language_has_the_same_texts() -> None:
    assert {"en", "de"} <= set(available_languages())
    reference = keys(texts("en"))
    for lang in available_languages():
        assert keys(texts(lang)) == reference, lang


def test_record_from_the_store(engine) -> None:
    fill(engine)
    r = load_customer_record(engine, "c-hist")
    assert r.found and r.pod_id == "pod-a" and r.language == "en"
    assert [c.interaction_id for c in r.last_contacts] == ["i-3", "i-2", "i-1"]  # newest first
    assert r.rapport == pytest.approx({"e-bill": -0.4, "e-tech": 0.4})
    assert r.journey["balance"] == pytest.approx(-0.35)
    assert r.scores["p_churn"] == pytest.approx(0.3) and r.scores["clv"] == pytest.approx(820.0)
    assert r.attempt("billing", NOW) == 1 and r.attempt("technical", NOW) == 0  # i-3 was 2 days ago
    unknown = load_customer_record(engine, "nobody")
    assert not unknown.found and unknown.last_contacts == () and unknown.scores is None


def test_card_sections_in_english_and_german(engine) -> None:
    fill(engine)
    record = load_customer_record(engine, "c-hist")
    en = build_card("en", record, TURNS, "billing", "calm", attempt=1)
    de = build_card("de-AT", record, TURNS, "billing", "calm", attempt=1)
    assert en["language"] == "en" and de["language"] == "de" and not de["language_fell_back"]
    for card in (en, de):
        for s in SECTIONS:
            assert card[s]["title"] and card[s]["lines"], s
    assert en["historical"]["title"] == "History" and de["historical"]["title"] == "Verlauf"
    assert len(en["historical"]["contacts"]) == 3
    assert "remembered -0.20" in en["historical"]["lines"][0]
    assert "erinnert -0,20" in de["historical"]["lines"][0]
    assert any("negative" in line for line in en["historical"]["lines"])  # journey tone
    assert en["contextual"]["trigger_seq"] == 3  # the most intense customer turn
    assert [t["seq"] for t in en["contextual"]["trajectory"]] == [1, 3, 5]
    assert en["predictive"]["churn_risk"] == pytest.approx(0.3)
    assert (
        "Churn risk 30%" in en["predictive"]["lines"]
        and "Abwanderungsrisiko 30 %" in de["predictive"]["lines"]
    )
    assert en["predictive"]["next_best_action"] == "first_time"
    assert en["contextual"]["lines"] != de["contextual"]["lines"]


def test_unknown_language_falls_back_to_english_and_says_so() -> None:
    card = build_card("xx", CustomerRecord("c"), [], "general", "calm")
    assert card["language"] == "en" and card["language_fell_back"]
    assert card["predictive"]["lines"][0] == "No predictions for this customer yet."


def test_ending_guidance_follows_peak_and_end() -> None:
    record = CustomerRecord(
        "c", journey={"balance": -0.5, "n_interactions": 2, "n_negative": 2, "memory": -1}
    )
    lines = ending_guidance("en", TURNS, record)
    assert lines[0].startswith("The low point was turn 3 (angry)")
    assert any("recovering" in x for x in lines) and any(
        "memory of us is negative" in x for x in lines
    )
    still_bad = ending_guidance("en", TURNS[:3], CustomerRecord("c"))
    assert any(x.startswith("The customer is still angry") for x in still_bad)
    calm = ending_guidance(
        "en", [TurnEmotion(1, "customer", "hi", "neutral", 0.0, 0.1)], CustomerRecord("c")
    )
    assert len(calm) == 3  # only summarise / anything else / personal close


@pytest.mark.parametrize(
    ("need", "mood", "attempt", "scores", "journey", "action"),
    [
        ("cancellation", "calm", 0, None, None, "retain"),
        ("billing", "calm", 0, {"p_churn": 0.7}, None, "retain"),
        ("billing", "distressed", 0, None, {"balance": -0.2}, "repair"),
        ("billing", "calm", 2, None, None, "first_time"),
        ("complaint", "calm", 0, None, None, "complaint"),
        ("sales", "calm", 0, None, None, "offer"),
        ("billing", "calm", 0, {"p_churn": 0.1, "clv": 300.0}, None, "offer"),
        ("technical", "distressed", 0, None, None, "resolve"),
    ],
)
def test_next_best_action_rules(need, mood, attempt, scores, journey, action) -> None:
    assert (
        next_best_action(CustomerRecord("c", scores=scores, journey=journey), need, mood, attempt)
        == action
    )


def test_handoff_note_in_the_receiving_employees_language() -> None:
    lang, note = handoff_note(
        "de", "e-bill", "billing", "sales", "distressed", TURNS, ("need", "mood"), 0.8, 0.5
    )
    assert lang == "de"
    assert note.splitlines()[0] == "Übergabe von e-bill"
    assert (
        "Rechnung → Vertrieb / Upgrade" in note
        and "Beitrag 3" in note
        and "0,80 gegenüber 0,50" in note
    )
    _, en = handoff_note("en", None, "billing", "billing", "calm", TURNS[:1])
    assert en.splitlines()[0] == "Handover from the bot"


def test_trigger_turn_is_the_most_intense_customer_turn() -> None:
    assert trigger_turn(TURNS).seq == 3
    assert trigger_turn([TurnEmotion(1, "employee", "hello")]) is None
