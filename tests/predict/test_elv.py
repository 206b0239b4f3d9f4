"""Employee lifetime value: closed forms and monotonicity."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from empathos.predict.elv import (
    ELVConfig,
    employee_lifetime_value,
    expected_remaining_tenure,
    expected_replacement_cost,
    value_protected_per_contact,
)

NO_DISCOUNT = ELVConfig(annual_discount_rate=0.0, horizon_periods=24, replacement_cost=5000.0)


@pytest.mark.parametrize("risk", [0.01, 0.05, 0.2, 0.6])
def test_closed_forms_without_discount(risk: float) -> None:
    rho, h = 1 - risk, NO_DISCOUNT.horizon_periods
    tenure = rho * (1 - rho**h) / (1 - rho)
    assert expected_remaining_tenure(risk, NO_DISCOUNT) == pytest.approx(tenure)
    assert expected_replacement_cost(risk, NO_DISCOUNT) == pytest.approx(5000 * (1 - rho**h))
    elv = employee_lifetime_value(risk, 1000, 0.5, NO_DISCOUNT)
    assert elv == pytest.approx(tenure * 500 - 5000 * (1 - rho**h))


def test_edge_risks() -> None:
    cfg = ELVConfig(horizon_periods=12)
    d = 1 + cfg.period_discount_rate
    assert expected_remaining_tenure(0.0, cfg) == pytest.approx(sum(d**-k for k in range(1, 13)))
    assert expected_replacement_cost(0.0, cfg) == 0.0
    assert expected_remaining_tenure(1.0, cfg) == 0.0
    assert expected_replacement_cost(1.0, cfg) == pytest.approx(cfg.replacement_cost / d)


def test_long_horizon_tends_to_geometric_tenure() -> None:
    cfg = ELVConfig(annual_discount_rate=0.0, horizon_periods=5000)
    assert expected_remaining_tenure(0.04, cfg) == pytest.approx(0.96 / 0.04, rel=1e-9)


def test_period_rate_compounds_to_annual_rate() -> None:
    cfg = ELVConfig(annual_discount_rate=0.10)
    assert (1 + cfg.period_discount_rate) ** 12 == pytest.approx(1.10)


def test_vectorised_over_employees_and_cost_lowers_value() -> None:
    risk = np.array([0.01, 0.03, 0.10])
    gross = employee_lifetime_value(risk, np.array([800, 1000, 1200]), 1.5)
    assert gross.shape == (3,)
    net = employee_lifetime_value(
        risk, np.array([800, 1000, 1200]), 1.5, ELVConfig(cost_per_period=400.0)
    )
    np.testing.assert_allclose(gross - net, 400.0 * expected_remaining_tenure(risk))


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(attrition_risk=1.5),
        dict(attrition_risk=-0.1),
        dict(attrition_risk=np.nan),
        dict(contacts_per_period=-1),
    ],
)
def test_rejects_bad_inputs(kwargs: dict) -> None:
    args = dict(attrition_risk=0.1, contacts_per_period=100, value_per_contact=1.0) | kwargs
    with pytest.raises(ValueError):
        employee_lifetime_value(**args)


def test_rejects_bad_config() -> None:
    with pytest.raises(ValueError):
        ELVConfig(periods_per_year=0)
    with pytest.raises(ValueError):
        ELVConfig(annual_discount_rate=-1.0)


def test_value_protected_per_contact() -> None:
    np.testing.assert_allclose(value_protected_per_contact([200.0, 50.0], [0.02, 0.1]), [4, 5])
    with pytest.raises(ValueError):
        value_protected_per_contact(100.0, 1.5)


risk_st = st.floats(0.0, 1.0)
config_st = st.builds(
    ELVConfig,
    horizon_periods=st.integers(1, 60),
    annual_discount_rate=st.floats(0.0, 0.3),
    replacement_cost=st.floats(0.0, 50_000.0),
)


@settings(max_examples=150, deadline=None)
@given(r1=risk_st, r2=risk_st, contacts=st.floats(0, 3000), value=st.floats(0, 10), cfg=config_st)
def test_more_attrition_risk_never_raises_elv(
    r1: float, r2: float, contacts: float, value: float, cfg: ELVConfig
) -> None:
    lo, hi = sorted((r1, r2))
    assert employee_lifetime_value(hi, contacts, value, cfg) <= (
        employee_lifetime_value(lo, contacts, value, cfg) + 1e-6
    )


@settings(max_examples=150, deadline=None)
@given(
    risk=risk_st,
    c1=st.floats(0, 3000),
    c2=st.floats(0, 3000),
    value=st.floats(0, 10),
    rc=st.floats(0, 50_000),
    drc=st.floats(0, 50_000),
)
def test_elv_monotone_in_contacts_and_replacement_cost(
    risk: float, c1: float, c2: float, value: float, rc: float, drc: float
) -> None:
    lo, hi = sorted((c1, c2))
    cfg = ELVConfig(replacement_cost=rc)
    assert employee_lifetime_value(risk, lo, value, cfg) <= (
        employee_lifetime_value(risk, hi, value, cfg) + 1e-6
    )
    dearer = ELVConfig(replacement_cost=rc + drc)
    assert employee_lifetime_value(risk, lo, value, dearer) <= (
        employee_lifetime_value(risk, lo, value, cfg) + 1e-6
    )
