"""The auto-QA rubric: what a rubric item sees of a contact, what it returns, and the
rubric (a YAML file naming registered items) that turns items into a scorecard.

Why plug-ins: every company's QA form differs (Zendesk AutoQA, Google Quality AI and
Observe.AI all let the customer add items), so an item is one class registered under the
entry-point group ``empathos.qa_rubric_items`` (:mod:`empathos.plugins`, kind
``qa_rubric_items``), and a rubric is data: a YAML file listing items by name with a
weight and options. The shipped default is ``rubric.yaml`` beside this module; the
``EMPATHOS_QA_RUBRIC`` setting points at another.

Why "not applicable" and "unknown" are statuses, never 0: an item that cannot be judged
(no employee turn to greet with, no emotion annotations to judge empathy by) is not a
failure, and a scorecard that counted it as 0 would punish the employee for the data.
The overall score is the weighted mean of the *scored* items only, and None when none is.

Pure: :func:`score_contact` takes a :class:`QAContact` built from plain values; the
pipeline (``understand.pipeline.qa``) builds them from the store.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

from empathos import plugins

DEFAULT_RUBRIC = Path(__file__).with_name("rubric.yaml")

Status = Literal["pass", "fail", "not_applicable", "unknown"]
STATUSES: tuple[str, ...] = ("pass", "fail", "not_applicable", "unknown")
#: Longest excerpt of a turn quoted as evidence (characters).
EXCERPT_CHARS = 160


@dataclass(frozen=True, slots=True)
class QATurn:
    """One turn as a rubric item sees it. ``emotion`` (customer turns) is
    ``(label, valence)`` from the stored emotion annotations, ``empathy`` (employee turns)
    the three EPITOME levels from the stored empathy annotations; None: not annotated."""

    seq: int
    speaker: str  # customer | employee | bot | anything else a source records
    text: str
    ts: datetime | None = None
    author_id: str | None = None
    emotion: tuple[str, float] | None = None
    empathy: tuple[int, int, int] | None = None


@dataclass(frozen=True)
class QAContact:
    """One contact: its turns in order, its channel, and the source's own transfer count."""

    interaction_id: str
    turns: tuple[QATurn, ...]
    channel: str | None = None
    recorded_transfers: int | None = None
    language: str | None = None

    def by_speaker(self, *speakers: str) -> list[QATurn]:
        # Memoised: every item asks for the employee or customer turns again (measured:
        # the largest single cost of a scorecard); a fresh list each call, as before.
        memo = self.__dict__.setdefault("_by_speaker", {})
        hit = memo.get(speakers)
        if hit is None:
            hit = memo[speakers] = [t for t in self.turns if t.speaker in speakers]
        return list(hit)

    def turn(self, seq: int) -> QATurn | None:
        return next((t for t in self.turns if t.seq == seq), None)


@dataclass(frozen=True, slots=True)
class Evidence:
    """The turn that shows an item's verdict: its id (``seq``) and an excerpt of its text."""

    seq: int
    speaker: str
    excerpt: str
    why: str = ""

    def as_dict(self) -> dict[str, Any]:
        """``dataclasses.asdict`` for these scalar fields, without its recursive deep copy
        (measured ~4 % of ``analyze``'s CPU at 25k contacts, issue 19; a test compares)."""
        return {"seq": self.seq, "speaker": self.speaker, "excerpt": self.excerpt, "why": self.why}


