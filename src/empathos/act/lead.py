"""The moving lead: who in the pod leads this contact *now*, re-decided on every turn.

A pod's lead for a customer should be the member best equipped for the customer's
current need (DESIGN.md). Re-scoring members after every turn and always taking the top
one would hand the customer around on every wobble of a score — the worst experience
there is (transfers are the effort signal customers hate most). So a handover needs
*all* of:

1. **a reason**: the customer's need changed (billing -> sales) or their emotional state
   changed (calm <-> distressed) since the lead was last confirmed. Score drift alone
   never moves the lead;
2. **a clear winner** (hysteresis): the best other eligible member beats the current
   lead's *fresh* score by at least ``margin``. A member who led earlier in this contact
   must beat it by ``return_margin`` (larger), so A -> B -> A needs a strong reason;
3. **room**: fewer than ``max_handovers`` handovers so far, and at least
   ``min_turns_between`` turns since the last one (or since the contact opened).

When a reason exists but the current lead is still best (within the margin), the lead is
*confirmed* for the new context, so the same change cannot trigger a handover later.
When the reason exists but a limit blocks the handover (too soon), the context is left
unconfirmed, so the handover can happen once the limit has passed — if the challenger is
still clearly better then.

Everything here is pure (no I/O, no clock): the caller passes the turn number and the
scores, and keeps the returned :class:`LeadState`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

CALM = "calm"
DISTRESSED = "distressed"


@dataclass(frozen=True, slots=True)
class LeadConfig:
    """The knobs of the moving lead, with the reasons for their defaults.

    ``margin`` 0.1 is on the scale of the member scores (0…1-ish); a tenth of the range
    is well above the noise of one turn's emotion estimate. Two handovers per contact
    covers "bot/first agent -> specialist -> back to the owner"; more is a ping-pong by
    any supervisor's standard. Two turns between handovers lets the new lead speak at
    least once before being judged.
    """

    margin: float = 0.1
    return_margin: float = 0.25
    max_handovers: int = 2
    min_turns_between: int = 2
    distress_valence: float = -0.35
    """A customer turn with valence at or below this is distressed …"""
    distress_intensity: float = 0.55
    """… as is one this intense with negative valence."""

    def __post_init__(self) -> None:
        if self.margin < 0 or self.return_margin < self.margin:
            raise ValueError("need 0 <= margin <= return_margin")
        if self.max_handovers < 0 or self.min_turns_between < 0:
            raise ValueError("max_handovers and min_turns_between must be >= 0")


def mood_of(valence: float, intensity: float, config: LeadConfig = LeadConfig()) -> str:
    """``distressed`` or ``calm`` from one customer turn's valence and intensity."""
    if valence <= config.distress_valence or (
        valence < 0 and intensity >= config.distress_intensity
    ):
        return DISTRESSED
    return CALM


@dataclass(frozen=True, slots=True)
class LeadState:
    """The lead of one contact and the context it was confirmed for."""

    lead_id: str | None
    need: str
    mood: str = CALM
    opened_turn: int = 0
    handovers: int = 0
    last_handover_turn: int | None = None
    previous_leads: tuple[str, ...] = ()

    @classmethod
    def start(cls, lead_id: str | None, need: str, mood: str = CALM, turn: int = 0) -> LeadState:
        """The state right after routing chose ``lead_id`` at ``turn``."""
        return cls(lead_id=lead_id, need=need, mood=mood, opened_turn=turn)


@dataclass(frozen=True, slots=True)
class LeadDecision:
    """The outcome of one re-evaluation: the new state and why (for the audit trail)."""

    state: LeadState
    handover: bool
    from_id: str | None
    to_id: str | None
    reason: str
    trigger: tuple[str, ...] = ()  # "need", "mood": what changed
    lead_score: float | None = None
    challenger_id: str | None = None
    challenger_score: float | None = None
    details: dict[str, object] = field(default_factory=dict)


def _changes(state: LeadState, need: str, mood: str) -> tuple[str, ...]:
    out = []
    if need != state.need:
        out.append("need")
    if mood != state.mood:
        out.append("mood")
    return tuple(out)


def _best_challenger(
    scores: Mapping[str, float], lead_id: str | None
) -> tuple[str | None, float | None]:
    best_id, best = None, -math.inf
    for eid, s in scores.items():
        if eid != lead_id and s > best:  # strict: the first of equals wins (caller's order)
            best_id, best = eid, s
    return best_id, (best if best_id is not None else None)


def evaluate_lead(
    state: LeadState,
    turn: int,
    need: str,
    mood: str,
    scores: Mapping[str, float],
    config: LeadConfig = LeadConfig(),
) -> LeadDecision:
    """Re-decide the lead at ``turn`` given the current need, mood and eligible members' scores.

    ``scores`` holds only *eligible* members (free capacity, language), higher = better.
    The current lead may be absent (went off shift, no longer eligible): then its score
    counts as minus infinity, so any challenger wins — but the limits still apply.
    """
    changed = _changes(state, need, mood)
    lead_score = scores.get(state.lead_id) if state.lead_id is not None else None
    cid, cscore = _best_challenger(scores, state.lead_id)

    def keep(reason: str, confirm: bool) -> LeadDecision:
        new = replace(state, need=need, mood=mood) if confirm else state
        return LeadDecision(
            new, False, state.lead_id, state.lead_id, reason, changed, lead_score, cid, cscore
        )

    if not changed:
        return keep("no change in need or mood", confirm=False)
    if cid is None:
        return keep("no other eligible member", confirm=True)
    if state.handovers >= config.max_handovers:
        return keep(f"maximum of {config.max_handovers} handovers reached", confirm=True)
    since = turn - (
        state.last_handover_turn if state.last_handover_turn is not None else state.opened_turn
    )
    if since < config.min_turns_between:
        return keep(
            f"too soon: {since} turn(s) since the last lead change "
            f"(minimum {config.min_turns_between})",
            confirm=False,
        )
    needed = config.return_margin if cid in state.previous_leads else config.margin
    base = lead_score if lead_score is not None else -math.inf
    assert cscore is not None
    if cscore < base + needed:
        return keep(
            f"{state.lead_id} still fits: {cid} scores {cscore:.3f} vs {base:.3f} "
            f"(needs +{needed:.2f})",
            confirm=True,
        )
    previous = state.previous_leads + ((state.lead_id,) if state.lead_id is not None else ())
    new = LeadState(
        lead_id=cid,
        need=need,
        mood=mood,
        opened_turn=state.opened_turn,
        handovers=state.handovers + 1,
        last_handover_turn=turn,
        previous_leads=previous,
    )
    what = " and ".join(
        {"need": f"need {state.need} -> {need}", "mood": f"customer {state.mood} -> {mood}"}[c]
        for c in changed
    )
    gap = "lead not eligible" if lead_score is None else f"+{cscore - base:.3f} over the lead"
    return LeadDecision(
        new,
        True,
        state.lead_id,
        cid,
        f"{what}: {cid} fits better ({gap})",
        changed,
        lead_score,
        cid,
        cscore,
        {"margin_needed": needed},
    )
