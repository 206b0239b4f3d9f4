"""One simulated, analysed SQLite store shared by the predict test modules.

Built once per test session (the first module that asks builds it; later modules copy
the file), because simulating and annotating is the slow part. The company is small
(1,000 customers, 60 days) with the churn base rate raised 4x so a 14-day window holds
enough churners to measure AUC; the effects of the remembered score and effort on churn
are the simulator's defaults.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Engine

from empathos.store import init_db, make_engine

SEED = 11
CUSTOMERS = 1000
DAYS = 60


def simulated_config(customers: int = CUSTOMERS, days: int = DAYS, seed: int = SEED):  # noqa: ANN201
    from empathos.simulate import preset
    from empathos.simulate.config import EffectSizes

    base = EffectSizes()
    effects = replace(base, churn_base={k: min(0.5, 4 * v) for k, v in base.churn_base.items()})
    return preset(
        "small",
        seed=seed,
        customers=customers,
        days=days,
        contacts_per_customer_day=0.05,
        effects=effects,
    )


def build(out: Path, engine: Engine, customers: int = CUSTOMERS, days: int = DAYS) -> None:
    """Simulate into ``out``, store into ``engine`` and annotate with the lexicon backends."""
    from empathos.simulate import run_simulation
    from empathos.simulate.store import store_simulation
    from empathos.understand.pipeline import analyze

    run_simulation(simulated_config(customers, days), out, progress=False)
    store_simulation(out, engine)
    analyze(engine, "lexicon", "lexicon", progress=False)


def simulated_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Engine, Path]:
    """A private copy of the shared store (tests may write to it) and the sim folder."""
    root = tmp_path_factory.getbasetemp() / "predict_sim"
    db = root / "store.db"
    if not db.exists():
        root.mkdir(parents=True, exist_ok=True)
        engine = make_engine(f"sqlite:///{root / 'building.db'}")
        init_db(engine)
        build(root / "sim", engine)
        engine.dispose()
        (root / "building.db").rename(db)
    copy = tmp_path_factory.mktemp("predict_store") / "store.db"
    shutil.copy(db, copy)
    engine = make_engine(f"sqlite:///{copy}")
    init_db(engine)
    return engine, root / "sim"


def copy_store(source: Engine, target: Engine) -> None:
    """Copy every row of ``source`` into the (migrated, empty) ``target`` — how the
    simulated SQLite store reaches a PostgreSQL schema without simulating it again."""
    from sqlalchemy import select

    from empathos.store.schema import metadata

    # web_changes is the dashboard's change log, written by triggers as the rows above
    # are copied: copying it too would log each day twice
    skip = {"alembic_version", "web_changes"}
    with source.connect() as src, target.begin() as dst:
        for table in metadata.sorted_tables:
            if table.name in skip:
                continue
            rows = [dict(r._mapping) for r in src.execute(select(table))]
            for start in range(0, len(rows), 5000):
                dst.execute(table.insert(), rows[start : start + 5000])
