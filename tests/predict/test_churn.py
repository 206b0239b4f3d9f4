"""Churn model: no future leakage, a real signal on simulated data, exact explanations."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import Engine, insert

from empathos.predict import churn as ch
from empathos.predict import features as feat
from empathos.store.schema import (
    customers,
    interaction_scores,
    interactions,
    outcomes,
    transactions,
)
from tests.predict.sim_store import simulated_store

START = datetime(2026, 1, 5)  # the simulator's first day
WINDOW = 7.0


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    engine, _ = simulated_store(tmp_path_factory)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def evaluation(sim: Engine) -> ch.ChurnEvaluation:
    return ch.evaluate_churn(sim, START + timedelta(days=30), ch.ChurnConfig(window_days=WINDOW))


# ----------------------------------------------------------------------- no leakage


def _score_row(iid: str, cid: str, remembered: float) -> dict:
    return dict(
        interaction_id=iid,
        model="m",
        version="1",
        empathy_model="p",
        empathy_version="1",
        customer_id=cid,
        n_customer_turns=1,
        n_employee_turns=1,
        experienced=remembered,
        remembered=remembered,
        outcome="worsened",
        empathy_score=0.0,
        n_empathetic=0,
        n_unhelpful=0,
        repeats=0,
        recontact=0,
        transfers=1,
        long_waits=0,
        channel_switch=0,
        effort_phrases=0,
        effort_score=0.5,
        details={},
        computed_at=datetime(2030, 1, 1),
    )


def _contact(iid: str, cid: str, at: datetime, need: str = "billing") -> dict:
    return dict(
        interaction_id=iid,
        customer_id=cid,
        channel="chat",
        started_at=at,
        ended_at=at + timedelta(minutes=5),
        need=need,
        attributes={},
    )


def test_features_as_of_ignore_later_rows(engine: Engine) -> None:
    """Rows dated after as_of (a contact, its scores, a purchase, a survey, a churn) must
    not change a single feature; the same rows dated before as_of must."""
    as_of = datetime(2026, 2, 1)
    sm = feat.ScoreModel("m", "1", "p", "1")
    with engine.begin() as conn:
        conn.execute(
            insert(customers),
            [
                dict(customer_id="a", created_at=datetime(2025, 1, 1), attributes={}),
                dict(customer_id="b", created_at=datetime(2025, 6, 1), attributes={}),
            ],
        )
        conn.execute(
            insert(interactions),
            [
                _contact("i1", "a", datetime(2026, 1, 10)),
                _contact("i2", "b", datetime(2026, 1, 20)),
            ],
        )
        conn.execute(
            insert(interaction_scores), [_score_row("i1", "a", 0.4), _score_row("i2", "b", -0.2)]
        )
        conn.execute(
            insert(transactions),
            [dict(transaction_id="t1", customer_id="a", ts=datetime(2026, 1, 3), amount=10.0)],
        )
    before = feat.customer_features(engine, as_of, sm)
    # a contact that started before as_of but ended after it is not known yet either
    late = _contact("i3", "a", datetime(2026, 1, 31, 23, 58), need="cancellation")
    late["ended_at"] = datetime(2026, 2, 1, 0, 10)
    with engine.begin() as conn:
        conn.execute(insert(interactions), [late, _contact("i4", "a", datetime(2026, 2, 5))])
        conn.execute(
            insert(interaction_scores), [_score_row("i3", "a", -0.9), _score_row("i4", "a", -0.9)]
        )
        conn.execute(
            insert(transactions),
            [dict(transaction_id="t2", customer_id="a", ts=datetime(2026, 2, 2), amount=99.0)],
        )
        conn.execute(
            insert(outcomes),
            [
                dict(
                    outcome_id="o1",
                    kind="csat",
                    value=1.0,
                    ts=datetime(2026, 2, 3),
                    customer_id="a",
                    interaction_id="i4",
                ),
                dict(
                    outcome_id="o2",
                    kind="churn",
                    value=1.0,
                    ts=datetime(2026, 2, 4),
                    customer_id="b",
                    interaction_id=None,
                ),
            ],
        )
    after = feat.customer_features(engine, as_of, sm)
    assert list(before.index) == ["a", "b"]
    np.testing.assert_array_equal(before.to_numpy(), after.to_numpy())
    assert before.loc["a", "remembered_score"] == pytest.approx(0.4)
    assert before.loc["a", "n_purchases"] == 1
    # b churned after as_of: still scored at as_of, labelled 1 in the window, gone later
    assert feat.churn_labels(engine, after.index, as_of, 7).to_dict() == {"a": 0, "b": 1}
    later = feat.customer_features(engine, datetime(2026, 2, 10), sm)
    assert "b" not in later.index
    assert later.loc["a", "remembered_score"] == pytest.approx(-0.9)
    assert later.loc["a", "n_cancellation_contacts"] == 1
    assert later.loc["a", "survey_csat_mean"] == 1.0


def test_emotional_memory_matches_the_journey_formula(sim: Engine) -> None:
    """Recomputed memory as of a date = understand.journey.emotional_memory on the same
    contacts (so the churn model reads the same quantity the dashboard shows)."""
    from sqlalchemy import select

    from empathos.understand.journey import JourneyEvent, emotional_memory

    as_of = START + timedelta(days=40)
    sm = feat.latest_score_model(sim)
    X = feat.customer_features(sim, as_of, sm)
    cid = X["emotional_memory"].dropna().index[0]
    s, i = interaction_scores.c, interactions.c
    with sim.connect() as conn:
        rows = conn.execute(
            select(i.started_at, s.remembered, i.ended_at)
            .join(interaction_scores, s.interaction_id == i.interaction_id)
            .where(i.customer_id == cid, s.model == sm.model, s.remembered.is_not(None))
        ).all()
    events = [JourneyEvent(r[0], r[1]) for r in rows if (r[2] or r[0]) <= as_of]
    assert X.loc[cid, "emotional_memory"] == pytest.approx(emotional_memory(events, as_of).memory)


# ----------------------------------------------------------------------- model quality


def test_time_split_auc_beats_chance_on_simulated_data(evaluation: ch.ChurnEvaluation) -> None:
    ev = evaluation
    assert max(ev.train_dates) < min(ev.test_dates)
    # training labels end by the split; test features start at it
    assert datetime.fromisoformat(max(ev.train_dates)) + timedelta(days=WINDOW) <= ev.test_as_of
    assert ev.n_test_positive >= 20
    assert ev.auc > 0.62, ev.to_dict()
    assert ev.brier <= ev.brier_base_rate * 1.02  # calibrated: no worse than the base rate
    assert set(ev.ablation) == set(ch.FEATURE_SETS)


def test_calibration_table_is_consistent(evaluation: ch.ChurnEvaluation, tmp_path) -> None:  # noqa: ANN001
    table = evaluation.reliability
    assert table["n"].sum() == evaluation.n_test
    observed = np.average(table["observed_rate"], weights=table["n"])
    predicted = np.average(table["mean_predicted"], weights=table["n"])
    assert observed == pytest.approx(evaluation.test_y.mean())
    assert abs(predicted - observed) < 0.5 * observed + 0.01  # mean risk in the right range
    png = ch.plot_reliability(table, tmp_path / "rel.png")
    assert png.stat().st_size > 1000


def test_drivers_sum_to_the_calibrated_logit(evaluation: ch.ChurnEvaluation) -> None:
    model, X = evaluation.model, evaluation.test_X.head(200)
    contrib = model.contributions(X)
    np.testing.assert_allclose(contrib.sum(axis=1).to_numpy(), model.logit(X), atol=1e-9)
    p = model.predict_proba(X)
    np.testing.assert_allclose(1 / (1 + np.exp(-contrib.sum(axis=1).to_numpy())), p, atol=1e-12)
    drivers = model.drivers(X, top=3)
    cid = X.index[0]
    top = drivers[str(cid)]
    assert len(top) <= 3
    assert abs(top[0].contribution) == pytest.approx(
        contrib.drop(columns="bias").loc[cid].abs().max()
    )


def test_too_few_churners_is_refused() -> None:
    import pandas as pd

    X = pd.DataFrame(
        np.random.default_rng(0).normal(size=(50, len(feat.FEATURES))), columns=list(feat.FEATURES)
    )
    y = np.zeros(50, dtype=int)
    y[:2] = 1
    with pytest.raises(ch.InsufficientData):
        ch.fit_churn(X, y)


def test_drivers_from_matches_the_per_row_ranking() -> None:
    """The vectorised ranking (issue 19) is the per-row stable argsort it replaced: same
    features, same order (ties kept in column order), zeros dropped."""
    import numpy as np
    import pandas as pd

    from empathos.predict.churn import drivers_from

    rng = np.random.default_rng(3)
    values = rng.normal(size=(300, 6)).round(1)  # rounding makes ties and zeros common
    values[::7] = 0.0
    cols = [f"f{k}" for k in range(6)]
    frame = pd.DataFrame(
        np.c_[values, rng.normal(size=300)],
        columns=[*cols, "bias"],
        index=[f"c{i}" for i in range(300)],
    )
    got = drivers_from(frame, top=4)
    for cid, row in zip(frame.index, values, strict=True):
        order = np.argsort(-np.abs(row), kind="stable")[:4]
        want = [(cols[j], float(row[j])) for j in order if row[j] != 0]
        assert [(d.name, d.contribution) for d in got[cid]] == want
    assert drivers_from(frame.iloc[:0], top=4) == {}
