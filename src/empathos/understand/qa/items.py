"""The built-in items of the auto-QA rubric (each one class, registered as an entry point
of ``empathos.qa_rubric_items`` in pyproject.toml).

Each item is a documented rule over the turns and the stored annotations, so its verdict
can be checked by reading the turn it quotes:

* ``greeting_identification`` — in the employee's first turns, a greeting and an
  identification (the employee names themself, or asks for / confirms the customer's
  name, account, order or e-mail);
* ``need_understood`` — an employee turn that restates or confirms the need: the empathy
  model's *interpretation* at level >= 1, a confirming phrase ("so you ...", "just to
  confirm"), or one sharing enough content words with the customer's first request;
* ``empathy_mechanisms`` — per EPITOME mechanism (emotional reaction = acknowledge,
  interpretation = interpret, exploration = explore), the strongest level shown by any
  employee turn, from the stored empathy annotations; applicable where the customer
  expressed a negative emotion (an empathic opportunity), unknown without annotations;
* ``resolution_offered`` — an employee turn offering or reporting a concrete resolution
  (an action taken, a next step or suggestion, a refund, a fix, an escalation);
* ``ending_well`` — the close: a closing phrase (anything else, thanks, good day) in the
  last employee turns, and the customer not negative at the end (stored emotion of the
  last customer turn);
* ``effort`` — repeats, transfers and long waits (``understand.effort``): 1 − the effort
  score of those three signals.

The phrase lists cover English first, with German, Spanish, French, Italian and Polish
for the common formulas; a contact in another language gets fewer matches, which
``bench/qa_agreement.py`` measures rather than hides.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from typing import Any

from empathos.understand import effort as eff
from empathos.understand.protocols import EMPATHY_MECHANISMS
from empathos.understand.qa.rubric import (
    Evidence,
    ItemResult,
    QAContact,
    QATurn,
    cite,
    not_applicable,
    unknown,
    verdict,
)

STAFF = ("employee", "bot")


#: Each phrase pattern's case-sensitive twin (same source, no IGNORECASE), run on
#: ``text.lower()`` by :func:`_search` where that finds the very same match.
_LOWER: dict[re.Pattern[str], re.Pattern[str]] = {}
#: Characters ``re``'s IGNORECASE folds beyond ``str.lower`` (dotless i, long s, Greek
#: symbol variants, ...: CPython's ``_sre`` equivalence table) and the final sigma, which
#: ``str.lower`` maps by context: a text holding one takes the case-insensitive pattern.
#: ``tests/understand/test_qa_items_phrases.py`` checks every Unicode character.
_FOLD_SPECIAL = re.compile(
    "[\u0131\u017f\u00b5\u03bc\u0345\u03b9\u1fbe\u0390\u1fd3\u03b0\u1fe3\u03b2"
    "\u03d0\u03b5\u03f5\u03b8\u03d1\u03ba\u03f0\u03c0\u03d6\u03c1\u03f1\u03c2"
    "\u03c3\u03a3\u03c6\u03d5\u0432\u1c80\u0434\u1c81\u043e\u1c82\u0441\u1c83"
    "\u0442\u1c84\u1c85\u044a\u1c86\u0463\u1c87\ua64b\u1c88\u1e61\u1e9b\ufb05"
    "\ufb06\u212a\u2126\u212b]"
)


def _rx(*patterns: str) -> re.Pattern[str]:
    src = "|".join(f"(?:{p})" for p in patterns)
    rx = re.compile(src, re.IGNORECASE | re.UNICODE)
    if re.sub(r"\\.", "", src) == re.sub(r"\\.", "", src).lower():  # no upper-case literal
        _LOWER[rx] = re.compile(src, re.UNICODE)
    return rx


def _search(rx: re.Pattern[str], text: str) -> re.Match[str] | None:
    """``rx.search(text)``'s match position and truth, found faster: with IGNORECASE no
    alternative of a phrase list starts with a plain literal, so ``re`` tries every
    alternative at every position of the turn (measured 2-5x the case-sensitive twin's
    time, the largest share of a scorecard). Where lower-casing keeps every character
    one character and the text holds nothing IGNORECASE folds differently, the twin on
    ``text.lower()`` matches at exactly the same places (positions kept); only the
    match's *text* would be lower case, and the items read its start only."""
    low = _LOWER.get(rx)
    if low is not None:
        lowered = text.lower()
        if text.isascii() or (len(lowered) == len(text) and not _FOLD_SPECIAL.search(lowered)):
            return low.search(lowered)
    return rx.search(text)


