"""Effort signals: each one on hand-made cases, the history rules, and the phrases per language."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from empathos.understand import effort as eff

T0 = datetime(2026, 3, 1, 9, 0, 0)


def test_repeats_catch_reworded_duplicates_but_not_short_turns() -> None:
    texts = [
        "My order 12345 never arrived and nobody answers",
        "ok",
        "my order #12345 never arrived, and nobody answers!!",
        "ok",
        "Can I get a refund instead?",
    ]
    assert eff.count_repeats(texts) == 1


def test_repeats_are_zero_for_distinct_turns() -> None:
    texts = ["The invoice is wrong", "It charged me twice for March", "Please fix it today"]
    assert eff.count_repeats(texts) == 0


@given(st.lists(st.text(min_size=20, max_size=60), min_size=1, max_size=6))
def test_sending_everything_twice_counts_each_second_copy(texts) -> None:
    distinct = list(dict.fromkeys(eff.normalise_text(t) for t in texts))
    distinct = [t for t in distinct if len(t) >= 15]
    once = eff.count_repeats(distinct, threshold=1.01)  # impossible threshold: no repeats
    assert once == 0
    assert eff.count_repeats(distinct + distinct, threshold=1.0) >= len(distinct)


def test_transfers_count_changes_of_employee_and_respect_recorded_counts() -> None:
    assert eff.count_transfers(["a", "a", None, "b", "b", "a"]) == 2
    assert eff.count_transfers(["a"]) == 0
    assert eff.count_transfers([], recorded=1) == 1
    assert eff.count_transfers(["a", "b"], recorded=0) == 1


def test_waits_start_at_the_first_unanswered_customer_turn() -> None:
    s = ["customer", "customer", "employee", "customer", "bot", "customer"]
    ts = [
        T0,
        T0 + timedelta(seconds=50),
        T0 + timedelta(seconds=200),
        T0 + timedelta(seconds=210),
        T0 + timedelta(seconds=215),
        T0 + timedelta(seconds=999),
    ]
    assert eff.wait_times(s, ts) == [200.0, 5.0]
    assert eff.long_waits(s, ts, threshold_s=120) == (1, 200.0)
    assert eff.long_waits(["customer"], [T0], 60) == (0, None)
    assert eff.wait_times(s, [None] * len(s)) == []


def _c(iid: str, cust: str | None, channel: str, days: float) -> eff.Contact:
    return eff.Contact(iid, cust, channel, T0 + timedelta(days=days))


def test_recontact_and_channel_switch_look_only_backwards() -> None:
    contacts = [
        _c("a1", "A", "chat", 0),
        _c("a2", "A", "chat", 3),  # re-contact, same channel
        _c("a3", "A", "voice", 5),  # re-contact and switch
        _c("a4", "A", "voice", 30),  # long after: neither
        _c("b1", "B", "email", 1),
        eff.Contact("x", None, "chat", T0),
        eff.Contact("y", "C", "chat", None),
    ]
    f = eff.contact_history(contacts, recontact_days=7, channel_switch_days=7)
    assert f["a1"] == eff.ContactFlags(False, 0, False)
    assert f["a2"] == eff.ContactFlags(True, 1, False)
    assert f["a3"] == eff.ContactFlags(True, 2, True)
    assert f["a4"] == eff.ContactFlags(False, 0, False)
    assert f["b1"] == eff.ContactFlags(False, 0, False)
    assert f["x"] == f["y"] == eff.ContactFlags(False, 0, False)
    # a configurable window: with 30 days a4 is a re-contact too
    assert eff.contact_history(contacts, recontact_days=30)["a4"].recontact


@given(
    st.lists(
        st.tuples(st.sampled_from("ABC"), st.sampled_from(["chat", "voice"]), st.floats(0, 60)),
        min_size=1,
        max_size=15,
    )
)
def test_adding_a_later_contact_never_changes_earlier_flags(rows) -> None:
    contacts = [_c(f"i{k}", c, ch, d) for k, (c, ch, d) in enumerate(rows)]
    before = eff.contact_history(contacts)
    later = _c("late", rows[0][0], "email", 61)
    after = eff.contact_history([*contacts, later])
    assert all(after[k] == v for k, v in before.items())


@pytest.mark.parametrize(
    "text",
    [
        "This is the third time I write about this!",
        "I've already called twice and explained everything.",
        "How many times do I have to tell you?",
        "Ich schreibe Ihnen zum dritten Mal wegen derselben Rechnung.",
        "Ich habe schon dreimal angerufen.",
        "Wie oft muss ich das noch erklären?",
        "Es la tercera vez que escribo por este problema.",
        "Ya les he llamado dos veces y nadie me ayuda.",
        "¿Cuántas veces tengo que repetirlo?",
        "È la terza volta che vi scrivo per lo stesso ordine.",
        "Ho già chiamato ieri e nessuno mi ha risposto.",
        "Quante volte devo spiegarlo?",
        "Piszę już trzeci raz w tej sprawie.",
        "Już dzwoniłam dwa razy i nic.",
        "Ile razy mam to powtarzać?",
        "C'est la troisième fois que je vous écris.",
        "J'ai déjà appelé deux fois pour ce problème.",
        "Combien de fois dois-je le répéter ?",
    ],
)
def test_effort_phrases_are_found_in_six_languages(text: str) -> None:
    assert eff.has_effort_phrase(text)


@pytest.mark.parametrize(
    "text",
    [
        "This is the first time I order from you.",
        "Thanks, that was quick!",
        "Ich möchte meine Adresse ändern.",
        "Quiero cambiar mi dirección de envío.",
        "Vorrei sapere quando arriva il pacco.",
        "Chciałbym zmienić adres dostawy.",
        "Je voudrais modifier ma commande.",
    ],
)
def test_ordinary_messages_have_no_effort_phrase(text: str) -> None:
    assert not eff.has_effort_phrase(text)


def test_effort_score_is_zero_without_signals_and_grows_with_each() -> None:
    none = eff.EffortSignals()
    assert eff.effort_score(none) == 0.0
    one = eff.EffortSignals(transfers=1)
    assert eff.effort_score(one) == pytest.approx(1 - math.exp(-0.5))
    more = eff.EffortSignals(transfers=1, repeats=1, recontact=True)
    assert eff.effort_score(one) < eff.effort_score(more) < 1.0


@given(
    st.integers(0, 5),
    st.booleans(),
    st.integers(0, 5),
    st.integers(0, 5),
    st.booleans(),
    st.integers(0, 5),
    st.sampled_from(["repeats", "transfers", "long_waits", "effort_phrases"]),
)
def test_effort_score_is_monotone_and_below_one(r, rc, t, w, sw, ph, bump) -> None:
    s = eff.EffortSignals(r, rc, t, w, None, sw, ph)
    vals = {"repeats": r, "transfers": t, "long_waits": w, "effort_phrases": ph}
    vals[bump] += 1
    bigger = eff.EffortSignals(
        vals["repeats"], rc, vals["transfers"], vals["long_waits"], None, sw, vals["effort_phrases"]
    )
    assert 0.0 <= s.score() < 1.0
    assert bigger.score() > s.score() or s.score() > 0.999999


def test_interaction_effort_combines_everything() -> None:
    turns = [
        eff.TurnView("customer", "My parcel 777 has not arrived yet", T0),
        eff.TurnView("employee", "Let me check.", T0 + timedelta(minutes=10), "e1"),
        eff.TurnView("customer", "my parcel 777 has not arrived yet!", T0 + timedelta(minutes=11)),
        eff.TurnView("employee", "Transferring you.", T0 + timedelta(minutes=12), "e1"),
        eff.TurnView("employee", "Hello, I'm from logistics.", T0 + timedelta(minutes=13), "e2"),
        eff.TurnView("customer", "This is the third time I write!", T0 + timedelta(minutes=14)),
    ]
    flags = eff.ContactFlags(True, 2, True)
    s = eff.interaction_effort(turns, "chat", flags)
    assert s == eff.EffortSignals(
        repeats=1,
        recontact=True,
        transfers=1,
        long_waits=1,
        max_wait_s=600.0,
        channel_switch=True,
        effort_phrases=1,
    )
