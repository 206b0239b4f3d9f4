"""Routing decisions as the desk keeps, stores and shows them.

A decision is a dict shaped like a ``routing_decisions`` row (:data:`DECISION_COLUMNS`)
plus ``member_scores`` (the fast scores) and ``_explain`` (what it takes to explain every
member's score later). The explanation is deferred off the hot path (:func:`defer`) and
built by the writer, or by whoever reads the decisions first (:func:`materialise`)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from empathos.act.routing import ContactRequest, PodState
from empathos.act.scoring import ScoringConfig, score_members
from empathos.store.tables_live import routing_decisions

if TYPE_CHECKING:
    from empathos.act.live.contact import LiveContact
    from empathos.act.live.emotion import EmotionRead


def scores_json(members: list[Any]) -> list[dict[str, Any]]:
    """Every member's explained score, as stored in a decision's ``scores``."""
    return [
        {
            "employee_id": s.employee_id,
            "pod_id": s.pod_id,
            "score": s.score,
            "parts": s.parts,
            "eligible": s.eligible,
            "reason": s.reason,
        }
        for s in members
    ]


DECISION_COLUMNS = tuple(c.name for c in routing_decisions.columns if c.name != "decision_id")
PUBLIC_KEYS = tuple(
    k for k in (*DECISION_COLUMNS, "member_scores") if k not in ("inputs", "scores")
)


def materialise(decision: dict[str, Any]) -> dict[str, Any]:
    """Fill ``scores`` (every member's parts, eligibility and reason) of a decision whose
    explanation was deferred; idempotent and safe to race (both sides compute the same)."""
    deferred = decision.get("_explain")
    if deferred is not None and decision.get("scores") is None:
        req, members, snap, pod_members, now, rapport, scoring = deferred
        view = PodState(now=now, pod_members=pod_members)
        for eid, m in members.items():
            load, idle = snap[eid]
            view.members[eid] = replace(m, load=load, idle_since=idle)
            if view.members[eid].available:
                view.free[eid] = None
        decision["scores"] = scores_json(score_members(req, view, scoring, rapport))
    # only existing keys are reassigned (never added or popped): readers may iterate meanwhile
    decision["_explain"] = None
    return decision


def defer(
    req: ContactRequest, state: PodState, rapport: dict[str, float], scoring: ScoringConfig
) -> tuple:
    """What it takes to rebuild every member's explained score later, off the hot path:
    the request, the members as they were (load and idle time change afterwards) and
    the clock. The writer thread (or a reader of the decisions) materialises it."""
    members = state.members
    return (
        req,
        members,
        {e: (m.load, m.idle_since) for e, m in members.items()},
        state.pod_members,
        state.now,
        rapport,
        scoring,
    )


def request_json(req: ContactRequest) -> dict[str, Any]:
    """The request a decision read, as stored in its ``inputs``."""
    return {k: getattr(req, k) for k in req.__slots__ if k != "exclude_employee_ids"}


def public_decision(
    decision: dict[str, Any], emotion: EmotionRead, c: LiveContact
) -> dict[str, Any]:
    """The decision as the API answers it: no inputs, no deferred scores."""
    out = {k: decision[k] for k in PUBLIC_KEYS}
    out["at"] = decision["at"].isoformat()
    out["need"], out["mood"], out["language"] = c.need, c.mood, c.language
    out["emotion"] = {
        "label": emotion.label,
        "valence": emotion.valence,
        "intensity": emotion.intensity,
        "model": emotion.model,
    }
    return out


def audit(d: dict[str, Any]) -> dict[str, Any]:
    """A materialised decision as the audit trail shows it (the stored row's shape)."""
    out = {k: d[k] for k in (*DECISION_COLUMNS, "member_scores") if k in d}
    out["at"] = d["at"].isoformat()
    return out
