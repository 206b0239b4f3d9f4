"""The handoff and contact summary: extractive, offline, from the turns (issue 16 item 5).

Why extractive: whoever takes a contact over (an employee after a bot, a colleague after
a transfer) must trust the summary, and a sentence quoted from the contact, with its turn
id, can be checked in a second; a generated one cannot, and no model download is allowed
at run time. Every field is a list of :class:`Quote` (turn id, speaker, the sentence as
written) chosen by documented rules:

* **need** — the customer's request: the first customer sentence with a request cue
  ("I need", "I want", "can you", "why", a question mark, a problem word), else the first
  customer turn with enough content words;
* **tried** — what has been done or tried: staff sentences reporting an action ("I have
  reset", "we've sent"), system actions recorded as turns (speaker not customer, employee
  or bot — ABCD's ``action`` turns), and customer sentences saying what they already
  tried ("I already restarted");
* **state now** — the customer's last turn, with its stored emotion (label, valence) when
  annotated; a lexical reading (thanks / still / complaint words) otherwise, said as such;
* **open promises** — staff sentences committing to a future action ("I will call you
  back tomorrow", "we'll get back to you", "DM us and we'll ...") not followed by a later
  staff sentence reporting it done; "open" because the turns show no fulfilment.

Sentences come from a simple splitter (end punctuation, line breaks); a turn with no
sentence end is one sentence. Pure: plain turns in, a :class:`ContactSummary` out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

STAFF = ("employee", "bot")
QUOTE_CHARS = 200


@dataclass(frozen=True, slots=True)
class SummaryTurn:
    """One turn as the summary needs it (``emotion``: stored (label, valence), if any)."""

    seq: int
    speaker: str
    text: str
    emotion: tuple[str, float] | None = None


@dataclass(frozen=True, slots=True)
class Quote:
    seq: int
    speaker: str
    text: str  # the sentence, verbatim (cut at QUOTE_CHARS)


@dataclass
class ContactSummary:
    need: list[Quote] = field(default_factory=list)
    tried: list[Quote] = field(default_factory=list)
    state_now: dict[str, Any] = field(default_factory=dict)
    open_promises: list[Quote] = field(default_factory=list)
    n_turns: int = 0
    handed_over_by: str | None = None  # "bot" | an employee id | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def lines(self) -> list[str]:
        """Plain lines for a card or a page (each quote with its turn id)."""

        def q(items: list[Quote]) -> str:
            return " / ".join(f"[{x.seq}] “{x.text}”" for x in items) or "—"

        state = self.state_now
        now = state.get("quote")
        now_s = f"[{now['seq']}] “{now['text']}”" if now else "—"
        mood = state.get("emotion") or state.get("reading") or "unknown"
        return [
            f"Need: {q(self.need)}",
            f"Tried: {q(self.tried)}",
            f"Customer now ({mood}): {now_s}",
            f"Open promises: {q(self.open_promises)}",
        ]


def _rx(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE | re.UNICODE)


# a sentence ends at . ! ? followed by a space (so "t.co/x" and "3.5" stay whole) or a line
_SENT_END = re.compile(r"(?<=[.!?])\s+|\n+", re.UNICODE)
_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)

REQUEST = _rx(
    r"\b(?:i|we) (?:need|want|would like|'d like|am trying|'m trying|can't|cannot|couldn't|"
    r"have(?:n't)? (?:been|got|received)|got|was charged|never received|didn't (?:get|receive))\b",
    r"\b(?:can|could|would) you\b|\bhow (?:do|can|long|much)\b|\bwhy\b|\bwhere is\b|\bwhen will\b",
    r"\b(?:problem|issue|broken|not working|doesn't work|won't|error|wrong|missing|refund|"
    r"return|cancel|charged|delay|late|bill|invoice|order|account|password|login)\b",
    r"\b(?:ich (?:m[öo]chte|brauche|habe)|k[öo]nnen sie|mein(?:e)? \w+ (?:ist|funktioniert))\b",
    r"\b(?:necesito|quiero|no (?:funciona|puedo)|mi pedido)\b",
    r"\b(?:je (?:voudrais|veux|n'arrive)|ma commande|ne fonctionne)\b",
    r"\b(?:vorrei|ho bisogno|non funziona|il mio ordine)\b",
    r"\b(?:potrzebuj[ęe]|chc[ęe]|nie dzia[łl]a|moje zam[óo]wienie)\b",
    r"\?",
)
DONE = _rx(
    r"\b(?:i|we)(?:'ve| have)? (?:now |just |already )?(?:gone ahead and )?(?:refunded|"
    r"processed|issued|sent|updated|changed|cancell?ed|reset|fixed|resolved|credited|"
    r"replaced|arranged|escalated|rebooked|reactivated|removed|added|applied|submitted|"
    r"notified|checked|looked into|pulled up|verified|forwarded|passed|raised|logged|"
    r"let \w+ know)\b",
    r"\b(?:has|have) been (?:\w+ed|sent|done)\b",
    r"\b(?:ich habe|wir haben) \w+ (?:storniert|erstattet|ge[äa]ndert|gesendet|gepr[üu]ft)\b",
    r"\b(?:he|hemos) (?:reembolsado|enviado|cambiado|cancelado|revisado)\b",
    r"\b(?:j'ai|nous avons) (?:rembours[ée]|envoy[ée]|modifi[ée]|annul[ée]|v[ée]rifi[ée])\b",
)
CUSTOMER_TRIED = _rx(
    r"\bi(?:'ve| have| did)? (?:already |also |even )?(?:\w+ )?(?:tried|restarted|rebooted|"
    r"reset|reinstalled|cleared|updated|called|emailed|e-mailed|sent|contacted|checked|"
    r"followed|messaged|dm'?ed|wrote|asked|reported|changed)\b",
    r"\b(?:to no avail|didn't (?:help|work|fix)|did not (?:help|work)|still (?:doesn't|does not) "
    r"work)\b",
    r"\b(?:ich habe (?:schon|bereits)|ya (?:he|intent[ée])|j'ai d[ée]j[àa]|ho gi[àa])\b",
)
PROMISE = _rx(
    r"\b(?:i|we)(?:'ll| will| shall|'m going to| am going to|'re going to| are going to) "
    r"(?:\w+ ){0,2}(?:call|get back|reach out|contact|follow up|send|email|e-mail|update|"
    r"let you know|look into|check|investigate|escalate|refund|process|arrange|review|"
    r"monitor|message|dm|be in touch|keep you|pass|forward|ship|replace|fix)\b",
    r"\b(?:they|someone|a (?:colleague|manager|specialist|technician|team member)|the team|"
    r"our team)(?:'ll| will) (?:\w+ ){0,3}(?:call|contact|reach out|get back|be in touch|"
    r"follow up|email|send|visit|review)\b",
    r"\b(?:within|in the next) \d+ (?:hours?|days?|minutes?|business days?|working days?)\b",
    r"\b(?:by|until) (?:tomorrow|monday|tuesday|wednesday|thursday|friday|the end of)\b",
    r"\b(?:call you back|get back to you|follow up with you|be in touch)\b",
    r"\b(?:ich|wir) (?:werde|werden) (?:\w+ ){0,3}(?:anrufen|melden|schicken|pr[üu]fen|senden)\b",
    r"\b(?:le|te) (?:llamar[ée]|llamaremos|enviar[ée]|enviaremos|contactar[ée]mos)\b",
    r"\b(?:je vous|nous vous) (?:rappellerai|rappellerons|enverrai|enverrons|recontacterons)\b",
    r"\b(?:la|ti) (?:richiamer[òo]|richiameremo|contatteremo)\b",
)
NEGATIVE = _rx(
    r"\b(?:still|again|never|worst|terrible|awful|ridiculous|unacceptable|useless|angry|"
    r"annoyed|frustrat\w*|disappoint\w*|upset|waiting|no one|nobody|not (?:happy|working|"
    r"resolved|fixed))\b"
)
POSITIVE = _rx(
    r"\b(?:thanks?|thank you|thx|great|perfect|awesome|cheers|appreciate|brilliant|works now|"
    r"sorted|resolved|danke|gracias|merci|grazie|dzi[ęe]kuj[ęe])\b"
)


def sentences(text: str) -> list[str]:
    """The text's sentences, verbatim and stripped (a text without an end mark is one)."""
    return [s.strip() for s in _SENT_END.split(text) if s and s.strip()]


