"""``empathos topics`` on a real store (SQLite and PostgreSQL): fit once, assign only new
contacts, the same store refits to the same model, contacts without words get no topic."""

from __future__ import annotations

from datetime import datetime

import numpy as np

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


# ---------------------------------------------------------------- vectors reused from analyze

TWO_TURNS = [
    ("en", "I was charged twice", "on my last invoice, please refund"),
    ("de", "Mir wurde doppelt abgebucht", "auf der letzten Rechnung"),
    ("en", "My parcel has not arrived", "it is a week late now"),
    ("es", "Mi paquete no ha llegado", "lleva una semana de retraso"),
]


def _store_two_turns(engine: Engine) -> None:
    for n, (lang, a, b) in enumerate(TWO_TURNS):
        add_contact(engine, f"t-{n}", lang, a)
        with engine.begin() as conn:
            conn.execute(
                schema.turns.insert(),
                [
                    {"interaction_id": f"t-{n}", "seq": 2, "speaker": "employee", "text": "Ok"},
                    {
                        "interaction_id": f"t-{n}",
                        "seq": 3,
                        "speaker": "customer",
                        "text": b,
                        "language": lang,
                    },
                ],
            )


def _emotion_rows(engine: Engine) -> list:
    with engine.connect() as conn:
        t = schema.turn_emotions.c
        return conn.execute(
            select(t.interaction_id, t.seq, t.probabilities, t.label, t.valence).order_by(
                t.interaction_id, t.seq
            )
        ).all()


def test_topics_after_analyze_encode_nothing_and_match_fresh_vectors(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    """``analyze`` leaves the opening turns' vectors in the cache: fitting and assigning
    afterwards encode no text, the annotations are those of a run that keeps nothing, and
    the cached vectors are the ones a cold cache computes (so the topics are too)."""
    from empathos.store import init_db, make_engine
    from empathos.understand import embeddings as emb
    from empathos.understand.backends import _encoder
    from empathos.understand.pipeline import AnalyzeConfig, analyze
    from empathos.understand.pipeline.topics import (
        contact_vectors,
        fit_from_store,
        load_topic_model,
        openings,
    )

    stores = {}
    for keep in (True, False):
        eng = make_engine(f"sqlite:///{tmp_path / f'keep-{keep}.db'}")
        init_db(eng)
        _store_two_turns(eng)
        cache = tmp_path / f"emb-{keep}.sqlite"
        monkeypatch.setattr(emb, "cache_path", lambda cache=cache: cache)
        analyze(eng, "default", "default", progress=False, config=AnalyzeConfig(topic_vectors=keep))
        stores[keep] = eng
    assert _emotion_rows(stores[True]) == _emotion_rows(stores[False])
    assert not (tmp_path / "emb-False.sqlite").exists()  # nothing kept when told not to

    encoded: list[str] = []
    real = _encoder.UseEncoder.encode

    def counting(self, texts):  # noqa: ANN001, ANN202
        encoded.extend(texts)
        return real(self, texts)

    monkeypatch.setattr(_encoder.UseEncoder, "encode", counting)
    monkeypatch.setattr(emb, "cache_path", lambda: tmp_path / "emb-True.sqlite")
    eng = stores[True]
    model = fit_from_store(eng, TopicConfig(k=2, seed=0), encoder=emb.ENCODER_NAME)
    assert model.config.vectors == "first-turn"
    assert assign_new(eng) == (4, 0)
    assert encoded == []  # every opening turn's vector came from analyze

    with eng.connect() as conn:
        ops = openings(conn, [f"t-{n}" for n in range(4)], model.config)
        stored = load_topic_model(conn, current_topic_model(conn))
    assert [len(o.turns) for o in ops.values()] == [2, 2, 2, 2]
    warm = contact_vectors(list(ops.values()), stored.config, stored.encoder)
    monkeypatch.setattr(emb, "cache_path", lambda: tmp_path / "cold.sqlite")
    cold = contact_vectors(list(ops.values()), stored.config, stored.encoder)
    assert len(encoded) == 4  # the cold cache encoded the first turn of each contact
    assert np.allclose(warm, cold, atol=1e-6)
    assert stored.assign(warm)[0].tolist() == stored.assign(cold)[0].tolist()
    for e in stores.values():
        e.dispose()


def test_model_stored_before_turn_mean_is_assigned_on_its_opening_text(
    sqlite_store: Engine, tmp_path, monkeypatch
) -> None:  # noqa: ANN001
    """A topic model whose stored config has no ``vectors`` key was fitted on the joined
    opening text: it is loaded and assigned so, not with the new first-turn vectors."""
    from empathos.understand import embeddings as emb
    from empathos.understand.pipeline.topics import contact_vectors, load_topic_model, openings

    monkeypatch.setattr(emb, "cache_path", lambda: tmp_path / "emb.sqlite")
    _store_two_turns(sqlite_store)
    run_topics(sqlite_store, config=TopicConfig(k=2, seed=0, vectors="opening"))
    with sqlite_store.begin() as conn:
        m = conn.execute(select(topic_models)).one()
        details = dict(m.details)
        details["config"] = {k: v for k, v in details["config"].items() if k != "vectors"}
        conn.execute(topic_models.update().values(details=details))
    with sqlite_store.connect() as conn:
        model = load_topic_model(conn, m.model_version)
        ops = list(openings(conn, [f"t-{n}" for n in range(4)], model.config).values())
    assert model.config.vectors == "opening"
    assert np.array_equal(
        contact_vectors(ops, model.config, model.encoder), emb.embed([o.text for o in ops])
    )
    assert not np.allclose(
        contact_vectors(ops, TopicConfig(vectors="first-turn"), model.encoder),
        emb.embed([o.text for o in ops]),
    )
