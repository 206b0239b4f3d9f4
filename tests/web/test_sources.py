"""A store that mixes sources says so on every page and offers a Source filter that
narrows the figures (pre-aggregated and raw)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update

from empathos.api.app import create_app
from empathos.config import Settings
from empathos.store import schema
from empathos.web.aggregates import refresh_aggregates
from tests.web import data


@pytest.mark.parametrize("pre", [True, False], ids=["pre-aggregated", "raw"])
def test_mixed_sources_show_a_notice_and_filter(engine: Engine, pre: bool) -> None:
    data.fill(engine)
    i = schema.interactions
    with engine.begin() as conn:  # two of the six contacts are hand-written samples
        conn.execute(
            update(i).where(i.c.interaction_id.in_(["i-1", "i-2"])).values(source="sample")
        )
    refresh_aggregates(engine)
    client = TestClient(create_app(Settings(web_pre_aggregate=pre), engine=engine))
    html = client.get("/").text
    assert "This store mixes sample and simulated data" in html
    assert 'id="f-source"' in html and '<option value="sample">' in html
    listen = html.split("1 · Listen")[1].split("2 · Understand")[0]
    assert ">6<" in listen
    html = client.get("/?source=sample").text
    assert 'option value="sample" selected' in html and "showing sample only" in html
    listen = html.split("1 · Listen")[1].split("2 · Understand")[0]
    assert ">2<" in listen and ">6<" not in listen
    scores = client.get("/dashboard/scores?source=simulated").text
    assert "showing simulated only" in scores


def test_one_source_shows_no_notice(engine: Engine) -> None:
    data.fill(engine)
    html = TestClient(create_app(engine=engine)).get("/").text
    assert "This store mixes" not in html


def test_an_empty_experiment_is_shown_as_empty(engine: Engine) -> None:
    from empathos.learn.experiments import ExperimentConfig, start_experiment

    data.fill(engine)
    start_experiment(engine, ExperimentConfig(name="waiting"), data.T0.replace(year=2027))
    client = TestClient(create_app(engine=engine))
    page = client.get("/dashboard/experiments").text
    assert "waiting: empty — no contacts yet since 2027-03-01" in page
    assert "Lift · " not in client.get("/").text
