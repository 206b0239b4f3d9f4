"""The extractive contact summary on real conversations — the ABCD sample (with and
without its action log) and TWCS threads as ``empathos ingest`` stores them — and on
hand-made turns: every quote is verbatim from the turn it names, the need is the
customer's, promises are the company side's and stay open only while nothing later
reports them done."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from empathos.store import init_db, make_engine
from empathos.store.schema import interactions, turns
from empathos.understand.summary import SummaryTurn, sentences, summarise
from empathos.understand.summary_store import handed_over_by, stored_summary

REAL = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "real"


def abcd_raw() -> dict[int, list[SummaryTurn]]:
    """ABCD's conversations with their action log as system turns (seq from 1)."""
    data = json.loads((REAL / "abcd_sample.json").read_text(encoding="utf-8"))
    speaker = {"agent": "employee", "customer": "customer", "action": "system"}
    return {
        c["convo_id"]: [
            SummaryTurn(j + 1, speaker[sp], text) for j, (sp, text) in enumerate(c["original"])
        ]
        for c in data
    }


def test_abcd_with_its_action_log() -> None:
    conv = abcd_raw()
    s = summarise(conv[3592])
    assert [(q.seq, q.text) for q in s.need] == [
        (3, "I need to return an item, can you help me with that?")
    ]
    assert "The manager has been notified." in [q.text for q in s.tried]
    assert [q.text for q in s.open_promises] == [
        "OK, I have let my manager know, they will give you a call."
    ]
    assert s.open_promises[0].speaker == "employee"
    assert s.state_now["quote"]["seq"] == 29 and "words only" in s.state_now["basis"]
    refund = summarise(conv[9489])
    assert "status of a refund" in refund.need[0].text and refund.open_promises == []
    assert refund.state_now["reading"] == "thanks / positive words"
    faq = summarise(conv[3695])
    assert "promo code" in faq.need[0].text
    assert any("FAQ answer" in q.text for q in faq.tried)


@pytest.fixture(scope="module")
def real_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    from empathos.listen import ingest_file

    root = tmp_path_factory.mktemp("summary")
    engine = make_engine(f"sqlite:///{root / 'real.db'}")
    init_db(engine)
    for name, mapping in (("twcs_5k.csv", None), ("abcd_sample.json", "abcd")):
        report = ingest_file(REAL / name, engine, mapping=mapping, rejects_path=root / "r.jsonl")
        assert report.records_rejected == 0
    yield engine
    engine.dispose()


def test_every_stored_thread_gets_a_summary_of_verbatim_quotes(real_store: Engine) -> None:
    with real_store.connect() as conn:
        ids = list(conn.execute(select(interactions.c.interaction_id)).scalars())
        rows = conn.execute(
            select(turns.c.interaction_id, turns.c.seq, turns.c.speaker, turns.c.text)
        )
        by = {(r.interaction_id, int(r.seq)): (r.speaker, r.text) for r in rows}
    assert len(ids) > 1000  # 5,000 tweets of TWCS as threads, and ABCD's 3
    with_need = with_promise = 0
    for iid in ids:
        s = stored_summary(real_store, iid)
        assert s is not None and s.n_turns == sum(1 for k in by if k[0] == iid)
        for q in (*s.need, *s.tried, *s.open_promises):
            speaker, text = by[(iid, q.seq)]
            assert q.speaker == speaker and q.text.rstrip("…") in text
        assert all(q.speaker == "customer" for q in s.need)
        assert all(q.speaker in ("employee", "bot") for q in s.open_promises)
        with_need += bool(s.need)
        with_promise += bool(s.open_promises)
    assert with_need / len(ids) > 0.95  # measured 98.6 %: a thread opened by "thanks" has none
    assert 0.02 < with_promise / len(ids) < 0.2  # measured ~6 %: "DM us and we'll follow up"


def test_twcs_threads_read_as_a_person_would(real_store: Engine) -> None:
    s = stored_summary(real_store, "tw-2717")
    assert "It gets disabled every time I try to login" in s.need[0].text
    assert [q.text for q in s.open_promises] == [
        "A member of our team will be in touch shortly through DM."
    ]
    s = stored_summary(real_store, "tw-2452")
    assert "@Uber_Support I already messaged you her email address." in [q.text for q in s.tried]
    s = stored_summary(real_store, "tw-2436")  # a URL's dots do not end a sentence
    assert any(
        q.text.endswith("and our team will be in touch.") and "t.co/" in q.text
        for q in s.open_promises
    )
    abcd = stored_summary(real_store, "3592")  # stored without the action log
    assert "return an item" in abcd.need[0].text
    assert "they will give you a call" in abcd.open_promises[0].text
    assert stored_summary(real_store, "no-such-contact") is None


def test_a_promise_reported_done_later_is_not_open() -> None:
    turns_ = [
        SummaryTurn(1, "customer", "My card was stolen, I need a new one."),
        SummaryTurn(2, "employee", "I will send you a new card today."),
        SummaryTurn(3, "employee", "I have sent the new card, it arrives Friday."),
        SummaryTurn(4, "customer", "Thank you!", ("gratitude", 0.8)),
    ]
    s = summarise(turns_)
    assert s.open_promises == []
    assert [q.seq for q in s.tried] == [3]
    assert s.state_now["emotion"] == "gratitude" and s.state_now["valence"] == 0.8
    s = summarise(turns_[:2])
    assert [q.text for q in s.open_promises] == ["I will send you a new card today."]
    assert summarise([]).need == [] and summarise([]).state_now == {}


def test_who_handed_over() -> None:
    assert (
        handed_over_by(["customer", "bot", "customer", "employee"], [None, None, None, "e1"])
        == "bot"
    )
    assert handed_over_by(["customer", "employee", "employee"], [None, "e1", "e2"]) == "e1"
    assert handed_over_by(["customer", "employee"], [None, "e1"]) is None
    assert handed_over_by(["customer", "bot"], [None, None]) is None


def test_sentences_keep_urls_and_numbers_whole() -> None:
    assert sentences("It costs 3.50 EUR. See https://t.co/a.b now!\nOk") == [
        "It costs 3.50 EUR.",
        "See https://t.co/a.b now!",
        "Ok",
    ]
