"""The incremental refresh rebuilds only the days that changed, and its summary equals a
full rebuild exactly, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, select

from empathos.store import schema
from empathos.store.tables_web import web_daily
from empathos.web import aggregates as ag
from tests.web import data

DAY3 = datetime(2026, 3, 3, 10, 0)


def _table(engine: Engine) -> list[tuple]:
    with engine.connect() as conn:
        rows = conn.execute(select(web_daily)).all()
    return sorted(tuple(str(v) if k == "day" else v for k, v in r._mapping.items()) for r in rows)


def _add(engine: Engine, iid: str, at: datetime, scored: bool) -> None:
    row = {"interaction_id": iid, "customer_id": "cu-2", "channel": "email", "started_at": at}
    with engine.begin() as conn:
        conn.execute(
            schema.interactions.insert(),
            [{**row, "employee_id": "e-2", "source": "simulated", "attributes": {}}],
        )
        if scored:
            interactions = [(iid, "cu-2", "email", at, "e-2")]
            score = data._score_row(iid, 0.3, 0.5, "improved", 0.2, 0, 1, 40.0,
                                    interactions=interactions)  # fmt: skip
            conn.execute(schema.interaction_scores.insert(), [{**score, "computed_at": at}])


def test_incremental_rebuilds_only_the_changed_day(engine: Engine) -> None:
    data.fill(engine)
    first = ag.refresh_aggregates(engine, incremental=True)
    assert first.details["days_rebuilt"] == "all"  # no previous census: full
    nothing = ag.refresh_aggregates(engine, incremental=True)
    assert nothing.details["days_rebuilt"] == []
    before = _table(engine)

    _add(engine, "i-20", data.DAY2, scored=True)
    _add(engine, "i-21", data.DAY2.replace(hour=17), scored=False)
    report = ag.refresh_aggregates(engine, incremental=True)
    assert report.details["days_rebuilt"] == ["2026-03-02"]
    incremental = _table(engine)
    assert incremental != before
    assert [r for r in incremental if r[0] == "2026-03-01"] == [
        r for r in before if r[0] == "2026-03-01"
    ]
    full = ag.refresh_aggregates(engine)
    assert full.details["days_rebuilt"] == "all"
    assert _table(engine) == incremental  # exactly equal, not approximately

    # a new day, and a score replaced on an old day (same count, newer computed_at)
    _add(engine, "i-22", DAY3, scored=True)
    with engine.begin() as conn:
        conn.execute(
            schema.interaction_scores.update()
            .where(schema.interaction_scores.c.interaction_id == "i-1")
            .where(schema.interaction_scores.c.model == "lexicon")
            .values(remembered=0.5, computed_at=DAY3)
        )
    assert ag.is_stale(engine)
    report = ag.ensure_fresh(engine)
    assert report is not None
    assert report.details["days_rebuilt"] == ["2026-03-01", "2026-03-03"]
    incremental = _table(engine)
    ag.refresh_aggregates(engine)
    assert _table(engine) == incremental
    assert ag.kpis(engine, ag.Filters()).n_interactions == 9

    # a deleted day disappears from the summary
    with engine.begin() as conn:
        conn.execute(
            schema.interaction_scores.delete().where(
                schema.interaction_scores.c.interaction_id == "i-22"
            )
        )
        conn.execute(
            schema.interactions.delete().where(schema.interactions.c.interaction_id == "i-22")
        )
    report = ag.refresh_aggregates(engine, incremental=True)
    assert report.details["days_rebuilt"] == ["2026-03-03"]
    incremental = _table(engine)
    assert not [r for r in incremental if r[0] == "2026-03-03"]
    ag.refresh_aggregates(engine)
    assert _table(engine) == incremental


def test_new_ingest_run_forces_a_full_rebuild(engine: Engine) -> None:
    """A re-import may rewrite stored contacts in place (brand, employee), which no per-day
    count shows: the refresh after a new ingest run rebuilds everything."""
    data.fill(engine)
    ag.refresh_aggregates(engine)
    with engine.begin() as conn:
        conn.execute(
            schema.ingest_runs.insert(),
            [{"path": "x.jsonl", "kind": "interactions", "started_at": DAY3, "status": "done"}],
        )
        conn.execute(
            schema.interactions.update()
            .where(schema.interactions.c.interaction_id == "i-1")
            .values(company="brand-z")
        )
    report = ag.refresh_aggregates(engine, incremental=True)
    assert report.details["days_rebuilt"] == "all"
    assert ag.kpis(engine, ag.Filters(company="brand-z")).n_interactions == 1
