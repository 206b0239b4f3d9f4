"""Live contacts re-enter the flywheel (issue 17, item 1), on SQLite and PostgreSQL: driven
through the API, closed contacts become interactions through the listen path, are
analyzed, counted in the running experiment with their arm, shown on the dashboard, and
take label corrections; closing twice, a second pass and a restart duplicate nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from empathos.act.live import LiveConfig, LiveDesk
from empathos.act.live.flywheel import import_closed
from empathos.api import create_app
from empathos.config import Settings
from empathos.learn.experiments import ExperimentConfig, experiment_report, start_experiment
from empathos.store.schema import interaction_scores, interactions, turns
from tests.act.live_store import fill

TEXTS = [
    "My invoice shows 40 EUR more than I agreed to, this is outrageous.",
    "Thanks, I would like to upgrade my plan.",
    "The app crashes every time I log in, please help.",
]


def _count(engine, table, **where) -> int:
    q = select(func.count()).select_from(table)
    for k, v in where.items():
        q = q.where(table.c[k] == v)
    with engine.connect() as conn:
        return int(conn.execute(q).scalar_one())


def _desk(engine, settings) -> LiveDesk:
    return LiveDesk(engine, settings, config=LiveConfig(store_timeout_s=5.0, emotion_timeout_s=5.0))


def test_live_contacts_reach_scores_experiments_dashboard_and_feedback(engine) -> None:
    fill(engine)
    now = datetime.now(UTC).replace(tzinfo=None)
    start_experiment(
        engine,
        ExperimentConfig(name="live-exp", treatment="empathy", control="fifo", control_share=0.5),
        now - timedelta(minutes=5),
    )
    settings = Settings(emotion_model="lexicon", empathy_model="lexicon")
    app = create_app(settings, engine=engine)
    app.state.live_desk = desk = _desk(engine, settings)
    ids = []
    with TestClient(app) as client:
        for i in range(12):
            r = client.post(
                "/contacts",
                json={"customer_id": "c-hist", "channel": "chat", "text": TEXTS[i % 3]},
            )
            assert r.status_code == 201, r.text
            cid = r.json()["contact_id"]
            ids.append(cid)
            r = client.post(
                f"/contacts/{cid}/turns",
                json={"speaker": "employee", "text": "I am sorry about that, let me fix it."},
            )
            assert r.status_code == 200, r.text
            client.post(f"/contacts/{cid}/turns", json={"speaker": "customer", "text": "ok thanks"})
            assert client.post(f"/contacts/{cid}/close").status_code == 200
        assert client.post(f"/contacts/{ids[0]}/close").status_code == 200  # closing twice
        assert desk.settle(120.0)

        # an interaction per contact, with its turns (same seqs), final lead and arm
        with engine.connect() as conn:
            rows = {
                r.interaction_id: r
                for r in conn.execute(
                    select(interactions).where(interactions.c.interaction_id.in_(ids))
                )
            }
        assert set(rows) == set(ids)
        assert all(_count(engine, turns, interaction_id=c) == 3 for c in ids)
        one = rows[ids[0]]
        assert one.customer_id == "c-hist" and one.channel == "chat"
        assert one.attributes["origin"] == "live"
        assert one.attributes["experiment"] == "live-exp"
        assert one.attributes["arm"] in ("control", "treatment")
        assert one.attributes["live"]["decisions"][0]["kind"] == "open"
        assert one.employee_id == one.attributes["live"]["decisions"][-1]["employee_id"] or (
            one.employee_id is not None
        )
        # understood and scored (analyze's incremental run)
        with engine.connect() as conn:
            scored = conn.execute(
                select(func.count(func.distinct(interaction_scores.c.interaction_id))).where(
                    interaction_scores.c.interaction_id.in_(ids)
                )
            ).scalar_one()
        assert scored == len(ids)

        # counted in the running experiment, each with its arm
        rep = experiment_report(engine, "live-exp")
        assert rep.n_treatment + rep.n_control == len(ids)
        assert rep.n_treatment > 0 and rep.n_control > 0

        # feedback (label correction) on a live turn
        r = client.post(
            "/feedback/emotion",
            json={
                "interaction_id": ids[0],
                "seq": 1,
                "label": "anger",
                "author_id": "e-bill",
                "author_role": "supervisor",
            },
        )
        assert r.status_code in (200, 201), r.text

        # the dashboard shows them: coaching (the leads), experiments, the overview
        leads = {rows[c].employee_id for c in ids} - {None}
        coaching = client.get("/dashboard/coaching").text
        assert any(e in coaching for e in leads)
        exp_page = client.get("/dashboard/experiments").text
        assert "live-exp" in exp_page
        today = now.date().isoformat()
        overview = client.get("/", params={"start": today, "end": today})
        assert overview.status_code == 200
        kpis = client.get("/data/pages/overview", params={"start": today, "end": today}).json()[
            "kpis"
        ]
        # today's contacts are exactly the live ones (fill() dates its history earlier)
        assert kpis["n_interactions"] == len(ids) and kpis["n_scored"] == len(ids), kpis

    # idempotent: another pass, and a restarted desk's start-up scan, add nothing
    n = _count(engine, interactions)
    n_turns = _count(engine, turns)
    assert import_closed(engine) == 0
    desk2 = _desk(engine, settings)
    assert desk2.settle(60.0)
    desk2.close()
    assert (_count(engine, interactions), _count(engine, turns)) == (n, n_turns)


def test_a_closed_flywheel_whose_store_vanished_mid_wave_stops(engine, monkeypatch) -> None:
    """The desk's close waits a bounded time; a wave still running then fails when its
    store goes away (a test's dropped schema, a database shut down with the server). The
    thread must end there, leaving the contacts to the next start's scan, not retry every
    2 s for as long as the process lives (it did: CI's log showed it after PostgreSQL
    tests dropped their schema)."""
    import threading

    from empathos.act.live import flywheel as fw_mod

    release = threading.Event()
    calls: list[int] = []

    def store_gone(_engine, _ids=None) -> int:
        calls.append(1)
        release.wait(10)
        raise RuntimeError("relation live_contacts does not exist")

    monkeypatch.setattr(fw_mod, "import_closed", store_gone)
    fw = fw_mod.Flywheel(engine, "lexicon", "lexicon")  # its start-up scan begins a wave
    fw.close(timeout=0.2)  # the wave is still running: close gives up waiting
    assert fw._thread.is_alive()
    release.set()
    fw._thread.join(5.0)
    assert not fw._thread.is_alive()
    assert len(calls) == 1 and fw.errors == 1
