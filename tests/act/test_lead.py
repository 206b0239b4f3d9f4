"""The moving lead: hands over only for a reason, by a margin, and never ping-pongs."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from empathos.act.lead import CALM, DISTRESSED, LeadConfig, LeadState, evaluate_lead, mood_of

MEMBERS = ("e1", "e2", "e3")
NEEDS = ("billing", "sales", "technical")
MOODS = (CALM, DISTRESSED)

scores_st = st.fixed_dictionaries({m: st.floats(0.0, 1.0, allow_nan=False) for m in MEMBERS})
step_st = st.tuples(st.sampled_from(NEEDS), st.sampled_from(MOODS), scores_st)
config_st = st.builds(
    LeadConfig,
    margin=st.floats(0.0, 0.3),
    return_margin=st.just(0.3),
    max_handovers=st.integers(0, 4),
    min_turns_between=st.integers(0, 4),
)


def run(steps, config: LeadConfig, start: str = "e1"):
    state = LeadState.start(start, "billing", CALM, turn=0)
    decisions = []
    for turn, (need, mood, scores) in enumerate(steps, start=1):
        d = evaluate_lead(state, turn, need, mood, scores, config)
        decisions.append((turn, d))
        state = d.state
    return state, decisions


@settings(max_examples=200, deadline=None)
@given(st.lists(step_st, max_size=30), config_st)
def test_limits_always_hold(steps, config) -> None:
    """Whatever arrives: at most max_handovers, at least min_turns_between apart, each with a
    reason."""
    state, decisions = run(steps, config)
    handover_turns = [t for t, d in decisions if d.handover]
    assert len(handover_turns) == state.handovers <= config.max_handovers
    gaps = [b - a for a, b in zip([0, *handover_turns], handover_turns, strict=False)]
    assert all(g >= config.min_turns_between for g in gaps)
    for _, d in decisions:
        if d.handover:
            assert d.trigger, "a handover without a change of need or mood"
            assert d.to_id != d.from_id
            assert (
                d.challenger_score
                >= (d.lead_score if d.lead_score is not None else -1e9) + config.margin
            )


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(NEEDS), st.sampled_from(MOODS), st.lists(scores_st, min_size=1, max_size=30))
def test_score_drift_alone_never_moves_the_lead(need, mood, score_seq) -> None:
    """Context constant after the first turn: noisy scores cannot cause a second handover."""
    steps = [(need, mood, s) for s in score_seq]
    state, decisions = run(steps, LeadConfig(min_turns_between=0))
    assert state.handovers <= 1
    # The first evaluation confirms or hands over; after that nothing changed, so nothing moves.
    assert not any(d.handover for _, d in decisions[2:])


@settings(max_examples=200, deadline=None)
@given(st.integers(4, 40), st.floats(0.0, 0.5))
def test_alternating_needs_do_not_ping_pong(n, noise) -> None:
    """billing, sales, billing, sales …: the billing expert and the sales expert do not
    trade the lead back and forth; a return needs the larger return margin."""
    steps = []
    for i in range(n):
        need = "sales" if i % 2 == 0 else "billing"
        best, other = ("e2", "e1") if need == "sales" else ("e1", "e2")
        steps.append((need, CALM, {best: 0.6 + noise * 0.2, other: 0.5, "e3": 0.1}))
    config = LeadConfig(margin=0.05, return_margin=0.3, max_handovers=3, min_turns_between=1)
    state, decisions = run(steps, config)
    leads = ["e1"] + [d.to_id for _, d in decisions if d.handover]
    returns = sum(1 for i, e in enumerate(leads) if e in leads[:i])
    assert state.handovers == 1  # billing -> sales once; the way back lacks the return margin
    assert returns == 0


def test_hand_over_when_need_changes_and_the_other_clearly_fits() -> None:
    state = LeadState.start("e1", "billing", CALM, turn=0)
    d = evaluate_lead(state, 3, "sales", CALM, {"e1": 0.4, "e2": 0.8})
    assert d.handover and d.to_id == "e2" and d.trigger == ("need",)
    assert "billing -> sales" in d.reason
    assert d.state.previous_leads == ("e1",) and d.state.last_handover_turn == 3


def test_within_margin_the_lead_stays_and_is_confirmed() -> None:
    state = LeadState.start("e1", "billing", CALM, turn=0)
    d = evaluate_lead(state, 3, "sales", CALM, {"e1": 0.70, "e2": 0.75}, LeadConfig(margin=0.1))
    assert not d.handover and d.state.need == "sales"  # confirmed for the new need
    later = evaluate_lead(d.state, 4, "sales", CALM, {"e1": 0.1, "e2": 0.9})
    assert not later.handover  # the same change cannot trigger twice


def test_too_soon_defers_and_hands_over_later() -> None:
    state = LeadState.start("e1", "billing", CALM, turn=0)
    config = LeadConfig(min_turns_between=3)
    d = evaluate_lead(state, 1, "billing", DISTRESSED, {"e1": 0.2, "e2": 0.9}, config)
    assert not d.handover and "too soon" in d.reason and d.state.mood == CALM
    d2 = evaluate_lead(d.state, 3, "billing", DISTRESSED, {"e1": 0.2, "e2": 0.9}, config)
    assert d2.handover and d2.to_id == "e2" and d2.trigger == ("mood",)


def test_max_handovers_blocks() -> None:
    state = LeadState.start("e1", "billing", CALM, turn=0)
    d = evaluate_lead(state, 5, "sales", CALM, {"e1": 0.0, "e2": 1.0}, LeadConfig(max_handovers=0))
    assert not d.handover and "maximum" in d.reason


def test_ineligible_lead_is_replaced_on_a_change() -> None:
    state = LeadState.start("e1", "billing", CALM, turn=0)
    d = evaluate_lead(state, 4, "technical", CALM, {"e2": 0.3})
    assert d.handover and d.to_id == "e2" and "not eligible" in d.reason


@pytest.mark.parametrize(
    ("valence", "intensity", "mood"),
    [
        (-0.8, 0.9, DISTRESSED),
        (-0.4, 0.2, DISTRESSED),
        (-0.2, 0.7, DISTRESSED),
        (-0.2, 0.3, CALM),
        (0.5, 0.9, CALM),
    ],
)
def test_mood_of(valence, intensity, mood) -> None:
    assert mood_of(valence, intensity) == mood


def test_config_validates() -> None:
    with pytest.raises(ValueError):
        LeadConfig(margin=0.3, return_margin=0.1)
