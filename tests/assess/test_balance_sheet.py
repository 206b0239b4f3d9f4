"""The empathy balance sheet: totals from the stored scores, value protected only from
measured lifts, ROI with its Monte Carlo interval, and the HTML / PDF reports."""

from __future__ import annotations

import re

import numpy as np
import pytest
from sqlalchemy import Engine

from empathos.assess.balance_report import render_html, render_pdf
from empathos.assess.balance_sheet import NO_ACTION_NOTE, balance_sheet, monte_carlo_protected
from empathos.assess.lifts import MeasuredLift, read_experiments
from empathos.learn.lift import LiftResult
from tests.assess import seed

CHURN_LIFT = MeasuredLift(
    "exp-1",
    LiftResult(
        "churn_14d",
        treatment_mean=0.04,
        control_mean=0.05,
        diff=-0.01,
        ci_low=-0.018,
        ci_high=-0.002,
        p_value=0.01,
        test="two_proportion_z",
        n_treatment=16000,
        n_control=4000,
        source="simulated",
    ),
    policy="empathy",
)


def _lift(kpi: str, diff: float, lo: float, hi: float, control: float | None = None) -> LiftResult:
    return LiftResult(kpi, None, control, diff, lo, hi, None, "welch_t", 0, 4000, "simulated")


VAR = sum(p * c for p, c in zip(seed.P_CHURN, seed.CLV, strict=True))


def test_totals_come_from_the_latest_scores(engine: Engine) -> None:
    seed.seed_all(engine)
    bs = balance_sheet(engine, cost=1000.0)
    assert (
        bs.n_customers == seed.SCORED
        and bs.source == "simulated"
        and bs.sources == {"simulated": seed.SCORED}
    )
    assert bs.clv_total == pytest.approx(sum(seed.CLV))
    assert bs.value_at_risk == pytest.approx(VAR)
    assert bs.avoidable_value_at_risk == pytest.approx(
        sum(seed.P_CHURN[k] * seed.CLV[k] for k in seed.AVOIDABLE)
    )
    assert bs.elv_total == pytest.approx(sum(seed.ELV))
    assert bs.elv_at_risk == pytest.approx(
        0.1 * 1000 + 0.2 * 2000 + 0.1 * 3000
    )  # the negative ELV adds nothing
    assert any("negative ELV" in n for n in bs.notes)
    # no experiment: nothing is booked as protected, and the ROI says so
    assert bs.lift_used is None and bs.value_protected.point == 0.0
    assert any(NO_ACTION_NOTE in n for n in bs.notes)
    # ... and its return is unknown, with the reason (it was -100 %, as if measured)
    assert (bs.roi.point, bs.roi.low, bs.roi.high, bs.p_roi_positive) == (None, None, None, None)
    assert bs.roi_note and bs.roi_note.startswith("unknown: no action measured")


def test_empty_store_and_bad_inputs(sqlite_store: Engine) -> None:
    engine = sqlite_store
    bs = balance_sheet(engine)
    assert bs.source == "none" and bs.n_customers == 0 and bs.roi.point is None
    assert any("empathos predict" in n for n in bs.notes)
    with pytest.raises(ValueError, match="negative"):
        balance_sheet(engine, cost=-1)
    with pytest.raises(ValueError, match="coverage"):
        balance_sheet(engine, coverage=0)


def test_measured_churn_lift_is_booked_with_its_interval(sqlite_store: Engine) -> None:
    seed.seed_all(sqlite_store)
    cost = 20.0
    bs = balance_sheet(sqlite_store, cost=cost, lifts=[CHURN_LIFT], coverage=0.5)
    expected = 0.01 / 0.05 * VAR * 0.5
    assert bs.lift_used == CHURN_LIFT
    assert bs.value_protected.point == pytest.approx(expected)
    assert bs.value_protected.low < expected < bs.value_protected.high
    assert bs.roi.point == pytest.approx((expected - cost) / cost)
    assert bs.roi.low < bs.roi.point < bs.roi.high
    assert 0.5 < bs.p_roi_positive < 1.0
    # a lift on another KPI is listed but never turned into money
    other = MeasuredLift("exp-1", _lift("remembered", 0.05, 0.01, 0.09))
    bs2 = balance_sheet(sqlite_store, cost=cost, lifts=[other])
    assert bs2.lift_used is None and bs2.other_lifts == [other] and bs2.value_protected.point == 0.0


