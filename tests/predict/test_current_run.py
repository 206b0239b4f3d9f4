"""One run of truth (SIMULATED store): after ``predict`` and ``predict --as-of`` an earlier
date, every face — ``customers``, ``ooda``, ``assess balance-sheet`` on the CLI, the API's
balance sheet, the dashboard's overview, Value, OODA and Balance pages — reads the same
run (the one :func:`current_prediction_run` picks), names it the same way and shows the
same value at risk; ELV comes from that run too. Fallback CLVs are flagged as estimated
in the store and on the pages."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from empathos.predict.pipeline import predict
from empathos.store.queries import current_employee_run, current_prediction_run
from empathos.store.schema import customer_scores, employee_scores
from tests.predict.sim_store import simulated_store

runner = CliRunner()


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    engine, _ = simulated_store(tmp_path_factory)
    first = predict(engine, progress=False, effects_boot=20)
    second = predict(
        engine, as_of=first.as_of - timedelta(days=10), progress=False, effects_boot=20
    )
    yield engine, first, second
    engine.dispose()


def _text(html: str) -> str:
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace("&amp;", "&")


def test_the_last_run_is_current_and_employee_scores_follow_it(two_runs) -> None:  # noqa: ANN001
    engine, first, second = two_runs
    run = current_prediction_run(engine)
    assert run is not None and run.as_of == second.as_of != first.as_of
    assert run.label() == second.run_label()
    erun = current_employee_run(engine)
    assert erun is not None and erun.as_of == second.as_of and erun.version == run.version
    with engine.connect() as conn:
        dates = {d for (d,) in conn.execute(select(customer_scores.c.as_of).distinct())}
        assert dates == {first.as_of, second.as_of}


def test_every_face_shows_the_same_run_and_value_at_risk(two_runs) -> None:  # noqa: ANN001
    from fastapi.testclient import TestClient

    from empathos.api.app import create_app
    from empathos.cli import app
    from empathos.config import Settings

    engine, first, second = two_runs
    url = str(engine.url)
    label = second.run_label()
    var = second.total_value_at_risk
    assert var is not None and first.total_value_at_risk is not None
    assert f"{var:,.0f}" != f"{first.total_value_at_risk:,.0f}"  # the runs differ
    with engine.connect() as conn:
        elv = conn.execute(
            select(func.sum(employee_scores.c.elv)).where(employee_scores.c.as_of == second.as_of)
        ).scalar()

    listed = runner.invoke(app, ["customers", "--top-risk", "5", "--json", "--db", url])
    assert listed.exit_code == 0, listed.output
    assert {(r["run"], r["as_of"]) for r in json.loads(listed.output)} == {
        (label, second.as_of.isoformat(sep=" "))
    }
    ooda = runner.invoke(app, ["ooda", "--db", url])
    assert ooda.exit_code == 0, ooda.output
    assert f"value at risk: {var:,.0f} over" in ooda.output and label in ooda.output
    sheet_cli = runner.invoke(app, ["balance-sheet", "--json", "--db", url])
    assert sheet_cli.exit_code == 0, sheet_cli.output
    client = TestClient(create_app(Settings(database_url=url)))
    sheet_api = client.get("/assess/balance-sheet").json()
    for sheet in (json.loads(sheet_cli.output), sheet_api):
        assert sheet["run"] == label
        assert sheet["value_at_risk"] == pytest.approx(var)
        assert sheet["elv_total"] == pytest.approx(elv)

    for page in ("/dashboard", "/dashboard/value", "/dashboard/ooda", "/dashboard/balance"):
        body = _text(client.get(page).text)
        assert label in body, page
        assert f"{var:,.0f}" in body, page
        assert f"{first.total_value_at_risk:,.0f}" not in body, page


def test_fallback_clv_is_flagged_as_estimated(two_runs) -> None:  # noqa: ANN001
    from fastapi.testclient import TestClient

    from empathos.api.app import create_app
    from empathos.config import Settings

    engine, _, second = two_runs
    n_fallback = second.clv_bases.get("fallback", 0)
    assert 0 < n_fallback < second.customers_scored
    assert second.clv_bases.get("fitted", 0) + n_fallback == second.customers_scored
    run = current_prediction_run(engine)
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                customer_scores.c.clv, customer_scores.c.clv_basis, customer_scores.c.basis_note
            ).where(run.where(), customer_scores.c.clv_basis == "fallback")
        ).all()
    assert len(rows) == n_fallback
    assert len({r.clv for r in rows}) == 1  # one new-customer expectation, flagged as such
    assert all("new customer" in r.basis_note for r in rows)
    assert second.clv_estimated == pytest.approx(sum(r.clv for r in rows))

    client = TestClient(create_app(Settings(database_url=str(engine.url))))
    body = _text(client.get("/dashboard/value").text)
    assert "(estimated)" in body and f"{n_fallback:,} of {second.customers_scored:,}" in body
    sheet = client.get("/assess/balance-sheet").json()
    assert "clv_total" in sheet["estimated"] and "value_at_risk" in sheet["estimated"]
