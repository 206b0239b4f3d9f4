"""Run bookkeeping: an import that died is found and marked ``interrupted`` by the next
import or by ``empathos stats``, which says how to resume it (issue 14, item 7)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, insert, select
from typer.testing import CliRunner

from empathos.cli import app
from empathos.listen import ingest_file
from empathos.listen.runs import mark_interrupted
from empathos.store import schema
from tests.listen.helpers import interaction, write_jsonl


def _dead_pid() -> int:
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(child.stdout)


def _running(engine: Engine, path: str, pid: int, started_at: datetime | None = None) -> int:
    with engine.begin() as conn:
        return int(
            conn.execute(
                insert(schema.ingest_runs).values(
                    path=path,
                    kind="interactions",
                    started_at=started_at or datetime.now(),
                    status="running",
                    records_read=0,
                    records_accepted=5000,
                    records_rejected=0,
                    pid=pid,
                    host=socket.gethostname(),
                )
            ).inserted_primary_key[0]
        )


def _status(engine: Engine, run_id: int) -> str:
    r = schema.ingest_runs
    with engine.connect() as conn:
        return conn.execute(select(r.c.status).where(r.c.run_id == run_id)).scalar_one()


def test_next_import_marks_dead_runs_interrupted_and_leaves_live_ones(
    engine: Engine, tmp_path: Path
) -> None:
    dead = _running(engine, "/data/big.jsonl", _dead_pid())
    alive = _running(engine, "/data/other.jsonl", os.getpid())
    # Our pid, but a run older than this process: the pid was recycled, the run is dead.
    recycled = _running(engine, "/data/old.jsonl", os.getpid(), datetime(2000, 1, 1))
    report = ingest_file(write_jsonl(tmp_path / "any.jsonl", [interaction(1)]), engine)
    assert report.new == 1
    assert [_status(engine, r) for r in (dead, alive, recycled)] == [
        "interrupted",
        "running",
        "interrupted",
    ]
    r = schema.ingest_runs
    with engine.connect() as conn:
        row = conn.execute(select(r).where(r.c.path == str(tmp_path / "any.jsonl"))).one()
    assert (row.status, row.pid, row.host, row.records_accepted) == (
        "ok",
        os.getpid(),
        socket.gethostname(),
        1,
    )


def test_stats_shows_interrupted_runs_until_they_are_resumed(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    path = write_jsonl(tmp_path / "big.jsonl", [interaction(i) for i in range(3)])
    assert runner.invoke(app, ["init", "--db", db]).exit_code == 0
    from empathos.store import make_engine

    engine = make_engine(db)
    run_id = _running(engine, str(path), _dead_pid())
    result = runner.invoke(app, ["stats", "--db", db])
    assert result.exit_code == 0, result.output
    assert f"import {run_id} of {path}" in result.output
    assert f"resume it with: empathos ingest {path}" in result.output
    stats = json.loads(runner.invoke(app, ["stats", "--json", "--db", db]).output)
    assert [(r["run_id"], r["resume"]) for r in stats["interrupted"]] == [
        (run_id, f"empathos ingest {path}")
    ]
    assert _status(engine, run_id) == "interrupted"
    result = runner.invoke(app, ["ingest", str(path), "--db", db, "--no-language"])
    assert result.exit_code == 0, result.output
    assert mark_interrupted(engine) == []
    assert "interrupted" not in runner.invoke(app, ["stats", "--db", db]).output
    engine.dispose()
