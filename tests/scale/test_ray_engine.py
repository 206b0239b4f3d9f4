"""``analyze``, ``predict``'s scoring and the dashboard summary's rebuild on a real local
Ray cluster (a head plus a worker node, loopback only) write exactly the rows the local
engine writes: every annotation, interaction score, customer and employee score and
``web_daily`` row, on a simulated company plus a real sample (the Kaggle TWCS sample in
../shared/data/real). One cluster for the module (started once, stopped after)."""

from __future__ import annotations

import math
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, select, text

from empathos.predict.clv import CLVConfig
from empathos.predict.pipeline import predict
from empathos.store import init_db, make_engine
from empathos.store.schema import (
    customer_scores,
    employee_scores,
    interaction_scores,
    interactions,
    turn_emotions,
    turn_empathy,
)
from empathos.store.tables_web import web_daily
from empathos.understand.pipeline import AnalyzeReport, analyze
from empathos.understand.pipeline.mapper import BatchMapper, SerialMapper
from empathos.understand.train_data import shared_data_dir
from empathos.web.aggregates import refresh_aggregates
from tests.predict.sim_store import simulated_config

ray = pytest.importorskip("ray")
RAY = str(Path(sys.executable).with_name("ray"))
KAGGLE = shared_data_dir() / "real" / "twcs_kaggle_sample.csv"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def ray_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``ray start --head`` plus one worker node, one CPU each; ``ray stop --force`` after."""
    port = _free_port()
    address = f"127.0.0.1:{port}"
    tmp = str(tmp_path_factory.mktemp("ray"))
    # token auth off: a stray ~/.ray/auth_token would fail the worker node (InvalidAuthToken)
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0", "RAY_AUTH_MODE": "disabled"}
    common = ["--num-cpus", "1", "--disable-usage-stats"]
    head = [RAY, "start", "--head", "--port", str(port), "--node-ip-address", "127.0.0.1"]
    head += ["--include-dashboard=false", "--temp-dir", tmp, *common]
    subprocess.run(head, check=True, env=env, capture_output=True, timeout=120)
    try:
        worker = [RAY, "start", "--address", address, "--node-ip-address", "127.0.0.1", *common]
        subprocess.run(worker, check=True, env=env, capture_output=True, timeout=120)
        yield address
    finally:
        if ray.is_initialized():
            ray.shutdown()
        subprocess.run([RAY, "stop", "--force"], env=env, capture_output=True, timeout=120)


@pytest.fixture(scope="module")
def ray_mapper(ray_cluster: str) -> Iterator[BatchMapper]:
    """Two actors (one per node), shared by every test of the module."""
    from empathos.plugins import load

    mapper = load("engines", "ray")(ray_cluster).mapper(2)
    yield mapper
    mapper.close()


def _sample(root: Path, name: str) -> Engine:
    """A simulated company (200 customers, 30 days: churn outcomes and purchases, so the
    churn and CLV models are fitted) plus the real Kaggle TWCS sample."""
    from empathos.listen import ingest_file
    from empathos.simulate import run_simulation

    engine = make_engine(f"sqlite:///{root / name}")
    init_db(engine)
    sim = root / "sim"
    if not sim.exists():
        run_simulation(simulated_config(200, 30, seed=5), sim, progress=False)
    order = ["customers", "employees", "pods", "interactions", "turns", "outcomes"]
    files = sorted(sim.glob("*.jsonl"), key=lambda p: order.index(p.stem) if p.stem in order else 9)
    for f in files:
        ingest_file(f, engine, rejects_path=root / f"{name}.{f.stem}.rej", detect_language=False)
    ingest_file(KAGGLE, engine, rejects_path=root / f"{name}.rej", detect_language=False)
    return engine


@pytest.fixture(scope="module")
def analyzed(
    ray_mapper: BatchMapper, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Path, AnalyzeReport, AnalyzeReport]:
    """The sample analysed twice: in process (``local.db``) and on Ray (``ray.db``)."""
    root = tmp_path_factory.mktemp("analyzed")
    local, remote = _sample(root, "local.db"), _sample(root, "ray.db")
    a = analyze(local, "fast", "fast", batch_size=64, progress=False)
    b = analyze(remote, "fast", "fast", batch_size=64, progress=False, mapper=ray_mapper)
    local.dispose()
    remote.dispose()
    return root / "local.db", root / "ray.db", a, b


def _copy(db: Path, to: Path) -> Engine:
    shutil.copy(db, to)
    return make_engine(f"sqlite:///{to}")


def _rows(engine: Engine, tables: tuple = (turn_emotions, turn_empathy, interaction_scores)):
    """Every stored row of ``tables`` in key order; only the time a row was written
    (``computed_at``) and surrogate ids may differ between the runs."""
    out = {}
    with engine.connect() as conn:
        for t in tables:
            cols = [c for c in t.c if c.name not in ("computed_at", "created_at", "id")]
            keys = [c for c in t.primary_key.columns if c.name != "id"] or cols
            out[t.name] = [tuple(r) for r in conn.execute(select(*cols).order_by(*keys, *cols))]
    return out


@pytest.mark.slow
def test_analyze_on_ray_matches_the_local_engine(analyzed: tuple) -> None:
    local_db, ray_db, a, b = analyzed
    local, remote = make_engine(f"sqlite:///{local_db}"), make_engine(f"sqlite:///{ray_db}")
    assert a.turns_emotion > 50 and a.turns_empathy > 20
    with local.connect() as conn:  # both halves of the sample reached the store
        sources = dict(
            conn.execute(text("SELECT source, count(*) FROM interactions GROUP BY source")).all()
        )
    assert sources.get("simulated", 0) >= 20 and sources.get("imported", 0) >= 20, sources
    assert (a.turns_emotion, a.turns_empathy) == (b.turns_emotion, b.turns_empathy)
    assert len(ray.nodes()) == 2
    ra, rb = _rows(local), _rows(remote)
    for table in ra:
        assert ra[table], table
        assert ra[table] == rb[table], table


@pytest.mark.slow
def test_predict_on_ray_matches_the_local_engine(
    analyzed: tuple, ray_mapper: BatchMapper, tmp_path: Path
) -> None:
    """Every customer and employee score, partitioned 32 customers a partition (so both
    actors score several); the fitted models reach the workers inside the mapped function."""
    local = _copy(analyzed[0], tmp_path / "local.db")
    remote = _copy(analyzed[0], tmp_path / "ray.db")
    opts = {"progress": False, "effects_boot": 20, "partition_size": 32}
    opts["clv_config"] = CLVConfig(pytensor_mode="FAST_COMPILE")  # same fit, less compiling
    a = predict(local, **opts)
    b = predict(remote, mapper=ray_mapper, **opts)
    assert a.churn_basis == "fitted" and a.clv_bases.get("fitted", 0) > 50, (a.churn_basis, a.notes)
    assert a.customers_scored > 4 * 32 and a.employees_scored > 0
    assert a.sources.get("imported", 0) > 0  # the real sample's customers are scored too
    assert (a.total_clv, a.total_value_at_risk, a.avoidable) == (
        b.total_clv,
        b.total_value_at_risk,
        b.avoidable,
    )
    ra, rb = (
        _rows(local, (customer_scores, employee_scores)),
        _rows(remote, (customer_scores, employee_scores)),
    )
    assert len(ra["customer_scores"]) == a.customers_scored
    for table in ra:
        assert ra[table] == rb[table], table


def _daily(engine: Engine) -> list[tuple]:
    return _rows(engine, (web_daily,))["web_daily"]


def _close(a: list[tuple], b: list[tuple]) -> bool:
    """Same keys and counts; float sums equal up to the database's summation order."""
    return len(a) == len(b) and all(
        x == y or (isinstance(x, float) and math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-12))
        for ra, rb in zip(a, b, strict=True)
        for x, y in zip(ra, rb, strict=True)
    )