def _first_match(rx: re.Pattern[str], turns: list[QATurn]) -> tuple[QATurn, int] | None:
    for t in turns:
        m = _search(rx, t.text)
        if m:
            return t, m.start()
    return None


def _employees(contact: QAContact) -> list[QATurn]:
    return contact.by_speaker("employee")


GREETING = _rx(
    r"\b(?:hi|hello|hey|good (?:morning|afternoon|evening|day)|welcome|greetings)\b",
    r"\bthanks? (?:you )?for (?:contacting|reaching out|calling|getting in touch|writing)\b",
    r"\b(?:hallo|guten (?:tag|morgen|abend)|servus|moin)\b",
    r"\b(?:hola|buen(?:os|as) (?:d[ií]as|tardes|noches))\b",
    r"\b(?:bonjour|bonsoir|salut)\b",
    r"\b(?:buongiorno|buonasera|ciao|salve)\b",
    r"\b(?:dzie[ńn] dobry|witam|cze[śs][ćc])\b",
)
IDENTIFICATION = _rx(
    r"\b(?:my name is|this is \w+|i am \w+ (?:from|with)|i'm \w+ (?:from|with))\b",
    r"\b(?:your|the) (?:full )?(?:name|account(?: id| number)?|order (?:id|number)|e-?mail"
    r"(?: address)?|username|user ?name|phone number|customer (?:id|number)|date of birth|"
    r"postcode|zip code)\b",
    r"\b(?:verify|confirm) (?:your|the) (?:identity|account|details)\b",
    r"\b(?:ihr(?:e|en)? (?:name|kundennummer|bestellnummer|e-mail)|mein name ist)\b",
    r"\b(?:su (?:nombre|n[úu]mero de pedido|correo)|me llamo)\b",
    r"\b(?:votre (?:nom|num[ée]ro de commande|e-mail)|je m'appelle)\b",
    r"\b(?:il suo (?:nome|numero d'ordine)|mi chiamo)\b",
    r"\b(?:pana|pani) (?:imi[ęe]|numer zam[óo]wienia)\b",
    r"^@\w+",  # social: the reply addresses the customer by handle
    r"\^\w+\s*$|-\s*\w+\s*$",  # social: the agent signs with initials (^AB, -Name)
)


class GreetingIdentification:
    """Greeting and identification in the employee's first turns (default: 3)."""

    name = "greeting_identification"
    version = "1"
    description = "The employee greets the customer and identifies themself or the customer."

    def score(self, contact: QAContact, options: Mapping[str, Any]) -> ItemResult:
        emp = _employees(contact)
        if not emp:
            return not_applicable("no employee turn (automated or unanswered contact)")
        first = emp[: int(options.get("first_turns", 3))]
        g = _first_match(GREETING, first)
        i = _first_match(IDENTIFICATION, emp[: int(options.get("identification_turns", 6))])
        ev = []
        if g:
            ev.append(cite(g[0], "greeting", g[1]))
        if i:
            ev.append(cite(i[0], "identification", i[1]))
        parts = [p for p, hit in (("greeting", g), ("identification", i)) if not hit]
        reason = "greeting and identification" if not parts else "missing: " + ", ".join(parts)
        return verdict(
            (bool(g) + bool(i)) / 2,
            reason,
            ev,
            float(options.get("pass_mark", 0.5)),
            greeting=bool(g),
            identification=bool(i),
        )


