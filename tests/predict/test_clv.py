"""CLV: closed forms against published numbers, properties, and fits that recover truth.

Fast tests exercise the numpy predictive formulas; tests marked ``slow`` fit pymc-marketing
models (a few seconds each once PyTensor has compiled, ~15-25 s for the first compile).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from empathos.domain import Transaction
from empathos.predict import clv
from tests.predict.synthetic import bgnbd_log_likelihood, simulate_bgnbd

CDNOW = Path(__file__).resolve().parents[3] / "shared" / "data" / "cdnow"
needs_cdnow = pytest.mark.skipif(
    not (CDNOW / "CDNOW_sample.txt").exists(), reason="../shared/data/cdnow not present"
)
# Skip the C compiler in tests: a cold PyTensor cache then costs ~7 s instead of ~45 s on
# 2 cores; the estimates agree with the default mode to 1e-9 (checked by hand).
MODE = "FAST_COMPILE"
# Fader, Hardie & Lee (2005) on the CDNOW 1/10 sample; Fader & Hardie (2013) Gamma-Gamma.
PUBLISHED = clv.BGNBDParams(r=0.243, alpha=4.414, a=0.793, b=2.426)
PUBLISHED_GG = clv.GammaGammaParams(p=6.25, q=3.74, v=15.44)


def fitted_with(
    bgnbd: clv.BGNBDParams, gg: clv.GammaGammaParams | None = PUBLISHED_GG, **config: float
) -> clv.FittedCLV:
    return clv.FittedCLV(
        bgnbd=bgnbd,
        gamma_gamma=gg,
        fallback_spend=20.0,
        config=clv.CLVConfig(**config),
        n_customers=0,
        n_repeat_customers=0,
        fit_seconds=0.0,
    )


# ----------------------------------------------------------------- closed forms


def test_conditional_expectation_matches_hardie_spreadsheet() -> None:
    # Hardie's BG/NBD spreadsheet: customer with x=2, t_x=30.43, T=38.86, next 39 weeks.
    value = clv.expected_purchases(PUBLISHED, 2, 30.43, 38.86, 39)
    assert value == pytest.approx(1.226, abs=1e-3)


def test_unconditional_expectation_matches_hardie_spreadsheet() -> None:
    # E[X(t)] values of the same spreadsheet (used by the lifetimes test-suite).
    t = np.array([1.0, 3.0, 32.0, 78.0])
    expected = np.array([0.0532, 0.1506, 1.0437, 1.8576])
    np.testing.assert_allclose(
        clv.expected_purchases_new_customer(PUBLISHED, t), expected, atol=4e-3
    )


def test_probability_alive_is_one_without_repeat_purchase() -> None:
    p = clv.probability_alive(
        PUBLISHED, np.array([0, 0, 3]), np.array([0, 0, 5.0]), np.array([10.0, 30.0, 30.0])
    )
    assert p[0] == 1.0 and p[1] == 1.0
    assert 0 < p[2] < 1


positive = st.floats(0.05, 5.0)
params_st = st.builds(
    clv.BGNBDParams,
    r=positive,
    alpha=st.floats(0.5, 20.0),
    a=st.floats(0.1, 3.0),
    b=st.floats(0.5, 5.0),
)


@settings(max_examples=60, deadline=None)
@given(
    params=params_st,
    x=st.integers(0, 30),
    T=st.floats(1.0, 80.0),
    frac=st.floats(0.0, 1.0),
    t1=st.floats(0.1, 50.0),
    dt=st.floats(0.1, 50.0),
)
def test_expected_purchases_grows_with_horizon(
    params: clv.BGNBDParams, x: int, T: float, frac: float, t1: float, dt: float
) -> None:
    t_x = T * frac if x > 0 else 0.0
    e1 = clv.expected_purchases(params, x, t_x, T, t1)
    e2 = clv.expected_purchases(params, x, t_x, T, t1 + dt)
    assert np.isfinite(e1) and e1 >= 0
    assert e2 >= e1 - 1e-9


@settings(max_examples=60, deadline=None)
@given(
    params=params_st,
    x=st.integers(1, 30),
    T=st.floats(2.0, 80.0),
    frac1=st.floats(0.0, 1.0),
    frac2=st.floats(0.0, 1.0),
)
def test_more_recent_customers_are_more_alive(
    params: clv.BGNBDParams, x: int, T: float, frac1: float, frac2: float
) -> None:
    lo, hi = sorted((frac1 * T, frac2 * T))
    p_lo = clv.probability_alive(params, x, lo, T)
    p_hi = clv.probability_alive(params, x, hi, T)
    assert 0 <= p_lo <= p_hi + 1e-12 <= 1 + 1e-12


@settings(max_examples=60, deadline=None)
@given(params=params_st, x=st.integers(1, 25), T=st.floats(1.0, 80.0))
def test_more_purchases_mean_more_expected_when_just_bought(
    params: clv.BGNBDParams, x: int, T: float
) -> None:
    # With recency = T (bought just now) and x >= 1, one more past purchase raises P(alive),
    # the rate and the survival odds together. (From x = 0 it need not: a customer with no
    # repeat purchase cannot have dropped out yet, so P(alive) falls from 1.)
    e_x = clv.expected_purchases(params, x, T, T, 39.0)
    e_x1 = clv.expected_purchases(params, x + 1, T, T, 39.0)
    assert e_x1 >= e_x * (1 - 1e-6) - 1e-9


@settings(max_examples=60, deadline=None)
@given(x=st.integers(0, 50), m=st.floats(0.0, 500.0))
def test_expected_spend_lies_between_population_and_own_mean(x: int, m: float) -> None:
    fitted = fitted_with(PUBLISHED)
    pop = PUBLISHED_GG.population_mean_spend
    spend = float(clv.expected_spend(fitted, x, m))
    if x == 0 or m == 0:
        assert spend == pytest.approx(pop)
    else:
        assert min(pop, m) - 1e-9 <= spend <= max(pop, m) + 1e-9


def test_clv_without_discount_is_spend_times_expected_purchases() -> None:
    fitted = fitted_with(PUBLISHED, horizon=52.0, annual_discount_rate=0.0)
    x, t_x, T, m = (
        np.array([0.0, 2, 7]),
        np.array([0.0, 30.43, 35.0]),
        np.array([38.86, 38.86, 38.86]),
        np.array([0.0, 22.35, 40.0]),
    )
    value = clv.customer_lifetime_value(fitted, x, t_x, T, m)
    expected = clv.expected_spend(fitted, x, m) * clv.expected_purchases(PUBLISHED, x, t_x, T, 52.0)
    np.testing.assert_allclose(value, expected, rtol=1e-10)


@settings(max_examples=40, deadline=None)
@given(
    x=st.integers(0, 20),
    frac=st.floats(0.0, 1.0),
    m=st.floats(1.0, 300.0),
    h1=st.floats(1.0, 100.0),
    dh=st.floats(0.0, 100.0),
    rate=st.floats(0.0, 0.5),
)
def test_clv_grows_with_horizon_and_shrinks_with_discount(
    x: int, frac: float, m: float, h1: float, dh: float, rate: float
) -> None:
    fitted = fitted_with(PUBLISHED)
    args = (np.array([x]), np.array([38.0 * frac if x else 0.0]), np.array([38.0]), np.array([m]))
    short = clv.customer_lifetime_value(fitted, *args, horizon=h1, annual_discount_rate=rate)
    long = clv.customer_lifetime_value(fitted, *args, horizon=h1 + dh, annual_discount_rate=rate)
    undiscounted = clv.customer_lifetime_value(fitted, *args, horizon=h1, annual_discount_rate=0)
    assert 0 <= short[0] <= long[0] + 1e-9
    assert short[0] <= undiscounted[0] + 1e-9


def test_clv_rejects_nonsense_settings() -> None:
    fitted = fitted_with(PUBLISHED)
    one = np.array([1.0])
    with pytest.raises(ValueError):
        clv.customer_lifetime_value(fitted, one, one, one, one, horizon=-1)
    with pytest.raises(ValueError):
        clv.customer_lifetime_value(fitted, one, one, one, one, annual_discount_rate=-1)


def test_spend_falls_back_to_observed_mean_without_gamma_gamma() -> None:
    fitted = fitted_with(PUBLISHED, gg=None)
    spend = clv.expected_spend(fitted, np.array([0, 3]), np.array([0.0, 50.0]))
    np.testing.assert_allclose(spend, [20.0, 50.0])


# ----------------------------------------------------------------- summary and I/O


def test_rfm_summary_by_hand() -> None:
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "a", "b", "c"],
            "ts": pd.to_datetime(
                [
                    "2024-01-01",
                    "2024-01-08 09:00",
                    "2024-01-08 17:00",
                    "2024-01-15",
                    "2024-01-29",
                    "2024-02-20",
                ],
                format="ISO8601",
            ),
            "amount": [10.0, 20.0, 5.0, 40.0, 7.0, 99.0],
        }
    )
    s = clv.rfm_summary(tx, "2024-01-29").set_index("customer_id")
    assert list(s.index) == ["a", "b"]  # c bought after the end: unknown yet
    # a: first purchase 01-01, repeats on 01-08 (two same-day orders = one, 25.0) and 01-15
    assert s.loc["a", "frequency"] == 2
    assert s.loc["a", "recency"] == pytest.approx(2.0)  # weeks
    assert s.loc["a", "T"] == pytest.approx(4.0)
    assert s.loc["a", "monetary"] == pytest.approx((25.0 + 40.0) / 2)
    assert (s.loc["b", "frequency"], s.loc["b", "T"], s.loc["b", "monetary"]) == (0, 0, 0)


def test_fit_refuses_a_summary_in_another_time_unit() -> None:
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "a"],
            "ts": pd.to_datetime(["2024-01-01", "2024-01-10"]),
            "amount": [1.0, 2.0],
        }
    )
    daily = clv.rfm_summary(tx, "2024-02-01", time_unit_days=1.0)
    assert daily.loc[0, "T"] == pytest.approx(31.0)
    with pytest.raises(ValueError, match="units"):
        clv.fit_clv(daily)  # default config is weekly; fails before any fitting


def test_fit_refuses_no_customers() -> None:
    empty = pd.DataFrame(columns=["customer_id", "frequency", "recency", "T", "monetary"])
    with pytest.raises(ValueError, match="no customers"):
        clv.fit_clv(empty)


def test_transactions_frame_from_domain_objects() -> None:
    from datetime import datetime

    frame = clv.transactions_frame(
        [
            Transaction("t1", "c1", datetime(2024, 1, 1), 10.0),
            Transaction("t2", "c1", datetime(2024, 2, 1), 12.5),
        ]
    )
    assert list(frame.columns) == ["customer_id", "ts", "amount"]
    assert frame["amount"].sum() == pytest.approx(22.5)


@needs_cdnow
def test_read_cdnow_both_layouts_and_summary_matches_published() -> None:
    sample = clv.read_cdnow(CDNOW / "CDNOW_sample.txt")
    master = clv.read_cdnow(CDNOW / "CDNOW_master.txt")
    assert sample["customer_id"].nunique() == 2357
    assert master["customer_id"].nunique() == 23570
    assert sample["ts"].min() == pd.Timestamp("1997-01-01")
    ours = clv.rfm_summary(sample, "1997-09-30")
    ref = pd.read_csv(CDNOW / "cdnow_customers_summary_with_transactions.csv")
    merged = ours.merge(ref, left_on="customer_id", right_on="ID")
    assert len(merged) == len(ref) == 2357
    assert (merged["frequency"] == merged["x"]).all()
    np.testing.assert_allclose(merged["recency"], merged["t_x"], atol=0.01)
    np.testing.assert_allclose(merged["T_x"], merged["T_y"], atol=0.01)
    np.testing.assert_allclose(merged["monetary"], merged["zbar"], atol=0.01)


# ----------------------------------------------------------------- fits (slow)


@pytest.fixture(scope="module")
def cdnow_models() -> tuple[pd.DataFrame, object, object]:
    summary = clv.rfm_summary(clv.read_cdnow(CDNOW / "CDNOW_sample.txt"), "1997-09-30")
    return (
        summary,
        clv._fit_bgnbd_model(summary, mode=MODE),
        clv._fit_gamma_gamma_model(summary, mode=MODE),
    )


@pytest.mark.slow
@needs_cdnow
def test_cdnow_fit_reproduces_published_parameters(cdnow_models) -> None:
    _, bg, gg = cdnow_models
    got = clv.BGNBDParams(**clv._point(bg, ("r", "alpha", "a", "b")))
    for name in ("r", "alpha", "a", "b"):
        assert getattr(got, name) == pytest.approx(getattr(PUBLISHED, name), abs=2e-3), name
    got_gg = clv.GammaGammaParams(**clv._point(gg, ("p", "q", "v")))
    for name in ("p", "q", "v"):
        assert getattr(got_gg, name) == pytest.approx(getattr(PUBLISHED_GG, name), abs=1e-2), name


@pytest.mark.slow
@needs_cdnow
def test_numpy_predictions_equal_pymc_marketing(cdnow_models) -> None:
    summary, bg, gg = cdnow_models
    params = clv.BGNBDParams(**clv._point(bg, ("r", "alpha", "a", "b")))
    gg_params = clv.GammaGammaParams(**clv._point(gg, ("p", "q", "v")))
    x, t_x, T = (summary[c].to_numpy(float) for c in ("frequency", "recency", "T"))
    lib_purchases = bg.expected_purchases(future_t=39).values.reshape(-1)
    np.testing.assert_allclose(
        clv.expected_purchases(params, x, t_x, T, 39.0), lib_purchases, rtol=1e-8
    )
    lib_alive = bg.expected_probability_alive().values.reshape(-1)
    np.testing.assert_allclose(clv.probability_alive(params, x, t_x, T), lib_alive, rtol=1e-8)
    repeat = summary.loc[summary["frequency"] > 0]
    lib_spend = gg.expected_customer_spend(
        repeat.rename(columns={"monetary": "monetary_value"})
    ).values.reshape(-1)
    ours = clv.expected_spend(
        fitted_with(params, gg_params), repeat["frequency"], repeat["monetary"]
    )
    np.testing.assert_allclose(ours, lib_spend, rtol=1e-8)


TRUE = clv.BGNBDParams(r=0.5, alpha=5.0, a=0.8, b=2.5)
TRUE_GG = clv.GammaGammaParams(p=6.0, q=4.0, v=15.0)


@pytest.fixture(scope="module")
def synthetic_fit() -> tuple[pd.DataFrame, clv.FittedCLV]:
    summary = simulate_bgnbd(TRUE, n=10_000, seed=0, spend=TRUE_GG)
    return summary, clv.fit_clv(summary, clv.CLVConfig(pytensor_mode=MODE))


@pytest.mark.slow
def test_fit_recovers_known_bgnbd_parameters(synthetic_fit) -> None:
    summary, fitted = synthetic_fit
    got = fitted.bgnbd
    # Tolerances from repeated draws (seeds 0-2, n=10k): r and α land within ~4 %, a and b
    # (weakly identified separately) within ~15 %; their ratio, the mean drop-out, tighter.
    assert got.r == pytest.approx(TRUE.r, rel=0.10)
    assert got.alpha == pytest.approx(TRUE.alpha, rel=0.10)
    assert got.a == pytest.approx(TRUE.a, rel=0.25)
    assert got.b == pytest.approx(TRUE.b, rel=0.25)
    assert got.a / (got.a + got.b) == pytest.approx(TRUE.a / (TRUE.a + TRUE.b), abs=0.02)
    # It is the maximum-likelihood point: no worse than the truth on its own data.
    assert bgnbd_log_likelihood(got, summary) >= bgnbd_log_likelihood(TRUE, summary) - 1e-6


@pytest.mark.slow
def test_fit_recovers_known_gamma_gamma_parameters(synthetic_fit) -> None:
    _, fitted = synthetic_fit
    gg = fitted.gamma_gamma
    assert gg is not None
    assert gg.q == pytest.approx(TRUE_GG.q, rel=0.10)
    assert gg.p == pytest.approx(TRUE_GG.p, rel=0.15)
    assert gg.v == pytest.approx(TRUE_GG.v, rel=0.15)
    assert gg.population_mean_spend == pytest.approx(TRUE_GG.population_mean_spend, rel=0.05)


@pytest.mark.slow
def test_score_customers_shapes_and_ranges(synthetic_fit) -> None:
    summary, fitted = synthetic_fit
    scored = clv.score_customers(fitted, summary)
    assert len(scored) == len(summary)
    assert list(scored["customer_id"]) == list(summary["customer_id"])
    for col in ("expected_purchases", "p_alive", "expected_spend", "clv"):
        assert scored[col].notna().all() and (scored[col] >= 0).all(), col
    assert scored["p_alive"].max() <= 1.0
    assert fitted.n_customers == len(summary)
    assert fitted.model_name == clv.MODEL_NAME and fitted.library.startswith("pymc-marketing")
    # Predicted repeat purchases over the next 26 weeks vs what the process would produce:
    # the sum of conditional expectations should be close to the truth's own expectation.
    x, t_x, T = (summary[c].to_numpy(float) for c in ("frequency", "recency", "T"))
    ours = clv.expected_purchases(fitted.bgnbd, x, t_x, T, 26.0).sum()
    truth = clv.expected_purchases(TRUE, x, t_x, T, 26.0).sum()
    assert ours == pytest.approx(truth, rel=0.05)