def _quote(t: SummaryTurn, s: str) -> Quote:
    return Quote(t.seq, t.speaker, s if len(s) <= QUOTE_CHARS else s[: QUOTE_CHARS - 1] + "…")


def _is_system(speaker: str) -> bool:
    return speaker not in ("customer", *STAFF)


def _need(cust: list[SummaryTurn], max_quotes: int) -> list[Quote]:
    for t in cust:
        hits = [s for s in sentences(t.text) if REQUEST.search(s) and len(_WORD.findall(s)) >= 2]
        if hits:
            return [_quote(t, s) for s in hits[:max_quotes]]
    for t in cust:
        if len(_WORD.findall(t.text)) >= 4:
            return [_quote(t, sentences(t.text)[0] if sentences(t.text) else t.text)]
    return []


def summarise(
    turns: Sequence[SummaryTurn], max_quotes: int = 3, handed_over_by: str | None = None
) -> ContactSummary:
    """The summary of one contact's turns (in order); see the module docstring."""
    turns = sorted(turns, key=lambda t: t.seq)
    cust = [t for t in turns if t.speaker == "customer"]
    out = ContactSummary(n_turns=len(turns), handed_over_by=handed_over_by)
    out.need = _need(cust, 2)
    tried: list[Quote] = []
    promises: list[tuple[int, Quote]] = []
    done_after: list[int] = []
    for t in turns:
        if _is_system(t.speaker):
            tried.append(_quote(t, t.text.strip()))
            done_after.append(t.seq)
            continue
        for s in sentences(t.text):
            if t.speaker == "customer":
                if CUSTOMER_TRIED.search(s):
                    tried.append(_quote(t, s))
            elif PROMISE.search(s):
                promises.append((t.seq, _quote(t, s)))
            elif DONE.search(s):
                tried.append(_quote(t, s))
                done_after.append(t.seq)
    out.tried = tried[-max_quotes:]
    # a promise is open unless something was reported done after it
    out.open_promises = [q for seq, q in promises if not any(d > seq for d in done_after)][
        -max_quotes:
    ]
    if cust:
        last = cust[-1]
        state: dict[str, Any] = {"quote": asdict(_quote(last, last.text.strip()))}
        if last.emotion is not None:
            state.update(emotion=last.emotion[0], valence=round(float(last.emotion[1]), 3))
            state["basis"] = "stored emotion annotation"
        else:
            neg, pos = bool(NEGATIVE.search(last.text)), bool(POSITIVE.search(last.text))
            state["reading"] = (
                "negative words"
                if neg and not pos
                else "thanks / positive words"
                if pos and not neg
                else "mixed words"
                if pos
                else "no emotion cue"
            )
            state["basis"] = "words only (no emotion annotation)"
        out.state_now = state
    return out
