"""The live desk's language (issue 15 item 7): a sure detection of the first message
routes the contact, a short or unsure one borrows the customer's recorded language, and
later short turns are read in the contact's language — never a silent ``en``."""

from __future__ import annotations

from sqlalchemy import insert

from empathos.act.live.desk import open_language, turn_language
from empathos.store.schema import customers
from tests.act.live_store import fill
from tests.act.test_live import make_desk

SPANISH = "Hola, mi pedido no ha llegado todavía y necesito ayuda"


def test_open_language_rule() -> None:
    assert open_language(SPANISH, None, None) == "es"  # was "en" with no recorded language
    assert open_language("Hola!", None, "es") == "es"
    assert open_language("ok", None, "pl") == "pl"
    assert open_language(SPANISH, "de", "pl") == "de"  # the caller's word is final
    assert turn_language("gracias", "es", None) == "es"


def test_a_spanish_first_message_is_not_routed_as_english(sqlite_store) -> None:
    fill(sqlite_store)
    with sqlite_store.begin() as conn:
        conn.execute(
            insert(customers),
            [{"customer_id": "c-es", "name": "Ana", "segment": "retail", "language": "es"}],
        )
    desk = make_desk(sqlite_store)
    try:
        unknown = desk.open_contact("c-nobody", "chat", SPANISH)
        assert unknown["language"] == "es"
        short = desk.open_contact("c-es", "chat", "Hola!")
        assert short["language"] == "es"
        turn = desk.add_turn(short["contact_id"], "customer", "ok")
        assert turn is not None and desk.contact(short["contact_id"]).language == "es"
    finally:
        desk.close()