CONFIRM = _rx(
    r"\b(?:so you(?:'re| are)?|if i understand|just to (?:confirm|clarify|be sure)|"
    r"you(?:'d| would) like to|you want to|you need to|is that (?:right|correct)|"
    r"do you mean|sounds like you|i understand (?:that )?you|you(?:'re| are) (?:asking|"
    r"looking|trying))\b",
    r"\b(?:verstehe ich (?:sie|dich) richtig|sie m[öo]chten|"
    r"habe ich (?:das )?richtig verstanden)\b",
    r"\b(?:si entiendo bien|usted quiere|quiere decir)\b",
    r"\b(?:si je comprends bien|vous souhaitez|vous voulez)\b",
    r"\b(?:se ho capito bene|lei vuole|desidera)\b",
    r"\b(?:czy dobrze rozumiem|chce pan|chce pani)\b",
)
_WORD = re.compile(r"[^\W\d_]{4,}", re.UNICODE)
_STOP_WORDS = (
    "this that with have from your about what when where would could there their they "
    "them please thanks thank just like been will were here into also only some more "
    "than then very need want help hello dear sure okay"
)
_STOP = frozenset(_STOP_WORDS.split())


@functools.lru_cache(maxsize=64)  # a contact's request is read twice; too small to span runs
def _content(text: str) -> frozenset[str]:
    return frozenset({w.casefold() for w in _WORD.findall(text)} - _STOP)


def request_turn(contact: QAContact, min_words: int = 3) -> QATurn | None:
    """The customer's first turn with at least ``min_words`` content words (the request;
    "hi" and a name are skipped), else their first turn."""
    cust = contact.by_speaker("customer")
    for t in cust:
        if len(_content(t.text)) >= min_words:
            return t
    return cust[0] if cust else None


class NeedUnderstood:
    """An employee turn that restates or confirms the customer's need."""

    name = "need_understood"
    version = "1"
    description = "The employee shows the need was understood (restates or confirms it)."

    def score(self, contact: QAContact, options: Mapping[str, Any]) -> ItemResult:
        emp = _employees(contact)
        req = request_turn(contact)
        if not emp or req is None:
            return not_applicable("needs a customer request and an employee reply")
        after = [t for t in emp if t.seq > req.seq] or emp
        for t in after:
            if t.empathy is not None and t.empathy[1] >= 1:
                return verdict(
                    1.0, "the reply interprets the customer", [cite(t, "interpretation")]
                )
        hit = _first_match(CONFIRM, after)
        if hit:
            return verdict(1.0, "the reply confirms the need", [cite(hit[0], "confirms", hit[1])])
        need_words = _content(req.text)
        share = float(options.get("min_overlap", 0.25))
        for t in after:
            common = need_words & _content(t.text)
            if need_words and len(common) >= 2 and len(common) / len(need_words) >= share:
                return verdict(
                    1.0,
                    "the reply takes up the request's words: " + ", ".join(sorted(common)[:5]),
                    [cite(req, "request"), cite(t, "takes it up")],
                )
        return verdict(
            0.0,
            "no reply restates, confirms or takes up the request",
            [cite(req, "request")],
        )


NEGATIVE_WORDS = _rx(
    r"\b(?:angry|annoyed|frustrat\w*|upset|disappoint\w*|terrible|awful|worst|ridiculous|"
    r"unacceptable|useless|furious|worried|anxious|scared|sad|hate|still not|never arrived)\b",
    r"\b(?:ver[äa]rgert|entt[äa]uscht|w[üu]tend|frustriert|sauer|unversch[äa]mt)\b",
    r"\b(?:molest[oa]|enfadad[oa]|decepcionad[oa]|furios[oa]|inaceptable)\b",
    r"\b(?:furieux|furieuse|d[ée]çu|d[ée]çue|inadmissible|f[âa]ch[ée])\b",
    r"\b(?:arrabbiat[oa]|delus[oa]|inaccettabile)\b",
    r"\b(?:z[łl]y|z[łl]a|w[śs]ciek[łl]y|rozczarowan[ya])\b",
)


