"""Render utterances from the phrase banks: pick templates, fill slots, compose sentences.

Functions take the RNG explicitly (the simulator's seeded ``random.Random``) so text is
deterministic for a seed. Composition (an emotional sentence + a need sentence + a detail,
in varying order) is what makes the corpus varied: the count of distinct utterances is
reported per language by :class:`UtteranceCounter`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from empathos.simulate.phrasebank import BANKS

NEGATIVE_EMOTIONS = frozenset({"anger", "frustration", "anxiety", "sadness", "confusion"})


@dataclass(slots=True)
class SlotValues:
    """The slot values of one conversation, in one language."""

    product: str
    order: str
    amount: str
    date: str
    agent: str = ""
    issue: str = ""


def format_money(value: float, lang: str) -> str:
    """Currency amount the way the language writes it (``£42.50``, ``42,50 €``)."""
    bank = BANKS[lang]
    text = f"{value:.2f}"
    if bank["decimal_comma"]:
        text = text.replace(".", ",")
    return bank["money_fmt"].format(value=text)


def format_date(day: datetime, lang: str) -> str:
    """Day and month in the language (``3 March``, ``3. März``, ``3 marca``)."""
    bank = BANKS[lang]
    return bank["date_fmt"].format(day=day.day, month=bank["months"][day.month - 1])


def make_slots(
    rng: random.Random, lang: str, now: datetime, product_idx: int, amount: float
) -> SlotValues:
    """Draw the slot values for a conversation happening at ``now``."""
    bank = BANKS[lang]
    n = rng.randrange(100000, 999999)
    style = rng.random()
    order = f"#{n}" if style < 0.4 else (f"ORD-{n}" if style < 0.75 else f"{n}")
    when = now - timedelta(days=rng.randrange(1, 25))
    return SlotValues(
        product=bank["products"][product_idx % len(bank["products"])],
        order=order,
        amount=format_money(amount, lang),
        date=format_date(when, lang),
    )


def fill(template: str, s: SlotValues, minutes: int = 0) -> str:
    """Fill every slot a template may use."""
    if "{" not in template:
        return template
    return template.format(
        product=s.product,
        order=s.order,
        amount=s.amount,
        date=s.date,
        agent=s.agent,
        issue=s.issue,
        minutes=minutes,
    )


def _pick(rng: random.Random, options: list[str]) -> str:
    return options[int(rng.random() * len(options))]


def customer_opening(
    rng: random.Random,
    lang: str,
    need: str,
    emotion: str,
    intensity: float,
    s: SlotValues,
    waited_min: float = 0.0,
    wait_complaint_min: float = 3.0,
) -> str:
    """First customer turn: the need, coloured by the emotion (stronger → emotion first)."""
    bank = BANKS[lang]
    parts = [fill(_pick(rng, bank["open"][need]), s)]
    if emotion != "neutral" and (emotion in NEGATIVE_EMOTIONS or intensity > 0.4):
        feel = _pick(rng, bank["feel"][emotion])
        if intensity > 0.6 and rng.random() < 0.7:
            parts.insert(0, feel)
        else:
            parts.append(feel)
    if rng.random() < 0.3:
        parts.append(fill(_pick(rng, bank["detail"]), s))
    if waited_min >= wait_complaint_min:
        parts.insert(0, fill(_pick(rng, bank["wait"]), s, minutes=int(round(waited_min))))
    if rng.random() < 0.45:
        parts.insert(0, _pick(rng, bank["hello"]))
    return " ".join(parts)


def customer_reply(
    rng: random.Random, lang: str, emotion: str, s: SlotValues, with_detail: bool
) -> str:
    """A mid-conversation customer turn: the current emotion, sometimes with a fact."""
    bank = BANKS[lang]
    parts = [_pick(rng, bank["feel"][emotion])]
    if with_detail:
        parts.append(fill(_pick(rng, bank["detail"]), s))
        if rng.random() < 0.5:
            parts.reverse()
    return " ".join(parts)


def customer_transferred(rng: random.Random, lang: str, emotion: str) -> str:
    """What a customer says on reaching the next agent after a transfer."""
    bank = BANKS[lang]
    text = _pick(rng, bank["transferred"])
    if emotion in NEGATIVE_EMOTIONS and rng.random() < 0.5:
        text = f"{text} {_pick(rng, bank['feel'][emotion])}"
    return text


def customer_end(rng: random.Random, lang: str, emotion: str) -> str:
    """The customer's last words, per final emotion."""
    bank = BANKS[lang]
    key = (
        emotion
        if emotion in bank["end"]
        else ("negative" if emotion in NEGATIVE_EMOTIONS else "neutral")
    )
    return _pick(rng, bank["end"][key])


