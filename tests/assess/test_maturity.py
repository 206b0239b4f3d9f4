"""Maturity: the questionnaire, the store evidence, the data ladders and the combined stages."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine

from empathos.assess.assessment import latest_assessment, run_assessment
from empathos.assess.evidence import Evidence, gather_evidence
from empathos.assess.maturity import assess_maturity, data_ladder, stage_of
from empathos.assess.questionnaire import (
    PILLARS,
    STAGES,
    AnswerError,
    load_answers,
    load_questionnaire,
    pillar_answer_scores,
)
from tests.assess import seed

Q = load_questionnaire()


def answers_at(score: int) -> dict[str, str]:
    """Every question answered with the option scoring ``score``."""
    return {q.id: next(o.id for o in q.options if o.score == score) for q in Q.questions}


def strong_evidence() -> Evidence:
    """A store where every rung of every ladder is met."""
    from datetime import datetime

    return Evidence(
        n_interactions=1000,
        n_customers=100,
        n_employees=10,
        sources={"imported": 1000},
        analysed_share=1.0,
        emotion_turn_share=1.0,
        empathy_turn_share=1.0,
        outcome_kinds={"csat": 30, "churn": 2, "pulse": 25},
        customers_scored=100,
        customers_with_clv=100,
        employees_scored=10,
        n_pods=2,
        mean_functions_per_pod=3,
        employees_in_pods_share=1.0,
        experiments=1,
        experiments_with_data=1,
        measured_lifts=2,
        coaching_rows=25,
        routing_decisions=50,
        latest_experiment_at=datetime(2026, 1, 1),
        latest_contact_at=datetime(2026, 1, 20),
    )


def test_shipped_questionnaire_covers_every_pillar_with_scored_options() -> None:
    assert tuple(Q.pillars) == PILLARS
    for pillar in PILLARS:
        questions = [q for q in Q.questions if q.pillar == pillar]
        assert len(questions) >= 3
        for q in questions:
            assert sorted(o.score for o in q.options) == [0, 1, 2, 3]
    probed = {q.blind_spot for q in Q.questions if q.blind_spot}
    assert probed == {
        "cost_cutting",
        "investors_over_customers",
        "no_personalisation",
        "data_unused",
        "static_plans",
        "static_management",
    }


def test_unknown_question_or_option_is_refused() -> None:
    with pytest.raises(AnswerError, match="unknown option 'maybe'"):
        Q.validate({"bv_goal": "maybe"})
    with pytest.raises(AnswerError, match="unknown question"):
        Q.validate({"no_such": "x"})


def test_answers_file_with_or_without_answers_key(tmp_path: Path) -> None:
    a = tmp_path / "a.yaml"
    a.write_text("answers:\n  bv_goal: value\n  te_data: loop\n")
    b = tmp_path / "b.yaml"
    b.write_text("bv_goal: cost\n")
    assert load_answers(a) == {"bv_goal": "value", "te_data": "loop"}
    assert load_answers(b) == {"bv_goal": "cost"}


def test_answer_score_is_the_mean_of_the_pillars_answered_questions() -> None:
    scores = pillar_answer_scores(
        Q, {"bv_goal": "cost", "bv_lift": "control", "cu_endings": "sometimes"}
    )
    assert scores["business_value"] == pytest.approx(1.5)  # (0 + 3) / 2
    assert scores["culture"] == pytest.approx(2.0)
    assert scores["leadership"] is None and scores["technology"] is None


@given(st.floats(min_value=0, max_value=3))
def test_stage_of_rounds_to_the_nearest_stage(score: float) -> None:
    stage = stage_of(score)
    assert abs(STAGES.index(stage) - score) <= 0.5


def test_answers_alone_on_an_empty_store(engine: Engine) -> None:
    ev = gather_evidence(engine)
    assert not ev.has_data and ev.source == "none"
    for level, stage in enumerate(STAGES):
        m = assess_maturity(Q, answers_at(level), ev)
        assert m.overall_stage == stage
        assert all(p.data_stage is None and p.stage == stage for p in m.pillars.values())


def test_evidence_and_data_ladder_on_the_seeded_store(engine: Engine) -> None:
    seed.seed_all(engine)
    ev = gather_evidence(engine)
    assert ev.n_interactions == seed.N_CONTACTS and ev.source == "simulated"
    assert ev.analysed_share == pytest.approx(seed.N_ANALYSED / seed.N_CONTACTS)
    assert ev.automation_share == pytest.approx(
        seed.N_BOT / seed.N_CONTACTS
    )  # abandoned ones are not the bot's
    assert ev.outcome_kinds == {"csat": 20, "churn": 3, "pulse": 4}
    assert ev.customers_scored == seed.SCORED and ev.employees_scored == 4
    assert ev.n_pods == 2 and ev.mean_functions_per_pod == 2 and ev.employees_in_pods_share == 1.0
    assert ev.experiments == 0 and ev.measured_lifts == 0
    m = assess_maturity(Q, {}, ev)
    # outcomes + 30 of 40 customers scored (75 %) -> engagement; no experiment -> not empathy
    assert m.pillars["business_value"].data_stage == "engagement"
    # 60 % analysed (>= 10 %) but no empathy annotations -> interaction
    assert m.pillars["culture"].data_stage == "interaction"
    # everyone in a pod, pods cross-functional, no experiment -> engagement
    assert m.pillars["leadership"].data_stage == "engagement"
    # joined; 60 % analysed and customers scored -> engagement; no live routing -> not empathy
    assert m.pillars["technology"].data_stage == "engagement"
    assert m.source == "simulated"


def test_a_rung_counts_only_when_every_rung_below_holds() -> None:
    ev = replace(
        strong_evidence(), customers_scored=0, customers_with_clv=0
    )  # experiments but nobody scored
    stage, items = data_ladder("business_value", ev)
    assert stage == 1
    assert [i.met for i in items] == [True, False, True]
    assert data_ladder("business_value", strong_evidence())[0] == 3


def test_gap_is_reported_when_answers_claim_more_than_the_data_shows() -> None:
    weak = replace(
        strong_evidence(), experiments=0, measured_lifts=0, customers_scored=0, customers_with_clv=0
    )
    m = assess_maturity(Q, answers_at(3), weak)
    bv = m.pillars["business_value"]
    assert bv.answer_score == 3 and bv.data_stage == "interaction"
    assert bv.score == pytest.approx(2.0) and bv.stage == "engagement"
    assert bv.gap and "empathy" in bv.gap and "interaction" in bv.gap
    top = assess_maturity(Q, answers_at(3), strong_evidence())
    assert top.overall_stage == "empathy" and all(p.gap is None for p in top.pillars.values())


def test_run_assessment_stores_it_and_latest_returns_it(engine: Engine) -> None:
    seed.seed_all(engine)
    assert latest_assessment(engine) is None
    first = run_assessment(engine, {"bv_goal": "cost"})
    second = run_assessment(engine, answers_at(2))
    assert (
        second.assessment_id and first.assessment_id and second.assessment_id > first.assessment_id
    )
    latest = latest_assessment(engine)
    assert latest is not None
    assert latest["assessment_id"] == second.assessment_id
    assert latest["answers"] == answers_at(2)
    assert latest["overall_stage"] == second.maturity.overall_stage
    assert latest["source"] == "simulated"
    assert set(latest["pillars"]) == set(PILLARS) and len(latest["blind_spots"]) == 6


@pytest.mark.parametrize(
    ("pillar", "field", "one"),
    [
        ("technology", "routing_decisions", 1),
        ("culture", "coaching_rows", 1),
        ("leadership", "experiments_with_data", 0),
    ],
)
def test_a_single_event_does_not_lift_a_pillar_to_the_top(
    pillar: str, field: str, one: int
) -> None:
    """The Technology pillar reached "empathy" on one routing decision: every rung that
    rests on events needs MIN_EVENTS of them, and its evidence text says so."""
    from empathos.assess.evidence import MIN_EVENTS

    assert data_ladder(pillar, strong_evidence())[0] == 3
    stage, items = data_ladder(pillar, replace(strong_evidence(), **{field: one}))
    assert stage == 2
    top = items[-1]
    assert not top.met and str(MIN_EVENTS) in top.requirement
    if field == "routing_decisions":
        assert f"fewer than the {MIN_EVENTS} this rung needs" in top.observed
    few = replace(strong_evidence(), routing_decisions=MIN_EVENTS - 1)
    assert data_ladder("technology", few)[0] == 2
    enough = replace(strong_evidence(), routing_decisions=MIN_EVENTS)
    assert data_ladder("technology", enough)[0] == 3


def test_an_empty_experiment_is_no_evidence() -> None:
    started = replace(strong_evidence(), experiments=1, experiments_with_data=0, measured_lifts=0)
    stage, items = data_ladder("leadership", started)
    assert stage == 2 and "an empty experiment tests nothing" in items[-1].observed
    assert data_ladder("business_value", started)[0] == 2
