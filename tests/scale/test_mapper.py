"""The mapper seam of ``analyze``: two worker processes store exactly what one process
stores (every annotation, score, predicted CSAT and QA row), on simulated and real (TWCS) data; a
run stopped midway is finished by the next one with no duplicates; the ``local`` engine.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from empathos import plugins
from empathos.store import init_db, make_engine
from empathos.store.schema import interaction_scores, turn_emotions, turn_empathy, turns
from empathos.store.tables_csat import interaction_csat
from empathos.store.tables_qa import qa_item_scores, qa_scorecards
from empathos.understand.pipeline import BatchMapper, ProcessMapper, SerialMapper, analyze

REAL = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "real"
BACKEND = "fast"  # the cheap default-quality path; the seam is the same for every backend


def _rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    out = {}
    with engine.connect() as conn:
        for t in (turn_emotions, turn_empathy):
            out[t.name] = [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key))]
        cols = [c for c in interaction_scores.c if c.name not in ("computed_at",)]
        out["scores"] = [
            tuple(r)
            for r in conn.execute(select(*cols).order_by(*interaction_scores.primary_key.columns))
        ]
        # the score and QA steps run on the mapper too: their rows must match as well
        for t, stamp in (
            (interaction_csat, "scored_at"),
            (qa_scorecards, "computed_at"),
            (qa_item_scores, None),
        ):
            cols = [c for c in t.c if c.name != stamp]
            out[t.name] = [
                tuple(r) for r in conn.execute(select(*cols).order_by(*t.primary_key.columns))
            ]
    return out


def _store(path: Path, fill: Any) -> Engine:
    engine = make_engine(f"sqlite:///{path}")
    init_db(engine)
    fill(engine)
    return engine


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.predict.sim_store import simulated_config

    from empathos.simulate import run_simulation
    from empathos.simulate.store import store_simulation

    root = tmp_path_factory.mktemp("mapper_sim")
    run_simulation(simulated_config(customers=150, days=20), root / "sim", progress=False)
    _store(root / "base.db", lambda e: store_simulation(root / "sim", e)).dispose()
    return root / "base.db"


@pytest.fixture(scope="module")
def twcs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from empathos.listen import ingest_file

    src = REAL / "twcs_5k.csv"
    if not src.exists():
        pytest.skip(f"{src} not present (../shared/data/real)")
    root = tmp_path_factory.mktemp("mapper_twcs")
    _store(root / "base.db", lambda e: ingest_file(src, e, rejects_path=root / "rejects")).dispose()
    return root / "base.db"


def _analysed(base: Path, tmp: Path, name: str, mapper: BatchMapper, batch_size: int = 128) -> dict:
    db = tmp / f"{name}.db"
    shutil.copy(base, db)
    engine = make_engine(f"sqlite:///{db}")
    try:
        rep = analyze(
            engine, BACKEND, BACKEND, progress=False, batch_size=batch_size, mapper=mapper
        )
        assert rep.workers == mapper.workers
        return _rows(engine)
    finally:
        mapper.close()
        engine.dispose()


@pytest.mark.slow
@pytest.mark.parametrize("data", ["simulated", "twcs"])
def test_two_worker_processes_store_what_one_process_stores(
    data: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    base = request.getfixturevalue(data)
    serial = _analysed(base, tmp_path, "serial", SerialMapper())
    parallel = _analysed(base, tmp_path, "parallel", ProcessMapper(2))
    assert len(serial["turn_emotions"]) > 100 and len(serial["turn_empathy"]) > 100
    assert serial["scores"] and serial["interaction_csat"] and serial["qa_item_scores"]
    for table in serial:
        assert parallel[table] == serial[table], table


class _StopsAfter:
    """A serial mapper that dies after ``n`` batches, as a killed run would."""

    workers = 1

    def __init__(self, n: int) -> None:
        self.n = n

    def map(self, fn: Any, items: Iterable[Any]) -> Iterator[Any]:
        for i, item in enumerate(items):
            if i == self.n:
                raise KeyboardInterrupt("stopped midway")
            yield fn(item)

    def close(self) -> None:
        return None


def test_a_run_stopped_midway_is_finished_by_the_next(simulated: Path, tmp_path: Path) -> None:
    # the same batch size in both runs: a model's float arithmetic may differ in its last
    # bit with the shape of the batch it is given
    once = _analysed(simulated, tmp_path, "once", SerialMapper(), batch_size=64)
    db = tmp_path / "stopped.db"
    shutil.copy(simulated, db)
    engine = make_engine(f"sqlite:///{db}")
    with pytest.raises(KeyboardInterrupt):
        analyze(engine, BACKEND, BACKEND, progress=False, batch_size=64, mapper=_StopsAfter(3))
    with engine.connect() as conn:
        partial = conn.execute(select(func.count()).select_from(turn_emotions)).scalar_one()
        n_customer = conn.execute(
            select(func.count()).select_from(turns).where(turns.c.speaker == "customer")
        ).scalar_one()
    assert partial == 3 * 64 < n_customer  # three whole batches written, no more
    rep = analyze(engine, BACKEND, BACKEND, progress=False, batch_size=64)
    assert rep.turns_emotion == n_customer - partial  # only the rest
    assert _rows(engine) == once  # no duplicates, nothing missing, same scores
    engine.dispose()


def test_the_local_engine_gives_a_mapper() -> None:
    engine = plugins.load("engines", "local")()
    assert isinstance(engine.mapper(1), SerialMapper)
    m = engine.mapper(2)
    assert isinstance(m, ProcessMapper) and m.workers == 2
    assert isinstance(m, BatchMapper)
    m.close()
