"""Customer effort signals per interaction: did the customer have to work too hard?

Why effort: Dixon, Freeman & Toman ("Stop Trying to Delight Your Customers", Harvard
Business Review, July–Aug 2010) found that reducing effort predicts loyalty better than
delighting, and named the drivers measured here: having to contact again, being
transferred, repeating information, switching channels, waiting. A customer saying so
outright ("this is the third time I write") is the most direct signal of all.

Everything here is a pure function of plain values (texts, timestamps, ids), so the
pipeline can feed it from the store and tests can feed it by hand:

* :func:`count_repeats` — customer turns that nearly duplicate an earlier one of the same
  interaction (character-trigram Jaccard similarity ≥ ``repeat_similarity``);
* :func:`contact_history` — per interaction, is it a *re-contact* (the same customer
  contacted us within ``recontact_days`` before) and a *channel switch* (that earlier
  contact was on another channel). Only earlier contacts count: no information from the
  future, so adding a later contact never changes an earlier one's signals;
* :func:`count_transfers` — changes of the employee answering inside one interaction,
  or the source's own transfer count when it has one (the larger of the two);
* :func:`long_waits` — replies that came later than the channel's threshold after the
  first unanswered customer turn;
* :func:`count_effort_phrases` — customer turns saying they had to repeat or re-contact,
  in English, German, Spanish, Italian, Polish and French;
* :func:`effort_score` — the combined score ``1 − exp(−Σ wᵢ·xᵢ)`` in [0, 1).
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from itertools import pairwise

# ---------------------------------------------------------------------------- configuration

#: Seconds after which a reply counts as a long wait, per channel. Chat customers expect an
#: answer within a couple of minutes, voice callers (hold, silence inside a call) within a
#: minute, social within an hour, e-mail within a working day. Unknown channels: 5 min.
DEFAULT_WAIT_THRESHOLDS_S: dict[str, float] = {
    "voice": 60.0,
    "chat": 120.0,
    "self_service": 120.0,
    "social": 3600.0,
    "email": 86400.0,
    "survey": 86400.0,
}
DEFAULT_WAIT_THRESHOLD_S = 300.0


@dataclass(frozen=True)
class EffortWeights:
    """Weights of the combined effort score, per unit of each signal.

    Documented priors, not fitted: an explicit complaint about effort (1.0) is the
    customer telling us directly; a re-contact (0.8) is the classic first-contact-
    resolution failure; each repeat (0.6) means the customer was not heard; transfers
    (0.5 each) and channel switches (0.5) are the structural drivers Dixon et al. list;
    a long wait (0.3 each) is irritating but the weakest loyalty driver among them.
    With ``1 − exp(−Σ)``, one transfer gives 0.39, a re-contact with a repeat 0.75, and
    the score saturates below 1 however much goes wrong.
    """

    repeats: float = 0.6
    recontact: float = 0.8
    transfers: float = 0.5
    long_waits: float = 0.3
    channel_switch: float = 0.5
    effort_phrases: float = 1.0


@dataclass(frozen=True)
class EffortConfig:
    """Thresholds of the effort signals (all documented in the module docstring)."""

    repeat_similarity: float = 0.8
    repeat_min_chars: int = 15  # "yes", "ok, thanks" repeated is not re-telling the problem
    recontact_days: float = 7.0
    channel_switch_days: float = 7.0
    wait_thresholds_s: Mapping[str, float] = field(
        default_factory=lambda: dict(DEFAULT_WAIT_THRESHOLDS_S)
    )
    default_wait_threshold_s: float = DEFAULT_WAIT_THRESHOLD_S
    weights: EffortWeights = field(default_factory=EffortWeights)

    def wait_threshold(self, channel: str | None) -> float:
        return float(self.wait_thresholds_s.get(channel or "", self.default_wait_threshold_s))

    def as_dict(self) -> dict:
        d = asdict(self)
        d["wait_thresholds_s"] = dict(self.wait_thresholds_s)
        return d


@dataclass(frozen=True, slots=True)
class EffortSignals:
    repeats: int = 0
    recontact: bool = False
    transfers: int = 0
    long_waits: int = 0
    max_wait_s: float | None = None
    channel_switch: bool = False
    effort_phrases: int = 0

    def score(self, weights: EffortWeights | None = None) -> float:
        return effort_score(self, weights or EffortWeights())


def effort_score(signals: EffortSignals, weights: EffortWeights | None = None) -> float:
    """``1 − exp(−Σ wᵢ·xᵢ)``: 0 without signals, rising with each, saturating below 1."""
    w = weights or EffortWeights()
    total = (
        w.repeats * signals.repeats
        + w.recontact * float(signals.recontact)
        + w.transfers * signals.transfers
        + w.long_waits * signals.long_waits
        + w.channel_switch * float(signals.channel_switch)
        + w.effort_phrases * signals.effort_phrases
    )
    return 1.0 - math.exp(-max(total, 0.0))


# ---------------------------------------------------------------------------- repeats

_PUNCT = re.compile(r"[^\w\s]+", re.UNICODE)
_SPACE = re.compile(r"\s+")


@functools.lru_cache(maxsize=1 << 14)
def normalise_text(text: str) -> str:
    """Lower case, no punctuation, single spaces: what a repeat is compared on.

    Cached (bounded): a contact's turns are normalised by effort, CSAT and QA alike, and
    QA's repeat item compares every pair of customer turns; measured as a top cost of
    ``analyze`` (issue 19). A pure function of a string, so the cache changes no result;
    bounded so a worker's memory stays flat (with 2**16 entries per cache a serial
    ``analyze`` of 25k contacts peaked at 661 MB against 294 MB without caches)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return _SPACE.sub(" ", _PUNCT.sub(" ", text)).strip()


