"""Effect sizes of the remembered score: the right events in the right window, and
bootstrap intervals that cover a known slope."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import Engine, insert

from empathos.predict import effects as eff
from empathos.predict.features import ScoreModel
from empathos.store.schema import interaction_scores, interactions, outcomes, transactions

T0 = datetime(2026, 1, 1)
SM = ScoreModel("m", "1", "p", "1")


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


def _score(iid: str, cid: str, remembered: float) -> dict:
    return dict(
        interaction_id=iid,
        model="m",
        version="1",
        empathy_model="p",
        empathy_version="1",
        customer_id=cid,
        n_customer_turns=1,
        n_employee_turns=1,
        remembered=remembered,
        n_empathetic=0,
        n_unhelpful=0,
        repeats=0,
        recontact=0,
        transfers=0,
        long_waits=0,
        channel_switch=0,
        effort_phrases=0,
        effort_score=0.0,
        details={},
        computed_at=T0,
    )


def test_contact_outcomes_counts_the_window_after_each_contact(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(interactions),
            [
                _contact("a1", "a", T0),
                _contact("b1", "b", T0 + timedelta(days=1)),
                _contact("a2", "a", T0 + timedelta(days=10), need="complaint"),
                _contact("z", "z", T0 + timedelta(days=40)),  # ends the data: window not observed
            ],
        )
        conn.execute(
            insert(interaction_scores),
            [
                _score("a1", "a", 0.5),
                _score("b1", "b", -0.7),
                _score("a2", "a", -0.1),
                _score("z", "z", 0.0),
            ],
        )
        conn.execute(
            insert(transactions),
            [
                dict(transaction_id="t0", customer_id="a", ts=T0 - timedelta(days=1), amount=5.0),
                dict(transaction_id="t1", customer_id="a", ts=T0 + timedelta(days=3), amount=5.0),
                dict(transaction_id="t2", customer_id="a", ts=T0 + timedelta(days=20), amount=5.0),
                dict(transaction_id="t3", customer_id="a", ts=T0 + timedelta(days=35), amount=5.0),
            ],
        )
        conn.execute(
            insert(outcomes),
            [
                dict(
                    outcome_id="s1",
                    kind="csat",
                    value=5.0,
                    ts=T0,
                    customer_id="a",
                    interaction_id="a1",
                ),
                dict(
                    outcome_id="n1",
                    kind="nps",
                    value=2.0,
                    ts=T0 + timedelta(days=1),
                    customer_id="b",
                    interaction_id="b1",
                ),
                dict(
                    outcome_id="c1",
                    kind="churn",
                    value=1.0,
                    ts=T0 + timedelta(days=5),
                    customer_id="b",
                    interaction_id=None,
                ),
                dict(
                    outcome_id="k1",
                    kind="complaint",
                    value=1.0,
                    ts=T0 + timedelta(days=2),
                    customer_id="b",
                    interaction_id=None,
                ),
                dict(
                    outcome_id="e1",
                    kind="ces",
                    value=6.0,
                    ts=T0 + timedelta(days=1),
                    customer_id="b",
                    interaction_id="b1",
                ),
            ],
        )
    f = eff.contact_outcomes(engine, window_days=30, score_model=SM).set_index("interaction_id")
    assert sorted(f.index) == ["a1", "a2", "b1"]
    assert f.loc["a1", "purchases"] == 2  # days 3 and 20, not the one before nor day 35
    assert f.loc["a2", "purchases"] == 2  # days 20 and 35
    assert f.loc["a1", "complaint"] == 1 and f.loc["a2", "complaint"] == 0
    assert f.loc["b1", "churn"] == 1 and f.loc["a1", "churn"] == 0
    assert f.loc["b1", "complaint"] == 1  # a filed complaint, no complaint contact
    assert f.loc["b1", "ces"] == 6.0 and np.isnan(f.loc["a1", "ces"])
    assert f.loc["a1", "csat"] == 5.0 and np.isnan(f.loc["a2", "csat"])
    assert f.loc["b1", "nps"] == 2.0


def test_effect_table_recovers_a_known_slope_with_its_interval() -> None:
    rng = np.random.default_rng(3)
    n = 600
    x = rng.normal(0.0, 0.4, n)
    frame = pd.DataFrame(
        {
            "customer_id": [f"c{k // 2}" for k in range(n)],  # two contacts per customer
            "remembered": x,
            "csat": 3.0 + 1.5 * x + rng.normal(0.0, 0.5, n),
            "complaint": rng.integers(0, 2, n).astype(float),  # unrelated to x
            "nps": [np.nan] * (n - 5) + [7.0] * 5,  # too few answers: no row
        }
    )
    rows = {r.outcome: r for r in eff.effect_table(frame, ("csat", "complaint", "nps"), n_boot=300)}
    assert set(rows) == {"csat", "complaint"}
    csat = rows["csat"]
    true_slope = 1.5 * x.std()  # per SD of the remembered score
    assert csat.slope_ci[0] < true_slope < csat.slope_ci[1]
    assert csat.slope_ci[0] > 0 and 0.7 < csat.r < 0.85
    assert csat.n_customers == n // 2 and csat.n_contacts == n
    comp = rows["complaint"]
    assert comp.slope_ci[0] < 0 < comp.slope_ci[1]


def test_the_cluster_resampler_is_the_concatenation_it_replaced() -> None:
    """Issue 19: the vectorised customer resampling gives the very indices (same order)
    of ``np.concatenate([groups[k] for k in pick])``, so the bootstrap is unchanged."""
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({"customer_id": rng.integers(0, 40, 300).astype(str)})
    groups = frame.groupby("customer_id").indices
    lists = [groups[k] for k in groups]
    resample = eff._ClusterResampler(lists)
    for _ in range(20):
        pick = rng.integers(0, len(lists), len(lists))
        want = np.concatenate([lists[k] for k in pick])
        got = resample(pick)
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)
