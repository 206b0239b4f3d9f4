"""The handoff summary section of the assist card (issue 16 item 5).

When a bot or another employee hands a live contact over, the member taking it sees the
extractive summary (:func:`empathos.understand.summary.summarise`: the need, what was
tried, the customer's state now, open promises), each line quoting the turns it rests
on, in the *employee's* language for the labels (the quotes stay as the customer and
colleague wrote them). Nobody handed over: no section (None).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from empathos.act.card import TurnEmotion, _label, _t, resolve_language
from empathos.understand.summary import Quote, SummaryTurn, summarise


def handed_over_by(turns: Sequence[TurnEmotion], previous_leads: Sequence[str]) -> str | None:
    """The previous lead when the lead changed, else ``bot`` when a bot spoke first."""
    if previous_leads:
        return previous_leads[-1]
    first_emp = next((k for k, t in enumerate(turns) if t.speaker == "employee"), len(turns))
    return "bot" if any(t.speaker == "bot" for t in turns[:first_emp]) else None


def summary_section(
    lang: str | None, turns: Sequence[TurnEmotion], previous_leads: Sequence[str] = ()
) -> dict[str, Any] | None:
    """The card's ``handoff_summary`` section, or None when nobody handed the contact over."""
    by = handed_over_by(turns, previous_leads)
    if by is None:
        return None
    use, _ = resolve_language(lang)
    s = summarise(
        [
            SummaryTurn(
                t.seq,
                t.speaker,
                t.text,
                (t.label, t.valence) if t.label is not None and t.valence is not None else None,
            )
            for t in turns
        ],
        handed_over_by=by,
    )

    def quotes(items: list[Quote]) -> str:
        return " / ".join(f"[{q.seq}] “{q.text}”" for q in items) or _t(use, "summary.none")

    now = s.state_now.get("quote")
    mood = (
        _label(use, "emotions", s.state_now["emotion"])
        if s.state_now.get("emotion")
        else s.state_now.get("reading", "?")
    )
    who = _t(use, "handoff.from_bot") if by == "bot" else by
    return {
        "title": _t(use, "summary.title", by=who),
        "lines": [
            _t(use, "summary.need", quotes=quotes(s.need)),
            _t(use, "summary.tried", quotes=quotes(s.tried)),
            _t(
                use,
                "summary.now",
                mood=mood,
                quote=f"[{now['seq']}] “{now['text']}”" if now else _t(use, "summary.none"),
            ),
            _t(use, "summary.promises", quotes=quotes(s.open_promises)),
        ],
        "summary": s.as_dict(),
    }
