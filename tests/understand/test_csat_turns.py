"""Turn-pair satisfaction: pairing, the numpy scorer against scikit-learn's own pipeline,
the JSON round trip, unknown without a model, and the shipped model's direction."""

from __future__ import annotations

import numpy as np
import pytest

from empathos.understand import csat as cs
from empathos.understand import csat_turns as ct


def test_pairs_join_the_employee_text_since_the_previous_customer_turn() -> None:
    speakers = ["customer", "employee", "employee", "customer", "customer"]
    texts = ["hi", "which day?", "and time?", "monday", "thanks"]
    assert ct.preceding_employee(speakers, texts) == ["", "which day? and time?", ""]
    terms = ct.pair_terms("Sorry, none", "No I said Monday")
    assert "s_sorry" in terms and "said" in terms and "s_none no" in terms


def test_numpy_scorer_equals_sklearn_and_survives_json() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import Ridge

    rng = np.random.default_rng(0)
    words = ["sorry", "booked", "thanks", "no", "again", "great", "none", "found"]
    pairs = [(" ".join(rng.choice(words, 3)), " ".join(rng.choice(words, 4))) for _ in range(200)]
    y = [3.0 + p[0].count("booked") - p[0].count("sorry") for p in pairs]
    m = ct.fit_turn_model(pairs, y, max_features=50, alpha=1.0, min_df=1)
    vec = TfidfVectorizer(analyzer=lambda p: ct.pair_terms(*p), sublinear_tf=True, max_features=50)
    x = vec.fit_transform(pairs)
    ref = Ridge(alpha=1.0).fit(x, y).predict(x)
    assert np.allclose(m.predict_pairs(pairs), ref, atol=1e-6)
    again = ct.TurnSatModel.from_json(m.to_json())
    assert np.allclose(again.predict_pairs(pairs), ref, atol=1e-3)
    assert m.predict_pairs([("zzz", "qqq")])[0] == pytest.approx(m.intercept)  # unseen


def test_target_is_the_turn_rating_relative_to_its_dialogue() -> None:
    """A uniformly lenient dialogue and a uniformly strict one give the same targets: only
    what changes within a dialogue is learnt."""
    assert ct.turn_deviations([4.0, 4.0, 2.0]) == pytest.approx([2 / 3, 2 / 3, -4 / 3])
    assert ct.turn_deviations([5.0, 5.0, 3.0]) == pytest.approx(ct.turn_deviations([3.0, 3.0, 1.0]))
    assert ct.turn_deviations([]) == []


def test_aggregate_summarises_level_end_extremes_and_event_shares() -> None:
    p = np.array([0.0, -0.3, 0.05, 0.2, 0.4])
    f = dict(zip(ct.TURN_FEATURES, ct.aggregate(p), strict=True))
    assert f["turn_sat_mean"] == pytest.approx(0.07)
    assert f["turn_sat_min"] == pytest.approx(-0.3) and f["turn_sat_max"] == pytest.approx(0.4)
    assert f["turn_sat_last"] == pytest.approx(0.4)
    assert f["turn_sat_last3"] == pytest.approx((0.05 + 0.2 + 0.4) / 3)
    assert f["turn_sat_low_share"] == pytest.approx(1 / 5)  # below -EVENT_MARGIN
    assert f["turn_sat_high_share"] == pytest.approx(2 / 5)  # above +EVENT_MARGIN
    assert f["turn_sat_first_half"] == pytest.approx(-0.15)
    assert f["turn_sat_second_half"] == pytest.approx((0.05 + 0.2 + 0.4) / 3)
    one = dict(zip(ct.TURN_FEATURES, ct.aggregate(np.array([0.2])), strict=True))
    assert one["turn_sat_first_half"] == one["turn_sat_second_half"] == pytest.approx(0.2)
    assert np.isnan(ct.aggregate(np.array([]))).all()


def test_turn_features_are_unknown_without_a_model() -> None:
    view = cs.ContactView(["hello"], [0.1], [0.1], ["neutral"], 0)
    assert np.isnan(ct.turn_features(view, None)).all()


def test_shipped_turn_model_rates_a_failed_answer_below_a_fulfilled_one() -> None:
    model = cs.load_model()
    assert model is not None and model.turn_model is not None
    failed, fulfilled = model.turn_model.predict_pairs(
        [
            ("Sorry, I could not find anything matching.", "No, I said a hotel in the north."),
            ("Your booking is confirmed, reference ABC123.", "Great, thanks, that's all."),
        ]
    )
    assert failed < fulfilled


def test_shipped_model_pickles_for_worker_processes() -> None:
    """analyze ships the CSAT model to its workers: the pickled copy rates pairs alike
    (its per-pair cache is rebuilt there, not pickled)."""
    import pickle

    model = cs.load_model()
    assert model is not None and model.turn_model is not None
    copy = pickle.loads(pickle.dumps(model))
    pairs = [("sorry, I could not find any", "no, I said cheap"), ("booked, ref 7", "thanks")]
    assert copy.turn_model is not None
    np.testing.assert_array_equal(
        copy.turn_model.predict_pairs(pairs), model.turn_model.predict_pairs(pairs)
    )