class EmpathyMechanisms:
    """Per EPITOME mechanism, the strongest level any employee turn shows (stored
    annotations); the score is the mean level over the mechanisms the rubric asks for,
    on the 0–2 scale, divided by 2."""

    name = "empathy_mechanisms"
    version = "1"
    description = "The employee acknowledges feelings, interprets and explores (EPITOME)."

    def score(self, contact: QAContact, options: Mapping[str, Any]) -> ItemResult:
        emp = _employees(contact)
        if not emp:
            return not_applicable("no employee turn")
        cust = contact.by_speaker("customer")
        if options.get("only_when_negative", True):
            known = [t for t in cust if t.emotion is not None]
            threshold = float(options.get("negative_valence", -0.25))
            if known:
                neg = [t for t in known if t.emotion[1] <= threshold]
            else:
                neg = [t for t in cust if _search(NEGATIVE_WORDS, t.text)]
                if not neg and not cust:
                    return not_applicable("the customer did not speak")
            if not neg:
                return not_applicable("the customer expressed no negative emotion")
        annotated = [t for t in emp if t.empathy is not None]
        if not annotated:
            return unknown("the employee turns have no empathy annotations (run analyze)")
        wanted = [m for m in options.get("mechanisms", EMPATHY_MECHANISMS)]
        best: dict[str, tuple[int, QATurn | None]] = {m: (0, None) for m in wanted}
        for t in annotated:
            for j, m in enumerate(EMPATHY_MECHANISMS):
                if m in best and t.empathy[j] > best[m][0]:
                    best[m] = (t.empathy[j], t)
        ev = [cite(t, f"{m} level {lvl}") for m, (lvl, t) in best.items() if t is not None]
        shown = [m for m, (lvl, _) in best.items() if lvl >= 1]
        reason = ("shown: " + ", ".join(shown)) if shown else "no mechanism shown"
        score = sum(lvl for lvl, _ in best.values()) / (2 * len(best)) if best else 0.0
        # one mechanism at level 1 is already better than none: the pass mark is on
        # "any mechanism shown", the score keeps the strength for trends
        res = verdict(
            score,
            reason,
            ev,
            float(options.get("pass_mark", 0.5)),
            levels={m: lvl for m, (lvl, _) in best.items()},
        )
        if shown and res.status == "fail" and options.get("pass_on_any", True):
            return ItemResult("pass", res.score, res.reason, res.evidence, res.details)
        return res


