"""Migration 0012 (down to 0009 and up again) on a store built before it: web_daily gains
the company dimension and the summary is rebuilt on the next page load (both databases)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, inspect, text

from empathos.store import init_db
from empathos.store.migrate import alembic_config
from empathos.web import aggregates as ag
from tests.web import data


def test_upgrade_from_0009_rebuilds_the_summary(engine: Engine) -> None:
    from alembic import command

    with engine.begin() as conn:  # back to the web branch as it was before 0012
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0009")
        conn.execute(
            text(
                "INSERT INTO web_refresh (name, refreshed_at, n_interactions, n_scores, "
                "n_customer_scores, seconds, details) VALUES ('daily', :t, 0, 0, 0, 0, '{}')"
            ),
            {"t": datetime(2026, 3, 1)},
        )
    assert "company" not in {c["name"] for c in inspect(engine).get_columns("web_daily")}
    init_db(engine)  # every head, 0012 included
    cols = {c["name"] for c in inspect(engine).get_columns("web_daily")}
    assert "company" in cols
    pk = inspect(engine).get_pk_constraint("web_daily")["constrained_columns"]
    assert pk[-1] == "company" and len(pk) == 6
    assert ag.refresh_info(engine) is None and ag.is_stale(engine)  # rebuilt on next load
    data.fill_matrix(engine)
    ag.ensure_fresh(engine)
    assert ag.kpis(engine, ag.Filters(company="brand-a")).n_interactions == 4
