"""Phrase banks for simulated conversations, one module per language, written for Empathos.

Every bank has the same keys (a test checks it):

- ``open[need]``: the customer states the need; ``feel[emotion]``: short emotional
  sentences per CX emotion; ``wait``/``transferred``: complaints about effort;
  ``detail``: follow-up facts; ``hello``: how customers open; ``end[emotion|negative]``:
  the customer's last words;
  ``ask_human``: asking the bot for a person.
- Employee: ``greet``; the EPITOME mechanisms ``er`` (emotional reaction), ``ip``
  (interpretation, uses ``issue[need]``) and ``ex`` (exploration), each ``weak``/``strong``;
  ``sym`` (sympathy only — not empathy); ``solve[need]``, ``fail``, ``transfer``, ``close``.
- Bot: ``bot_greet``, ``bot_try``, ``bot_handoff``, ``busy``.
- Slot fillers: ``products``, ``months``, ``date_fmt``, ``money_fmt``, ``decimal_comma``,
  ``names``.

Slots ({product} {order} {amount} {date} {minutes} {agent} {issue}) are filled once per
conversation, so a conversation stays coherent (same order number throughout) while the
corpus as a whole is varied.
"""

from __future__ import annotations

from typing import Any

from empathos.simulate.phrasebank import de, en, es, fr, it, pl

BANKS: dict[str, dict[str, Any]] = {
    "en": en.BANK,
    "de": de.BANK,
    "es": es.BANK,
    "it": it.BANK,
    "pl": pl.BANK,
    "fr": fr.BANK,
}

LANGUAGES: tuple[str, ...] = tuple(BANKS)


def template_count(lang: str) -> int:
    """Number of phrase templates (not counting slot fillers) in one language's bank."""
    fillers = {"products", "months", "names", "date_fmt", "money_fmt", "decimal_comma"}

    def count(v: Any) -> int:
        if isinstance(v, dict):
            return sum(count(x) for x in v.values())
        if isinstance(v, list):
            return len(v)
        return 0

    return sum(count(v) for k, v in BANKS[lang].items() if k not in fillers)
