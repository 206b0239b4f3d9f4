"""The assist card: what the employee sees next to a live contact, rebuilt on every turn.

Four sections (DESIGN.md's assist card):

* **historical** — the customer's last contacts with their *remembered* (peak–end) score
  and how they ended (emotional outcome), from ``interaction_scores``; the journey memory
  (recent and negative weigh more) from ``customer_journeys``.
* **contextual** — this contact's emotion trajectory turn by turn and its trigger turn:
  the most intense customer turn (Kahneman's peak, as ``understand.peak_end`` defines it),
  shown as the low point when negative.
* **predictive** — churn risk, CLV and value at risk from ``customer_scores`` (the current
  run, ``store.queries.current_prediction_run``; estimated figures marked, unknown ones said;
  as-of date) when the predict stage has run, and a *next best action* from the rules in
  :func:`next_best_action`.
* **ending well** — peak–end guidance for the last minutes (:func:`ending_guidance`).

The card is written in the *employee's* language (their setting or a request parameter),
never the customer's: the reader is the employee. Texts live in ``act/i18n/<lang>.yaml``
(en, de); an unknown language falls back to English and the card says so.

Pure functions over plain data, plus :func:`load_customer_record` — the one store read,
which the live desk caches per customer.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, select

from empathos.act.csat import live_csat
from empathos.store.queries import current_prediction_run
from empathos.store.schema import (
    customer_journeys,
    customer_scores,
    customers,
    interaction_scores,
    interactions,
    pods,
)
from empathos.store.tables_act import pod_customers
from empathos.understand import bands, peak_end as pe

I18N_DIR = Path(__file__).with_name("i18n")
DEFAULT_LANGUAGE = "en"


# ---------------------------------------------------------------------------- i18n


@cache
def available_languages() -> tuple[str, ...]:
    """Languages the card can be written in (one YAML file each)."""
    return tuple(sorted(p.stem for p in I18N_DIR.glob("*.yaml")))


@cache
def texts(lang: str) -> dict[str, Any]:
    """All texts of one language (read once)."""
    import yaml

    return yaml.safe_load((I18N_DIR / f"{lang}.yaml").read_text(encoding="utf-8"))


def resolve_language(lang: str | None) -> tuple[str, bool]:
    """``(language to use, fell_back)``: English when ``lang`` is unknown or missing."""
    base = (lang or "").split("-")[0].split("_")[0].lower()
    if base in available_languages():
        return base, False
    return DEFAULT_LANGUAGE, bool(lang)


def employee_language(attributes: dict[str, Any] | None) -> str | None:
    """The card language an employee chose (``ui_language``, else ``language``), if any."""
    attributes = attributes or {}
    return attributes.get("ui_language") or attributes.get("language")


def _t(lang: str, key: str, **kw: Any) -> str:
    node: Any = texts(lang)
    for part in key.split("."):
        node = node[part]
    return str(node).format(**kw) if kw else str(node)


def _label(lang: str, group: str, key: str | None) -> str:
    table = texts(lang)[group]
    return str(table.get(key or "", key or "?"))


def _num(lang: str, x: float, digits: int = 0) -> str:
    s = f"{x:,.{digits}f}"
    return s.replace(",", "\u202f").replace(".", ",") if lang == "de" else s


def _signed(lang: str, x: float) -> str:
    s = f"{x:+.2f}"
    return s.replace(".", ",") if lang == "de" else s


# ---------------------------------------------------------------------------- customer record


@dataclass(frozen=True, slots=True)
class PastContact:
    interaction_id: str
    started_at: datetime | None
    channel: str
    need: str | None
    employee_id: str | None
    remembered: float | None
    experienced: float | None
    outcome: str | None


@dataclass(frozen=True, slots=True)
class CustomerRecord:
    """What the store knows about a customer, as the live desk needs it (cached per customer).

    ``rapport`` maps employee id -> mean remembered score of that employee's scored
    contacts with this customer (−1 … 1), the past-rapport input of member scoring.
    """

    customer_id: str
    found: bool = False
    language: str | None = None
    segment: str | None = None
    source: str | None = None
    pod_id: str | None = None
    last_contacts: tuple[PastContact, ...] = ()
    journey: dict[str, Any] | None = None
    scores: dict[str, Any] | None = None
    rapport: dict[str, float] = field(default_factory=dict)

    def attempt(self, need: str, now: datetime, days: float = 7.0) -> int:
        """Earlier contacts about ``need`` within ``days`` (the re-contact count)."""
        n = 0
        for c in self.last_contacts:
            if (
                c.need == need
                and c.started_at is not None
                and 0 <= (now - c.started_at).total_seconds() <= days * 86400
            ):
                n += 1
        return n


def _latest_scores(conn: Connection, customer_id: str, limit: int) -> list[Any]:
    """The customer's scored contacts, newest first; one row per interaction (the most
    recently computed model's scores when several models scored it)."""
    q = (
        select(
            interactions.c.interaction_id,
            interactions.c.started_at,
            interactions.c.channel,
            interactions.c.need,
            interactions.c.employee_id,
            interaction_scores.c.remembered,
            interaction_scores.c.experienced,
            interaction_scores.c.outcome,
        )
        .select_from(
            interactions.outerjoin(
                interaction_scores,
                interaction_scores.c.interaction_id == interactions.c.interaction_id,
            )
        )
        .where(interactions.c.customer_id == customer_id)
        .order_by(interactions.c.started_at.desc(), interaction_scores.c.computed_at.desc())
        .limit(limit)
    )
    seen: set[str] = set()
    out = []
    for r in conn.execute(q):
        if r.interaction_id not in seen:
            seen.add(r.interaction_id)
            out.append(r)
    return out


