"""Offline language identification on short support messages in the six core languages."""

from __future__ import annotations

import pytest

from empathos.listen.language import annotate_turns, choose_language, detect

MESSAGES = {
    "en": "My internet has been down since yesterday and nobody calls me back",
    "de": "Meine Rechnung ist schon wieder falsch, das ist das dritte Mal",
    "es": "Hola, mi pedido no ha llegado todavía y necesito ayuda",
    "it": "Il pacco non è arrivato e il tracking non funziona",
    "pl": "Nie mogę się zalogować do konta od tygodnia",
    "fr": "Bonjour, ma commande est en retard depuis deux semaines",
    "nl": "Mijn bestelling is nog steeds niet aangekomen",
}


@pytest.mark.parametrize(("lang", "text"), MESSAGES.items())
def test_detects_the_language_of_short_messages(lang: str, text: str) -> None:
    found, score = detect(text)
    assert found == lang and score > 0.5


def test_shouting_is_not_mistaken_for_another_script() -> None:
    assert detect("MY ORDER STILL HAS NOT ARRIVED AND I AM FURIOUS")[0] == "en"


def test_empty_text_has_no_language() -> None:
    assert detect("   ") == (None, 0.0)


def test_unsure_turns_inherit_the_interactions_language() -> None:
    turns = [
        {"interaction_id": "a", "text": MESSAGES["de"]},
        {"interaction_id": "a", "text": "Wo bleibt die Gutschrift für den falschen Betrag?"},
        {"interaction_id": "a", "text": "ok"},
        {"interaction_id": "b", "text": "Merci"},
        {"interaction_id": "c", "text": "x", "language": "pl"},
    ]
    annotate_turns(turns)
    assert [t["language"] for t in turns[:3]] == ["de", "de", "de"]
    assert turns[4]["language"] == "pl" and turns[4]["language_score"] == 1.0


def test_unsure_turns_borrow_their_customers_language() -> None:
    """A short first message ("Hola!") has no other turn to lean on: it takes the customer's
    declared language, else that of the customer's other contacts here."""
    interactions = [
        {"interaction_id": "i1", "customer_id": "cu-es"},
        {"interaction_id": "i2", "customer_id": "cu-it"},
        {"interaction_id": "i3", "customer_id": "cu-it"},
        {"interaction_id": "i4", "customer_id": "cu-none"},
    ]
    customers = [{"customer_id": "cu-es", "language": "es"}]
    turns = [
        {"interaction_id": "i1", "text": "Hola!"},
        {"interaction_id": "i2", "text": MESSAGES["it"]},
        {"interaction_id": "i3", "text": "ok"},
        {"interaction_id": "i4", "text": "ok"},
    ]
    still = annotate_turns(turns, interactions, customers)
    assert [t["language"] for t in turns[:3]] == ["es", "it", "it"]
    assert still == [turns[3]]  # nothing to borrow from: left for the store to answer


def test_the_contact_comes_before_the_customer() -> None:
    turns = [
        {"interaction_id": "i1", "text": MESSAGES["de"]},
        {"interaction_id": "i1", "text": "ok"},
    ]
    annotate_turns(turns, [{"interaction_id": "i1", "customer_id": "c"}], (), {"c": "fr"})
    assert turns[1]["language"] == "de"


def test_choose_language_for_a_live_turn() -> None:
    assert choose_language(MESSAGES["es"]) == ("es", "detected")
    assert choose_language("ok", "pl", "de") == ("pl", "contact")
    assert choose_language("Hola!", None, "es") == ("es", "customer")
    assert choose_language("ok", None, None)[1] == "unsure"


def test_detections_are_remembered_by_a_digit_free_key_and_the_memory_is_bounded() -> None:
    """Numbers say nothing about a language: texts that differ only by them share one
    detection (computed once), and the remembered detections never exceed the cap."""
    from empathos.listen import language

    a = detect("Mi pedido 48213 no ha llegado todavía y necesito ayuda")
    b = detect("Mi pedido 7 no ha llegado todavía y necesito ayuda")
    assert a == b and a[0] == "es"
    assert language.detection_key("Ref  123\nand 4") == "Ref 0 and 0"
    language._cache.clear()
    for k in range(language.CACHE_SIZE + 10):  # distinct keys: k spelled in letters
        detect("ticket " + "".join(chr(97 + int(d)) for d in str(k)) + " is open")
    assert 0 < len(language._cache) < language.CACHE_SIZE  # it was full, and was cleared


def test_a_batch_gets_what_each_text_gets_alone() -> None:
    """``detect_many`` (the import's batched path) answers exactly what ``detect`` answers
    for each text, repeats, blanks and digits-only keys included."""
    from empathos.listen import language

    texts = [*MESSAGES.values(), "", "   ", "12345", "Hola!", "ok", *MESSAGES.values()]
    texts += [f"Mi pedido {k} no ha llegado" for k in range(5)]
    language._cache.clear()
    batched = language.detect_many(texts)
    language._cache.clear()
    assert batched == [detect(t) for t in texts]


def test_a_batch_that_fills_the_memory_still_answers_its_remembered_texts() -> None:
    """When a batch's new keys would overflow the bounded memory, the memory is cleared
    — and the batch's texts that *were* remembered are looked up again, not lost (a
    100k-interaction import failed with a KeyError here)."""
    from empathos.listen import language

    language._cache.clear()
    known = "Gracias por contactarnos, soy Grace."
    first = detect(known)
    fill = [
        "ticket " + "".join(chr(97 + int(d)) for d in str(k)) + " is open"
        for k in range(language.CACHE_SIZE)
    ]
    got = language.detect_many([known, *fill])
    assert got[0] == first and len(got) == len(fill) + 1
    assert len(language._cache) <= language.CACHE_SIZE + 1
    language._cache.clear()
