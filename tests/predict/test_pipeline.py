"""``predict`` end to end on a simulated, analysed store — SQLite (through the
``empathos predict`` / ``empathos customers --top-risk`` commands) and PostgreSQL (through
the library)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from empathos.predict import attrition as attr
from empathos.predict import churn as ch
from empathos.predict import features as feat
from empathos.predict.pipeline import predict, store_scores, top_risk
from empathos.store.schema import customer_scores, employee_scores
from tests.predict.sim_store import copy_store, simulated_store

runner = CliRunner()


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    engine, _ = simulated_store(tmp_path_factory)
    yield engine
    engine.dispose()


def _count(engine: Engine, table) -> int:  # noqa: ANN001
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar())


def _run_predict(engine: Engine) -> dict[str, Any]:
    """The CLI on SQLite (a file URL it can open), the library on PostgreSQL (the test
    schema lives in the engine's search_path, which a URL cannot carry)."""
    if engine.dialect.name != "sqlite":
        return predict(engine, progress=False, effects_boot=100).as_dict()
    from empathos.cli import app

    result = runner.invoke(app, ["predict", "--db", str(engine.url), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_predict_stores_scores_with_versions(engine: Engine, source: Engine) -> None:
    copy_store(source, engine)
    report = _run_predict(engine)
    sm = feat.latest_score_model(engine)
    as_of = datetime.fromisoformat(report["as_of"])
    assert report["churn_model"] == ch.MODEL_NAME and report["version"] == sm.label()
    assert report["n_train_positive"] >= 20 and not report["notes"], report["notes"]
    n = _count(engine, customer_scores)
    assert report["customers_scored"] == n > 500
    assert report["employees_scored"] == _count(engine, employee_scores) > 0

    rows = top_risk(engine, 1_000_000)
    assert len(rows) == n
    var = [r["value_at_risk"] for r in rows]
    assert var == sorted(var, reverse=True)
    for r in rows[:50]:
        assert 0.0 <= r["p_churn"] <= 1.0
        assert r["value_at_risk"] == pytest.approx(r["p_churn"] * r["clv"])
        assert r["version"] == sm.label() and r["as_of"] == as_of
        assert {name for name, _ in r["drivers"]["top"]} <= set(feat.FEATURES)
    assert sum(r["value_at_risk"] for r in rows) == pytest.approx(report["total_value_at_risk"])
    avoidable = top_risk(engine, 10, avoidable_only=True)
    assert avoidable and all(r["drivers"]["avoidable"] for r in avoidable)
    assert [a["customer_id"] for a in report["avoidable"][:10]] == [
        r["customer_id"] for r in avoidable
    ]

    with engine.connect() as conn:
        emp = [dict(e) for e in conn.execute(select(employee_scores)).mappings()]
    assert all(0.0 < e["attrition_risk"] < 1.0 and e["model"] == attr.MODEL_NAME for e in emp)
    assert all(set(e["drivers"]["terms"]) == set(attr.AttritionConfig().weights) for e in emp)

    # The simulator makes CSAT and NPS rise with the remembered score and churn fall: the
    # effect table must find intervals that exclude zero, in those directions.
    effects = {e["outcome"]: e for e in report["effects"]}
    assert effects["csat"]["slope_ci"][0] > 0 and effects["nps"]["slope_ci"][0] > 0
    assert effects["churn"]["slope_ci"][1] < 0

    if engine.dialect.name == "sqlite":
        from empathos.cli import app

        listed = runner.invoke(
            app, ["customers", "--top-risk", "20", "--db", str(engine.url), "--json"]
        )
        assert listed.exit_code == 0, listed.output
        got = json.loads(listed.output)
        assert [g["customer_id"] for g in got] == [r["customer_id"] for r in rows[:20]]
        table = runner.invoke(app, ["customers", "--top-risk", "5", "--db", str(engine.url)])
        assert table.exit_code == 0 and got[0]["customer_id"] in table.output

    # storing the same run again replaces its rows; another date adds its own, and the
    # list then shows the latest run only
    cust = _stored(engine)
    store_scores(engine, cust, emp, ch.MODEL_NAME, attr.MODEL_NAME, sm.label(), as_of)
    assert _count(engine, customer_scores) == n
    assert _count(engine, employee_scores) == len(emp)
    later = as_of.replace(year=as_of.year + 1)
    store_scores(
        engine,
        [r | {"as_of": later} for r in cust[:3]],
        [],
        ch.MODEL_NAME,
        attr.MODEL_NAME,
        sm.label(),
        later,
    )
    assert _count(engine, customer_scores) == n + 3
    assert [r["as_of"] for r in top_risk(engine, 20)] == [later] * 3


def _stored(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(customer_scores)).mappings()]