def _owner_pod(conn: Connection, customer_id: str, cust: Any) -> str | None:
    """The pod that owns the customer: a named assignment (``pod_customers``), else the
    customer's own ``attributes.pod_id`` (the simulator's), else the first pod (by id)
    whose ``segments`` include the customer's segment."""
    named = conn.execute(
        select(pod_customers.c.pod_id).where(pod_customers.c.customer_id == customer_id)
    ).scalar()
    if named:
        return str(named)
    attrs = (
        cust.attributes if cust is not None and isinstance(cust.attributes, dict) else {}
    ) or {}
    if attrs.get("pod_id"):
        return str(attrs["pod_id"])
    segment = cust.segment if cust is not None else None
    if segment:
        for pod_id, segments in conn.execute(
            select(pods.c.pod_id, pods.c.segments).order_by(pods.c.pod_id)
        ):
            if segment in (segments or []):
                return str(pod_id)
    return None


def load_customer_record(
    engine: Engine, customer_id: str, last_n: int = 5, history: int = 200
) -> CustomerRecord:
    """Read one customer's record: master data, last contacts, journey, predictions, rapport.

    Four small indexed queries; the live desk calls it off the hot path and caches it."""
    with engine.connect() as conn:
        cust = conn.execute(select(customers).where(customers.c.customer_id == customer_id)).first()
        rows = _latest_scores(conn, customer_id, history)
        j = conn.execute(
            select(customer_journeys)
            .where(customer_journeys.c.customer_id == customer_id)
            .order_by(customer_journeys.c.computed_at.desc())
            .limit(1)
        ).first()
        run = current_prediction_run(conn)
        s = (
            None
            if run is None
            else conn.execute(
                select(customer_scores).where(
                    run.where(), customer_scores.c.customer_id == customer_id
                )
            ).first()
        )
        owner = _owner_pod(conn, customer_id, cust)
    by_member: dict[str, list[float]] = defaultdict(list)
    for r in rows:
        if r.employee_id and r.remembered is not None:
            by_member[r.employee_id].append(float(r.remembered))
    return CustomerRecord(
        customer_id=customer_id,
        found=cust is not None or bool(rows),
        language=cust.language if cust is not None else None,
        segment=cust.segment if cust is not None else None,
        source=cust.source if cust is not None else None,
        pod_id=owner,
        last_contacts=tuple(
            PastContact(
                r.interaction_id,
                r.started_at,
                r.channel,
                r.need,
                r.employee_id,
                r.remembered,
                r.experienced,
                r.outcome,
            )
            for r in rows[:last_n]
        ),
        journey=None
        if j is None
        else {
            "memory": j.memory,
            "balance": j.balance,
            "n_interactions": j.n_interactions,
            "n_negative": j.n_negative,
            "last_at": j.last_at,
            "model": j.model,
        },
        scores=None
        if s is None
        else {
            "p_churn": s.p_churn,
            "clv": s.clv,
            "value_at_risk": s.value_at_risk,
            "as_of": s.as_of,
            "model": s.model,
            "version": s.version,
            "churn_basis": s.churn_basis or "fitted",
            "clv_basis": s.clv_basis or "fitted",
            "run": run.label() if run else None,
        },
        rapport={e: sum(v) / len(v) for e, v in by_member.items()},
    )


