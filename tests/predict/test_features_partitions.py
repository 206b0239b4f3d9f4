"""predict's memory bound (docs/scale.md): the customer features built a partition at a
time are the one frame, row for row, with no partition larger than asked; a training
snapshot over its ``train_customers_per_snapshot`` bound is a seeded sample of exactly
that many customers, and at or under the bound it is every customer, unchanged."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from empathos.predict import churn as ch
from empathos.predict import features as feat
from tests.predict.sim_store import simulated_store


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 - (engine, as_of, model)
    engine, _ = simulated_store(tmp_path_factory)
    _, last = feat.data_span(engine)
    assert last is not None
    yield engine, last - pd.Timedelta(days=20).to_pytimedelta(), feat.latest_score_model(engine)
    engine.dispose()


def test_feature_partitions_are_the_whole_frame_and_bounded(store) -> None:  # noqa: ANN001
    engine, as_of, sm = store
    whole = feat.customer_features(engine, as_of, sm)
    assert list(whole.index) == feat.active_customers(engine, as_of)
    parts = list(feat.feature_partitions(engine, as_of, sm, 97))
    assert len(whole) > 3 * 97 and len(parts) == -(-len(whole) // 97)
    assert max(len(p) for p in parts) == 97  # no partition holds more than asked
    # emotional features come from the scores table (a join per partition): not empty
    assert whole["remembered_score"].notna().sum() > 100
    pd.testing.assert_frame_equal(pd.concat(parts), whole)
    (one,) = feat.feature_partitions(engine, as_of, sm, len(whole))  # fits: the one frame
    pd.testing.assert_frame_equal(one, whole)


def test_a_snapshot_over_the_bound_is_a_seeded_sample(store) -> None:  # noqa: ANN001
    engine, as_of, sm = store
    X_all, y_all = ch.training_set(engine, as_of, 14.0, sm)
    n = len(X_all)
    # at the bound: every customer, the unbounded set exactly
    X_eq, y_eq = ch.training_set(engine, as_of, 14.0, sm, max_customers=n, partition_size=50)
    pd.testing.assert_frame_equal(X_eq, X_all)
    pd.testing.assert_series_equal(y_eq, y_all)
    # over it: exactly the bound's rows, in id order, the same rows as the full frame's
    k = n // 3
    X_s, y_s = ch.training_set(engine, as_of, 14.0, sm, max_customers=k, seed=3)
    assert len(X_s) == len(y_s) == k and X_s.index.is_monotonic_increasing
    pd.testing.assert_frame_equal(X_s, X_all.loc[X_s.index])
    pd.testing.assert_series_equal(y_s, y_all.loc[X_s.index])
    again, _ = ch.training_set(engine, as_of, 14.0, sm, max_customers=k, seed=3)
    other, _ = ch.training_set(engine, as_of, 14.0, sm, max_customers=k, seed=4)
    assert list(again.index) == list(X_s.index) and list(other.index) != list(X_s.index)


def test_the_stacked_set_holds_at_most_the_bound_per_snapshot(store) -> None:  # noqa: ANN001
    engine, as_of, sm = store
    first, _ = feat.data_span(engine)
    cfg = ch.ChurnConfig()
    dates = ch.snapshot_dates(as_of, cfg, first)
    assert len(dates) >= 2
    full, _ = ch.stacked_training_set(engine, dates, cfg.window_days, sm, cfg)
    bound = replace(cfg, train_customers_per_snapshot=100)
    X, y = ch.stacked_training_set(engine, dates, cfg.window_days, sm, bound)
    assert len(full) > len(dates) * 100
    assert X.groupby("as_of").size().to_dict() == {d: 100 for d in dates}
    assert len(y) == len(X)