RESOLUTION = _rx(
    r"\b(?:i|we)(?:'ve| have)? (?:now |just |already )?(?:gone ahead and )?(?:refunded|"
    r"processed|issued|sent|updated|changed|cancell?ed|reset|fixed|resolved|credited|"
    r"replaced|arranged|escalated|rebooked|reactivated|removed|added|applied|submitted|"
    r"notified|booked|ordered|corrected|waived)\b",
    r"\b(?:i|we)(?:'ll| will) (?:send|refund|process|issue|update|escalate|arrange|"
    r"replace|credit|fix|reset|book|cancel|ship|look into|check|follow up|call|contact)\b",
    r"\b(?:you (?:will|should|can) (?:receive|get|see|now)|here(?:'s| is) (?:how|what|the "
    r"link)|please (?:try|restart|reset|update|reinstall|clear|click|follow|go to|visit|"
    r"check|send us|dm|reach)|(?:try|you can try) (?:to )?\w+ing|the (?:fix|solution|"
    r"refund|replacement) (?:is|will))\b",
    r"\b(?:full refund|replacement|store credit|voucher|discount|a new one|escalat\w+ "
    r"(?:this|it|to))\b",
    # suggestions: a next step the customer can take ("you could try", "I'd recommend")
    r"\b(?:you (?:could|might|may want to|should|can always) (?:try|consider|contact|call|"
    r"ask|talk|speak|check|look|use|go|reach|visit|write|reset|restart|update)|have you "
    r"(?:tried|considered|thought about)|i(?:'d| would)? (?:suggest|recommend|advise)|my "
    r"(?:suggestion|advice|recommendation)|why (?:not|don't you) (?:try|\w+)|it (?:might|may|"
    r"could) help (?:to|if)|how about (?:trying|\w+ing))\b",
    r"\b(?:sie k[öo]nnten|ich (?:empfehle|schlage vor)|le (?:sugiero|recomiendo)|puede "
    r"intentar|je vous (?:conseille|sugg[èe]re|recommande)|vous pourriez|le consiglio|"
    r"potrebbe provare|polecam|proponuj[ęe])\b",
    r"\b(?:ich habe|wir haben) (?:\w+ ){0,3}(?:storniert|erstattet|ge[äa]ndert|gesendet|"
    r"veranlasst)\b",
    r"\b(?:he|hemos) (?:reembolsado|enviado|cambiado|cancelado|procesado)\b",
    r"\b(?:j'ai|nous avons) (?:rembours[ée]|envoy[ée]|modifi[ée]|annul[ée])\b",
    r"\b(?:ho|abbiamo) (?:rimborsato|inviato|modificato|annullato)\b",
    r"\b(?:zwr[óo]ci(?:łem|łam|liśmy)|wysła(?:łem|łam|liśmy)|anulowa(?:łem|łam|liśmy))\b",
)


class ResolutionOffered:
    """An employee turn offering or reporting a concrete resolution or next step."""

    name = "resolution_offered"
    version = "2"  # 2: suggestions count ("you could try", "I'd recommend")
    description = "The employee offers or reports a concrete resolution or next step."

    def score(self, contact: QAContact, options: Mapping[str, Any]) -> ItemResult:
        emp = _employees(contact)
        if not emp:
            return not_applicable("no employee turn")
        hit = _first_match(RESOLUTION, emp)
        if hit:
            return verdict(1.0, "a resolution or next step", [cite(hit[0], "resolution", hit[1])])
        return verdict(0.0, "no employee turn offers a resolution or next step")


CLOSING = _rx(
    r"\b(?:anything else|something else|any other (?:questions?|way)|is there (?:anything|"
    r"something))\b",
    r"\b(?:have a (?:great|good|nice|lovely|wonderful) (?:day|night|evening|weekend|one)|"
    r"take care|enjoy your|glad (?:i|we) could help|happy to help|my pleasure|a pleasure|"
    r"you(?:'re| are) welcome|thanks? (?:you )?for (?:your patience|contacting|reaching|"
    r"choosing|being)|let us know if|feel free to|don't hesitate)\b",
    r"\b(?:sch[öo]nen tag|noch etwas|gern geschehen|vielen dank f[üu]r ihre geduld)\b",
    r"\b(?:que tenga un buen d[ií]a|algo m[áa]s|de nada|con gusto)\b",
    r"\b(?:bonne (?:journ[ée]e|soir[ée]e)|autre chose|avec plaisir|je vous en prie)\b",
    r"\b(?:buona giornata|altro|prego|di niente)\b",
    r"\b(?:mi[łl]ego dnia|co[śs] jeszcze|prosz[ęe] bardzo)\b",
)
POSITIVE_END = _rx(
    r"\b(?:thanks?|thank you|thx|ty|great|perfect|awesome|cheers|appreciate|brilliant|"
    r"danke|gracias|merci|grazie|dzi[ęe]kuj[ęe])\b"
)


