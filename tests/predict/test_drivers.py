"""Drivers: per-topic figures computed by hand on a tiny store, the ranking with its
bootstrap CIs, predicted CSAT plugged in when stored, unknown (never 0) when not."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest
from sqlalchemy import Engine, insert

from empathos.predict.drivers import (
    PREDICTED_CSAT_ABSENT,
    Outcome,
    drivers_report,
    rank_drivers,
    report_notes,
)
from empathos.store.tables_topics import interaction_topics, topic_models, topics
from tests.web.data import fill

T0 = datetime(2026, 3, 1)
# i-1, i-4, i-5 (cu-1, cu-1, cu-2) -> topic 0; i-2, i-3, i-6 (cu-2, cu-3, cu-3) -> topic 1
ASSIGN = {"i-1": 0, "i-4": 0, "i-5": 0, "i-2": 1, "i-3": 1, "i-6": 1}


def add_topics(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(topic_models),
            {
                "model_version": "topics.test-1",
                "fitted_at": T0,
                "encoder": "test",
                "n_fitted": 6,
                "k": 2,
                "source": "simulated",
                "details": {"config": {}},
            },
        )
        conn.execute(
            insert(topics),
            [
                {
                    "model_version": "topics.test-1",
                    "topic_id": t,
                    "label": name,
                    "terms": name.split(" / "),
                    "examples": [f"about {name}"],
                    "size": 3,
                    "languages": {"en": 2, "de": 1},
                    "centroid": [1.0, 0.0],
                }
                for t, name in ((0, "late / order"), (1, "bill / charge"))
            ],
        )
        conn.execute(
            insert(interaction_topics),
            [
                {
                    "interaction_id": i,
                    "model_version": "topics.test-1",
                    "topic_id": t,
                    "similarity": 0.9,
                    "assigned_at": T0,
                }
                for i, t in ASSIGN.items()
            ],
        )


@pytest.fixture
def store(engine: Engine) -> Engine:
    fill(engine)
    add_topics(engine)
    return engine


def test_per_topic_figures_match_the_hand_computation(store: Engine) -> None:
    rep = drivers_report(store, n_boot=200, min_contacts=1)
    assert rep.available and rep.n_contacts == 6 and rep.n_with_outcome == 5
    t0, t1 = rep.topics
    assert (t0.volume, t1.volume) == (3, 3)
    # remembered of the main model pair (the "other" pair's row on i-1 is ignored)
    assert t0.remembered == pytest.approx((-0.8 + 0.7 - 0.3) / 3)
    assert t1.remembered == pytest.approx((0.4 + 0.1) / 2) and t1.n_scored == 2
    assert t0.churn == pytest.approx((0.5 + 0.1) / 2)  # customers cu-1, cu-2
    assert t0.value_at_risk == pytest.approx(500 + 20)
    assert t1.churn == pytest.approx((0.1 + 0.2) / 2)
    assert t1.value_at_risk == pytest.approx(20 + 10)
    # no predicted CSAT table in this branch: unknown, and the ranking says what it used
    assert t0.predicted_csat is None and rep.outcome == "remembered score"
    assert rep.outcome_note == PREDICTED_CSAT_ABSENT
    assert any("predicted CSAT unknown" in n for n in report_notes(rep))
    # transferred: i-1, i-5 (mean -0.55) vs 0.4 outside, share 2/5 -> impact -0.38, the
    # lowest; then topic 0 (impact 3/5 x (-0.133 - 0.25) = -0.23)
    assert [d.name for d in rep.drivers[:2]] == ["effort: transferred", "topic 0: late / order"]
    assert rep.drivers[0].impact == pytest.approx(0.4 * (-0.55 - 0.4))
    first = rep.drivers[1]
    assert first.gap == pytest.approx(-0.4 / 3 - 0.25)
    assert first.impact == pytest.approx(3 / 5 * first.gap)
    assert first.gap_ci[0] <= first.gap <= first.gap_ci[1]


def test_filters_apply_and_churn_is_unknown_without_a_predict_run(store: Engine) -> None:
    from empathos.store.schema import customer_scores

    with store.begin() as conn:
        conn.execute(customer_scores.delete())
    rep = drivers_report(store, n_boot=0, min_contacts=1, channel="voice")
    assert rep.n_contacts == 2  # i-2, i-6
    assert all(t.churn is None and t.value_at_risk is None for t in rep.topics)
    assert "no predict run" in rep.churn_note
    assert rep.filters == {"channel": "voice"}


def test_no_topic_model_says_so(engine: Engine) -> None:
    fill(engine)
    rep = drivers_report(engine)
    assert not rep.available and "empathos topics" in rep.reason


def test_a_plugged_in_outcome_ranks_the_drivers(store: Engine) -> None:
    csat = {"i-1": 1.0, "i-4": 2.0, "i-5": 1.5, "i-2": 5.0, "i-3": 4.5, "i-6": 4.0}
    out = Outcome("predicted CSAT", "1–5", lambda conn, ids: {i: csat[i] for i in ids})
    rep = drivers_report(store, outcome=out, n_boot=300, min_contacts=1, include_effort=False)
    assert rep.n_with_outcome == 6 and rep.outcome == "predicted CSAT"
    d = rep.drivers[0]
    assert d.name.startswith("topic 0") and d.gap == pytest.approx(1.5 - 4.5)
    assert d.clearly_lowers  # every resample keeps topic 0 far below topic 1


def test_the_stored_predicted_csat_is_used_when_contacts_have_one(store: Engine) -> None:
    """Predicted CSAT from ``interaction_csat`` (what ``analyze`` writes) ranks the
    drivers once contacts have one; the calibrated figure wins where there is one."""
    from datetime import datetime

    from empathos.store.tables_csat import interaction_csat

    now = datetime(2026, 1, 1)
    rows = [
        {
            "interaction_id": i,
            "model_version": "test",
            "predicted_csat": 3.0,
            "calibrated_csat": 5.0 if i == "i-2" else None,
            "source": "simulated",
            "scored_at": now,
        }
        for i in ASSIGN
    ]
    with store.begin() as conn:
        conn.execute(insert(interaction_csat), rows)
    rep = drivers_report(store, n_boot=0, min_contacts=1)
    assert rep.outcome == "predicted CSAT" and rep.predicted_csat_note == ""
    assert rep.topics[0].predicted_csat == pytest.approx(3.0)
    assert rep.topics[1].predicted_csat == pytest.approx((5 + 3 + 3) / 3)


def test_rank_drivers_finds_the_planted_driver_and_withholds_thin_ones() -> None:
    rng = np.random.default_rng(0)
    n = 600
    y = rng.normal(4.0, 0.5, n)
    bad = np.zeros(n, bool)
    bad[:120] = True
    y[bad] -= 1.0  # the planted driver: 20 % of contacts, one point lower
    noise = rng.random(n) < 0.3
    thin = np.zeros(n, bool)
    thin[:3] = True
    ranked = rank_drivers(
        y, {"bad": ("topic", bad), "noise": ("topic", noise), "thin": ("topic", thin)}, 500, 1
    )
    assert ranked[0].name == "bad" and ranked[0].clearly_lowers
    assert ranked[0].impact_ci[0] < -0.2 < ranked[0].impact_ci[1]  # true impact 0.2 × −1
    noisy = next(d for d in ranked if d.name == "noise")
    assert noisy.gap_ci[0] < 0 < noisy.gap_ci[1]  # no effect planted: its CI holds 0
    last = ranked[-1]
    assert last.name == "thin" and last.impact is None and "fewer than 5" in last.note
    # seeded: the same call gives the same CIs
    again = rank_drivers(
        y, {"bad": ("topic", bad), "noise": ("topic", noise), "thin": ("topic", thin)}, 500, 1
    )
    assert again[0].impact_ci == ranked[0].impact_ci
