"""The OODA page's decide step kept per predict run (``empathos.web.ooda_decide``) is the
ranking :func:`empathos.learn.ooda.decide` computes on the same store, on SQLite and
PostgreSQL; it is recomputed by the refresh after a predict run, kept across a refresh that
only saw new contacts, and the page shows it."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine, update

from empathos.api.app import create_app
from empathos.config import Settings
from empathos.learn.ooda import decide
from empathos.store import schema
from empathos.web import aggregates as ag
from empathos.web.ooda_decide import kept_decide
from tests.web import data


def _live(engine: Engine) -> list[dict]:
    return [asdict(a) for a in decide(engine)]


def test_kept_decide_is_the_live_ranking(engine: Engine) -> None:
    data.fill(engine)
    ag.refresh_aggregates(engine)
    kept = kept_decide(engine)
    assert kept is not None
    live = _live(engine)
    assert kept[0] == live
    assert {a["name"] for a in live} >= {"recover-worsened", "reduce-effort"}
    assert any(a["n_customers"] for a in live)  # not a ranking of empty targets

    # new contacts only (no predict run): the incremental refresh keeps the ranking
    at = data.DAY2.replace(hour=16)
    with engine.begin() as conn:
        conn.execute(
            schema.interactions.insert(),
            [{"interaction_id": "i-40", "customer_id": "cu-3", "channel": "chat",
              "started_at": at, "employee_id": "e-2", "source": "simulated",
              "attributes": {}}],
        )  # fmt: skip
    report = ag.refresh_aggregates(engine, incremental=True)
    assert report.details["days_rebuilt"] == ["2026-03-02"]
    assert kept_decide(engine) == kept

    # a predict run (customer scores replaced): the summary is stale, its refresh
    # recomputes the ranking
    with engine.begin() as conn:
        conn.execute(
            update(schema.customer_scores)
            .where(schema.customer_scores.c.customer_id == "cu-2")
            .values(p_churn=0.9, value_at_risk=180.0, computed_at=at + timedelta(hours=1))
        )
    assert ag.is_stale(engine)
    ag.refresh_aggregates(engine, incremental=True)
    again = kept_decide(engine)
    assert again is not None and again[0] == _live(engine) and again[0] != kept[0]

    # a new experiment: the kept ranking no longer holds until it is computed again
    from empathos.learn.experiments import ExperimentConfig, start_experiment

    start_experiment(engine, ExperimentConfig(name="x1", treatment="empathy", control="fifo"),
                     at, source="simulated")  # fmt: skip
    assert kept_decide(engine) is None


def test_the_page_shows_the_kept_ranking(engine: Engine) -> None:
    data.fill(engine)
    ag.refresh_aggregates(engine)
    client = TestClient(create_app(Settings(auth="off"), engine=engine))
    html = client.get("/dashboard/ooda").text
    assert "Decide: actions ranked by expected value" in html
    assert "Decide: ranked at" in html
    raw = TestClient(create_app(Settings(auth="off", web_pre_aggregate=False), engine=engine))
    html_raw = raw.get("/dashboard/ooda").text
    assert "Decide: ranked at" not in html_raw
    # the same table either way (the kept one and the one computed in the request)
    assert _decide_table(html) == _decide_table(html_raw)
    assert "recover-worsened" in _decide_table(html)


def _decide_table(html: str) -> str:
    start = html.index("Decide: actions ranked")
    return html[start : html.index("</table>", start)]