@functools.lru_cache(maxsize=1 << 12)  # a frozenset of ~50 trigrams is ~4 KB: keep it small
def _trigrams(text: str) -> frozenset[str]:
    t = f" {text} "
    return frozenset(t[i : i + 3] for i in range(len(t) - 2))


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of the character trigrams of two normalised texts (0…1)."""
    sa, sb = _trigrams(normalise_text(a)), _trigrams(normalise_text(b))  # both cached
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


def count_repeats(
    customer_texts: Sequence[str],
    threshold: float = 0.8,
    min_chars: int = 15,
) -> int:
    """How many customer turns nearly duplicate an *earlier* customer turn.

    Character trigrams survive typos and small rewordings ("my order 123 never arrived" /
    "My order #123 never arrived!!"); short turns are skipped because repeating "hello?"
    or "thanks" is not re-telling the problem.
    """
    return sum(repeat_flags(customer_texts, threshold, min_chars))


def repeat_flags(
    customer_texts: Sequence[str],
    threshold: float = 0.8,
    min_chars: int = 15,
) -> list[bool]:
    """Per customer turn, whether it nearly duplicates an earlier one (the turns
    :func:`count_repeats` counts): each turn's trigrams are built once and compared with
    the kept earlier ones, the same Jaccard :func:`similarity` computes pair by pair, so
    QA's effort item quotes exactly the turns counted here."""
    grams: list[frozenset[str]] = []
    flags = []
    for text in customer_texts:
        norm = normalise_text(text)
        if len(norm) < min_chars:
            flags.append(False)
            continue
        g = _trigrams(norm)
        flags.append(any(len(g & h) / len(g | h) >= threshold for h in grams))
        grams.append(g)
    return flags


# ---------------------------------------------------------------------------- transfers, waits


def count_transfers(employee_ids: Sequence[str | None], recorded: int | None = None) -> int:
    """Changes of employee between consecutive employee turns (A→B→A is two transfers).

    When the source records its own transfer count (``recorded``, e.g. an ACD's transfer
    field), the larger of the two wins: a blind transfer before anyone spoke leaves no
    trace in the turns.
    """
    seen = [e for e in employee_ids if e]
    changes = sum(1 for a, b in pairwise(seen) if a != b)
    return max(changes, int(recorded or 0))


def wait_times(speakers: Sequence[str], timestamps: Sequence[datetime | None]) -> list[float]:
    """Seconds from the first unanswered customer turn to the next employee or bot turn.

    A customer writing three messages in a row waits from the first; turns without a
    timestamp neither start nor end a wait; a customer turn nobody answered is not a wait
    we can measure (the contact may simply have ended).
    """
    waits: list[float] = []
    waiting_since: datetime | None = None
    for speaker, ts in zip(speakers, timestamps, strict=True):
        if ts is None:
            continue
        if speaker == "customer":
            if waiting_since is None:
                waiting_since = ts
        elif waiting_since is not None:
            waits.append(max((ts - waiting_since).total_seconds(), 0.0))
            waiting_since = None
    return waits


def long_waits(
    speakers: Sequence[str],
    timestamps: Sequence[datetime | None],
    threshold_s: float,
) -> tuple[int, float | None]:
    """Number of waits over ``threshold_s`` and the longest wait (None if none measured)."""
    waits = wait_times(speakers, timestamps)
    return sum(1 for w in waits if w > threshold_s), (max(waits) if waits else None)


# ---------------------------------------------------------------------------- contact history


