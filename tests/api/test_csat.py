"""Predicted CSAT on the faces: ``GET /csat`` (trend, breakdowns, unknown reasons),
``GET /csat/{id}``, the dashboard page, the assist card (live, moving with the turns), the
churn features and the OODA KPI — all on a store analysed by the real pipeline."""

from __future__ import annotations

from datetime import datetime

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from empathos.act.card import TurnEmotion
from empathos.act.csat import live_csat
from empathos.api.app import create_app
from empathos.understand.pipeline import analyze
from tests.understand.fakes import FakeEmotionModel, FakeEmpathyModel
from tests.understand.test_pipeline import seed


def _analysed(engine: Engine) -> TestClient:
    seed(engine)
    analyze(engine, FakeEmotionModel(), FakeEmpathyModel(), progress=False)
    return TestClient(create_app(engine=engine))


def test_csat_endpoints_and_page(sqlite_store: Engine) -> None:
    client = _analysed(sqlite_store)
    body = client.get("/csat").json()
    o = body["overall"]
    assert (o["contacts"], o["predicted"], o["unknown"]) == (4, 3, 1)
    assert 1.0 <= o["mean_csat"] <= 5.0 and o["sources"] == ["test"]
    assert any("no customer turn" in why for why in body["unknown_reasons"])
    assert set(body["by"]) == {"pod", "employee", "channel", "language", "company"}
    assert body["trend"] and all(t["day"] for t in body["trend"])
    one = client.get("/csat/c1-a").json()
    assert one["csat"] == one["predicted_csat"] and one["source"] == "test"
    empty = client.get("/csat/c3-empty").json()
    assert empty["csat"] is None and empty["reason"]
    assert client.get("/csat/nope").status_code == 404
    page = client.get("/dashboard/csat")
    assert page.status_code == 200 and "Predicted CSAT" in page.text
    assert "without a figure" in page.text


def test_the_card_figure_moves_as_turns_arrive() -> None:
    assert live_csat([])["reason"] == "no customer turn yet"
    turns = [TurnEmotion(1, "customer", "My order never came", "frustration", -0.6, 0.7)]
    first = live_csat(turns)["predicted_csat"]
    turns += [
        TurnEmotion(2, "employee", "Your refund has been processed."),
        TurnEmotion(3, "customer", "Great, thank you so much!", "gratitude", 0.8, 0.6),
    ]
    later = live_csat(turns)
    assert later["model_version"] and 1.0 <= first < later["predicted_csat"] <= 5.0


def test_churn_features_and_ooda_kpi_read_predicted_csat(sqlite_store: Engine) -> None:
    from empathos.learn.ooda.observe import current_kpis
    from empathos.predict.features import customer_features

    _analysed(sqlite_store)
    x = customer_features(sqlite_store, datetime(2030, 1, 1))
    assert x["predicted_csat_last"].notna().sum() >= 2
    assert x.loc["cust-3", "predicted_csat_last"] != x.loc["cust-3", "predicted_csat_last"]
    k = current_kpis(sqlite_store, days=10_000)["kpis"]["predicted_csat"]
    assert k["n"] == 3 and 1.0 <= k["value"] <= 5.0
