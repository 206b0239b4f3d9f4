"""Finding personal data in free text: a regex proposes a candidate, a library checks it.

Why two steps: a regex alone redacts order numbers, tracking ids, prices and dates (a
card regex matches any 16 digits); a checksum alone finds nothing in running text. So
every kind has a cheap candidate pattern and a validator -- ``phonenumbers`` (Google's
libphonenumber metadata, offline) for phones, ``python-stdnum`` for card numbers
(Luhn), IBANs (ISO 13616 mod 97) and national identifiers -- and a candidate that a
reference cue precedes ("order", "ticket", "tracking", "ref", "case", "#", ...) is left
alone. What is and is not detected, and why: docs/security.md, "PII redaction".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher
from stdnum import iban as std_iban
from stdnum import luhn
from stdnum.de import idnr as de_idnr
from stdnum.es import dni as es_dni
from stdnum.es import nie as es_nie
from stdnum.fr import nir as fr_nir
from stdnum.it import codicefiscale as it_cf
from stdnum.pt import nif as pt_nif
from stdnum.us import ssn as us_ssn

#: The kinds, in the order overlapping finds are settled (an earlier kind wins).
KINDS = ("email", "iban", "card", "id", "ssn", "phone")
PLACEHOLDERS = {k: f"[{k.upper()}]" for k in KINDS}

#: The regions tried for numbers written without a country code, by text language. An
#: unknown language tries them all.
REGIONS = {
    "en": ("US", "GB"),
    "fr": ("FR", "BE"),
    "de": ("DE", "AT", "CH"),
    "it": ("IT",),
    "pt": ("PT", "BR"),
    "es": ("ES", "MX"),
}
ALL_REGIONS = tuple(dict.fromkeys(r for rs in REGIONS.values() for r in rs))

# Words that make the number after them a reference, not a person's: order, ticket,
# tracking, case, reference, invoice, booking, confirmation ids, product codes, in the
# six languages.
_REFERENCE = re.compile(
    r"(?:order|ord|ticket|tracking|track|case|ref|reference|invoice|booking|confirmation|"
    r"conf|item|sku|dpci|part|model|serial|version|flight|claim|receipt|transaction|"
    r"commande|facture|dossier|suivi|bestellung|auftrag|rechnung|sendung|vorgang|"
    r"ordine|fattura|pratica|spedizione|pedido|encomenda|fatura|factura|envío|envio|"
    r"reserva|id|no|nr|n°|nº|#)\W{0,4}(?:(?:number|num|no|nr|is|:|#|n°|nº|numéro|nummer|"
    r"numero|número)\W{0,3}){0,3}$",
    re.IGNORECASE,
)
_BEFORE = 28  # characters before a candidate searched for a reference cue
# Words that say the number after them is a phone: they overrule a reference cue
# ("Phone#: 770...").
_PHONE_CUE = re.compile(
    r"(?:phone|tel|telephone|call|mobile|cell|fax|whatsapp|sms|téléphone|portable|"
    r"telefon|handy|rufnummer|telefono|cellulare|telemóvel|telemovel|móvil|movil|"
    r"teléfono|celular)",
    re.IGNORECASE,
)
# Weaker: enough to try a number in the other regions, never to overrule a reference cue.
_NUMBER_CUE = re.compile(
    r"(?:number|nummer|numéro|número|numero|reach|appelle|appelez|anrufen|chiama|ligue|"
    r"llama|contact)",
    re.IGNORECASE,
)

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
_IBAN = re.compile(r"\b[A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]{4}){2,7}(?:[ ]?[A-Za-z0-9]{1,3})?\b")
# Cards: contiguous 13-19 digits, or groups of 4 (4-4-4-4, 4-4-4-4-3), 4-6-5 (Amex) or
# 4-6-4 (Diners); any other grouping (Amazon's 3-7-7 order ids) is not a card.
_CARD = re.compile(
    r"(?<![\w-])(?:\d{13,19}|\d{4}(?:[ -]\d{4}){3}(?:[ -]\d{1,3})?|\d{4}[ -]\d{6}[ -]\d{4,5})"
    r"(?![\w-])"
)
_SSN = re.compile(r"(?<![\w-])\d{3}([- ])\d{2}\1\d{4}(?![\w-])")
_NIR = re.compile(
    r"(?<![\w-])[12][ ]?\d{2}[ ]?(?:0[1-9]|1[0-2]|[2-9]\d)[ ]?(?:\d{2}|2[AB])[ ]?\d{3}[ ]?\d{3}"
    r"[ ]?\d{2}(?![\w-])"
)
_CF = re.compile(r"\b[A-Za-z]{6}\d{2}[A-Za-z]\d{2}[A-Za-z]\d{3}[A-Za-z]\b")
_DNI = re.compile(r"(?<![\w-])(?:[XYZxyz]-?\d{7}|\d{8})-?[A-Za-z](?![\w-])")
# Identifiers with a weak check (1 in 10 or 11 random numbers pass): only after a cue.
_CUED_ID = re.compile(
    r"(?:steuer-?id(?:entifikationsnummer)?|idnr|identifikationsnummer|nif|contribuinte)"
    r"\W{0,6}(\d{3} ?\d{3} ?\d{3}(?: ?\d{2})?)(?!\d)",
    re.IGNORECASE,
)
# A date (01.12.2026, 12/03/2024, 2026-12-01) that a phone region accepts as a number.
_DATE = re.compile(r"\d{1,2}([./-])\d{1,2}\1(?:\d{2}|\d{4})|\d{4}([./-])\d{1,2}\2\d{1,2}")
# A cheap gate: text without an '@' and without 7 digits close together has nothing.
_GATE = re.compile(r"\d(?:\D{0,3}\d){6}")


@dataclass(frozen=True, slots=True)
class Find:
    """One piece of personal data: where it is in the text and what kind it is."""

    start: int
    end: int
    kind: str


def _is_reference(text: str, start: int) -> bool:
    before = text[max(0, start - _BEFORE) : start]
    if before.endswith(("-", "#", "@", "/")) and (len(before) < 2 or not before[-2].isspace()):
        return True  # glued to a code: PP-006-234..., #123..., @115712
    return bool(_REFERENCE.search(before.rstrip()))


def _digits(s: str) -> str:
    return "".join(c for c in s if c.isdigit())


def _emails(text: str) -> Iterable[Find]:
    for m in _EMAIL.finditer(text):
        yield Find(m.start(), m.end(), "email")


def _ibans(text: str) -> Iterable[Find]:
    for m in _IBAN.finditer(text):
        if std_iban.is_valid(m.group().upper()):
            yield Find(m.start(), m.end(), "iban")


def _cards(text: str) -> Iterable[Find]:
    for m in _CARD.finditer(text):
        d = _digits(m.group())
        valid = 13 <= len(d) <= 19 and d[0] in "23456" and luhn.is_valid(d)
        if valid and not _is_reference(text, m.start()):
            yield Find(m.start(), m.end(), "card")


def _ids(text: str) -> Iterable[Find]:
    for m in _NIR.finditer(text):
        if fr_nir.is_valid(m.group()):
            yield Find(m.start(), m.end(), "id")
    for m in _CF.finditer(text):
        if it_cf.is_valid(m.group().upper()):
            yield Find(m.start(), m.end(), "id")
    for m in _DNI.finditer(text):
        v = m.group().upper()
        if (es_nie if v[0] in "XYZ" else es_dni).is_valid(v):
            yield Find(m.start(), m.end(), "id")
    for m in _CUED_ID.finditer(text):
        d = _digits(m.group(1))
        if (len(d) == 11 and de_idnr.is_valid(d)) or (len(d) == 9 and pt_nif.is_valid(d)):
            yield Find(m.start(1), m.end(1), "id")


def _ssns(text: str) -> Iterable[Find]:
    for m in _SSN.finditer(text):
        if us_ssn.is_valid(m.group().replace(" ", "-")) and not _is_reference(text, m.start()):
            yield Find(m.start(), m.end(), "ssn")


def _phones(text: str, regions: tuple[str, ...]) -> Iterable[Find]:
    """Numbers valid in the text's regions; then, in every other region, numbers that a
    phone cue precedes or that follow a phone already found ("call +33 6..., or 0151
    2345678"): a foreign national number in running text is a phone only in context."""
    seen: set[tuple[int, int]] = set()
    found = False
    others = tuple(r for r in ALL_REGIONS if r not in regions)
    for region in regions + others:
        if region in others and not (found or _PHONE_CUE.search(text) or _NUMBER_CUE.search(text)):
            break  # nothing in the text could make a foreign number count: skip the scan
        for m in PhoneNumberMatcher(text, region, leniency=Leniency.VALID):
            span = (m.start, m.end)
            if span in seen:
                continue
            if not phonenumbers.is_valid_number(m.number) or _DATE.fullmatch(m.raw_string):
                continue
            before = text[max(0, m.start - _BEFORE) : m.start]
            cued = _PHONE_CUE.search(before)
            if not cued and _is_reference(text, m.start):
                continue
            if region in others and not (cued or found or _NUMBER_CUE.search(before)):
                continue
            seen.add(span)
            found = True
            yield Find(m.start, m.end, "phone")


DETECTORS = {"email": _emails, "iban": _ibans, "card": _cards, "id": _ids, "ssn": _ssns}


def find(text: str, kinds: Iterable[str] = KINDS, language: str | None = None) -> list[Find]:
    """The personal data of ``kinds`` in ``text``, without overlaps (an earlier kind of
    :data:`KINDS` wins), in text order. ``language`` picks the phone regions tried for
    numbers without a country code (:data:`REGIONS`; unknown: all)."""
    wanted = set(kinds)
    if "@" not in text and not _GATE.search(text):
        return []
    found: list[Find] = []
    for kind in KINDS:
        if kind not in wanted:
            continue
        if kind == "email" and "@" not in text:
            continue
        if kind != "email" and not _GATE.search(text):
            continue
        if kind == "phone":
            lang = (language or "").split("-")[0].lower()
            new = list(_phones(text, REGIONS.get(lang, ALL_REGIONS)))
        else:
            new = list(DETECTORS[kind](text))
        for f in new:
            if all(f.end <= g.start or f.start >= g.end for g in found):
                found.append(f)
    return sorted(found, key=lambda f: f.start)