@dataclass(frozen=True, slots=True)
class Contact:
    interaction_id: str
    customer_id: str | None
    channel: str
    started_at: datetime | None


@dataclass(frozen=True, slots=True)
class ContactFlags:
    recontact: bool  # this contact follows another by the same customer within N days
    prior_contacts: int  # how many earlier contacts fall in that window
    channel_switch: bool  # one of them was on another channel


def contact_history(
    contacts: Iterable[Contact],
    recontact_days: float = 7.0,
    channel_switch_days: float = 7.0,
) -> dict[str, ContactFlags]:
    """Re-contact and channel-switch flags for every contact, from earlier contacts only.

    Contacts without a customer or a start time cannot be placed in a history and get
    all-false flags. Simultaneous contacts are ordered by interaction id, so the result
    does not depend on input order.
    """
    by_customer: dict[str, list[Contact]] = defaultdict(list)
    flags: dict[str, ContactFlags] = {}
    for c in contacts:
        if c.customer_id is None or c.started_at is None:
            flags[c.interaction_id] = ContactFlags(False, 0, False)
        else:
            by_customer[c.customer_id].append(c)
    re_window = recontact_days * 86400.0
    sw_window = channel_switch_days * 86400.0
    for history in by_customer.values():
        history.sort(key=lambda c: (c.started_at, c.interaction_id))
        for i, c in enumerate(history):
            prior = 0
            switch = False
            for p in reversed(history[:i]):
                age = (c.started_at - p.started_at).total_seconds()  # type: ignore[operator]
                if age > max(re_window, sw_window):
                    break
                if age <= re_window:
                    prior += 1
                if age <= sw_window and p.channel != c.channel:
                    switch = True
            flags[c.interaction_id] = ContactFlags(prior > 0, prior, switch)
    return flags


# ---------------------------------------------------------------------------- explicit phrases

_ORD_EN = r"(?:second|third|fourth|fifth|sixth|umpteenth|nth|\d+(?:st|nd|rd|th))"
_ORD_DE = r"(?:zweiten|dritten|vierten|fünften|sechsten|x-ten|zigsten|\d+\.)"
_ORD_ES = r"(?:segunda|tercera|cuarta|quinta|sexta|enésima|\d+[ªa]?)"
_ORD_IT = r"(?:seconda|terza|quarta|quinta|sesta|ennesima|\d+[ªa]?)"
_ORD_PL = r"(?:drugi|trzeci|czwarty|piąty|szósty|kolejny|enty|\d+\.?)"
_ORD_FR = r"(?:deuxième|seconde|troisième|quatrième|cinquième|sixième|énième|\d+(?:e|ème))"

