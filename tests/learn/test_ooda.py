"""OODA: benchmark CSV validation (errors name line and field), import and comparison on
both databases, the ranking and expected-value rules, act = a started experiment, API, CLI."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert, select
from typer.testing import CliRunner

from empathos.learn.ooda import (
    ACTIONS,
    BenchmarkError,
    RankedAction,
    apply_action,
    current_kpis,
    decide,
    expected_value,
    import_benchmarks,
    orient,
    rank,
    read_benchmarks,
    stored_benchmarks,
)
from empathos.store.schema import customer_scores, customers
from tests.learn.test_coaching import build_small_store

EXAMPLE = (
    Path(__file__).resolve().parents[2]
    / "src"
    / "empathos"
    / "learn"
    / "examples"
    / "benchmarks_example.csv"
)


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "bench.csv"
    p.write_text(text, encoding="utf-8")
    return p


def test_errors_name_line_and_field(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        "metric,value,source,period,segment\n"
        "csat,4.1,survey,2026,\n"
        "happiness,3,survey,2026,\n"
        "nps,lots,survey,2026,\n"
        "churn_rate_monthly,0.02,,2026,\n",
    )
    with pytest.raises(BenchmarkError) as err:
        read_benchmarks(p)
    assert err.value.errors[0][:2] == (3, "metric")
    assert [e[:2] for e in err.value.errors] == [(3, "metric"), (4, "value"), (5, "source")]
    assert f"{p}:4: value: 'lots' is not a number" in str(err.value)


def test_missing_column_and_empty_file(tmp_path: Path) -> None:
    with pytest.raises(BenchmarkError) as err:
        read_benchmarks(write(tmp_path, "metric,value,period\ncsat,4,2026\n"))
    assert err.value.errors == [(1, "source", "missing column")]
    with pytest.raises(BenchmarkError) as err:
        read_benchmarks(write(tmp_path, "# only a comment\n"))
    assert err.value.errors[0][1] == "header"


def test_example_file_is_marked_and_valid() -> None:
    assert "ILLUSTRATIVE EXAMPLE FIGURES ONLY - NOT REAL MARKET DATA" in EXAMPLE.read_text()
    rows = read_benchmarks(EXAMPLE)
    assert len(rows) == 8 and all(r.source.startswith("example: fictional") for r in rows)
    assert {r.segment for r in rows} == {"", "consumer"}


def test_import_is_idempotent_and_orient_compares(engine: Engine, tmp_path: Path) -> None:
    build_small_store(engine)
    assert import_benchmarks(engine, EXAMPLE) == 8
    assert import_benchmarks(engine, EXAMPLE) == 8
    assert len(stored_benchmarks(engine)) == 8  # replaced, not doubled
    bad = write(tmp_path, "metric,value,source,period\ncsat,4,s,2026\nnps,x,s,2026\n")
    with pytest.raises(BenchmarkError):
        import_benchmarks(engine, bad)
    assert len(stored_benchmarks(engine)) == 8  # all or nothing

    kpis = current_kpis(engine, days=60)
    # 19 contacts, one closed by the bot without an employee
    assert kpis["n_contacts"] == 19 and kpis["source"] == "simulated"
    assert kpis["kpis"]["automation_share"] == {"value": round(1 / 19, 4), "n": 19, "unit": "0..1"}
    rows = {(r["metric"], r["segment"]): r for r in orient(engine, days=60)}
    auto = rows[("automation_share", "")]
    assert auto["ours"] == round(1 / 19, 4) and auto["benchmark"] == 0.25
    assert auto["gap"] == round(1 / 19 - 0.25, 4) and auto["verdict"] == "behind"
    # the consumer segment is computed on consumer customers only (odd ids: 9 of 18)
    assert rows[("churn_rate_monthly", "consumer")]["n"] == 9
    assert rows[("csat", "")]["ours"] is None  # no CSAT answers stored: no figure, no verdict
    assert rows[("csat", "")]["verdict"] is None


def test_expected_value_and_ranking() -> None:
    clv, p = np.array([100.0, 200.0]), np.array([0.1, 0.02])
    # a reduction never exceeds the customer's own churn probability
    assert expected_value(clv, p, 0.05) == pytest.approx(100 * 0.05 + 200 * 0.02)
    assert expected_value(clv, p, -0.05) == pytest.approx(-(100 * 0.05 + 200 * 0.05))
    assert expected_value(np.array([]), np.array([]), 0.1) == 0.0

    def item(name: str, ev: float | None, var: float, low: float | None = None) -> RankedAction:
        return RankedAction(0, name, "", None, 1, var, ev, low, None, None)

    ranked = rank(
        [
            item("small", 10.0, 50.0, 1.0),
            item("none-big", None, 900.0),
            item("big", 30.0, 60.0, -5.0),
            item("none-small", None, 10.0),
            item("tie", 10.0, 40.0, 2.0),
        ]
    )
    assert [a.name for a in ranked] == ["big", "tie", "small", "none-big", "none-small"]
    assert [a.rank for a in ranked] == [1, 2, 3, 4, 5]


def _scores(engine: Engine) -> dict[str, tuple[float, float]]:
    with engine.begin() as conn:
        ids = sorted(conn.execute(select(customers.c.customer_id)).scalars())
        vals = {c: (0.05 + 0.01 * k, 100.0 + 10 * k) for k, c in enumerate(ids)}
        conn.execute(
            insert(customer_scores),
            [
                {
                    "customer_id": c,
                    "model": "t",
                    "version": "1",
                    "as_of": datetime(2026, 3, 25),
                    "p_churn": p,
                    "clv": v,
                    "value_at_risk": p * v,
                    "drivers": {},
                    "computed_at": datetime(2026, 3, 25),
                }
                for c, (p, v) in vals.items()
            ],
        )
    return vals


def test_decide_addresses_the_targeted_value_at_risk(engine: Engine) -> None:
    build_small_store(engine)
    vals = _scores(engine)
    actions = {a.name: a for a in decide(engine)}
    assert set(actions) == {a.name for a in ACTIONS}
    # every customer's one handled contact: e-sym's customers (k % 3 == 1) end angry -> worsened
    worsened = {f"cu-{k}" for k in range(18) if k % 3 == 1}
    rw = actions["recover-worsened"]
    assert rw.n_customers == len(worsened)
    assert rw.value_at_risk == pytest.approx(
        round(sum(p * v for c, (p, v) in vals.items() if c in worsened), 2)
    )
    assert actions["bandit-routing"].n_customers == 18
    ranks = sorted(a.rank for a in actions.values())
    assert ranks == list(range(1, len(ACTIONS) + 1))
    for a in (
        actions.values()
    ):  # no experiment stored: every figure is labelled as not causal or unmeasured
        assert a.effect is None or a.effect["causal"] is False


def test_act_starts_a_measured_experiment(engine: Engine) -> None:
    from empathos.store.tables_learn import experiments

    build_small_store(engine)
    started = apply_action(
        engine, "empathy-routing", control_share=0.3, started_at=datetime(2026, 4, 1, 9, 0)
    )
    assert started["experiment"] == "ooda-empathy-routing-202604010900"
    with engine.connect() as conn:
        row = conn.execute(select(experiments)).mappings().one()
    assert (row["treatment_policy"], row["control_policy"], row["control_share"]) == (
        "empathy",
        "fifo",
        0.3,
    )
    assert row["source"] == "simulated" and row["details"]["action"] == "empathy-routing"
    with pytest.raises(ValueError, match="not a routing policy change"):
        apply_action(engine, "coach-endings")
    with pytest.raises(KeyError):
        apply_action(engine, "nope")


def test_api_and_cli(engine: Engine, tmp_path: Path) -> None:
    from empathos.api.app import create_app

    build_small_store(engine)
    import_benchmarks(engine, EXAMPLE)
    client = TestClient(create_app(engine=engine))
    body = client.get("/ooda", params={"days": 60}).json()
    assert body["source"] == "simulated" and body["current"]["n_contacts"] == 19
    assert len(body["orient"]) == 8 and len(body["decide"]) == len(ACTIONS)
    assert any("simulated" in n for n in body["notes"])
    r = client.post("/ooda/act", json={"action": "bandit-routing", "control_share": 0.5})
    assert r.status_code == 201 and r.json()["treatment"] == "bandit"
    assert client.post("/ooda/act", json={"action": "reduce-effort"}).status_code == 422
    assert client.post("/ooda/act", json={"action": "nope"}).status_code == 404
    if engine.dialect.name == "sqlite":
        from empathos.cli import app

        bad = write(tmp_path, "metric,value,source,period\nnps,high,s,2026\n")
        out = CliRunner().invoke(app, ["ooda", "--benchmarks", str(bad), "--db", str(engine.url)])
        assert out.exit_code == 2 and ":2: value:" in out.output
        out = CliRunner().invoke(
            app, ["ooda", "--days", "60", "--db", str(engine.url)], env={"COLUMNS": "200"}
        )
        assert out.exit_code == 0, out.output
        assert (
            "data: simulated" in out.output
            and "Decide" in out.output
            and "automation_share" in out.output
        )


def test_decide_prefers_a_measured_experiment(engine: Engine) -> None:
    """An experiment of the 'empathy' policy with churn measured in both arms gives the
    empathy-routing action a causal effect: Δp = control churn share − treatment share."""
    from datetime import timedelta

    from empathos.learn.experiments import (
        Assignment,
        ExperimentConfig,
        start_experiment,
        store_assignments,
    )
    from empathos.store.schema import outcomes
    from tests.learn.test_coaching import T0

    build_small_store(engine)
    vals = _scores(engine)
    start_experiment(
        engine,
        ExperimentConfig(name="exp1", treatment="empathy", control="fifo"),
        T0,
        source="simulated",
    )
    treat = [k for k in range(18) if k % 3 == 0]  # e-good's contacts
    ctrl = [k for k in range(18) if k % 3 == 1]  # e-sym's contacts
    store_assignments(
        engine,
        "exp1",
        [Assignment(f"i-{k:02d}", "treatment", k * 1440.0, "e-good") for k in treat]
        + [Assignment(f"i-{k:02d}", "control", k * 1440.0, "e-sym") for k in ctrl],
        T0,
    )
    churned = [ctrl[0], ctrl[1], ctrl[2], ctrl[3], treat[0]]  # 4 of 6 control, 1 of 6 treatment
    with engine.begin() as conn:
        conn.execute(
            insert(outcomes),
            [
                {
                    "outcome_id": f"ch-{k}",
                    "kind": "churn",
                    "value": 1.0,
                    "ts": T0 + timedelta(days=k + 2),
                    "customer_id": f"cu-{k}",
                    "source": "simulated",
                }
                for k in churned
            ]
            + [
                {
                    "outcome_id": "late",
                    "kind": "resolved",
                    "value": 1.0,
                    "ts": T0 + timedelta(days=60),
                    "customer_id": "cu-0",
                    "source": "simulated",
                }
            ],
        )
    act = {a.name: a for a in decide(engine)}["empathy-routing"]
    assert act.effect is not None and act.effect["causal"] is True and "exp1" in act.effect["basis"]
    assert act.effect["delta_p"] == pytest.approx(4 / 6 - 1 / 6)
    assert act.effect["n"] == 12 and act.effect["source"] == "simulated"
    assert act.effect["low"] <= act.effect["delta_p"] <= act.effect["high"]
    # every targeted customer's P(churn) (<= 0.22) is below Δp = 0.5: the whole value at risk is
    # kept
    assert act.n_customers > 0
    assert act.expected_value == pytest.approx(act.value_at_risk, abs=0.01)
    assert act.ev_low <= act.expected_value <= act.ev_high
    assert act.note == ""
    assert max(p for p, _ in vals.values()) < 0.5