def test_monte_carlo_interval_tracks_the_lift_uncertainty() -> None:
    narrow = monte_carlo_protected(CHURN_LIFT, 1000.0, 1.0, draws=20000, seed=1)
    wide_lift = MeasuredLift("w", _lift("churn_14d", -0.01, -0.03, 0.01, control=0.05))
    wide = monte_carlo_protected(wide_lift, 1000.0, 1.0, draws=20000, seed=1)
    point = 0.01 / 0.05 * 1000.0
    assert np.median(narrow) == pytest.approx(point, rel=0.05)
    lo_n, hi_n = np.quantile(narrow, [0.025, 0.975])
    lo_w, hi_w = np.quantile(wide, [0.025, 0.975])
    assert lo_n < point < hi_n and lo_w < point < hi_w
    assert hi_w - lo_w > 2 * (hi_n - lo_n)
    assert lo_w < 0 < lo_n  # the wide interval includes doing harm


def test_lifts_are_read_from_the_learn_experiments(engine: Engine) -> None:
    from empathos.learn.experiments import (
        Assignment,
        ExperimentConfig,
        experiment_report,
        start_experiment,
        store_assignments,
    )

    seed.seed_all(engine)
    assert read_experiments(engine).rows == 0
    start_experiment(
        engine,
        ExperimentConfig(name="pilot-1", treatment="empathy", control="fifo"),
        seed.T0,
        source="simulated",
    )
    arms = [
        Assignment(f"i{k:03d}", "control" if k % 2 == 0 else "treatment", 7 * 60 * k)
        for k in range(seed.N_CONTACTS)
    ]
    store_assignments(engine, "pilot-1", arms, seed.T0)
    learn_lift = experiment_report(engine, "pilot-1").lift("churn_14d")
    exp = read_experiments(engine)
    assert exp.rows == 1 and exp.latest_at == seed.T0
    churn = [x for x in exp.lifts if x.metric == "churn_14d"]
    assert len(churn) == 1 and churn[0].lift == pytest.approx(learn_lift.diff)
    assert (churn[0].ci_low, churn[0].ci_high) == pytest.approx(
        (learn_lift.ci_low, learn_lift.ci_high)
    )
    bs = balance_sheet(engine, cost=10.0)
    assert bs.lift_used == churn[0]
    assert bs.value_protected.point == pytest.approx(
        -learn_lift.diff / learn_lift.control_mean * VAR
    )


def test_html_report_is_self_contained_and_names_the_source(sqlite_store: Engine) -> None:
    seed.seed_all(sqlite_store)
    html = render_html(balance_sheet(sqlite_store, cost=20.0, lifts=[CHURN_LIFT]))
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.I), (
        "external resource"
    )
    assert "<link" not in html.lower() and "@import" not in html
    assert "<svg" in html and "<style>" in html
    assert "SIMULATED" in html
    assert f"{sum(seed.CLV):,.0f}" in html and "churn_14d" in html


def test_pdf_report_has_pages_and_the_source(sqlite_store: Engine) -> None:
    seed.seed_all(sqlite_store)
    pdf = render_pdf(balance_sheet(sqlite_store, cost=20.0, lifts=[CHURN_LIFT]))
    assert pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 1
    assert pdf.rstrip().endswith(b"%%EOF")
    text = pdf_text(pdf)
    assert (
        "Data source: SIMULATED" in text and f"{sum(seed.CLV):,.0f}" in text and "churn_14d" in text
    )


def pdf_text(pdf: bytes) -> str:
    """The strings drawn on the pages (fpdf2 deflates its content streams)."""
    import zlib

    out = []
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            content = zlib.decompress(m.group(1))
        except zlib.error:
            continue
        out += re.findall(rb"\((.*?)\) ?Tj", content)
    return b" ".join(out).decode("latin-1")


def test_pdf_survives_text_outside_latin1(sqlite_store: Engine) -> None:
    bs = balance_sheet(sqlite_store, cost=5.0)
    bs.notes.append("Kund:in \u2212 \u201cquoted\u201d \u20ac 5 \u00e9t\u00e9")
    assert render_pdf(bs).startswith(b"%PDF-")