#: Phrases by which customers say they had to repeat themselves or contact again.
#: Matched case-insensitively against every customer turn, whatever its detected language
#: (language detection is unreliable on short messages, and the patterns do not collide).
EFFORT_PHRASES: dict[str, tuple[str, ...]] = {
    "en": (
        rf"\b{_ORD_EN}\s+time\b",
        r"\bhow many (?:more )?times\b",
        r"\b(?:again and again|over and over|yet again)\b",
        (
            r"\b(?:i(?:'ve| have)?|we(?:'ve| have)?) already "
            r"(?:called|written|wrote|explained|told|"
            r"sent|contacted|asked|emailed|e-mailed|reported|phoned|complained)\b"
        ),
        r"\bkeep (?:calling|writing|asking|explaining|repeating|getting transferred)\b",
        r"\brepeat(?:ing)? myself\b",
        r"\bstill (?:waiting|not (?:resolved|fixed|solved|received|sorted))\b",
    ),
    "de": (
        rf"\bzum\s+{_ORD_DE}\s+mal\b",
        (
            r"\b(?:schon|bereits)\s+(?:zum\s+)?(?:zweimal|dreimal|viermal|fünfmal|mehrmals|mehrfach|"
            r"x-mal|zigmal|\d+\s*mal|\d+\s*-mal)\b"
        ),
        r"\bwie oft (?:noch|muss ich|soll ich)\b",
        (
            r"\b(?:habe|hab)\s+(?:ich\s+)?(?:ihnen\s+|euch\s+|dir\s+)?(?:doch\s+)?(?:schon|bereits)\s+"
            r"(?:\w+\s+){0,3}(?:angerufen|geschrieben|erklärt|gesagt|gemeldet|mitgeteilt|reklamiert)\b"
        ),
        r"\bwiederhole mich\b",
        r"\b(?:warte|warten) (?:immer noch|noch immer|seit)\b",
        r"\bimmer noch nicht (?:gelöst|erledigt|behoben|angekommen)\b",
    ),
    "es": (
        rf"\b{_ORD_ES}\s+vez\b",
        r"\bcu[aá]ntas veces\b",
        r"\buna y otra vez\b",
        (
            r"\bya\s+(?:les?\s+|os\s+|se "
            r"lo\s+|lo\s+)?(?:he|hemos)\s+(?:\w+\s+){0,2}(?:llamado|escrito|"
            r"explicado|dicho|contactado|enviado|reclamado)\b"
        ),
        r"\bsigo esperando\b",
        r"\btodav[ií]a no (?:me )?(?:han|ha)\b",
    ),
    "it": (
        rf"\b{_ORD_IT}\s+volta\b",
        r"\bquante volte\b",
        (
            r"\bho gi[aà]\s+(?:\w+\s+){0,2}"
            r"(?:scritto|chiamato|telefonato|spiegato|detto|contattato|"
            r"inviato|segnalato)\b"
        ),
        r"\bsto ancora aspettando\b",
        r"\bancora (?:nessuna risposta|non (?:risolto|arrivato))\b",
    ),
    "pl": (
        rf"\bpo\s+raz\s+{_ORD_PL}\b",
        rf"\b(?:już\s+)?{_ORD_PL}\s+raz\b",
        r"\bile razy\b",
        (
            r"\bjuż\s+(?:\w+\s+){0,2}(?:dzwonił(?:em|am)|pisał(?:em|am)|pisaliśmy|tłumaczył(?:em|am)|"
            r"wyjaśniał(?:em|am)|zgłaszał(?:em|am)|mówił(?:em|am)|reklamował(?:em|am))\b"
        ),
        r"\b(?:nadal|ciągle|wciąż) czekam\b",
    ),
    "fr": (
        rf"\b{_ORD_FR}\s+fois\b",
        r"\bcombien de fois\b",
        (
            r"\bj['’]ai d[ée]j[aà]\s+(?:\w+\s+){0,2}"
            r"(?:appel[ée]|[ée]crit|expliqu[ée]|dit|contact[ée]|"
            r"envoy[ée]|signal[ée]|t[ée]l[ée]phon[ée]|r[ée]clam[ée])\b"
        ),
        r"\btoujours (?:pas de r[ée]ponse|en attente|rien)\b",
        r"\bje (?:me )?r[ée]p[eè]te\b",
    ),
}

# One alternation, so each turn is searched once rather than once per pattern.
_COMPILED: re.Pattern[str] = re.compile(
    "|".join(f"(?:{p})" for pats in EFFORT_PHRASES.values() for p in pats),
    re.IGNORECASE | re.UNICODE,
)


@functools.lru_cache(maxsize=1 << 14)
def has_effort_phrase(text: str) -> bool:
    """Does the text say the customer had to repeat or re-contact (any supported language)?

    Cached (bounded, like :func:`normalise_text`): the live card re-reads every turn of a
    contact on each new one, and this one-alternation search was the largest part of its
    cost (issue 18's /health bound)."""
    t = unicodedata.normalize("NFKC", text).replace("’", "'")
    return _COMPILED.search(t) is not None


def count_effort_phrases(customer_texts: Iterable[str]) -> int:
    """Customer turns containing at least one effort phrase."""
    return sum(1 for t in customer_texts if has_effort_phrase(t))


# ---------------------------------------------------------------------------- one interaction


@dataclass(frozen=True, slots=True)
class TurnView:
    """What effort needs of a turn."""

    speaker: str
    text: str
    ts: datetime | None = None
    author_id: str | None = None


def interaction_effort(
    turns: Sequence[TurnView],
    channel: str | None,
    flags: ContactFlags | None = None,
    recorded_transfers: int | None = None,
    config: EffortConfig | None = None,
) -> EffortSignals:
    """All effort signals of one interaction, its turns given in order."""
    cfg = config or EffortConfig()
    customer_texts = [t.text for t in turns if t.speaker == "customer"]
    n_long, max_wait = long_waits(
        [t.speaker for t in turns], [t.ts for t in turns], cfg.wait_threshold(channel)
    )
    f = flags or ContactFlags(False, 0, False)
    return EffortSignals(
        repeats=count_repeats(customer_texts, cfg.repeat_similarity, cfg.repeat_min_chars),
        recontact=f.recontact,
        transfers=count_transfers(
            [t.author_id for t in turns if t.speaker == "employee"], recorded_transfers
        ),
        long_waits=n_long,
        max_wait_s=max_wait,
        channel_switch=f.channel_switch,
        effort_phrases=count_effort_phrases(customer_texts),
    )
