"""Value at risk and the avoidable-churn ranking."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from empathos.predict.value_at_risk import (
    AvoidableChurnConfig,
    Driver,
    avoidable_churn,
    value_at_risk,
)


def test_value_at_risk_is_probability_times_clv_and_broadcasts() -> None:
    np.testing.assert_allclose(value_at_risk([0.1, 0.5, 1.0], [100.0, 40.0, 7.0]), [10, 20, 7])
    assert value_at_risk([[0.2], [0.4]], [10.0, 20.0]).shape == (2, 2)


@pytest.mark.parametrize(
    "p, v", [([1.2], [1.0]), ([-0.1], [1.0]), ([np.nan], [1.0]), ([0.5], [np.inf])]
)
def test_value_at_risk_rejects_bad_inputs(p: list[float], v: list[float]) -> None:
    with pytest.raises(ValueError):
        value_at_risk(p, v)


@settings(max_examples=100)
@given(p1=st.floats(0, 1), p2=st.floats(0, 1), v=st.floats(0, 1e6))
def test_value_at_risk_bounded_by_clv_and_monotone_in_risk(p1: float, p2: float, v: float) -> None:
    lo, hi = sorted((p1, p2))
    a, b = value_at_risk(lo, v), value_at_risk(hi, v)
    assert 0 <= a <= b <= v * (1 + 1e-12)


VAR = {"c1": 500.0, "c2": 900.0, "c3": 300.0, "c4": 900.0, "c5": 1000.0}
DRIVERS = {
    "c1": [("effort_repeats", 0.30), ("tenure_days", 0.10)],
    "c2": [("price_increase", 0.50), ("remembered_score", 0.20), ("tenure_days", 0.05)],
    "c3": [("emotion_anger_share", 0.40)],
    "c4": [Driver("moved_abroad", 0.90), Driver("tenure_days", 0.20)],
    "c5": [("remembered_score", -0.30), ("effort_transfers", -0.10)],  # lower risk only
}


def test_keeps_actionable_and_ranks_by_value_at_risk() -> None:
    result = avoidable_churn(VAR, DRIVERS)
    assert [r.customer_id for r in result] == ["c2", "c1", "c3"]
    c2 = result[0]
    assert [d.name for d in c2.actionable_drivers] == ["remembered_score"]
    assert c2.actionable_share == pytest.approx(0.20 / 0.75)
    assert result[1].actionable_share == pytest.approx(0.30 / 0.40)
    assert result[2].actionable_share == 1.0


def test_mode_top_requires_the_strongest_driver_to_be_actionable() -> None:
    result = avoidable_churn(VAR, DRIVERS, AvoidableChurnConfig(mode="top"))
    assert [r.customer_id for r in result] == ["c1", "c3"]


def test_top_k_limits_which_drivers_count() -> None:
    drivers = {"c": [("a", 0.5), ("b", 0.4), ("effort_wait", 0.3)]}
    assert avoidable_churn({"c": 1.0}, drivers, AvoidableChurnConfig(top_k=2)) == []
    assert len(avoidable_churn({"c": 1.0}, drivers, AvoidableChurnConfig(top_k=3))) == 1


def test_custom_actionable_set_and_min_contribution() -> None:
    cfg = AvoidableChurnConfig(
        actionable_drivers=frozenset({"price_increase"}),
        actionable_prefixes=(),
        min_contribution=0.25,
    )
    result = avoidable_churn(VAR, DRIVERS, cfg)
    assert [r.customer_id for r in result] == ["c2"]
    # c1's effort driver is no longer actionable under this config
    assert all(r.customer_id != "c1" for r in result)


def test_ties_break_by_customer_id_and_limit_applies() -> None:
    var = {"b": 10.0, "a": 10.0, "c": 5.0}
    drivers = {k: [("effort_repeats", 0.1)] for k in var}
    result = avoidable_churn(var, drivers, limit=2)
    assert [r.customer_id for r in result] == ["a", "b"]


def test_customer_without_drivers_is_left_out() -> None:
    assert avoidable_churn({"x": 100.0}, {}) == []


def test_invalid_top_k() -> None:
    with pytest.raises(ValueError):
        avoidable_churn(VAR, DRIVERS, AvoidableChurnConfig(top_k=0))


names = st.sampled_from(
    [
        "effort_repeats",
        "remembered_score",
        "price",
        "tenure",
        "moved",
        "emotion_anger_share",
        "empathy_received",
        "age",
    ]
)
drivers_st = st.lists(st.tuples(names, st.floats(-1, 1)), max_size=6)


@settings(max_examples=100)
@given(
    data=st.dictionaries(
        st.text(min_size=1, max_size=4), st.tuples(st.floats(0, 1e5), drivers_st), max_size=20
    ),
    top_k=st.integers(1, 4),
    mode=st.sampled_from(["any", "top"]),
)
def test_ranking_properties(data: dict, top_k: int, mode: str) -> None:
    var = {k: v[0] for k, v in data.items()}
    drivers = {k: v[1] for k, v in data.items()}
    cfg = AvoidableChurnConfig(top_k=top_k, mode=mode)  # type: ignore[arg-type]
    result = avoidable_churn(var, drivers, cfg)
    values = [r.value_at_risk for r in result]
    assert values == sorted(values, reverse=True)
    assert len({r.customer_id for r in result}) == len(result)
    for r in result:
        assert r.customer_id in var
        assert r.actionable_drivers and all(cfg.is_actionable(d.name) for d in r.actionable_drivers)
        assert len(r.top_drivers) <= top_k
        assert all(d.contribution > 0 for d in r.top_drivers)
        assert 0 < r.actionable_share <= 1 + 1e-12
    # "top" is stricter than "any"
    loose = avoidable_churn(var, drivers, AvoidableChurnConfig(top_k=top_k, mode="any"))
    strict = avoidable_churn(var, drivers, AvoidableChurnConfig(top_k=top_k, mode="top"))
    assert {r.customer_id for r in strict} <= {r.customer_id for r in loose}