def employee_empathy(
    rng: random.Random,
    lang: str,
    levels: tuple[int, int, int],
    sympathy: bool,
    s: SlotValues,
    need: str,
    greet: bool,
) -> str:
    """An employee turn with the chosen EPITOME mechanism levels (0 none, 1 weak, 2 strong)
    for (emotional reaction, interpretation, exploration), or a sympathy-only phrase."""
    bank = BANKS[lang]
    parts: list[str] = []
    if greet:
        parts.append(fill(_pick(rng, bank["greet"]), s))
    er, ip, ex = levels
    if er:
        parts.append(_pick(rng, bank["er"]["strong" if er == 2 else "weak"]))
    if ip:
        if ip == 2:
            s.issue = fill(_pick(rng, bank["issue"][need]), s)
            parts.append(fill(_pick(rng, bank["ip"]["strong"]), s))
        else:
            parts.append(_pick(rng, bank["ip"]["weak"]))
    if sympathy and not (er or ip or ex):
        parts.append(_pick(rng, bank["sym"]))
    if ex:
        parts.append(_pick(rng, bank["ex"]["strong" if ex == 2 else "weak"]))
    if not parts:  # nothing empathic and no greeting: a bare acknowledgement
        parts.append(_pick(rng, bank["feel"]["neutral"]))
    return " ".join(parts)


def employee_resolution(
    rng: random.Random, lang: str, need: str, resolved: bool, s: SlotValues
) -> str:
    """The employee's answer: a fix for the need, or a non-answer."""
    bank = BANKS[lang]
    if resolved:
        return fill(_pick(rng, bank["solve"][need]), s)
    return _pick(rng, bank["fail"])


def employee_line(rng: random.Random, lang: str, key: str, s: SlotValues) -> str:
    """A simple employee/bot line by key (``transfer``, ``close``, ``bot_greet``, ``busy``…)."""
    return fill(_pick(rng, BANKS[lang][key]), s)


def bot_attempt(rng: random.Random, lang: str, need: str, s: SlotValues) -> str:
    """The bot's self-service answer for the need."""
    bank = BANKS[lang]
    s.issue = fill(_pick(rng, bank["issue"][need]), s)
    return fill(_pick(rng, bank["bot_try"]), s)


class UtteranceCounter:
    """Counts distinct utterances per language and speaker, with a memory cap.

    Hashes (not strings) are kept, at most ``cap`` per key; past the cap the count is a
    lower bound and ``capped`` says so. That keeps a 1M-contact run within memory.
    """

    def __init__(self, cap: int = 100_000) -> None:
        self.cap = cap
        self._seen: dict[str, set[int]] = {}
        self.total: dict[str, int] = {}
        self.capped: set[str] = set()

    def add(self, key: str, text: str) -> None:
        self.total[key] = self.total.get(key, 0) + 1
        seen = self._seen.get(key)
        if seen is None:
            seen = self._seen[key] = set()
        if len(seen) < self.cap:
            seen.add(hash(text))
        else:
            self.capped.add(key)

    def distinct(self) -> dict[str, int]:
        return {k: len(v) for k, v in sorted(self._seen.items())}
