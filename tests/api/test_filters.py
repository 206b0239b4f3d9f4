"""The read API's coaching and OODA endpoints take the filters every face shares."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from empathos.api.app import create_app
from tests.web import data


def test_coaching_and_ooda_filters(sqlite_store: Engine) -> None:
    data.fill_matrix(sqlite_store)
    client = TestClient(create_app(engine=sqlite_store))
    pods = dict(data.EMPLOYEES)
    for q, f in [
        ("", {}),
        ("company=brand-a", {"company": "brand-a"}),
        ("start=2026-01-01&end=2026-01-31", {"start": date(2026, 1, 1), "end": date(2026, 1, 31)}),
        ("channel=chat&language=en", {"channel": "chat", "language": "en"}),
    ]:
        r = client.get(f"/coaching/pods/pod-a?weeks=52&{q}")
        assert r.status_code == 200, r.text
        want = [
            x for x in data.matching(**f) if x[0] in data.SCORED and x[4] and pods[x[4]] == "pod-a"
        ]
        assert r.json()["n_contacts"] == len(want), q
        r = client.get(f"/coaching/e-2?weeks=52&{q}")
        mine = [x for x in data.matching(**f) if x[0] in data.SCORED and x[4] == "e-2"]
        assert r.status_code == 200 and r.json()["n_contacts"] == len(mine), q
        r = client.get(f"/ooda?weeks=52&{q}")
        assert r.status_code == 200, r.text
        weekly = r.json()["observe"]["weekly"]
        assert sum(w["contacts"] for w in weekly) == len(data.matching(**f)), q
    r = client.get("/ooda?pod=(none)&weeks=52")
    assert sum(w["contacts"] for w in r.json()["observe"]["weekly"]) == 1  # i-3, no employee
    assert client.get("/ooda?start=not-a-date").status_code == 422


def test_summary_json_under_the_filters(engine: Engine) -> None:
    """GET /summary: the dashboard's contact figures as JSON, the default period named,
    each filter narrowing them as the raw data says (SQLite and PostgreSQL)."""
    data.fill_matrix(engine)
    client = TestClient(create_app(engine=engine))
    r = client.get("/summary")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["period"] == {
        "start": "2026-02-01",
        "end": "2026-03-02",
        "chosen": "latest with data",
    }
    assert body["kpis"]["n_interactions"] == 6 and set(body["by"]["company"]) == {
        "brand-a",
        "brand-b",
    }
    for q, f in [
        ("company=brand-b&start=2026-01-01", {"company": "brand-b", "start": date(2026, 1, 1)}),
        ("start=2026-01-01&end=2026-01-31", {"start": date(2026, 1, 1), "end": date(2026, 1, 31)}),
        (
            "language=de&pod=pod-b&start=2026-01-01",
            {"language": "de", "pod": "pod-b", "start": date(2026, 1, 1)},
        ),
    ]:
        body = client.get(f"/summary?{q}").json()
        assert body["period"]["chosen"] == "as asked"
        assert body["kpis"]["n_interactions"] == len(data.matching(**f)), q
    # no period asked: the default one (30 days up to 2026-03-02) under the filters
    body = client.get("/summary?company=brand-b&channel=chat").json()
    assert body["kpis"]["n_interactions"] == 1  # i-4 (2026-03-02)
    assert client.get("/summary?start=nope").status_code == 422
