"""The assess API on both databases: questionnaire, assessment, balance sheet, pilot."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from empathos.api.app import create_app
from tests.assess import seed


@pytest.fixture
def client(engine: Engine) -> TestClient:
    """On both databases: the endpoints that write (assessments) or read JSON columns."""
    seed.seed_all(engine)
    return TestClient(create_app(engine=engine))


@pytest.fixture
def sqlite_client(sqlite_store: Engine) -> TestClient:
    """SQLite only: endpoints whose queries the library tests already run on both databases."""
    seed.seed_all(sqlite_store)
    return TestClient(create_app(engine=sqlite_store))


def test_questionnaire_assessment_and_latest(client: TestClient) -> None:
    q = client.get("/assess/questionnaire").json()
    assert list(q["pillars"]) == ["business_value", "culture", "leadership", "technology"]
    assert client.get("/assess/latest").status_code == 404
    answers = {x["id"]: x["options"][-1]["id"] for x in q["questions"]}
    answers["le_structure"] = "silos"
    r = client.post("/assess", json={"answers": answers})
    assert r.status_code == 200
    body = r.json()
    assert body["source"] == "simulated" and body["assessment_id"] is not None
    assert body["pillars"]["business_value"]["data_stage"] == "engagement"
    spots = {b["key"]: b for b in body["blind_spots"]}
    assert spots["static_management"]["detected"] and spots["static_management"]["answer_signals"]
    latest = client.get("/assess/latest").json()
    assert latest["assessment_id"] == body["assessment_id"] and latest["answers"] == answers
    unsaved = client.post("/assess", json={"answers": {}, "save": False}).json()
    assert unsaved["assessment_id"] is None
    assert client.get("/assess/latest").json()["assessment_id"] == body["assessment_id"]
    bad = client.post("/assess", json={"answers": {"bv_goal": "maybe"}})
    assert bad.status_code == 422 and "unknown option" in bad.json()["detail"]


def test_balance_sheet_json_and_html(sqlite_client: TestClient) -> None:
    client = sqlite_client
    r = client.get("/assess/balance-sheet", params={"cost": 100})
    assert r.status_code == 200
    bs = r.json()
    assert bs["n_customers"] == seed.SCORED and bs["source"] == "simulated"
    # no experiment measured anything: the return is unknown, with the reason, not -100 %
    assert bs["programme_cost"] == 100 and bs["roi"]["point"] is None
    assert bs["roi_note"].startswith("unknown: no action measured")
    html = client.get("/assess/balance-sheet.html", params={"cost": 100})
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "<svg" in html.text and not re.search(
        r"""(src|href)\s*=\s*["']?(https?:)?//""", html.text
    )
    assert client.get("/assess/balance-sheet", params={"cost": -5}).status_code == 422


def _job(client: TestClient, r: Any) -> dict[str, Any]:
    """The finished job behind a 202 (polled; a pilot of one week, one seed takes seconds)."""
    assert r.status_code == 202, r.text
    url = r.json()["status_url"]
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        job = client.get(url).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {url} not finished: {job}")


def test_pilot_endpoint(sqlite_client: TestClient) -> None:
    client = sqlite_client
    r = client.post(
        "/assess/pilot",
        json={"pod": "p1", "policy": "fifo", "weeks": 1, "seeds": 1, "max_customers": 50},
    )
    job = _job(client, r)
    assert job["status"] == "done" and job["kind"] == "pilot", job
    body = job["result"]
    assert body["source"] == "simulated" and body["sim_pod"] == "pod-1"
    assert [k["kpi"] for k in body["kpis"]] == [
        "remembered",
        "contact_churn_probability",
        "churned",
    ]
    failed = _job(client, client.post("/assess/pilot", json={"pod": "p9", "policy": "fifo"}))
    assert failed["status"] == "failed" and "p9" in failed["error"], failed
    assert client.post("/assess/pilot", json={"pod": "p1", "policy": "nope"}).status_code == 422
    assert client.get("/jobs/0000").status_code == 404


def test_openapi_documents_every_assess_endpoint(sqlite_client: TestClient) -> None:
    paths = sqlite_client.get("/openapi.json").json()["paths"]
    for path, method in [
        ("/assess/questionnaire", "get"),
        ("/assess", "post"),
        ("/assess/latest", "get"),
        ("/assess/balance-sheet", "get"),
        ("/assess/balance-sheet.html", "get"),
        ("/assess/pilot", "post"),
    ]:
        assert paths[path][method]["summary"]
