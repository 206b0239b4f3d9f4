"""PII detection (issue 18, item 2): what is found in the six languages, and what must not
be -- order ids, tracking numbers, prices, dates, times, versions, reference numbers --
including on real customer-service text (TWCS, ../shared/data/real)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from empathos.listen.pii import KINDS, Redactor, find, parse_kinds, redact

TWCS = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "real" / "twcs_5k.csv"

POSITIVES = [
    # text, language, the piece that must go, its kind
    ("write to jane.doe+cx@example.co.uk please", "en", "jane.doe+cx@example.co.uk", "email"),
    ("call me on (212) 555-0123 tonight", "en", "(212) 555-0123", "phone"),
    ("my number is 1-800-869-3557", "en", "1-800-869-3557", "phone"),
    ("ring 020 7946 0958 after six", "en", "020 7946 0958", "phone"),
    ("Mon numéro : 06 12 34 56 78, merci", "fr", "06 12 34 56 78", "phone"),
    ("appelez le +33 1 42 68 53 00", "fr", "+33 1 42 68 53 00", "phone"),
    ("Ruf mich an: 0151 23456789", "de", "0151 23456789", "phone"),
    ("Festnetz +49 30 12345678", "de", "+49 30 12345678", "phone"),
    ("Chiamami al 347 123 4567", "it", "347 123 4567", "phone"),
    ("Ligue para 912 345 678", "pt", "912 345 678", "phone"),
    ("Llámame al 612 34 56 78", "es", "612 34 56 78", "phone"),
    ("from abroad: 0044 7900 248601", "en", "0044 7900 248601", "phone"),
    ("card 4111 1111 1111 1111 exp 12/27", "en", "4111 1111 1111 1111", "card"),
    ("Amex 3782 822463 10005", "en", "3782 822463 10005", "card"),
    ("carte 5555555555554444", "fr", "5555555555554444", "card"),
    ("IBAN DE89 3704 0044 0532 0130 00 bitte", "de", "DE89 3704 0044 0532 0130 00", "iban"),
    ("IBAN FR1420041010050500013M02606", "fr", "FR1420041010050500013M02606", "iban"),
    ("iban it60x0542811101000000123456", "it", "it60x0542811101000000123456", "iban"),
    ("my SSN is 536-90-4399", "en", "536-90-4399", "ssn"),
    ("NIR 2 95 10 99 126 111 93", "fr", "2 95 10 99 126 111 93", "id"),
    ("codice fiscale RCCMNL83S18D969H", "it", "RCCMNL83S18D969H", "id"),
    ("DNI 54362315K", "es", "54362315K", "id"),
    ("NIE X2482300W", "es", "X2482300W", "id"),
    ("Steuer-ID 36574261809", "de", "36574261809", "id"),
    ("NIF 501964843", "pt", "501964843", "id"),
]


@pytest.mark.parametrize(("text", "lang", "value", "kind"), POSITIVES)
def test_each_kind_is_found_and_replaced_by_its_placeholder(text, lang, value, kind) -> None:
    out, counts = redact(text, language=lang)
    assert value not in out
    assert f"[{kind.upper()}]" in out
    assert counts[kind] == 1
    assert sum(counts.values()) == 1, (out, counts)


NEGATIVES = [
    "Your order 112-5014070-4118645 has shipped",
    "tracking 1Z999AA10123456784 via UPS",
    "order #4111111111111111 is on its way",  # Luhn-valid, but an order number
    "Reference number is 16934380.",
    "PayPal case ID is PP-006-234-348-863",
    "I'm trying to find DPCI 030-02-8711",
    "ticket 5369043990 was closed",
    "It cost $1,234.56 (or 1.234,56 €) on 12/03/2024",
    "le 28/11/2017 à 14:30, puis le 2017-11-30T09:15:00",
    "am 01.12.2026 um 10:30 Uhr, Preis 19,99 EUR",
    "update to iOS 11.0.3 / version 10.13.1 build 17B48",
    "flight BA 2490 seat 23C, gate 12, 3pm",
    "Bestellung 4023 1122 8841 wurde versandt",
    "pedido 938475612 enviado",
    "my zip is 30093 and I have 3 kids",
    "thanks @115712 for the help",
    "IBAN DE00 1234 5678 9012 3456 78 is not a valid IBAN",
    "123-45-678 and 1234-5678 are not SSNs",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_references_dates_prices_and_versions_are_left_alone(text) -> None:
    for lang in (None, "en", "fr", "de", "it", "pt", "es"):
        assert find(text, language=lang) == [], (lang, text, find(text, language=lang))


def test_only_the_chosen_kinds_are_redacted() -> None:
    text = "mail a@b.example, card 4111111111111111"
    assert redact(text, ("email",))[0] == "mail [EMAIL], card 4111111111111111"
    assert parse_kinds("phone, email") == ("email", "phone")
    assert parse_kinds(None) == KINDS
    with pytest.raises(ValueError, match="unknown PII kind"):
        parse_kinds("email,name")


def test_redacting_twice_changes_nothing_more() -> None:
    """Re-imports and the live flywheel redact text already redacted: it must be stable."""
    text = "call +44 20 7946 0958 or a@b.example; IBAN GB82 WEST 1234 5698 7654 32"
    once = redact(text)[0]
    assert redact(once) == (once, {})
    assert once == "call [PHONE] or [EMAIL]; IBAN [IBAN]"


def _twcs_texts() -> list[str]:
    with TWCS.open(encoding="utf-8") as handle:
        return [r["text"] or "" for r in csv.DictReader(handle)]


def test_real_twcs_text_only_phone_numbers_are_found() -> None:
    """5,000 real support tweets (order ids, tracking numbers, dates, prices, versions,
    anonymised @handles): in English, the only finds are phone numbers, each one a real
    number in its context (read by hand: helplines and customers' numbers), and none of
    the reference numbers that phonenumbers alone accepts is taken."""
    texts = _twcs_texts()
    assert len(texts) >= 5000
    redactor = Redactor()
    finds = []
    for t in texts:
        for f in find(t, language="en"):
            finds.append((f.kind, t[f.start : f.end]))
        redactor.text(t, "en")
    assert {k for k, _ in finds} == {"phone"}, finds
    values = {v for _, v in finds}
    for ref in ("16934380", "615787351", "030-02-8711", "006-234-348-863"):
        assert not any(ref in v for v in values), ref
    assert "8106028994" in values and "+91-90002-89198" in values
    assert 15 <= len(finds) <= 30, finds  # 22 when written: a change here needs a look
    assert redactor.counts == {"phone": len(finds)}
