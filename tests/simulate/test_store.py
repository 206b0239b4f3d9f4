"""A simulated folder loads into the store through listen, with nothing rejected."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from empathos.simulate import run_simulation
from empathos.simulate.store import store_simulation
from tests.simulate.conftest import small_config


def test_simulated_files_ingest_without_rejects(tmp_path: Path) -> None:
    pytest.importorskip("empathos.listen.ingest")
    from empathos.store import init_db, make_engine, schema

    report = run_simulation(small_config(), tmp_path / "sim", progress=False)
    engine = make_engine(f"sqlite:///{tmp_path / 'e.db'}")
    init_db(engine)
    results = store_simulation(tmp_path / "sim", engine, detect_language=False)
    assert [r.kind for r in results] == [
        "customers",
        "employees",
        "pods",
        "interactions",
        "outcomes",
        "transactions",
    ]
    assert all(r.records_rejected == 0 for r in results), [r.first_rejects for r in results]
    by_kind = {r.kind: r.records_accepted for r in results}
    assert by_kind["interactions"] == report.contacts
    assert by_kind["employees"] == report.employees
    with engine.connect() as conn:
        assert (
            conn.execute(select(func.count()).select_from(schema.interactions)).scalar_one()
            == report.contacts
        )
