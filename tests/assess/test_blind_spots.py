"""The six blind spots: each detected from the answers, from the data, or both, with reasons."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
from sqlalchemy import Engine

from empathos.assess.blind_spots import find_blind_spots
from empathos.assess.evidence import Evidence, gather_evidence
from empathos.assess.questionnaire import BLIND_SPOTS, load_questionnaire
from tests.assess import seed
from tests.assess.test_maturity import answers_at, strong_evidence

Q = load_questionnaire()

# For each blind spot: evidence that shows it (from a store that shows none) and an
# answer that admits it.
DATA_TRIGGERS: dict[str, dict] = {
    "cost_cutting": {"automation_share": 0.45, "customers_with_clv": 0, "customers_scored": 100},
    "investors_over_customers": {"outcome_kinds": {"churn": 2, "pulse": 5}},
    "no_personalisation": {"analysed_share": 0.2},
    "data_unused": {
        "experiments": 0,
        "routing_decisions": 0,
        "measured_lifts": 0,
        "latest_experiment_at": None,
    },
    "static_plans": {"latest_experiment_at": datetime(2025, 6, 1)},
    "static_management": {"mean_functions_per_pod": 1.0},
}
ANSWER_TRIGGERS: dict[str, tuple[str, str]] = {
    "cost_cutting": ("bv_goal", "cost"),
    "investors_over_customers": ("bv_investors", "quarter"),
    "no_personalisation": ("te_personalisation", "segment"),
    "data_unused": ("le_decisions", "opinion"),
    "static_plans": ("le_planning", "yearly"),
    "static_management": ("le_structure", "silos"),
}


def by_key(spots: list) -> dict:
    return {b.key: b for b in spots}


def test_a_mature_company_with_strong_answers_has_no_blind_spot() -> None:
    spots = find_blind_spots(Q, answers_at(3), strong_evidence())
    assert [b.key for b in spots] == list(BLIND_SPOTS)
    assert not any(b.detected for b in spots)
    assert all(b.severity == "none" and not b.next_steps for b in spots)


@pytest.mark.parametrize("key", BLIND_SPOTS)
def test_each_blind_spot_is_found_in_the_data_alone(key: str) -> None:
    ev = replace(strong_evidence(), **DATA_TRIGGERS[key])
    spot = by_key(find_blind_spots(Q, answers_at(3), ev))[key]
    assert spot.detected and spot.severity == "medium"
    assert spot.data_signals and not spot.answer_signals
    assert spot.next_steps


@pytest.mark.parametrize("key", BLIND_SPOTS)
def test_each_blind_spot_is_found_in_the_answers_alone(key: str) -> None:
    question, option = ANSWER_TRIGGERS[key]
    answers = {**answers_at(3), question: option}
    spots = by_key(find_blind_spots(Q, answers, strong_evidence()))
    assert spots[key].detected and spots[key].severity == "medium"
    assert spots[key].answer_signals and option not in spots[key].data_signals
    others = [b for k, b in spots.items() if k != key and b.detected]
    # a question probes exactly one blind spot; only cost_cutting has two probing questions
    assert not others


@pytest.mark.parametrize("key", BLIND_SPOTS)
def test_answers_and_data_agreeing_make_it_high(key: str) -> None:
    question, option = ANSWER_TRIGGERS[key]
    ev = replace(strong_evidence(), **DATA_TRIGGERS[key])
    spot = by_key(find_blind_spots(Q, {**answers_at(3), question: option}, ev))[key]
    assert spot.severity == "high"


def test_no_data_means_no_data_signal() -> None:
    spots = find_blind_spots(Q, answers_at(3), Evidence())
    assert not any(b.detected for b in spots)
    spots = find_blind_spots(Q, answers_at(0), Evidence())
    found = {b.key for b in spots if b.detected}
    assert found == set(BLIND_SPOTS)
    assert all(not b.data_signals for b in spots)


def test_blind_spots_of_the_seeded_store(engine: Engine) -> None:
    seed.seed_all(engine)
    spots = by_key(find_blind_spots(Q, {}, gather_evidence(engine)))
    # 30 customers scored but no experiment or routing decision uses them
    assert (
        spots["data_unused"].detected
        and "30 customers scored" in spots["data_unused"].data_signals[0]
    )
    assert spots["static_plans"].detected  # no experiment at all
    assert not spots["static_management"].detected  # two pods, two functions each
    assert not spots["no_personalisation"].detected  # 60 % analysed, customers scored, pods
    assert not spots["investors_over_customers"].detected  # CSAT stored, customers scored
    assert not spots["cost_cutting"].detected  # automation 10 %
