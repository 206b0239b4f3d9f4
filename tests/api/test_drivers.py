"""``GET /drivers`` says what the page and the CLI say: the same report and notes."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from empathos.api.app import create_app
from empathos.predict.drivers import drivers_report, report_notes
from tests.predict.test_drivers import add_topics
from tests.web.data import fill


def test_drivers_endpoint_matches_the_library_call(engine: Engine) -> None:
    fill(engine)
    add_topics(engine)
    client = TestClient(create_app(engine=engine))
    got = client.get("/drivers", params={"boot": 50, "channel": "chat"}).json()
    lib = drivers_report(engine, n_boot=50, channel="chat")
    assert got["available"] and got["filters"] == {"channel": "chat"}
    assert [t["volume"] for t in got["topics"]] == [t.volume for t in lib.topics]
    assert [d["name"] for d in got["drivers"]] == [d.name for d in lib.drivers]
    assert got["drivers"][0]["impact_ci"] == list(lib.drivers[0].impact_ci or []) or (
        lib.drivers[0].impact_ci is None and got["drivers"][0]["impact_ci"] is None
    )
    assert got["notes"] == report_notes(lib)
    assert got["topics"][0]["predicted_csat"] is None  # unknown is null, never 0
    assert "predicted_csat_note" in got and got["predicted_csat_note"]
    assert client.get("/drivers", params={"boot": -1}).status_code == 422
