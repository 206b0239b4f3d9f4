"""Mask what identifies a person in a turn before it is shown as a coaching example.

Why: coaching examples travel — to a supervisor, a pod review, a training deck. The
behaviour is what matters, not who the customer was. Masked, in this order:

* e-mail addresses -> ``[email]``; web addresses -> ``[url]``;
* every token that contains a digit -> ``[number]`` (order numbers ``ORD-12345``,
  ``#4521``, amounts ``£42.50``, phone numbers, dates, postcodes);
* names known to the store (customers' and employees' names, each part of two letters or
  more, case-insensitive) -> ``[name]``;
* a capitalised word after an honorific (Mr, Mrs, Ms, Herr, Frau, Señor, Sra, Signor,
  Pan, Pani, Monsieur, Madame, ...) -> ``[name]``, for names the store does not know.

Limits: a name that is neither in the store nor after an honorific stays (free text cannot
be fully anonymised by rules); the masks are deliberately aggressive on numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_NUMBER = re.compile(r"[^\s\[\]]*\d[^\s\[\]]*?(?=[.,;:!?)\"']*(?:\s|$))")
_HONORIFICS = (
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "herr",
    "frau",
    "senor",
    "señor",
    "senora",
    "señora",
    "sr",
    "sra",
    "srta",
    "signor",
    "signora",
    "sig",
    "pan",
    "pani",
    "panie",
    "monsieur",
    "madame",
    "mme",
    "mlle",
)
# The honorific in any case, the name capitalised ("pan to" in Polish is not a name).
_HONORIFIC = re.compile(
    r"\b((?i:" + "|".join(_HONORIFICS) + r"))(\.?\s+)([A-ZÀ-ÖØ-ÞĄĆĘŁŃÓŚŹŻ][\w'-]+)"
)


def name_parts(names: Iterable[str | None]) -> set[str]:
    """The maskable parts of full names ("Thomas B." -> {"thomas"}): initials are left."""
    parts: set[str] = set()
    for name in names:
        for tok in re.split(r"[\s.,]+", name or ""):
            if len(tok) >= 2 and any(ch.isalpha() for ch in tok):
                parts.add(tok.casefold())
    return parts


class Anonymiser:
    """Masks e-mails, URLs, numbers and the given names in text (see the module docstring)."""

    def __init__(self, names: Iterable[str | None] = ()) -> None:
        parts = sorted(name_parts(names), key=len, reverse=True)
        self._names = (
            re.compile(
                r"(?<!\w)(" + "|".join(re.escape(p) for p in parts) + r")(?!\w)", re.IGNORECASE
            )
            if parts
            else None
        )

    def mask(self, text: str | None) -> str:
        t = _EMAIL.sub("[email]", text or "")
        t = _URL.sub("[url]", t)
        t = _NUMBER.sub("[number]", t)
        if self._names is not None:
            t = self._names.sub("[name]", t)
        return _HONORIFIC.sub(lambda m: m.group(1) + m.group(2) + "[name]", t)
