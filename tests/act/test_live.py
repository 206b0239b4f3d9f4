"""The live desk on a real store (SQLite and PostgreSQL): routing with stored decisions,
the moving lead with its handoff note, the card in the lead's language, a restart, and
the fallbacks when the emotion model or the database is slow or down."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import replace

import numpy as np
import pytest
from sqlalchemy import Engine, event, select, text

from empathos.act.live import LiveConfig, LiveDesk, UnknownContact
from empathos.act.need import detect_need
from empathos.simulate.phrasebank import BANKS
from empathos.store import make_engine
from empathos.store.tables_live import lead_changes, live_contacts, live_turns, routing_decisions
from empathos.understand.protocols import CX_EMOTIONS
from tests.act.live_store import NOW, fill, pod_state_from_rows

BILLING = "My invoice shows 40 EUR more than I agreed to."
SALES = "Actually I'd like to upgrade to the premium plan, what would it cost?"


def make_desk(engine: Engine, **kw) -> LiveDesk:
    """A desk on the hand-built pods. Generous deadlines unless a test sets its own: this
    shared CI machine can be slow, and only the fallback tests want to hit a deadline."""
    kw.setdefault("emotion_model", "lexicon")
    kw.setdefault("config", LiveConfig(store_timeout_s=5.0, emotion_timeout_s=5.0))
    return LiveDesk(engine, pod_loader=pod_state_from_rows, clock=lambda: NOW, **kw)


@pytest.fixture
def desk(engine) -> Iterator[LiveDesk]:
    """On SQLite and PostgreSQL (for what the store sees)."""
    fill(engine)
    d = make_desk(engine)
    yield d
    d.close()


@pytest.fixture
def sqlite_desk(sqlite_store) -> Iterator[LiveDesk]:
    """SQLite only (for the desk's own logic; keeps the suite fast)."""
    fill(sqlite_store)
    d = make_desk(sqlite_store)
    yield d
    d.close()


def rows(engine: Engine, table, contact_id: str) -> list:
    with engine.connect() as conn:
        return conn.execute(select(table).where(table.c.contact_id == contact_id)).mappings().all()


def test_open_routes_and_stores_the_decision_with_every_members_score(desk, engine) -> None:
    d = desk.open_contact("c-hist", "chat", BILLING)
    assert d["need"] == "billing" and d["language"] == "en" and not d["to_automation"]
    assert d["employee_id"] in {"e-bill", "e-tech", "e-care"}  # the billing-skilled members
    assert not d["fell_back"] and d["fallback_reason"] is None
    assert desk.flush()
    (row,) = rows(engine, routing_decisions, d["contact_id"])
    assert row["kind"] == "open" and row["employee_id"] == d["employee_id"] and row["reason"]
    assert {s["employee_id"] for s in row["scores"]} == {"e-bill", "e-sales", "e-tech", "e-care"}
    for s in row["scores"]:
        assert sum(s["parts"].values()) == pytest.approx(s["score"]) and s["reason"]
    assert row["inputs"]["request"]["need"] == "billing" and row["inputs"]["record_found"]
    assert row["inputs"]["rapport"] == pytest.approx({"e-bill": -0.4, "e-tech": 0.4})
    assert row["inputs"]["request"]["attempt"] == 1  # billing contact 2 days before NOW
    (contact,) = rows(engine, live_contacts, d["contact_id"])
    assert contact["lead_id"] == d["employee_id"] and contact["status"] == "open"


def test_deferred_explanations_match_the_decision_and_the_eligibility_rule(sqlite_desk) -> None:
    from empathos.act.scoring import score_members

    d = sqlite_desk.open_contact("c-hist", "chat", BILLING)
    full = sqlite_desk.decisions(d["contact_id"])[0]["scores"]
    assert {s["employee_id"]: s["score"] for s in full} == pytest.approx(d["member_scores"])
    assert full[0]["employee_id"] == d["employee_id"] and full[0]["eligible"]
    state, _ = sqlite_desk.board.current()
    c = sqlite_desk.contact(d["contact_id"])
    for need, lang in (
        ("billing", "en"),
        ("sales", "de"),
        ("complaint", "de"),
        ("technical", "de"),
    ):
        req = replace(sqlite_desk._request(c, c.last_emotion), need=need, language=lang)
        expected = {s.employee_id for s in score_members(req, state) if s.eligible}
        assert {e for e, m in state.members.items() if sqlite_desk._eligible(req, m)} == expected


def test_self_service_calm_simple_goes_to_the_bot(sqlite_desk) -> None:
    d = sqlite_desk.open_contact(
        "c-new", "self_service", "Wo ist meine Bestellung A-1?", language="de"
    )
    assert d["need"] == "delivery" and d["to_automation"] and d["employee_id"] is None
    assert d["rule"] == "calm_simple"


def test_need_change_moves_the_lead_with_a_note_in_the_new_leads_language(desk, engine) -> None:
    d = desk.open_contact("c-hist", "chat", BILLING)
    cid, first = d["contact_id"], d["employee_id"]
    desk.add_turn(cid, "employee", "Let me check your invoice.")
    ev = desk.add_turn(cid, "customer", SALES)
    assert ev["need"] == "sales"
    change = ev["lead_change"]
    assert (
        change["from_id"] == first
        and change["to_id"] in {"e-sales", "e-care"}
        and ev["lead_id"] == change["to_id"]
    )
    assert change["trigger"] == ["need"]
    expected_lang = {"e-sales": "en", "e-care": "de"}[change["to_id"]]
    assert change["note_language"] == expected_lang
    assert change["note"].splitlines()[0] in {f"Handover from {first}", f"Übergabe von {first}"}
    # the card follows the lead's language unless asked otherwise
    assert ev["card"]["language"] == expected_lang
    assert desk.card(cid, "de")["historical"]["title"] == "Verlauf"
    assert desk.card(cid, "en")["historical"]["title"] == "History"
    # an angry turn right after the handover: too soon to move again
    ev2 = desk.add_turn(cid, "customer", "This is unacceptable, I am furious, third time!")
    assert ev2["mood"] == "distressed" and "lead_change" not in ev2
    assert desk.flush()
    assert len(rows(engine, lead_changes, cid)) == 1
    assert [r["seq"] for r in rows(engine, live_turns, cid)] == [1, 2, 3, 4]
    assert [r["emotion"] is None for r in rows(engine, live_turns, cid)] == [
        False,
        True,
        False,
        False,
    ]
    kinds = [r["kind"] for r in rows(engine, routing_decisions, cid)]
    assert kinds == ["open", "turn", "turn"]  # employee turns are not re-decided
    decisions = desk.decisions(cid)
    assert decisions[1]["rule"] == "handover" and "too soon" in decisions[2]["reason"]


def test_capacity_is_tracked_and_freed_on_close(sqlite_desk) -> None:
    opened = [
        sqlite_desk.open_contact(
            "c-new", "voice", "Ich möchte mich über Bestellung 7 beschweren.", language="de"
        )
        for _ in range(3)
    ]
    assert [d["employee_id"] for d in opened[:2]] == [
        "e-care",
        "e-care",
    ]  # the only complaint skill
    waiting = opened[2]["contact_id"]
    assert (
        opened[2]["employee_id"] is None and "waiting for a qualified member" in opened[2]["reason"]
    )
    pushed = []
    sqlite_desk.subscribe(waiting, pushed.append)
    sqlite_desk.close_contact(opened[0]["contact_id"])  # frees e-care: the waiting contact gets it
    assert sqlite_desk.card(waiting)["lead_id"] == "e-care"
    assert [d["kind"] for d in sqlite_desk.decisions(waiting)] == ["open", "assign"]
    assert pushed and pushed[0]["type"] == "lead_change" and pushed[0]["to_id"] == "e-care"
    again = sqlite_desk.open_contact(
        "c-new", "voice", "Ich möchte mich über Bestellung 8 beschweren.", language="de"
    )
    assert again["employee_id"] is None  # e-care is full again


def test_a_new_desk_resumes_a_flushed_contact(desk, engine) -> None:
    d = desk.open_contact("c-hist", "chat", BILLING)
    desk.add_turn(d["contact_id"], "employee", "One moment please.")
    assert desk.flush()
    other = make_desk(engine)
    try:
        card = other.card(d["contact_id"], "en")
        assert card["n_turns"] == 2 and card["lead_id"] == d["employee_id"]
        ev = other.add_turn(d["contact_id"], "customer", "Thanks, that is great.")
        assert ev["seq"] == 3
        assert [x["kind"] for x in other.decisions(d["contact_id"])][-1] == "turn"
        with pytest.raises(UnknownContact):
            other.card("no-such-contact")
    finally:
        other.close()


def test_a_bad_row_does_not_block_later_writes(sqlite_store) -> None:
    """A client reuses a contact id from before a restart: its first turn collides with the
    stored one. That row is rejected and counted; everything else is written."""
    fill(sqlite_store)
    first = make_desk(sqlite_store)
    first.open_contact("c-hist", "chat", BILLING, contact_id="reused")
    assert first.flush()
    first.close()
    second = make_desk(sqlite_store)
    try:
        second.open_contact("c-hist", "chat", BILLING, contact_id="reused")
        other = second.open_contact("c-new", "chat", "Wo ist meine Bestellung?", language="de")
        assert second.flush()
        h = second.health()
        assert h["writes_rejected"] == 1 and h["writes_pending"] == 0
        assert len(rows(sqlite_store, live_turns, other["contact_id"])) == 1
        assert len(rows(sqlite_store, routing_decisions, "reused")) == 2  # both decisions kept
    finally:
        second.close()


def test_process_writer_stores_the_same_rows(sqlite_store) -> None:
    """The write-behind in a child process (what `empathos serve` uses) writes the same rows,
    explanations included."""
    fill(sqlite_store)
    desk = make_desk(sqlite_store, writer="process")
    try:
        d = desk.open_contact("c-hist", "chat", BILLING)
        desk.add_turn(d["contact_id"], "employee", "Let me check.")
        desk.add_turn(d["contact_id"], "customer", SALES)
        assert desk.flush(timeout=30)
        assert desk.health()["writes_pending"] == 0 and desk.health()["writes_done"] >= 8
        decisions = rows(sqlite_store, routing_decisions, d["contact_id"])
        assert [r["kind"] for r in decisions] == ["open", "turn"]
        assert {s["employee_id"]: s["score"] for s in decisions[0]["scores"]} == pytest.approx(
            d["member_scores"]
        )
        assert len(rows(sqlite_store, lead_changes, d["contact_id"])) == 1
    finally:
        desk.close()


def test_closed_contacts_are_evicted_and_reloaded_from_the_store(sqlite_store) -> None:
    fill(sqlite_store)
    desk = make_desk(
        sqlite_store,
        config=LiveConfig(store_timeout_s=5.0, emotion_timeout_s=5.0, closed_in_memory=2),
    )
    try:
        ids = [desk.open_contact("c-hist", "chat", BILLING)["contact_id"] for _ in range(3)]
        for cid in ids:
            desk.close_contact(cid)
        assert desk.health()["contacts_in_memory"] == 2  # the oldest closed one was evicted
        assert desk.flush()
        card = desk.card(ids[0], "en")  # … and comes back from the store
        assert card["status"] == "closed" and card["n_turns"] == 1
    finally:
        desk.close()


def test_need_rule_recognises_the_simulators_openings() -> None:
    """Sanity check of the keyword rule on the (hand-written) phrase banks, all six languages."""
    fill_in = {
        "product": "Router X",
        "order": "A-1",
        "amount": "12 EUR",
        "date": "3 May",
        "minutes": 5,
        "agent": "Ann",
        "issue": "it",
    }
    total = hits = 0
    for bank in BANKS.values():
        for need, texts in bank["open"].items():
            for t in texts:
                total += 1
                hits += detect_need(t.format(**fill_in)).need == need
    assert total >= 150 and hits / total >= 0.95


# ---------------------------------------------------------------------------- fallbacks


class BrokenModel:
    """An emotion model that fails on every call (a corrupt artefact, an OOM …)."""

    name, version = "broken", "1"

    def predict_proba(self, texts, languages=None):
        raise RuntimeError("model artefact is corrupt")


class SlowModel:
    """An emotion model that takes ``seconds`` per call (an overloaded GPU, swapping …)."""

    name, version = "slow", "1"

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def predict_proba(self, texts, languages=None):
        time.sleep(self.seconds)
        p = np.zeros((len(texts), len(CX_EMOTIONS)))
        p[:, CX_EMOTIONS.index("neutral")] = 1.0
        return p


def test_failing_emotion_model_falls_back_to_the_lexicon_then_opens_the_breaker(
    sqlite_store,
) -> None:
    engine = sqlite_store
    fill(engine)
    desk = make_desk(engine, emotion_model=BrokenModel(), config=LiveConfig(breaker_failures=2))
    try:
        first = desk.open_contact("c-hist", "chat", "I am furious, my bill is wrong!")
        assert (
            first["fell_back"] and "emotion model failed (RuntimeError" in first["fallback_reason"]
        )
        assert first["emotion"]["model"] == "lexicon" and first["emotion"]["label"] == "anger"
        assert first["employee_id"] is not None  # routing still answered
        desk.open_contact("c-hist", "chat", "Still furious about my bill!")
        third = desk.open_contact("c-hist", "chat", "Why is my bill so high?")
        assert "circuit open" in third["fallback_reason"]
        assert desk.health()["emotion"]["breaker"]["open"]
    finally:
        desk.close()


def test_slow_emotion_model_is_cut_off_at_its_deadline(sqlite_store) -> None:
    engine = sqlite_store
    fill(engine)
    config = LiveConfig(emotion_timeout_s=0.05, breaker_failures=5)
    desk = make_desk(engine, emotion_model=SlowModel(2.0), config=config)
    try:
        desk.records.get("c-hist")  # warm the record, so only the model is slow
        t0 = time.perf_counter()
        d = desk.open_contact("c-hist", "chat", BILLING)
        waited = time.perf_counter() - t0
        assert d["fell_back"] and "slower than 50 ms" in d["fallback_reason"]
        assert waited < 1.0  # did not wait for the 2 s model
        assert d["employee_id"] is not None
    finally:
        desk.close()


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://empathos@127.0.0.1:9/none",  # nobody listens on port 9
        "sqlite:////nonexistent-dir/empathos.db",  # the file cannot be opened
    ],
)
def test_database_down_still_answers_and_says_why(url: str) -> None:
    """A database that is down: no pod state, no record — routing still answers (the
    contact queues, or goes to the bot when triage says so) and names the fallback."""
    down = make_engine(
        url, **({"connect_args": {"connect_timeout": 2}} if url.startswith("postgresql") else {})
    )
    desk = LiveDesk(
        down, emotion_model="lexicon", clock=lambda: NOW, config=LiveConfig(store_timeout_s=0.2)
    )
    try:
        d = desk.open_contact("c-1", "chat", "My invoice is wrong.")
        assert d["fell_back"] and d["employee_id"] is None
        assert (
            "database failed" in d["fallback_reason"]
            or "database circuit open" in d["fallback_reason"]
        )
        assert "without the customer's history" in d["fallback_reason"]
        bot = desk.open_contact("c-2", "self_service", "Where is my order A-17?")
        assert bot["to_automation"]
        ev = desk.add_turn(d["contact_id"], "customer", "Hello? Anyone?")
        assert ev["card"]["historical"]["lines"][0] == "No earlier contacts on record."
        assert not desk.flush(timeout=0.5)  # the writes wait for the database …
        assert desk.health()["writes_pending"] > 0  # … and are kept, not lost
    finally:
        desk.close(timeout=0.1)


