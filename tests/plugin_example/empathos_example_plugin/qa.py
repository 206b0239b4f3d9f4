"""A third-party auto-QA rubric item: ``says_thanks`` — did the employee thank the
customer? One class and one entry point (``entry_points.txt`` beside the package), as a
company adds an item its own QA form has. It imports only the rubric's types."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from empathos.understand.qa.rubric import ItemResult, QAContact, cite, not_applicable, verdict

THANKS = re.compile(r"\b(?:thanks?|thank you|danke|merci|gracias)\b", re.IGNORECASE)


class SaysThanks:
    """Pass when an employee turn thanks the customer; the first such turn is the evidence."""

    name = "says_thanks"
    version = "1"
    description = "The employee thanks the customer."

    def score(self, contact: QAContact, options: Mapping[str, Any]) -> ItemResult:
        emp = contact.by_speaker("employee")
        if not emp:
            return not_applicable("no employee turn")
        for t in emp:
            m = THANKS.search(t.text)
            if m:
                return verdict(
                    1.0, "the employee thanks the customer", [cite(t, "thanks", m.start())]
                )
        return verdict(0.0, "no employee turn thanks the customer")
