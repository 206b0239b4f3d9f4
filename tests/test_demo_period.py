"""The demo's samples and its simulated company share one period, so every default window
(the latest period with data) sees both: coaching shows an employee's contacts, the pilot
plans on the store's real weekly volume, and OODA observes the simulated month.

Before, the hand-written samples were dated October 2026 after a January simulation:
`coach e-0002` found 0 contacts, OODA saw 8 contacts with automation 100 %, and the
pilot needed 3,519 weeks. Built with the demo's own listen step on a small company
(150 customers, the demo preset and seed, 30 days) and the lexicon models."""

from __future__ import annotations

from datetime import datetime

import pytest
from rich.console import Console
from sqlalchemy import Engine, func, select

import empathos.demo as demo
from empathos.store import init_db, make_engine, schema


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    from empathos.understand.pipeline import analyze

    root = tmp_path_factory.mktemp("demo_period")
    engine = make_engine(f"sqlite:///{root / 'store.db'}")
    init_db(engine)
    saved = demo.DEMO_SIZE, demo.console
    demo.DEMO_SIZE, demo.console = (
        {"customers": 150, "days": 30},
        Console(
            file=open(  # noqa: SIM115
                root / "out.txt", "w", encoding="utf-8"
            )
        ),
    )
    try:
        demo.listen(engine, root / "sim", seed=7)
    finally:
        demo.console.file.close()
        demo.DEMO_SIZE, demo.console = saved
    analyze(engine, "lexicon", "lexicon", progress=False)
    yield engine
    engine.dispose()


def _span(engine: Engine, source: str) -> tuple[datetime, datetime, int]:
    i = schema.interactions.c
    with engine.connect() as conn:
        return conn.execute(
            select(func.min(i.started_at), func.max(i.started_at), func.count()).where(
                i.source == source
            )
        ).one()


def test_samples_lie_inside_the_simulated_period(demo_store: Engine) -> None:
    s_first, s_last, n_samples = _span(demo_store, "sample")
    sim_first, sim_last, n_sim = _span(demo_store, "simulated")
    assert n_samples == 8 and n_sim > 100
    assert sim_first <= s_first and s_last <= sim_last


def test_coaching_shows_the_employees_contacts(demo_store: Engine) -> None:
    from empathos.learn.coaching import coach_employee

    rep = coach_employee(demo_store, "e-0002")
    i = schema.interactions.c
    with demo_store.connect() as conn:
        handled = conn.execute(
            select(func.count()).where(i.employee_id == "e-0002", i.source == "simulated")
        ).scalar_one()
    assert handled > 0 and rep.n_contacts == handled


def test_ooda_observes_the_simulated_month(demo_store: Engine) -> None:
    from empathos.learn.ooda import current_kpis

    cur = current_kpis(demo_store, days=30)
    _, sim_last, _ = _span(demo_store, "simulated")
    assert datetime.fromisoformat(cur["window"]["to"]) == sim_last
    assert "simulated" in cur["source"] and "sample" in cur["source"]
    _, _, n_sim = _span(demo_store, "simulated")
    assert cur["n_contacts"] > 0.8 * n_sim  # the month, not the 8 samples
    value = cur["kpis"]["automation_share"]["value"]
    assert value is not None and value < 0.9  # not 100 %: the simulated staff handle most


def test_the_pilot_plans_on_the_stores_weekly_volume(demo_store: Engine) -> None:
    """The calibrated contact rate is the store's own (the simulated month), so a pilot's
    weeks needed = 2n / weekly contacts is plausible: tens of weeks for a typical n, not
    thousands."""
    from empathos.assess.calibrate import calibrate

    cal = calibrate(demo_store, weeks=1, max_customers=150, match_volume=False)
    first, last, n = _span(demo_store, "simulated")
    days = (last - first).total_seconds() / 86400
    with demo_store.connect() as conn:
        customers = conn.execute(select(func.count()).select_from(schema.customers)).scalar_one()
    observed = (n + 8) / customers / days
    rate = cal.measured["contacts_per_customer_day"]
    assert rate == pytest.approx(observed, rel=0.1)
    per_week = rate * customers * 7
    assert per_week > 50  # a week of this book has contacts to test on
    assert 2 * 500 / per_week < 52  # n = 500 per arm fits in a year, not 3,519 weeks