# ---------------------------------------------------------------------------- live contact


@dataclass(frozen=True, slots=True)
class TurnEmotion:
    """One turn of a live contact as the card sees it (emotion only on customer turns)."""

    seq: int
    speaker: str
    text: str
    label: str | None = None
    valence: float | None = None
    intensity: float | None = None


def customer_turns(turns: list[TurnEmotion]) -> list[TurnEmotion]:
    return [t for t in turns if t.speaker == "customer" and t.valence is not None]


def trigger_turn(turns: list[TurnEmotion]) -> TurnEmotion | None:
    """The peak: the most intense customer turn (first on ties), as in ``understand.peak_end``."""
    cust = customer_turns(turns)
    if not cust:
        return None
    i = pe.peak_index([t.valence for t in cust], [t.intensity or 0.0 for t in cust])
    return cust[i]


def _snippet(text: str, n: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


# ---------------------------------------------------------------------------- rules


def next_best_action(record: CustomerRecord, need: str, mood: str, attempt: int) -> str:
    """The next best action, first matching rule (documented in docs/act_live.md):

    1. ``retain``     need is cancellation, or P(churn) ≥ 0.5;
    2. ``repair``     the customer is distressed and their journey balance is negative;
    3. ``first_time`` a re-contact about the same need (attempt ≥ 1);
    4. ``complaint``  need is complaint;
    5. ``offer``      need is sales, or a calm customer with P(churn) < 0.2 and CLV known;
    6. ``resolve``    otherwise.
    """
    p = (record.scores or {}).get("p_churn")
    balance = (record.journey or {}).get("balance")
    if need == "cancellation" or (p is not None and p >= 0.5):
        return "retain"
    if mood == "distressed" and balance is not None and balance < 0:
        return "repair"
    if attempt >= 1:
        return "first_time"
    if need == "complaint":
        return "complaint"
    clv = (record.scores or {}).get("clv")
    if need == "sales" or (mood == "calm" and p is not None and p < 0.2 and clv):
        return "offer"
    return "resolve"


def ending_guidance(lang: str, turns: list[TurnEmotion], record: CustomerRecord) -> list[str]:
    """Peak–end advice for the last minutes: customers remember the most intense moment
    and the end, so a negative peak must be answered by a concrete resolution at the end,
    a still-negative customer must not be closed on, and every ending summarises, asks
    for anything else and closes personally. (DESIGN.md: peak–end is a hypothesis; the
    advice is cheap and harmless where the end matters less than Kahneman's rule says.)"""
    out: list[str] = []
    cust = customer_turns(turns)
    peak = trigger_turn(turns)
    if peak is not None and peak.valence is not None and peak.valence <= bands.NEGATIVE:
        out.append(
            _t(
                lang,
                "ending.negative_peak",
                seq=peak.seq,
                emotion=_label(lang, "emotions", peak.label),
            )
        )
    if cust:
        last = cust[-1]
        if last.valence is not None and last.valence <= bands.NEGATIVE:
            out.append(
                _t(lang, "ending.still_negative", emotion=_label(lang, "emotions", last.label))
            )
        elif (
            len(cust) >= 2
            and last.valence is not None
            and cust[0].valence is not None
            and last.valence > cust[0].valence + 0.2
        ):
            out.append(_t(lang, "ending.recovering"))
    balance = (record.journey or {}).get("balance")
    if balance is not None and balance < 0:
        out.append(_t(lang, "ending.bad_memory"))
    out += [
        _t(lang, "ending.summarise"),
        _t(lang, "ending.anything_else"),
        _t(lang, "ending.personal"),
    ]
    return out


# ---------------------------------------------------------------------------- the card


def _tone(balance: float) -> str:
    return "tone_positive" if balance > 0.1 else "tone_negative" if balance < -0.1 else "tone_mixed"


def _historical(lang: str, record: CustomerRecord) -> dict[str, Any]:
    lines = []
    for c in record.last_contacts:
        lines.append(
            _t(
                lang,
                "historical.contact",
                date=c.started_at.date().isoformat() if c.started_at else "?",
                channel=c.channel,
                need=_label(lang, "needs", c.need),
                remembered=_signed(lang, c.remembered) if c.remembered is not None else "–",
                outcome=_label(lang, "outcomes", c.outcome or "unknown"),
            )
        )
    if not lines:
        lines.append(_t(lang, "historical.no_contacts"))
    j = record.journey
    if j and j.get("balance") is not None:
        lines.append(
            _t(
                lang,
                "historical.journey",
                tone=_t(lang, "historical." + _tone(j["balance"])),
                balance=_signed(lang, j["balance"]),
                n=j["n_interactions"],
                neg=j["n_negative"],
            )
        )
    else:
        lines.append(_t(lang, "historical.no_journey"))
    return {
        "title": _t(lang, "sections.historical"),
        "lines": lines,
        "contacts": [_jsonable(asdict(c)) for c in record.last_contacts],
        "journey": _jsonable(j) if j else None,
    }


def _contextual(lang: str, turns: list[TurnEmotion], need: str, mood: str) -> dict[str, Any]:
    cust = customer_turns(turns)
    lines = [_t(lang, "contextual.need", need=_label(lang, "needs", need))]
    trig = trigger_turn(turns)
    if cust:
        last = cust[-1]
        lines.append(
            _t(
                lang,
                "contextual.now",
                emotion=_label(lang, "emotions", last.label),
                mood=_label(lang, "moods", mood),
                valence=_signed(lang, last.valence or 0.0),
                intensity=_num(lang, last.intensity or 0.0, 2),
            )
        )
        path = " → ".join(f"{t.seq}:{_label(lang, 'emotions', t.label)}" for t in cust[-8:])
        lines.append(_t(lang, "contextual.trajectory", path=path))
        if trig is not None:
            key = (
                "contextual.trigger_negative"
                if (trig.valence or 0) < 0
                else "contextual.trigger_positive"
            )
            lines.append(_t(lang, key, seq=trig.seq, text=_snippet(trig.text)))
    else:
        lines.append(_t(lang, "contextual.no_turns"))
    csat = live_csat(turns)
    if csat["predicted_csat"] is not None:
        lines.append(
            _t(
                lang,
                "contextual.csat",
                csat=_num(lang, csat["predicted_csat"], 1),
                version=csat["model_version"],
            )
        )
    else:
        lines.append(_t(lang, "contextual.csat_unknown", reason=csat["reason"]))
    return {
        "title": _t(lang, "sections.contextual"),
        "lines": lines,
        "need": need,
        "mood": mood,
        "predicted_csat": csat,
        "trajectory": [
            {"seq": t.seq, "emotion": t.label, "valence": t.valence, "intensity": t.intensity}
            for t in cust
        ],
        "trigger_seq": trig.seq if trig else None,
    }


def _predictive(
    lang: str, record: CustomerRecord, need: str, mood: str, attempt: int
) -> dict[str, Any]:
    s = record.scores
    lines = []
    if s:
        cb, pb = s.get("clv_basis", "fitted"), s.get("churn_basis", "fitted")

        def say(key: str, basis: str, **kw: Any) -> None:
            text = _t(lang, key, **kw)
            lines.append(text if basis == "fitted" else _t(lang, "predictive.estimated", text=text))

        if s.get("p_churn") is not None:
            say("predictive.churn", pb, p=_num(lang, 100 * s["p_churn"], 0))
        if s.get("clv") is not None:
            say("predictive.clv", cb, clv=_num(lang, s["clv"]))
        if s.get("value_at_risk") is not None:
            say(
                "predictive.var",
                "fitted" if cb == pb == "fitted" else "prior",
                var=_num(lang, s["value_at_risk"]),
            )
        if s.get("p_churn") is None or s.get("clv") is None:
            lines.append(_t(lang, "predictive.unknown"))
    else:
        lines.append(_t(lang, "predictive.none"))
    action = next_best_action(record, need, mood, attempt)
    lines.append(_t(lang, "predictive.nba", action=_t(lang, "nba." + action)))
    return {
        "title": _t(lang, "sections.predictive"),
        "lines": lines,
        "churn_risk": s["p_churn"] if s else None,
        "clv": s.get("clv") if s else None,
        "value_at_risk": s.get("value_at_risk") if s else None,
        "as_of": s["as_of"].isoformat() if s and s.get("as_of") else None,
        "churn_basis": s.get("churn_basis") if s else None,
        "clv_basis": s.get("clv_basis") if s else None,
        "run": s.get("run") if s else None,
        "next_best_action": action,
    }


def build_card(
    lang: str | None,
    record: CustomerRecord,
    turns: list[TurnEmotion],
    need: str,
    mood: str,
    attempt: int = 0,
) -> dict[str, Any]:
    """The assist card as JSON-ready data: each section has a title, display lines in the
    card language, and the raw figures behind them."""
    use, fell_back = resolve_language(lang)
    return {
        "language": use,
        "language_fell_back": fell_back,
        "customer_id": record.customer_id,
        "source": record.source,
        "historical": _historical(use, record),
        "contextual": _contextual(use, turns, need, mood),
        "predictive": _predictive(use, record, need, mood, attempt),
        "ending": {
            "title": _t(use, "sections.ending"),
            "lines": ending_guidance(use, turns, record),
        },
    }


def handoff_note(
    lang: str | None,
    from_id: str | None,
    need_before: str,
    need_now: str,
    mood_now: str,
    turns: list[TurnEmotion],
    trigger: tuple[str, ...] = (),
    score: float | None = None,
    lead_score: float | None = None,
) -> tuple[str, str]:
    """``(language, text)`` of the warm-handoff note for the member taking over, in *their*
    language: what happened (need before -> now, turns so far, why them), how the customer
    feels (start -> now, the turning point) and how to start."""
    use, _ = resolve_language(lang)
    cust = customer_turns(turns)
    why = []
    if "need" in trigger:
        why.append(_t(use, "handoff.why_need", need=_label(use, "needs", need_now)))
    if "mood" in trigger:
        why.append(_t(use, "handoff.why_mood", mood=_label(use, "moods", mood_now)))
    if score is not None:
        why.append(
            _t(
                use,
                "handoff.why_fit",
                score=_num(use, score, 2),
                lead_score="–" if lead_score is None else _num(use, lead_score, 2),
            )
        )
    lines = [
        _t(use, "handoff.title", from_id=from_id or _t(use, "handoff.from_bot")),
        _t(
            use,
            "handoff.what",
            need_before=_label(use, "needs", need_before),
            need_now=_label(use, "needs", need_now),
            n=len(turns),
            why="; ".join(why) or "–",
        ),
    ]
    if cust:
        lines.append(
            _t(
                use,
                "handoff.feel",
                start=_label(use, "emotions", cust[0].label),
                now=_label(use, "emotions", cust[-1].label),
                valence=_signed(use, cust[-1].valence or 0.0),
            )
        )
        trig = trigger_turn(turns)
        if trig is not None:
            lines.append(_t(use, "handoff.trigger", seq=trig.seq, text=_snippet(trig.text)))
    lines.append(
        _t(use, "handoff.advice_distressed" if mood_now == "distressed" else "handoff.advice_calm")
    )
    return use, "\n".join(lines)


def _jsonable(d: dict[str, Any] | None) -> dict[str, Any] | None:
    if d is None:
        return None
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in d.items()}
