"""The handoff summary on the assist card: shown when a bot or another employee handed
the contact over (never otherwise), in the employee's language, quoting the turns."""

from __future__ import annotations

from empathos.act.card import TurnEmotion
from empathos.act.handoff_summary import handed_over_by, summary_section
from tests.act.live_store import fill
from tests.act.test_live import BILLING, SALES, make_desk


def turns() -> list[TurnEmotion]:
    return [
        TurnEmotion(1, "customer", "My router has not worked since Monday.", "frustration", -0.6),
        TurnEmotion(2, "bot", "Please restart it. I will check the line for you."),
        TurnEmotion(3, "customer", "I already restarted it twice!", "anger", -0.8),
    ]


def test_no_handover_no_section() -> None:
    plain = [TurnEmotion(1, "customer", "Hi"), TurnEmotion(2, "employee", "Hello!")]
    assert summary_section("en", plain) is None
    assert handed_over_by(plain, ()) is None


def test_a_bot_handover_shows_need_tried_state_and_promise() -> None:
    sec = summary_section("en", turns())
    assert sec is not None and sec["title"] == "Handed over by the bot: summary"
    need, tried, now, promises = sec["lines"]
    assert need == "Need: [1] “My router has not worked since Monday.”"
    assert tried == "Tried so far: [3] “I already restarted it twice!”"
    assert now == "Customer now (angry): [3] “I already restarted it twice!”"
    assert promises == "Open promises: [2] “I will check the line for you.”"
    assert sec["summary"]["handed_over_by"] == "bot"


def test_the_labels_follow_the_employees_language() -> None:
    sec = summary_section("de", turns(), previous_leads=("e-7",))
    assert sec["title"] == "Übergeben von e-7: Zusammenfassung"
    assert sec["lines"][2].startswith("Kunde jetzt (verärgert)")
    assert "“I already restarted it twice!”" in sec["lines"][2]  # quotes stay verbatim


def test_the_live_card_carries_the_summary_after_a_lead_change(sqlite_store) -> None:
    fill(sqlite_store)
    sqlite_desk = make_desk(sqlite_store)
    d = sqlite_desk.open_contact("c-hist", "chat", BILLING)
    cid = d["contact_id"]
    assert sqlite_desk.card(cid)["handoff_summary"] is None
    sqlite_desk.add_turn(cid, "employee", "Let me check your invoice, I will call you back.")
    ev = sqlite_desk.add_turn(cid, "customer", SALES)
    assert "lead_change" in ev
    card = sqlite_desk.card(cid, "en")
    sec = card["handoff_summary"]
    assert sec["title"] == f"Handed over by {d['employee_id']}: summary"
    assert sec["lines"][0] == f"Need: [1] “{BILLING}”"
    assert "I will call you back." in sec["lines"][3]
    sqlite_desk.close()
