"""The empathy router: triage → pod → the best-equipped free member, explained.

Registered as ``empathy`` beside the ``fifo`` baseline (``empathos simulate --policy
empathy``), so the policy tried in simulation is the one the live service runs.

Decision steps (each one recorded in :class:`EmpathyDecision`):

1. :func:`empathos.act.triage.triage` — calm, simple self-service requests go to the bot;
   everything else to a person, the deciding rule named.
2. :func:`empathos.act.scoring.choose_pod` — the pod that owns the customer (or the pod
   best staffed for the need and language).
3. :func:`empathos.act.scoring.score_members` — every member scored, parts summing to the
   score; the best *eligible* (free, speaks the language, has the skill) member leads.
4. Fallback like ``fifo``: nobody qualified free → wait ``overflow_after_min`` minutes,
   then the best free member who speaks the language (skill relaxed), after
   ``any_agent_after_min`` any free member (language speakers first); ``fell_back=True``.
   With ``bot_when_busy`` (default), a self-service contact that the triage sent to a
   person only on soft rules (complex need, negative valence, a distress label — not high
   intensity, value at risk, a repeat or a transfer) goes to the bot first when nobody
   qualified is free, as the bot-first baseline would (``fell_back=True``); the staffing a
   bot-first centre is sized for otherwise overflows.
   If scoring itself raises (bad input, a broken estimate), the decision is the ``fifo``
   baseline's with ``fell_back=True`` and the error named in the reason, so routing still
   answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from empathos.act.routing import (
    ContactRequest,
    FifoSkillsPolicy,
    PodState,
    RoutingDecision,
)
from empathos.act.scoring import (
    MemberScore,
    ScoringConfig,
    choose_pod,
    empathy_demand,
    fast_scores,
    mechanism_weights,
    score_member,
    score_members,
)
from empathos.act.triage import TriageConfig, TriageDecision, triage


#: Triage rules that may yield to the bot when no qualified member is free (``bot_when_busy``).
SOFT_RULES: frozenset[str] = frozenset({"complex_need", "negative_valence", "distress_emotion"})


@dataclass(slots=True)
class EmpathyDecision:
    """Everything the empathy router decided and why: what a supervisor view or the
    decision log stores (the :class:`RoutingDecision` plus its inputs)."""

    decision: RoutingDecision
    triage: TriageDecision
    pod_id: str | None = None
    members: list[MemberScore] = field(default_factory=list)
    error: str | None = None


@dataclass
class EmpathyPolicy:
    """Route by triage, owner pod and explainable member scores (see module docstring).

    ``rapport`` maps customer id → {employee id → rapport −1 … 1}; the live service fills
    it from stored remembered scores, the simulator leaves it empty."""

    triage_config: TriageConfig = field(default_factory=TriageConfig)
    scoring: ScoringConfig = field(default_factory=ScoringConfig)
    overflow_after_min: float = 1.0
    any_agent_after_min: float = 3.0
    rapport: Mapping[str, Mapping[str, float]] | None = None
    bot_when_busy: bool = True
    name: str = "empathy"

    def route(self, contact: ContactRequest, state: PodState) -> RoutingDecision:
        """The routing decision alone (the :class:`RoutingPolicy` protocol): every member's
        score, but only the chosen member's parts and sentence are built (fast path)."""
        return self.decide(contact, state, explain=False).decision

    def decide(
        self, contact: ContactRequest, state: PodState, explain: bool = True
    ) -> EmpathyDecision:
        """The decision with its triage and chosen pod; with ``explain`` also every
        member's :class:`MemberScore` (parts and sentence) for the decision log."""
        t = triage(contact, self.triage_config)
        if t.automate:
            return EmpathyDecision(
                RoutingDecision(to_automation=True, reason=f"triage {t.rule}: {t.reason}"), t
            )
        try:
            return self._to_person(contact, state, t, explain)
        except Exception as exc:  # noqa: BLE001 - routing must answer; the error is reported
            d = FifoSkillsPolicy(self.overflow_after_min, self.any_agent_after_min).route(
                contact, state
            )
            d.fell_back = True
            d.reason = (
                f"empathy scoring failed ({type(exc).__name__}: {exc}); fifo fallback: {d.reason}"
            )
            return EmpathyDecision(d, t, error=f"{type(exc).__name__}: {exc}")

    def _to_person(
        self, contact: ContactRequest, state: PodState, t: TriageDecision, explain: bool
    ) -> EmpathyDecision:
        pod = choose_pod(contact, state)
        rapport = self.rapport.get(contact.customer_id) if self.rapport else None
        members: list[MemberScore] = []
        if explain:
            members = score_members(contact, state, self.scoring, rapport)
            scores = {s.employee_id: s.score for s in members}
            best_id = members[0].employee_id if members and members[0].eligible else None
        else:
            scores, best_id = fast_scores(contact, state, self.scoring, rapport)
        why = f"triage {t.rule}"
        if best_id is not None:
            best = self._explain(contact, state, best_id, self.scoring, rapport, members)
            where = "owner pod" if best.pod_id == pod else f"outside the owner pod {pod}"
            d = RoutingDecision(
                pod_id=best.pod_id,
                employee_id=best.employee_id,
                scores=scores,
                reason=f"{why}; best-fitting qualified member ({where}): {best.reason}",
            )
            return EmpathyDecision(d, t, pod, members)
        if self.bot_when_busy and self._bot_may_bridge(contact, t):
            d = RoutingDecision(
                to_automation=True,
                scores=scores,
                fell_back=True,
                reason=f"{why}; no qualified member free: the bot tries first (soft rules only)",
            )
            return EmpathyDecision(d, t, pod, members)
        if contact.waited_min < self.overflow_after_min:
            d = RoutingDecision(
                pod_id=pod, scores=scores, reason=f"{why}; waiting for a qualified member"
            )
            return EmpathyDecision(d, t, pod, members)
        any_language = contact.waited_min >= self.any_agent_after_min
        over_id = self._overflow(contact, state, scores, any_language)
        if over_id is None:
            d = RoutingDecision(pod_id=pod, scores=scores, reason=f"{why}; nobody free: queue")
            return EmpathyDecision(d, t, pod, members)
        relaxed = replace(self.scoring, require_skill=False, require_language=not any_language)
        best = self._explain(contact, state, over_id, relaxed, rapport, [])
        d = RoutingDecision(
            pod_id=best.pod_id,
            employee_id=best.employee_id,
            scores=scores,
            fell_back=True,
            reason=f"{why}; overflow, no qualified member free: {best.reason}",
        )
        return EmpathyDecision(d, t, pod, members)

    def _bot_may_bridge(self, contact: ContactRequest, t: TriageDecision) -> bool:
        """With nobody qualified free, may the bot take a contact the triage gave a person?
        Only where a bot serves the channel and has not tried yet, and only when every rule
        that fired is a soft one (complex need, negative valence, distress label): a very
        intense, valuable, repeat or transferred contact waits for a person."""
        return (
            contact.channel in self.triage_config.automation_channels
            and not contact.bot_tried
            and bool(t.fired)
            and set(t.fired) <= SOFT_RULES
        )

    @staticmethod
    def _explain(
        contact: ContactRequest,
        state: PodState,
        eid: str,
        config: ScoringConfig,
        rapport: Mapping[str, float] | None,
        members: list[MemberScore],
    ) -> MemberScore:
        """The chosen member's full score (reused from ``members`` when already built)."""
        for s in members:
            if s.employee_id == eid:
                return s
        return score_member(
            contact,
            state.members[eid],
            state,
            config,
            rapport,
            empathy_demand(contact),
            mechanism_weights(contact),
        )

    @staticmethod
    def _overflow(
        contact: ContactRequest, state: PodState, scores: Mapping[str, float], any_language: bool
    ) -> str | None:
        """The best free, not excluded member with the skill relaxed (and, when
        ``any_language``, the language too): speakers first, then skill, then score."""
        best: str | None = None
        best_key: tuple[int, int, float, float, str] | None = None
        for eid in state.free:
            m = state.members[eid]
            if eid in contact.exclude_employee_ids or not m.available:
                continue
            speaks = contact.language in m.languages
            if not (speaks or any_language):
                continue
            key = (
                0 if speaks else 1,
                0 if contact.need in m.skills else 1,
                -scores[eid],
                m.idle_since,
                eid,
            )
            if best_key is None or key < best_key:
                best_key, best = key, eid
        return best
