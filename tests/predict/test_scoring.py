"""``predict``'s per-customer scoring over partitions (``predict.scoring``): the pure
function without models, and a whole ``predict`` whose stored scores do not depend on the
partitioning (in process and in two worker processes)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine, select

from empathos.predict.pipeline import predict
from empathos.predict.scoring import (
    CustomerPartition,
    ScoringModels,
    partitions,
    score_partition,
)
from empathos.store.schema import customer_scores, employee_scores
from empathos.understand.pipeline.mapper import ProcessMapper
from tests.predict.sim_store import simulated_store


def test_without_models_every_customer_gets_the_prior_and_an_unknown_clv() -> None:
    X = pd.DataFrame({"f": [1.0, 2.0, 3.0]}, index=["a", "b", "c"])
    out = score_partition(ScoringModels(None, 0.2, None, math.nan), CustomerPartition(X, None))
    assert out.ids == ["a", "b", "c"] and out.bias is None
    assert np.all(out.p == 0.2) and np.all(np.isnan(out.clv)) and np.all(np.isnan(out.var))
    assert out.drivers == {"a": [], "b": [], "c": []} and not out.clv_fitted.any()


def test_partitions_cover_every_customer_once_in_order() -> None:
    X = pd.DataFrame({"f": range(10)}, index=[f"c{i}" for i in range(10)])
    summary = pd.DataFrame({"customer_id": ["c9", "c1", "zz"], "frequency": [1, 2, 3]})
    parts = list(partitions(X, summary, 4))
    assert [list(p.features.index) for p in parts] == [
        ["c0", "c1", "c2", "c3"],
        ["c4", "c5", "c6", "c7"],
        ["c8", "c9"],
    ]
    assert [list(p.summary["customer_id"]) for p in parts] == [["c1"], [], ["c9"]]


def _scores(engine: Engine) -> dict[str, list[dict]]:
    out = {}
    with engine.connect() as conn:
        for t in (customer_scores, employee_scores):
            cols = [c for c in t.c if c.name not in ("computed_at", "id")]
            out[t.name] = [dict(r._mapping) for r in conn.execute(select(*cols).order_by(*cols))]
    return out


@pytest.mark.slow
def test_the_stored_scores_do_not_depend_on_the_partitioning(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    one, _ = simulated_store(tmp_path_factory)
    opts = {"progress": False, "effects_boot": 20}
    a = predict(one, **opts)  # one partition (fewer customers than PARTITION_CUSTOMERS)
    two, _ = simulated_store(tmp_path_factory)
    with ProcessMapper(2) as mapper:
        # features built 250 customers at a time, scored 97 at a time
        b = predict(two, mapper=mapper, partition_size=97, feature_partition=250, **opts)
    assert (b.customers_scored, b.churn_basis, b.clv_bases) == (
        a.customers_scored,
        a.churn_basis,
        a.clv_bases,
    )
    assert a.churn_basis == "fitted" and a.customers_scored > 3 * 97
    # the run's figures are built from streamed partitions (each one's rows written as it
    # comes back): the report's list and totals do not depend on the partitioning either
    assert a.avoidable and [x["customer_id"] for x in b.avoidable] == [
        x["customer_id"] for x in a.avoidable
    ]
    assert (b.mean_p_churn, b.employees_scored, b.elv_bases) == (
        a.mean_p_churn,
        a.employees_scored,
        a.elv_bases,
    )
    assert math.isclose(b.total_value_at_risk, a.total_value_at_risk, rel_tol=1e-12)
    sa, sb = _scores(one), _scores(two)
    assert sa["employee_scores"] == sb["employee_scores"]
    assert len(sa["customer_scores"]) == len(sb["customer_scores"]) == a.customers_scored
    for ra, rb in zip(sa["customer_scores"], sb["customer_scores"], strict=True):
        # CLV's matrix-vector product may differ in the last bit between array shapes
        # (docs/scale.md); everything else is identical
        for k in ("clv", "value_at_risk"):
            x, y = ra.pop(k), rb.pop(k)
            assert x == y or math.isclose(x, y, rel_tol=1e-12), (k, x, y)
        assert ra == rb