@pytest.mark.slow
def test_dashboard_summary_on_ray_matches_the_local_engine(
    analyzed: tuple, ray_mapper: BatchMapper, tmp_path: Path
) -> None:
    """Full and incremental rebuilds of ``web_daily``, 3 days a partition: Ray's rows are
    the local engine's exactly, and the database's own rebuild up to float rounding."""
    local = _copy(analyzed[0], tmp_path / "local.db")
    remote = _copy(analyzed[0], tmp_path / "ray.db")
    db = _copy(analyzed[0], tmp_path / "db.db")
    refresh_aggregates(db)
    a = refresh_aggregates(local, mapper=SerialMapper(), partition_days=3)
    b = refresh_aggregates(remote, mapper=ray_mapper, partition_days=3)
    assert a.rows == b.rows > 100 and b.details["engine"].startswith("RayMapper")
    assert _daily(local) == _daily(remote)
    assert _close(_daily(local), _daily(db))
    # one day's scores replaced: the incremental rebuild redoes that day only, on each engine
    with local.connect() as conn:
        day = conn.execute(text("SELECT min(date(started_at)) FROM interactions")).scalar()
    for e in (local, remote, db):
        with e.begin() as conn:
            ids = select(interactions.c.interaction_id).where(
                text(f"date(interactions.started_at) = '{day}'")
            )
            conn.execute(
                delete(interaction_scores).where(interaction_scores.c.interaction_id.in_(ids))
            )
    a = refresh_aggregates(local, incremental=True, mapper=SerialMapper(), partition_days=3)
    b = refresh_aggregates(remote, incremental=True, mapper=ray_mapper, partition_days=3)
    refresh_aggregates(db, incremental=True)
    assert a.details["days_rebuilt"] == b.details["days_rebuilt"] == [day]
    assert _daily(local) == _daily(remote)
    assert _close(_daily(local), _daily(db))
