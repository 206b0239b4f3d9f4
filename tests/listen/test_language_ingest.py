"""At ingest, a short turn whose detection is unsure borrows its customer's language from
the store (issue 15 item 7): the customers file comes first, its language decides."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select

from empathos.listen import ingest_file
from empathos.store import schema
from tests.listen.helpers import write_jsonl


def _languages(engine: Engine) -> dict[tuple[str, int], str]:
    t = schema.turns
    with engine.connect() as conn:
        rows = conn.execute(select(t.c.interaction_id, t.c.seq, t.c.language)).all()
    return {(iid, seq): lang for iid, seq, lang in rows}


def test_a_short_first_message_takes_the_stored_customers_language(
    engine: Engine, tmp_path: Path
) -> None:
    customers = write_jsonl(
        tmp_path / "customers.jsonl",
        [
            {"customer_id": "cu-es", "name": "Ana", "segment": "retail", "language": "es"},
            {"customer_id": "cu-pl", "name": "Jan", "segment": "retail"},
        ],
    )
    ingest_file(customers, engine)
    earlier = write_jsonl(
        tmp_path / "earlier.jsonl",
        [
            {
                "interaction_id": "old-pl",
                "customer_id": "cu-pl",
                "channel": "chat",
                "turns": [
                    {"speaker": "customer", "text": "Nie mogę się zalogować do konta od tygodnia"}
                ],
            }
        ],
    )
    ingest_file(earlier, engine)
    new = write_jsonl(
        tmp_path / "new.jsonl",
        [
            {
                "interaction_id": "new-es",
                "customer_id": "cu-es",
                "channel": "chat",
                "turns": [{"speaker": "customer", "text": "Hola!"}],
            },
            {
                "interaction_id": "new-pl",
                "customer_id": "cu-pl",
                "channel": "chat",
                "turns": [{"speaker": "customer", "text": "ok"}],
            },
            {
                "interaction_id": "new-x",
                "customer_id": "cu-unknown",
                "channel": "chat",
                "turns": [{"speaker": "customer", "text": MESSAGE_EN}],
            },
        ],
    )
    ingest_file(new, engine)
    langs = _languages(engine)
    assert langs[("new-es", 0)] == "es"  # the customer row's language
    assert langs[("new-pl", 0)] == "pl"  # the customer's stored sure turns
    assert langs[("new-x", 0)] == "en"  # a sure detection needs nothing


MESSAGE_EN = "My internet has been down since yesterday and nobody calls me back"
