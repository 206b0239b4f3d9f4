"""``analyze`` on a real local Ray cluster (a head plus a worker node, loopback only)
writes exactly the rows the in-process run writes: every annotation and every score, on
a simulated sample and on a real one (the Kaggle TWCS sample in ../shared/data/real)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text, Engine, select

from empathos.store import init_db, make_engine
from empathos.store.schema import interaction_scores, turn_emotions, turn_empathy
from empathos.understand.pipeline import analyze
from empathos.understand.train_data import shared_data_dir

ray = pytest.importorskip("ray")
RAY = str(Path(sys.executable).with_name("ray"))
KAGGLE = shared_data_dir() / "real" / "twcs_kaggle_sample.csv"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def ray_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``ray start --head`` plus one worker node, one CPU each; ``ray stop --force`` after."""
    port = _free_port()
    address = f"127.0.0.1:{port}"
    tmp = str(tmp_path_factory.mktemp("ray"))
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0"}
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


def _sample(tmp_path: Path, name: str) -> Engine:
    from empathos.listen import ingest_file
    from empathos.simulate import preset, run_simulation

    engine = make_engine(f"sqlite:///{tmp_path / name}")
    init_db(engine)
    sim = tmp_path / "sim"
    if not sim.exists():
        run_simulation(preset("small", seed=5, customers=150, days=5), sim, progress=False)
    order = ["customers", "employees", "pods", "interactions", "turns", "outcomes"]
    files = sorted(sim.glob("*.jsonl"), key=lambda p: order.index(p.stem) if p.stem in order else 9)
    for f in files:
        ingest_file(
            f, engine, rejects_path=tmp_path / f"{name}.{f.stem}.rej", detect_language=False
        )
    ingest_file(KAGGLE, engine, rejects_path=tmp_path / f"{name}.rej", detect_language=False)
    return engine


def _rows(engine: Engine) -> dict[str, list[tuple]]:
    """Every stored annotation and score, in key order; only the time a row was written
    (``computed_at``) may differ between the runs."""
    out = {}
    with engine.connect() as conn:
        for t in (turn_emotions, turn_empathy, interaction_scores):
            cols = [c for c in t.c if c.name not in ("computed_at", "created_at", "id")]
            keys = [c for c in t.primary_key.columns if c.name != "id"] or cols
            out[t.name] = [tuple(r) for r in conn.execute(select(*cols).order_by(*keys))]
    return out


@pytest.mark.slow
def test_analyze_on_ray_matches_the_local_engine(ray_cluster: str, tmp_path: Path) -> None:
    from empathos.plugins import load

    local = _sample(tmp_path, "local.db")
    remote = _sample(tmp_path, "ray.db")
    a = analyze(local, "fast", "fast", batch_size=64, progress=False)
    mapper = load("engines", "ray")(ray_cluster).mapper(2)
    try:
        b = analyze(remote, "fast", "fast", batch_size=64, progress=False, mapper=mapper)
    finally:
        mapper.close()
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
