"""QA scorecards and contact summaries on every face: the API, the dashboard's QA and
journey pages, the coaching report, and the CLI — on a store analysed by ``analyze``."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert
from typer.testing import CliRunner

from empathos.api.app import create_app
from empathos.store.schema import employees, interactions, pods
from tests.understand.test_pipeline import run, seed


def analysed(engine: Engine) -> None:
    seed(engine)
    with engine.begin() as conn:
        conn.execute(insert(pods), [{"pod_id": "pod-1", "name": "Pod One"}])
        conn.execute(
            insert(employees),
            [{"employee_id": "emp-1", "name": "Ann", "pod_id": "pod-1"}],
        )
        for iid in ("c1-a", "c2-a"):
            conn.execute(
                interactions.update()
                .where(interactions.c.interaction_id == iid)
                .values(employee_id="emp-1")
            )
    run(engine)


def test_the_api_serves_scorecards_a_contacts_card_and_its_summary(engine: Engine) -> None:
    analysed(engine)
    client = TestClient(create_app(engine=engine))
    r = client.get("/qa/scorecards", params={"by": "employee"})
    assert r.status_code == 200
    body = r.json()
    assert [g["key"] for g in body["groups"]] == ["emp-1", None]
    assert body["groups"][0]["n_contacts"] == 2 and body["source"] == {"test": 4}
    assert client.get("/qa/scorecards", params={"by": "nope"}).status_code == 422
    card = client.get("/interactions/c1-a/qa").json()
    assert set(card["items"]) >= {"greeting_identification", "effort"}
    assert card["items"]["empathy_mechanisms"]["evidence"][0]["seq"] == 3
    assert client.get("/interactions/nope/qa").status_code == 404
    s = client.get("/interactions/c1-b/summary").json()
    assert s["need"][0]["text"] == "This is the third time I write about the refund"
    assert s["handed_over_by"] == "emp-2"  # emp-2 -> emp-3 inside the contact
    assert s["lines"][0].startswith("Need: [0]")
    assert client.get("/interactions/nope/summary").status_code == 404
    coach = client.get("/coaching/emp-1").json()
    assert coach["qa"]["available"] and coach["qa"]["n_contacts"] == 2
    assert set(coach["qa"]["items"]) >= {"ending_well"}


def test_the_dashboard_shows_scorecards_and_the_contacts_summary(sqlite_store: Engine) -> None:
    analysed(sqlite_store)
    client = TestClient(create_app(engine=sqlite_store))
    html = client.get("/dashboard/qa").text
    assert "Quality (auto-QA)" in html and "Scorecards per employee" in html
    assert "emp-1" in html and 'id="fig-items"' in html and "pod-1" in html
    page = client.get("/dashboard/journeys", params={"interaction": "c1-a"}).text
    assert "QA scorecard: overall" in page and "Extractive" in page
    assert "Need: [0] “Hello, where is my parcel 4711?”" in page
    coaching = client.get("/dashboard/coaching").text
    assert "QA scorecard (pass rates vs peers)" in coaching


def test_the_cli_prints_scorecards_and_summaries(sqlite_store: Engine) -> None:
    from empathos.cli import app

    analysed(sqlite_store)
    db = str(sqlite_store.url)
    cli = CliRunner()
    out = cli.invoke(app, ["qa", "--by", "pod", "--db", db])
    assert out.exit_code == 0, out.output
    assert "QA scorecards by pod: 4 contacts" in out.output and "pod-1 | 2 |" in out.output
    out = cli.invoke(app, ["qa", "--contact", "c1-a", "--json", "--db", db])
    assert json.loads(out.output)["interaction_id"] == "c1-a"
    out = cli.invoke(app, ["qa", "--contact", "c1-a", "--db", db])
    assert "empathy_mechanisms: pass" in out.output and "[3] employee:" in out.output
    out = cli.invoke(app, ["summary", "c1-a", "--db", db])
    assert out.exit_code == 0 and out.output.startswith("Need: [0]")
    assert cli.invoke(app, ["summary", "nope", "--db", db]).exit_code == 2
    assert cli.invoke(app, ["qa", "--by", "nope", "--db", db]).exit_code == 2
