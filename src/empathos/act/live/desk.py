"""The live desk: routes new contacts, follows them turn by turn, keeps the assist card.

How it stays fast and what it does when a dependency fails: see the package docstring
(:mod:`empathos.act.live`). This module is the desk itself: the pod state it routes on
(loaded in the background, with the loads it tracks), the contacts in memory, and the
decisions it takes on them.

Why one module of this size: the desk's contact life cycle (open, turn, reconsider,
close, serve the queue) runs under one lock over one state; every other job of the live
desk already sits in its own module of ``act/live/``, and splitting the life cycle would
spread that lock's discipline over several files.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select

from empathos.act.card import TurnEmotion, build_card, handoff_note
from empathos.act.handoff_summary import summary_section
from empathos.act.lead import LeadDecision, LeadState, evaluate_lead, mood_of
from empathos.act.live.config import DEFAULT_NEED, LiveConfig, utcnow
from empathos.act.live.board import PodBoard
from empathos.act.live.contact import (
    LiveContact,
    UnknownContact,
    UnknownCustomer,
    load_contact,
    new_contact_id,
)
from empathos.act.live.decisions import audit, defer, materialise, public_decision, request_json
from empathos.act.live.emotion import EmotionRead, EmotionReader
from empathos.act.live.experiment import Arm, RunningExperiment
from empathos.act.live.records import (
    RapportView,
    RecordCache,
    default_pod_loader,
)
from empathos.act.live.resilience import Breaker, Deadline
from empathos.act.live.writer import ProcessWriter, ThreadWriter
from empathos.act.need import detect_need
from empathos.act.policies import EmpathyDecision, EmpathyPolicy
from empathos.act.routing import ContactRequest, MemberState, PodState, RoutingDecision
from empathos.act.scoring import fast_scores
from empathos.listen.language import choose_language
from empathos.listen.pii import PolicyCache, redact
from empathos.store.tables_learn import experiment_assignments
from empathos.store.tables_live import lead_changes, live_contacts, live_turns, routing_decisions

log = logging.getLogger(__name__)

#: Longest text a call may carry and still run inline on the event loop
#: (:meth:`LiveDesk.answers_from_memory`); a longer one goes to a worker thread.
INLINE_CHARS = 1000


def open_language(text: str, given: str | None, customer_language: str | None) -> str:
    """The language a new contact is routed and read in: the one the caller gave, else a
    sure detection of the first message, else the customer's record, else the unsure
    detection, else English. (Before, a customer without a recorded language was routed
    as English whatever they wrote: a Spanish first message went to English speakers.)"""
    if given:
        return given
    return choose_language(text, None, customer_language)[0] or "en"


def turn_language(text: str, contact_language: str, customer_language: str | None) -> str:
    """The language a later customer turn is read in: a sure detection, else the contact's
    (short turns — "ok", "gracias" — borrow it)."""
    return choose_language(text, contact_language, customer_language)[0] or contact_language


class LiveDesk:
    """Routes contacts, follows their turns, keeps their cards (see :mod:`empathos.act.live`).

    ``emotion_model``: a model object (anything with ``predict_proba``) or a registered
    name; default the settings' ``emotion_model``. ``pod_loader`` reads the pod state from
    the store (default :func:`default_pod_loader`). ``clock`` gives naive-UTC "now" (tests
    pin it to the simulated period). ``writer``: ``thread`` (default) or ``process`` — the
    write-behind in a child process on the same database URL (what ``empathos serve``
    uses; not for engines that need extra connect arguments)."""

    def __init__(
        self,
        engine: Engine,
        settings: Any = None,
        emotion_model: Any = None,
        config: LiveConfig | None = None,
        pod_loader: Callable[[Engine], PodState] = default_pod_loader,
        clock: Callable[[], datetime] = utcnow,
        writer: str = "thread",
    ) -> None:
        from empathos.config import get_settings

        self.engine = engine
        self.settings = settings or get_settings()
        self.config = config or LiveConfig()
        if self.settings.live_flywheel and self.config.flywheel is None:
            self.config = replace(
                self.config,
                flywheel=(str(self.settings.emotion_model), str(self.settings.empathy_model)),
            )
        self.clock = clock
        self._deadline = Deadline("store", workers=4)
        self._model_deadline = Deadline("model", workers=2)
        self.store_breaker = Breaker(
            "database", self.config.breaker_failures, self.config.breaker_cooldown_s
        )
        self.emotions = EmotionReader(
            emotion_model or self.settings.emotion_model, self.config, self._model_deadline
        )
        self.records = RecordCache(engine, self.config, self._deadline, self.store_breaker)
        self.policy = EmpathyPolicy(
            triage_config=self.config.triage,
            scoring=self.config.scoring,
            rapport=RapportView(self.records),
        )
        if writer == "process":  # the child opens its own engine on the same URL
            self._writer: Any = ProcessWriter(
                engine.url.render_as_string(hide_password=False), self.config
            )
        elif writer == "thread":
            self._writer = ThreadWriter(engine, self.config)
        else:
            raise ValueError(f"writer must be 'thread' or 'process', not {writer!r}")
        if self.settings.live_journal_dir is not None:  # durable before acknowledged
            from empathos.act.live.journal import JournaledWriter

            self._writer = JournaledWriter(self._writer, self.settings.live_journal_dir)
        self._lock = threading.RLock()
        self.board = PodBoard(
            engine, self.config, pod_loader, self._deadline, self.store_breaker, self._lock
        )
        self._contacts: dict[str, LiveContact] = {}
        self._listeners: dict[str, list[Callable[[dict[str, Any]], None]]] = {}
        self._waiting: OrderedDict[str, float] = OrderedDict()  # queued contacts, oldest first
        self._closed: OrderedDict[str, None] = OrderedDict()  # closed contacts still in memory
        # The running experiment (learn's control groups): each contact's arm and the
        # policy routing it; arms of contacts in memory, for the queue.
        self.experiment = RunningExperiment(engine)
        # The tenant's PII policy: text is redacted on arrival, before the contact, its
        # card, the journal or the write-behind ever hold it (docs/security.md).
        self.pii = PolicyCache(engine, self.settings)
        self._arms: dict[str, Arm] = {}
        self.experiment.warm(self.clock())
        self.refresh_pods(wait=True)

    def refresh_pods(self, wait: bool = False) -> None:
        """Reload the pod state from the store (see :meth:`PodBoard.refresh`)."""
        self.board.refresh(wait)

    # ------------------------------------------------------------------ contacts

    def _redact(self, text: str, language: str | None) -> str:
        policy = self.pii.get()
        return redact(text, policy.kinds, language)[0] if policy.enabled else text

    def _request(self, c: LiveContact, emotion: EmotionRead | None) -> ContactRequest:
        s = c.record.scores or {}
        return ContactRequest(
            contact_id=c.contact_id,
            customer_id=c.customer_id,
            channel=c.channel,
            need=c.need,
            language=c.language,
            segment=c.record.segment,
            pod_id=c.record.pod_id,
            emotion=emotion.label if emotion else None,
            valence=emotion.valence if emotion else 0.0,
            intensity=emotion.intensity if emotion else 0.0,
            value=float(s.get("clv") or 0.0),
            churn_risk=s.get("p_churn"),
            attempt=c.attempt,
        )

    def open_contact(
        self,
        customer_id: str,
        channel: str,
        text: str,
        language: str | None = None,
        need: str | None = None,
        contact_id: str | None = None,
        require_customer: bool = False,
    ) -> dict[str, Any]:
        """Route a new contact from its first customer message; returns the decision.

        ``require_customer``: raise :class:`UnknownCustomer` when the store answered and
        knows no such customer (what the API does). While the store cannot be read the
        customer cannot be checked: the contact is routed without history (fallback)."""
        t0 = time.perf_counter()
        now = self.clock()
        record, rec_why = self.records.get(customer_id)
        if require_customer and not rec_why and not record.found:
            self.records.forget(customer_id)
            raise UnknownCustomer(customer_id)
        head = text[: self.config.scan_chars]  # bounded scan (LiveConfig.scan_chars)
        lang = open_language(head, language, record.language)
        text = self._redact(text, lang)
        head = text[: self.config.scan_chars]
        emotion = self.emotions.read(head, lang)
        guess = detect_need(head)
        use_need = need or guess.need or DEFAULT_NEED
        mood = mood_of(emotion.valence, emotion.intensity, self.config.lead)
        c = LiveContact(
            contact_id=contact_id or new_contact_id(),
            customer_id=customer_id,
            channel=channel,
            language=lang,
            need=use_need,
            mood=mood,
            lead=LeadState.start(None, use_need, mood),
            pod_id=None,
            to_automation=False,
            record=record,
            opened_at=now,
            attempt=record.attempt(use_need, now),
            customer_language=record.language,
            record_fell_back=bool(rec_why),
        )
        c.turns.append(
            TurnEmotion(1, "customer", text, emotion.label, emotion.valence, emotion.intensity)
        )
        req = self._request(c, emotion)
        arm = self.experiment.arm(c.contact_id, now)
        with self._lock:
            if c.contact_id in self._contacts:
                raise ValueError(f"contact {c.contact_id!r} already exists")
            state, pod_why = self.board.current()
            ed: EmpathyDecision = self.policy.decide(req, state, explain=False)
            d = self._arm_decision(arm, req, state, ed.decision)
            deferred = defer(req, state, record.rapport, self.config.scoring)
            self.board.assign(d.employee_id, +1)
            c.lead = LeadState.start(d.employee_id, use_need, mood, turn=1)
            own = d is ed.decision
            c.pod_id, c.to_automation = (
                (d.pod_id or ed.pod_id) if own else d.pod_id,
                d.to_automation,
            )
            if arm is not None:
                self._arms[c.contact_id] = arm
            c.last_emotion = emotion
            self._contacts[c.contact_id] = c
            if d.queued:
                self._waiting[c.contact_id] = time.monotonic()
        whys = [w for w in (rec_why, emotion.why, pod_why) if w]
        if d.fell_back:
            whys.append("routing fell back: " + d.reason)
        decision = {
            "contact_id": c.contact_id,
            "seq": 1,
            "kind": "open",
            "at": now,
            "policy": arm.policy if arm is not None else self.policy.name,
            "to_automation": d.to_automation,
            "pod_id": c.pod_id,
            "employee_id": d.employee_id,
            "rule": ed.triage.rule,
            "reason": d.reason,
            "fell_back": bool(whys),
            "fallback_reason": "; ".join(whys) or None,
            "inputs": {
                "request": request_json(req),
                "triage": ed.triage.inputs,
                "triage_fired": list(ed.triage.fired),
                "need_cues": list(guess.cues),
                "emotion_model": emotion.model,
                "rapport": record.rapport,
                "record_found": record.found,
                "experiment": None if arm is None else {"name": arm.experiment, "arm": arm.arm},
            },
            "scores": None,
            "member_scores": d.scores,
            "_explain": deferred,
            "latency_ms": (time.perf_counter() - t0) * 1000.0,
        }
        c.decisions.append(decision)
        rows: list[tuple[Any, dict[str, Any]]] = [
            (live_contacts, c.row(now)),
            (live_turns, c.turn_row(c.turns[-1], emotion, guess.need, now)),
            (routing_decisions, decision),
        ]
        if arm is not None:
            rows.append(
                (
                    experiment_assignments,
                    {
                        "experiment": arm.experiment,
                        "interaction_id": c.contact_id,
                        "arm": arm.arm,
                        "assigned_at": now,
                        "employee_id": d.employee_id,
                    },
                )
            )
        self._writer.put_many(rows)  # one journal write and one hand-off for the decision
        return public_decision(decision, emotion, c)

    def _arm_decision(
        self, arm: Arm | None, req: ContactRequest, state: PodState, own: RoutingDecision
    ) -> RoutingDecision:
        """The decision for the contact's experiment arm: the desk's own (``own``) when the
        arm's policy is the desk's, else that policy's route; the arm leads the reason.
        A failing arm policy falls back to the desk's decision, saying so."""
        if arm is None:
            return own
        if arm.policy == self.policy.name:
            own.reason = f"[{arm.arm}] {own.reason}"
            return own
        try:
            d = self.experiment.policy(arm.policy).route(req, state)
        except Exception as exc:  # noqa: BLE001 - the contact is routed whatever happens
            log.warning("experiment %s: policy %s failed (%s)", arm.experiment, arm.policy, exc)
            own.reason = f"[{arm.arm}] {arm.policy} failed ({exc}); {own.reason}"
            own.fell_back = True
            return own
        d.reason = f"[{arm.arm}] {d.reason}"
        return d

    def answers_from_memory(
        self,
        customer_id: str | None,
        text: str | None,
        language: str | None = None,
        contact_id: str | None = None,
    ) -> bool:
        """True when a call for these arguments needs no store read and no model call (the
        record is cached and fresh, the text's emotion is cached, the contact is in memory):
        the API then runs it inline on the event loop instead of hopping to a thread. A text
        over :data:`INLINE_CHARS` never runs inline: even bounded, its scan is milliseconds."""
        if text is not None and len(text) > INLINE_CHARS:
            return False
        if contact_id is not None:
            c = self._contacts.get(contact_id)
            if c is None:
                return False
            customer_id = None
            language = language or turn_language(text or "", c.language, c.customer_language)
        if customer_id is not None:
            if not self.experiment.fresh():  # opening would read the running experiment
                return False
            entry = self.records._cache.get(customer_id)
            if entry is None or entry[0] <= time.monotonic():
                return False
            language = open_language(text or "", language, entry[1].language)
        return text is None or self.emotions.cached(text, language)

    def contact(self, contact_id: str) -> LiveContact:
        """The live contact (reloaded from the store when not in memory)."""
        c = self._contacts.get(contact_id)
        if c is None:
            c = self._reload(contact_id)
        if c.record_fell_back:
            self._adopt_record(c)
        return c

    def _adopt_record(self, c: LiveContact) -> None:
        """Give a contact opened on a fallback record the customer's real one as soon as a
        late store read has cached it. Without this the contact kept the empty record for
        its whole life: its card said "no earlier contacts" and "no predictions" although
        the store had both, whenever the first read of a customer missed its deadline
        (30 ms by default: a loaded machine, or a fresh PostgreSQL connection, is enough).
        Memory only, no store read here, so the hot path stays as fast as before."""
        record = self.records.peek(c.customer_id)
        if record is None:
            return
        with self._lock:
            if c.record_fell_back:
                c.record, c.record_fell_back = record, False
                c.customer_language = c.customer_language or record.language
                c.attempt = max(c.attempt, record.attempt(c.need, c.opened_at))

    def add_turn(self, contact_id: str, speaker: str, text: str) -> dict[str, Any]:
        """Record one turn; on a customer turn read its emotion and need and re-decide the lead."""
        t0 = time.perf_counter()
        now = self.clock()
        c = self.contact(contact_id)
        if c.status != "open":
            raise ValueError(f"contact {contact_id!r} is closed")
        text = self._redact(text, turn_language(text, c.language, c.customer_language))
        emotion: EmotionRead | None = None
        guess_need: str | None = None
        if speaker == "customer":
            head = text[: self.config.scan_chars]  # bounded scan (LiveConfig.scan_chars)
            emotion = self.emotions.read(head, turn_language(head, c.language, c.customer_language))
            guess_need = detect_need(head).need
        change: LeadDecision | None = None
        with self._lock:
            seq = len(c.turns) + 1
            turn = TurnEmotion(
                seq,
                speaker,
                text,
                emotion.label if emotion else None,
                emotion.valence if emotion else None,
                emotion.intensity if emotion else None,
            )
            c.turns.append(turn)
            if emotion is not None:
                need_before = c.lead.need
                change, members, state_why, req = self._reconsider(c, seq, emotion, guess_need)
        self._writer.put(live_turns, c.turn_row(turn, emotion, guess_need, now))
        event: dict[str, Any] = {
            "type": "turn",
            "contact_id": c.contact_id,
            "seq": seq,
            "speaker": speaker,
            "emotion": None if emotion is None else asdict(emotion),
            "need": c.need,
            "mood": c.mood,
            "lead_id": c.lead.lead_id,
        }
        if change is not None:
            whys = [w for w in (emotion.why if emotion else "", state_why) if w]
            decision = {
                "contact_id": c.contact_id,
                "seq": seq,
                "kind": "turn",
                "at": now,
                "policy": "lead",
                "to_automation": c.to_automation,
                "pod_id": c.pod_id,
                "employee_id": c.lead.lead_id,
                "rule": "handover" if change.handover else "keep",
                "reason": change.reason,
                "fell_back": bool(whys),
                "fallback_reason": "; ".join(whys) or None,
                "inputs": {
                    "need": c.need,
                    "mood": c.mood,
                    "trigger": list(change.trigger),
                    "emotion": asdict(emotion) if emotion else None,
                    "lead_score": change.lead_score,
                    "challenger_id": change.challenger_id,
                    "challenger_score": change.challenger_score,
                    "handovers": c.lead.handovers,
                    "request_need": req.need,
                },
                "scores": None,
                "member_scores": members[0],
                "_explain": members[1],
                "latency_ms": (time.perf_counter() - t0) * 1000.0,
            }
            c.decisions.append(decision)
            self._writer.put(routing_decisions, decision)
            event["fell_back"] = decision["fell_back"]
            event["fallback_reason"] = decision["fallback_reason"]
            if change.handover:
                event["lead_change"] = self._record_handover(c, change, seq, now, need_before)
        if emotion is not None:
            c.last_emotion = emotion
        self._writer.put(live_contacts, c.row(now))
        if change is not None and change.handover:
            self._serve_queue()
        event["card"] = self.card(contact_id)
        self._notify(c.contact_id, event)
        if event.get("lead_change"):
            self._notify(c.contact_id, {"type": "lead_change", **event["lead_change"]})
        return event

    def _reconsider(
        self, c: LiveContact, seq: int, emotion: EmotionRead, guess_need: str | None
    ) -> tuple[LeadDecision, list[Any], str, ContactRequest]:
        """Re-score the members for the contact as it is now and re-decide the lead
        (caller holds the lock). The current lead's own load from this contact is not
        counted against it, so a lead at capacity stays eligible for its own contact."""
        need = guess_need or c.need
        mood = mood_of(emotion.valence, emotion.intensity, self.config.lead)
        c.need, c.mood = need, mood
        req = self._request(c, emotion)
        state, why = self.board.current()
        lead = c.lead.lead_id
        if lead is not None and lead in state.members:
            view = PodState(
                now=state.now,
                members=dict(state.members),
                pod_members=state.pod_members,
                free=state.free,
            )
            m = state.members[lead]
            view.members[lead] = replace(m, load=max(0, m.load - 1))
            state = view
        scores, _ = fast_scores(req, state, self.config.scoring, c.record.rapport)
        eligible = {
            eid: sc for eid, sc in scores.items() if self._eligible(req, state.members[eid])
        }
        deferred = defer(req, state, c.record.rapport, self.config.scoring)
        change = evaluate_lead(c.lead, seq, need, mood, eligible, self.config.lead)
        if change.handover:
            self.board.assign(change.from_id, -1)
            self.board.assign(change.to_id, +1)
            new = state.members.get(change.to_id)
            if new is not None:
                c.pod_id = new.pod_id
            c.to_automation = False
        c.lead = change.state
        return change, (scores, deferred), why, req

    def _record_handover(
        self, c: LiveContact, change: LeadDecision, seq: int, now: datetime, need_before: str
    ) -> dict[str, Any]:
        lang, note = handoff_note(
            self.board.languages.get(change.to_id or ""),
            change.from_id,
            need_before,
            c.need,
            c.mood,
            c.turns,
            change.trigger,
            change.challenger_score,
            change.lead_score,
        )
        row = {
            "contact_id": c.contact_id,
            "seq": seq,
            "at": now,
            "from_id": change.from_id,
            "to_id": change.to_id,
            "trigger": list(change.trigger),
            "reason": change.reason,
            "note_language": lang,
            "note": note,
        }
        c.lead_changes.append(row)
        self._writer.put(lead_changes, row)
        return {**row, "at": now.isoformat()}

    def close_contact(self, contact_id: str) -> dict[str, Any]:
        """End a contact: free its lead's capacity."""
        c = self.contact(contact_id)
        with self._lock:
            if c.status == "open":
                c.status = "closed"
                self._waiting.pop(contact_id, None)
                self.board.assign(c.lead.lead_id, -1)
                self._closed[contact_id] = None
                while len(self._closed) > self.config.closed_in_memory:
                    old, _ = self._closed.popitem(last=False)
                    self._contacts.pop(old, None)
                    self._arms.pop(old, None)
                    self._listeners.pop(old, None)
        self._writer.put(live_contacts, c.row(self.clock()))
        self._serve_queue()
        return {
            "contact_id": contact_id,
            "status": c.status,
            "lead_id": c.lead.lead_id,
            "handovers": c.lead.handovers,
            "turns": len(c.turns),
        }

    def _serve_queue(self) -> None:
        """Offer freed capacity to waiting contacts, longest waiting first (the policy may
        widen to overflow as ``waited_min`` grows). Each assignment is a decision (kind
        ``assign``) and a ``lead_change`` event from nobody."""
        assigned = []
        with self._lock:
            if not self._waiting:
                return
            state, why = self.board.current()
            for cid, since in list(self._waiting.items()):
                if not state.free:
                    break
                c = self._contacts[cid]
                req = self._request(c, c.last_emotion)
                req.waited_min = (time.monotonic() - since) / 60.0
                ed = self.policy.decide(req, state, explain=False)
                deferred = defer(req, state, c.record.rapport, self.config.scoring)
                d = self._arm_decision(self._arms.get(cid), req, state, ed.decision)
                if d.employee_id is None:
                    continue
                del self._waiting[cid]
                self.board.assign(d.employee_id, +1)
                c.lead = replace(c.lead, lead_id=d.employee_id, need=c.need, mood=c.mood)
                c.pod_id = d.pod_id
                assigned.append((c, ed, req, why, deferred))
        now = self.clock()
        for c, ed, req, why, deferred in assigned:
            d = ed.decision
            whys = [w for w in (why, "routing fell back: " + d.reason if d.fell_back else "") if w]
            decision = {
                "contact_id": c.contact_id,
                "seq": len(c.turns),
                "kind": "assign",
                "at": now,
                "policy": arm.policy if (arm := self._arms.get(c.contact_id)) else self.policy.name,
                "to_automation": False,
                "pod_id": c.pod_id,
                "employee_id": d.employee_id,
                "rule": ed.triage.rule,
                "reason": d.reason,
                "fell_back": bool(whys),
                "fallback_reason": "; ".join(whys) or None,
                "inputs": {"request": request_json(req), "waited_min": req.waited_min},
                "scores": None,
                "member_scores": d.scores,
                "_explain": deferred,
                "latency_ms": None,
            }
            c.decisions.append(decision)
            self._writer.put_many([(routing_decisions, decision), (live_contacts, c.row(now))])
            self._notify(
                c.contact_id,
                {
                    "type": "lead_change",
                    "contact_id": c.contact_id,
                    "seq": len(c.turns),
                    "at": now.isoformat(),
                    "from_id": None,
                    "to_id": d.employee_id,
                    "trigger": ["assigned"],
                    "reason": d.reason,
                },
            )

    def _eligible(self, req: ContactRequest, m: MemberState) -> bool:
        """The eligibility rule of ``scoring.score_member`` (free, not excluded, language
        and skill unless relaxed); a test checks both agree."""
        c = self.config.scoring
        return (
            m.available
            and m.employee_id not in req.exclude_employee_ids
            and (req.language in m.languages or not c.require_language)
            and (req.need in m.skills or not c.require_skill)
        )

    def card(self, contact_id: str, lang: str | None = None) -> dict[str, Any]:
        """The assist card, in ``lang`` or else the lead's language setting, else English."""
        c = self.contact(contact_id)
        use = lang or self.board.languages.get(c.lead.lead_id or "") or None
        card = build_card(use, c.record, list(c.turns), c.need, c.mood, c.attempt)
        card["handoff_summary"] = summary_section(card["language"], c.turns, c.lead.previous_leads)
        card.update(
            contact_id=c.contact_id,
            lead_id=c.lead.lead_id,
            pod_id=c.pod_id,
            handovers=c.lead.handovers,
            to_automation=c.to_automation,
            status=c.status,
            n_turns=len(c.turns),
        )
        return card

    def decisions(self, contact_id: str) -> list[dict[str, Any]]:
        """Every decision on this contact, oldest first (from memory, else the store)."""
        c = self._contacts.get(contact_id)
        if c is not None:
            return [audit(materialise(d)) for d in list(c.decisions)]
        self.flush()
        with self.engine.connect() as conn:
            rows = (
                conn.execute(
                    select(routing_decisions)
                    .where(routing_decisions.c.contact_id == contact_id)
                    .order_by(routing_decisions.c.decision_id)
                )
                .mappings()
                .all()
            )
        if not rows:
            raise UnknownContact(contact_id)
        return [{**dict(r), "at": r["at"].isoformat()} for r in rows]

    def _reload(self, contact_id: str) -> LiveContact:
        """A contact flushed by an earlier process: rebuild it from the store."""
        c = load_contact(self.engine, contact_id, self.records.get)
        with self._lock:
            existing = self._contacts.setdefault(contact_id, c)
            if existing is c and c.status == "open":
                self.board.assign(c.lead.lead_id, +1)
            elif existing is c:
                self._closed[contact_id] = None
        return existing

    # ------------------------------------------------------------------ streaming & ops

    def subscribe(
        self, contact_id: str, callback: Callable[[dict[str, Any]], None]
    ) -> Callable[[], None]:
        """Call ``callback(event)`` after every turn of the contact (and on lead changes);
        returns the function that unsubscribes."""
        with self._lock:
            self._listeners.setdefault(contact_id, []).append(callback)

        def unsubscribe() -> None:
            with self._lock:
                cbs = self._listeners.get(contact_id, [])
                if callback in cbs:
                    cbs.remove(callback)

        return unsubscribe

    def _notify(self, contact_id: str, event: dict[str, Any]) -> None:
        for cb in list(self._listeners.get(contact_id, ())):
            try:
                cb(event)
            except Exception:  # noqa: BLE001 - a broken listener must not break the desk
                log.exception("live listener failed")

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every queued write reached the store (tests, shutdown, audits)."""
        return self._writer.flush(timeout)

    def settle(self, timeout: float = 30.0) -> bool:
        """Wait until every queued write reached the store and every closed contact is an
        interaction, analyzed (:mod:`empathos.act.live.flywheel`)."""
        return self._writer.settle(timeout)

    def health(self) -> dict[str, Any]:
        """Breakers, caches and the write queue, for an operator."""
        return {
            "contacts_in_memory": len(self._contacts),
            "members": len(self.board.state.members) if self.board.state else 0,
            "pod_state": self.board.why or "ok",
            "emotion": self.emotions.stats(),
            "store": self.store_breaker.status(),
            "records": {"hits": self.records.hits, "misses": self.records.misses},
            "writes_pending": self._writer.pending,
            "writes_done": self._writer.written,
            "writes_dropped": self._writer.dropped,
            "writes_rejected": self._writer.rejected,
            "journal_pending": getattr(self._writer, "pending_in_journal", None),
            "contacts_imported": self._writer.imported,
            "write_error": self._writer.last_error,
        }

    def close(self, timeout: float = 2.0) -> None:
        """Flush what can be flushed within ``timeout`` s and stop the background threads
        and the writer (child); a second call does nothing."""
        if getattr(self, "_closed", False):
            return
        self._closed = True
        self._writer.close(timeout)
        for d in (self._deadline, self._model_deadline):
            d.pool.shutdown(wait=False, cancel_futures=True)