def test_slow_database_uses_the_cached_pod_state_and_skips_the_history(engine) -> None:
    """A real lock makes the store hang: the record read hits its deadline, routing goes on
    with the pod state it already has."""
    if engine.dialect.name == "sqlite":
        pytest.skip(
            "SQLite in WAL mode never blocks readers; its failure path is the down-database test"
        )
    fill(engine)
    desk = make_desk(engine, config=LiveConfig(store_timeout_s=0.1))
    try:
        with _hold_lock(engine) as locked:
            assert locked
            t0 = time.perf_counter()
            d = desk.open_contact("c-hist", "chat", BILLING)
            assert time.perf_counter() - t0 < 2.0
        assert d["fell_back"] and "database slower than 100 ms" in d["fallback_reason"]
        assert d["employee_id"] is not None  # the cached pod state still routes
    finally:
        desk.close()


class _hold_lock:
    """Hold ``LOCK TABLE customers IN ACCESS EXCLUSIVE MODE`` on PostgreSQL: every reader
    of ``customers`` waits until the lock is released."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.conn = None

    def __enter__(self) -> bool:
        self.conn = self.engine.connect()
        self.conn.execute(text("LOCK TABLE customers IN ACCESS EXCLUSIVE MODE"))
        return True

    def __exit__(self, *exc) -> None:
        self.conn.rollback()
        self.conn.close()


def test_a_contact_opened_without_its_history_takes_it_when_the_late_read_lands(engine) -> None:
    """The customer's first store read misses its deadline (held back here until after the
    decision; in CI a loaded machine or a fresh PostgreSQL connection was enough for the
    default 30 ms): the contact is routed without history, and its card shows the
    history and predictions as soon as the late read has filled the cache."""
    fill(engine)
    desk = make_desk(engine, config=LiveConfig(store_timeout_s=0.05, emotion_timeout_s=5.0))
    gate = threading.Event()

    def hold_store_reads(conn, cursor, statement, params, context, executemany) -> None:
        if threading.current_thread().name.startswith(
            "live-store"
        ) and statement.lstrip().upper().startswith("SELECT"):
            gate.wait(5.0)

    event.listen(engine, "before_cursor_execute", hold_store_reads)
    try:
        d = desk.open_contact("c-hist", "chat", BILLING)
        assert d["fell_back"] and "routed without the customer's history" in d["fallback_reason"]
        before = desk.card(d["contact_id"], lang="en")
        assert before["historical"]["lines"][0] == "No earlier contacts on record."
        gate.set()
        deadline = time.monotonic() + 5.0
        while desk.records.peek("c-hist") is None and time.monotonic() < deadline:
            time.sleep(0.01)
        card = desk.card(d["contact_id"], lang="en")
        assert [c["interaction_id"] for c in card["historical"]["contacts"]] == [
            "i-3",
            "i-2",
            "i-1",
        ]
        assert "remembered -0.20" in card["historical"]["lines"][0]
        assert card["predictive"]["churn_risk"] == pytest.approx(0.3)
        assert "Churn risk 30%" in card["predictive"]["lines"]
        assert card["predictive"]["next_best_action"] == "first_time"  # billing again, 2 days on
        ev = desk.add_turn(d["contact_id"], "customer", "Still waiting for the refund.")
        assert ev["card"]["historical"]["contacts"] == card["historical"]["contacts"]
    finally:
        gate.set()
        event.remove(engine, "before_cursor_execute", hold_store_reads)
        desk.close()
