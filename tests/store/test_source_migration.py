"""Migration 0013: a store written when every non-simulated row said ``real`` reads
``imported`` after the upgrade, on SQLite and PostgreSQL; simulated rows stay as they were."""

from __future__ import annotations

from datetime import datetime

from alembic import command
from sqlalchemy import Engine, insert, select

from empathos.store import init_db, schema
from empathos.store.migrate import alembic_config
from empathos.store.tables_learn import experiments


def _to(engine: Engine, revision: str, down: bool = False) -> None:
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, revision)


def test_real_becomes_imported_and_simulated_stays(engine: Engine) -> None:
    _to(engine, "0010", down=True)  # back to before 0013 (only the listen branch moves)
    with engine.begin() as conn:
        conn.execute(
            insert(schema.customers),
            [
                {"customer_id": "c1", "source": "real", "attributes": {}},
                {"customer_id": "c2", "source": "simulated", "attributes": {}},
            ],
        )
        conn.execute(
            insert(schema.interactions),
            [{"interaction_id": "i1", "channel": "chat", "source": "real", "attributes": {}}],
        )
        conn.execute(
            insert(experiments),
            [
                {
                    "name": "x",
                    "treatment_policy": "bandit",
                    "control_policy": "fifo",
                    "control_share": 0.2,
                    "salt": "x",
                    "started_at": datetime(2026, 1, 5),
                    "source": "real",
                    "details": {},
                }
            ],
        )
    init_db(engine)  # upgrades heads: applies 0013
    with engine.connect() as conn:
        customers = dict(
            conn.execute(select(schema.customers.c.customer_id, schema.customers.c.source)).all()
        )
        interaction = conn.execute(select(schema.interactions.c.source)).scalar_one()
        experiment = conn.execute(select(experiments.c.source)).scalar_one()
    assert customers == {"c1": "imported", "c2": "simulated"}
    assert interaction == "imported" and experiment == "imported"