class EndingWell:
    """A closing phrase in the last employee turns, and the customer not negative at the end."""

    name = "ending_well"
    version = "1"
    description = "The contact closes well: a proper close and a customer not left negative."

    def score(self, contact: QAContact, options: Mapping[str, Any]) -> ItemResult:
        emp = _employees(contact)
        if not emp:
            return not_applicable("no employee turn")
        last = emp[-int(options.get("last_turns", 2)) :]
        close = _first_match(CLOSING, last[::-1])
        ev = [cite(close[0], "close", close[1])] if close else []
        cust = contact.by_speaker("customer")
        end = cust[-1] if cust else None
        threshold = float(options.get("negative_valence", -0.25))
        state: str
        if end is None:
            state, end_ok = "the customer did not speak", None
        elif end.emotion is not None:
            end_ok = end.emotion[1] > threshold
            state = f"customer ends {end.emotion[0]} ({end.emotion[1]:+.2f})"
            ev.append(cite(end, "the customer's last turn"))
        elif _search(POSITIVE_END, end.text):
            end_ok, state = True, "customer ends with thanks (no emotion annotation)"
            ev.append(cite(end, "the customer's last turn"))
        else:
            state, end_ok = "the customer's end state is unknown (no emotion annotation)", None
        parts = [1.0 if close else 0.0]
        if end_ok is not None:
            parts.append(1.0 if end_ok else 0.0)
        reason = ("closing phrase; " if close else "no closing phrase; ") + state
        return verdict(
            sum(parts) / len(parts),
            reason,
            ev,
            float(options.get("pass_mark", 0.5)),
            closing=bool(close),
            customer_ok_at_end=end_ok,
        )


_EFFORT, _EFFORT_WEIGHTS = eff.EffortConfig(), eff.EffortWeights()


class Effort:
    """Repeats, transfers and long waits (``understand.effort``), as 1 − their effort score."""

    name = "effort"
    version = "1"
    description = "The customer did not have to repeat, be transferred or wait long."

    def score(self, contact: QAContact, options: Mapping[str, Any]) -> ItemResult:
        cust = contact.by_speaker("customer")
        if not cust:
            return not_applicable("the customer did not speak")
        cfg, w = _EFFORT, _EFFORT_WEIGHTS  # the defaults (frozen): built once, not per contact
        ev: list[Evidence] = []
        # repeats: which customer turn nearly duplicates an earlier one
        # (each turn's trigrams once, not once per pair: the same Jaccard as similarity)
        repeats = 0
        texts = [t.text for t in cust]
        flags = eff.repeat_flags(texts, cfg.repeat_similarity, cfg.repeat_min_chars)
        for t, repeated in zip(cust, flags, strict=True):
            if repeated:
                repeats += 1
                ev.append(cite(t, "repeats an earlier turn"))
        # transfers: where the answering employee changes
        transfers = 0
        prev: str | None = None
        for t in _employees(contact):
            if t.author_id:
                if prev is not None and t.author_id != prev:
                    transfers += 1
                    ev.append(cite(t, f"transferred from {prev} to {t.author_id}"))
                prev = t.author_id
        transfers = max(transfers, int(contact.recorded_transfers or 0))
        # long waits: the staff reply that came after the threshold
        threshold = float(options.get("wait_threshold_s", cfg.wait_threshold(contact.channel)))
        waits = 0
        timed = any(t.ts is not None for t in contact.turns)
        since: QATurn | None = None
        for t in contact.turns:
            if t.ts is None:
                continue
            if t.speaker == "customer":
                since = since or t
            elif t.speaker in STAFF and since is not None:
                gap = (t.ts - since.ts).total_seconds()  # type: ignore[operator]
                if gap > threshold:
                    waits += 1
                    ev.append(cite(t, f"reply after {gap / 60:.0f} min"))
                since = None
        total = w.repeats * repeats + w.transfers * transfers + w.long_waits * waits
        score = math.exp(-total)  # 1 − effort_score of these three signals
        reason = f"{repeats} repeats, {transfers} transfers, " + (
            f"{waits} long waits" if timed else "waits unknown (no timestamps)"
        )
        return verdict(
            score,
            reason,
            ev,
            float(options.get("pass_mark", 0.5)),
            repeats=repeats,
            transfers=transfers,
            long_waits=waits if timed else None,
        )