def excerpt(text: str, start: int = 0, n: int = EXCERPT_CHARS) -> str:
    """A verbatim slice of ``text`` (whitespace kept, so it is a substring of the turn)
    of at most ``n`` characters, around ``start`` (a match position)."""
    if len(text) <= n:
        return text
    lo = max(0, min(start - n // 4, len(text) - n))
    return text[lo : lo + n]


def cite(turn: QATurn, why: str = "", at: int = 0) -> Evidence:
    return Evidence(turn.seq, turn.speaker, excerpt(turn.text, at), why)


@dataclass(frozen=True)
class ItemResult:
    """One item's verdict on one contact. ``score`` is in [0, 1] when the status is pass
    or fail and None otherwise; ``reason`` says why in one line (always, and above all
    for not applicable / unknown); ``details`` holds the item's own sub-figures."""

    status: Status
    score: float | None
    reason: str
    evidence: tuple[Evidence, ...] = ()
    details: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown QA status {self.status!r}")
        scored = self.status in ("pass", "fail")
        if scored != (self.score is not None):
            raise ValueError("a pass/fail carries a score; not_applicable/unknown carry None")
        if self.score is not None and not 0.0 <= self.score <= 1.0:
            raise ValueError(f"QA score {self.score} outside [0, 1]")

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "score": self.score,
            "reason": self.reason,
            "evidence": [e.as_dict() for e in self.evidence],
            "details": dict(self.details),
        }


def not_applicable(reason: str) -> ItemResult:
    return ItemResult("not_applicable", None, reason)


def unknown(reason: str) -> ItemResult:
    return ItemResult("unknown", None, reason)


def verdict(
    score: float,
    reason: str,
    evidence: Sequence[Evidence] = (),
    pass_mark: float = 0.5,
    **details: Any,
) -> ItemResult:
    """A scored result: pass when ``score >= pass_mark``."""
    s = round(min(max(float(score), 0.0), 1.0), 4)
    return ItemResult("pass" if s >= pass_mark else "fail", s, reason, tuple(evidence), details)


@runtime_checkable
class RubricItem(Protocol):
    """One item of the rubric: built with no arguments, ``name`` (its registered name),
    ``version`` (bumped when its rule changes: a new version rescores), ``description``
    (what the QA form says), and ``score(contact, options)``. Options come from the rubric
    YAML; an item must work with none (its defaults)."""

    name: str
    version: str
    description: str

    def score(self, contact: QAContact, options: Mapping[str, Any]) -> ItemResult: ...


def get_item(name: str) -> RubricItem:
    """The rubric item registered as ``name``, built with no arguments."""
    return plugins.load("qa_rubric_items", name)()


def available_items() -> list[str]:
    return plugins.names("qa_rubric_items")


# ---------------------------------------------------------------------------- the rubric


@dataclass(frozen=True)
class RubricEntry:
    item: str
    weight: float = 1.0
    options: Mapping[str, Any] = field(default_factory=dict)
    label: str | None = None


@dataclass(frozen=True)
class Rubric:
    """A named list of weighted items (from YAML). ``version`` is a hash of the rubric's
    content and its items' versions, so editing the file or upgrading an item rescores."""

    name: str
    entries: tuple[RubricEntry, ...]
    pass_mark: float = 0.5
    source: str = ""

    @property
    def version(self) -> str:
        payload = {
            "name": self.name,
            "pass_mark": self.pass_mark,
            "entries": [
                {**asdict(e), "options": dict(e.options), "v": _item(e.item).version}
                for e in self.entries
            ],
        }
        blob = json.dumps(payload, sort_keys=True, default=str).encode()
        return hashlib.sha1(blob).hexdigest()[:12]  # noqa: S324 - a content id, not security

    def items(self) -> list[tuple[RubricEntry, RubricItem]]:
        return [(e, _item(e.item)) for e in self.entries]


def _item(name: str) -> RubricItem:
    return get_item(name)  # the class is cached by the registry; building one is cheap


class RubricError(ValueError):
    """A rubric file that names an unknown item or is malformed (the message says where)."""


def parse_rubric(data: Mapping[str, Any], source: str = "") -> Rubric:
    """A :class:`Rubric` from parsed YAML; unknown items and bad weights are errors."""
    if not isinstance(data, Mapping) or not isinstance(data.get("items"), list):
        raise RubricError(f"{source or 'rubric'}: needs a list under 'items'")
    known = set(available_items())
    entries = []
    for k, raw in enumerate(data["items"]):
        raw = {"item": raw} if isinstance(raw, str) else raw
        name = raw.get("item") if isinstance(raw, Mapping) else None
        if name not in known:
            raise RubricError(
                f"{source or 'rubric'}: items[{k}]: unknown QA rubric item {name!r}; "
                f"available: {', '.join(sorted(known)) or '(none installed)'}"
            )
        weight = float(raw.get("weight", 1.0))
        if weight <= 0:
            raise RubricError(f"{source or 'rubric'}: items[{k}]: weight must be > 0")
        entries.append(RubricEntry(name, weight, dict(raw.get("options") or {}), raw.get("label")))
    return Rubric(
        str(data.get("name", "rubric")),
        tuple(entries),
        float(data.get("pass_mark", 0.5)),
        source,
    )


def load_rubric(path: str | Path | None = None) -> Rubric:
    """The rubric at ``path``, else the ``EMPATHOS_QA_RUBRIC`` setting's, else the default."""
    import yaml

    if path is None:
        from empathos.config import get_settings

        path = get_settings().qa_rubric or DEFAULT_RUBRIC
    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RubricError(f"cannot read QA rubric {p}: {exc}") from exc
    return parse_rubric(data, str(p))


# ---------------------------------------------------------------------------- a scorecard


@dataclass(frozen=True)
class Scorecard:
    """Every item's result on one contact and the weighted overall of the scored ones."""

    interaction_id: str
    rubric: str
    rubric_version: str
    items: dict[str, ItemResult]
    overall: float | None
    n_scored: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "interaction_id": self.interaction_id,
            "rubric": self.rubric,
            "rubric_version": self.rubric_version,
            "overall": self.overall,
            "n_scored": self.n_scored,
            "items": {k: v.as_dict() for k, v in self.items.items()},
        }


def score_contact(
    rubric: Rubric,
    contact: QAContact,
    version: str | None = None,
    items: Sequence[tuple[RubricEntry, RubricItem]] | None = None,
) -> Scorecard:
    """Score one contact on every item of ``rubric``. An item that raises is recorded as
    unknown with the error, so one broken plug-in does not stop the run. ``items``:
    ``rubric.items()`` resolved once by a caller scoring many contacts (the registry
    look-ups are otherwise repeated per contact)."""
    results: dict[str, ItemResult] = {}
    num = den = 0.0
    for entry, item in rubric.items() if items is None else items:
        try:
            res = item.score(contact, {"pass_mark": rubric.pass_mark, **entry.options})
        except Exception as exc:  # noqa: BLE001 - a plug-in's bug is reported, not fatal
            res = unknown(f"item failed: {type(exc).__name__}: {exc}")
        if not isinstance(res, ItemResult):
            res = unknown(f"item returned {type(res).__name__}, not an ItemResult")
        results[entry.item] = res
        if res.score is not None:
            num += entry.weight * res.score
            den += entry.weight
    overall = round(num / den, 4) if den else None
    n = sum(1 for r in results.values() if r.score is not None)
    return Scorecard(
        contact.interaction_id,
        rubric.name,
        version or rubric.version,
        results,
        overall,
        n,
    )
