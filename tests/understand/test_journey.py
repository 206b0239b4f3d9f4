"""The journey memory: loss aversion, decay, no information from the future."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from empathos.understand import journey as jny

T0 = datetime(2026, 1, 1)
score = st.floats(-1.0, 1.0, allow_nan=False)
events = st.lists(
    st.builds(jny.JourneyEvent, st.integers(0, 400).map(lambda d: T0 + timedelta(days=d)), score),
    min_size=1,
    max_size=20,
)


def test_a_bad_contact_weighs_twice_a_good_one() -> None:
    good = jny.emotional_memory([jny.JourneyEvent(T0, 0.5)])
    bad = jny.emotional_memory([jny.JourneyEvent(T0, -0.5)])
    assert good.memory == 0.5
    assert bad.memory == -1.0
    both = jny.emotional_memory([jny.JourneyEvent(T0, 0.5), jny.JourneyEvent(T0, -0.5)])
    assert both.memory < 0  # equal good and bad do not cancel out
    assert both.n_negative == 1


def test_a_contact_one_half_life_ago_counts_half() -> None:
    m = jny.emotional_memory(
        [jny.JourneyEvent(T0, 0.8)], as_of=T0 + timedelta(days=90), half_life_days=90
    )
    assert m.memory == pytest.approx(0.4)
    assert m.balance == pytest.approx(0.8)  # the average tone does not fade, the weight does


def test_default_as_of_is_the_latest_contact() -> None:
    evs = [jny.JourneyEvent(T0, 1.0), jny.JourneyEvent(T0 + timedelta(days=180), 0.0)]
    m = jny.emotional_memory(evs, half_life_days=90)
    assert m.as_of == T0 + timedelta(days=180)
    assert m.memory == pytest.approx(0.25)
    assert m.last_at == T0 + timedelta(days=180)
    assert m.n_interactions == 2


@given(events, st.integers(0, 400))
def test_no_information_from_the_future(evs, day) -> None:
    at = T0 + timedelta(days=day)
    past = [e for e in evs if e.at <= at]
    full = jny.emotional_memory(evs, as_of=at)
    only_past = jny.emotional_memory(past, as_of=at)
    assert math.isclose(full.memory, only_past.memory, abs_tol=1e-12)
    assert full.n_interactions == len(past)


@given(events)
def test_balance_lies_in_minus_lambda_to_one(evs) -> None:
    m = jny.emotional_memory(evs)
    assert m.balance is not None
    assert -jny.LOSS_AVERSION - 1e-12 <= m.balance <= 1.0 + 1e-12


@given(events, st.integers(1, 400))
def test_memory_fades_towards_zero_without_new_contacts(evs, extra) -> None:
    latest = max(e.at for e in evs)
    now = jny.emotional_memory(evs, as_of=latest)
    later = jny.emotional_memory(evs, as_of=latest + timedelta(days=extra))
    factor = 0.5 ** (extra / jny.HALF_LIFE_DAYS)
    assert math.isclose(later.memory, now.memory * factor, rel_tol=1e-9, abs_tol=1e-12)
    assert abs(later.memory) <= abs(now.memory) + 1e-12


@given(score, score)
def test_loss_weighting_is_monotone(a, b) -> None:
    if a <= b:
        assert jny.loss_weighted(a) <= jny.loss_weighted(b)


def test_undated_contacts_count_without_decay_and_parameters_are_checked() -> None:
    m = jny.emotional_memory([jny.JourneyEvent(None, -0.5), jny.JourneyEvent(T0, 0.5)])
    assert m.memory == pytest.approx(-0.5)
    assert jny.emotional_memory([]).balance is None
    with pytest.raises(ValueError):
        jny.emotional_memory([jny.JourneyEvent(T0, 0.1)], loss_aversion=0.5)
    with pytest.raises(ValueError):
        jny.decay(1.0, 0.0)
