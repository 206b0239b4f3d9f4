"""The dashboard's drivers page on the hand-made store: the topics, the ranked drivers
with their CIs, the impact chart, unknown figures as "unknown" (never 0), and the honest
empty state before ``empathos topics`` has run."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from empathos.api.app import create_app
from tests.predict.test_drivers import add_topics
from tests.web.data import fill


def test_drivers_page_shows_topics_drivers_and_the_chart(engine: Engine) -> None:
    fill(engine)
    add_topics(engine)
    client = TestClient(create_app(engine=engine))
    html = client.get("/dashboard/drivers?start=2026-03-01&end=2026-03-02").text
    assert "late / order" in html and "bill / charge" in html
    assert "effort: transferred" in html
    assert "ranked by the remembered score" in html
    assert "predicted CSAT unknown" in html
    # predicted CSAT is unknown in this store: said, not shown as 0
    assert '<td class="n">unknown</td>' in html
    # six contacts: every driver has fewer than 5 outside it, so no figure and no chart
    assert "fewer than 5 contacts inside or outside" in html
    assert 'id="fig-impact"' not in html
    assert 'href="/dashboard/drivers"' in client.get("/").text  # in the navigation


def test_drivers_page_before_topics_says_what_to_run(engine: Engine) -> None:
    fill(engine)
    html = TestClient(create_app(engine=engine)).get("/dashboard/drivers").text
    assert "No data yet." in html and "empathos topics" in html


def test_impact_chart_draws_known_drivers_with_their_cis() -> None:
    import numpy as np

    from empathos.predict.drivers import rank_drivers
    from empathos.web.drivers import impact_chart

    y = np.r_[np.full(20, 1.0), np.full(40, 4.0)] + np.linspace(0, 0.5, 60)
    low = np.arange(60) < 20
    rows = rank_drivers(y, {"low": ("topic", low), "high": ("topic", ~low)}, 200, 0)
    fig = impact_chart(rows, "predicted CSAT")
    trace = fig["data"][0]
    assert trace["y"] == ["low", "high"] and trace["x"][0] < 0 < trace["x"][1]
    assert trace["error_x"]["arrayminus"][0] >= 0 and trace["error_x"]["array"][0] >= 0
    assert json.dumps(fig)  # plain JSON for the page
    assert impact_chart([], "x") is None
