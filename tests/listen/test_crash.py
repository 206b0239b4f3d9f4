"""A crash in the middle of an import: the process is killed with SIGKILL while it
writes. What is stored must be whole batches only, the dead run must be found
(``interrupted``), and a re-run must complete the file without duplicates."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from empathos.listen.runs import mark_interrupted
from empathos.store import schema
from tests.conftest import sqlite_engine

N, BATCH = 60_000, 1_000


@pytest.mark.slow
def test_killed_import_keeps_whole_batches_and_resumes_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    with path.open("w") as handle:
        for i in range(N):
            turns = [
                {"speaker": "customer", "text": f"problem {i}"},
                {"speaker": "employee", "text": "I see."},
            ]
            handle.write(
                json.dumps({"interaction_id": f"c{i}", "channel": "chat", "turns": turns}) + "\n"
            )
    engine, url = sqlite_engine(tmp_path)
    env = {**os.environ, "EMPATHOS_DATABASE_URL": url, "EMPATHOS_BATCH_SIZE": str(BATCH)}
    cmd = [sys.executable, "-m", "empathos", "ingest", str(path), "--no-language"]
    proc = subprocess.Popen(
        cmd, env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    stored = 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
        try:
            with engine.connect() as conn:
                stored = conn.execute(
                    select(func.count()).select_from(schema.interactions)
                ).scalar_one()
        except Exception:  # noqa: BLE001 - the schema may not exist yet
            continue
        if stored >= 3 * BATCH:
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, "the import finished before it could be killed"
    with engine.connect() as conn:
        n_inter = conn.execute(select(func.count()).select_from(schema.interactions)).scalar_one()
        n_turns = conn.execute(select(func.count()).select_from(schema.turns)).scalar_one()
    assert n_inter % BATCH == 0 and 0 < n_inter < N
    assert n_turns == 2 * n_inter
    # The dead run is found, with the count of what its committed batches stored.
    (dead,) = mark_interrupted(engine)
    assert (dead.path, dead.records_accepted) == (str(path), n_inter)
    done = subprocess.run(cmd, env=env, cwd=tmp_path, check=True, capture_output=True, text=True)
    assert f"{n_inter:,} unchanged" in done.stdout  # resuming re-reads, stores nothing twice
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.interactions)).scalar_one() == N
        assert conn.execute(select(func.count()).select_from(schema.turns)).scalar_one() == 2 * N
    assert mark_interrupted(engine) == []  # resumed
    engine.dispose()
