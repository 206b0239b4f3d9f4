"""``empathos topics`` on a real store (SQLite and PostgreSQL): fit once, assign only new
contacts, the same store refits to the same model, contacts without words get no topic."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, func, select

from empathos.store import schema
from empathos.store.tables_topics import interaction_topics, topic_models, topics
from empathos.understand.pipeline.topics import assign_new, current_topic_model, run_topics
from empathos.understand.topics import TopicConfig

T0 = datetime(2026, 3, 1, 9, 0)
MESSAGES = [
    ("en", "I was charged twice on my invoice"),
    ("de", "Mir wurde die Rechnung doppelt abgebucht"),
    ("es", "Me cobraron dos veces la factura"),
    ("en", "My parcel has not arrived yet"),
    ("de", "Mein Paket ist noch nicht angekommen"),
    ("es", "Mi paquete todavía no ha llegado"),
]


def add_contact(engine: Engine, iid: str, lang: str, text: str | None) -> None:
    with engine.begin() as conn:
        conn.execute(
            schema.interactions.insert(),
            {
                "interaction_id": iid,
                "customer_id": f"c-{iid}",
                "channel": "chat",
                "started_at": T0,
                "source": "sample",
                "attributes": {},
            },
        )
        rows = [{"interaction_id": iid, "seq": 0, "speaker": "employee", "text": "Hello!"}]
        if text is not None:
            rows.append(
                {
                    "interaction_id": iid,
                    "seq": 1,
                    "speaker": "customer",
                    "text": text,
                    "language": lang,
                }
            )
        conn.execute(schema.turns.insert(), rows)


def count(engine: Engine, table) -> int:  # noqa: ANN001
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_fit_assign_then_only_new_contacts(engine: Engine) -> None:
    for n, (lang, text) in enumerate(MESSAGES):
        add_contact(engine, f"i-{n}", lang, text)
    add_contact(engine, "i-silent", "en", None)  # no customer words: no topic
    cfg = TopicConfig(k=2, seed=0)
    first = run_topics(engine, config=cfg)
    assert first.fitted and first.k == 2
    assert (first.assigned, first.without_words) == (6, 1)
    with engine.connect() as conn:
        q = select(interaction_topics.c.interaction_id, interaction_topics.c.topic_id)
        rows = {r.interaction_id: r.topic_id for r in conn.execute(q)}
    assert rows["i-0"] == rows["i-1"] == rows["i-2"] != rows["i-3"] == rows["i-4"] == rows["i-5"]

    again = run_topics(engine, config=cfg)  # a model exists: assign only, nothing new
    assert not again.fitted and again.assigned == 0
    version = current_topic_model(engine)
    refit = run_topics(engine, refit=True, config=cfg)  # same data + seed: same model
    assert refit.fitted and refit.model_version == version and refit.assigned == 0
    assert count(engine, topic_models) == 1 and count(engine, topics) == 2

    add_contact(engine, "i-new", "fr", "On m'a facturé deux fois")
    assert assign_new(engine) == (1, 1)
    with engine.connect() as conn:
        new = conn.execute(
            select(interaction_topics.c.topic_id).where(
                interaction_topics.c.interaction_id == "i-new"
            )
        ).scalar_one()
    assert new == rows["i-0"]  # French billing joins the billing topic

    assert count(engine, interaction_topics) == 7
