"""Long commands show progress off a terminal, and Ctrl-C says how far they got.

Run as a user's shell would: the real ``empathos`` in a subprocess with stdout and stderr
piped (so not a terminal), on a small simulated company stored in SQLite. The lines are
checked for the count, the rate and the ETA; an ``analyze`` interrupted with SIGINT must
end with status 130, the message, no traceback, and the annotations it reported kept.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from empathos.cli._progress import LogProgress, interrupted_message
from empathos.store import make_engine, schema


def _default_sigint() -> None:
    """In the child, before exec: Ctrl-C as a user's terminal delivers it. An ignored or
    blocked SIGINT is inherited across exec, and something in the test process (under the
    full suite) left it so once: the child then ran to the end."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def empathos(*args: str, interval: float = 0.05, **kw: object) -> subprocess.Popen[str]:
    env = {**os.environ, "EMPATHOS_PROGRESS_INTERVAL": str(interval), "COLUMNS": "200"}
    kw.setdefault("preexec_fn", _default_sigint)
    return subprocess.Popen(
        [sys.executable, "-m", "empathos", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        **kw,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="module")
def sim_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A small simulated company stored through `empathos simulate --store` (piped)."""
    tmp = tmp_path_factory.mktemp("sim")
    db = tmp / "sim.db"
    proc = empathos(
        "simulate",
        "--preset",
        "small",
        "--days",
        "20",
        "--out",
        str(tmp / "files"),
        "--store",
        "--db",
        f"sqlite:///{db}",
        interval=0.001,
    )
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    return db, err


def test_ingest_logs_bytes_rate_and_eta_when_piped(
    sim_store: tuple[Path, str], tmp_path: Path
) -> None:
    files = sim_store[0].parent / "files"
    proc = empathos(
        "ingest",
        str(files / "interactions.jsonl"),
        "--batch-size",
        "20",
        "--no-language",
        "--db",
        f"sqlite:///{tmp_path / 'i.db'}",
        interval=0.001,
    )
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert re.search(r"interactions\.jsonl: started \([\d.]+ [kM]B\)", err), err
    assert re.search(
        r"interactions\.jsonl: [\d.]+ [kM]?B of [\d.]+ [kM]B \(\d+%\), [\d.]+ [kM]?B/s, ETA \S+",
        err,
    ), err
    assert "accepted" in out


def test_simulate_logs_days_with_rate_and_eta_when_piped(sim_store: tuple[Path, str]) -> None:
    _, err = sim_store
    assert "simulating: started (20 days)" in err
    assert re.search(r"simulating: \d+ of 20 days \(\d+%\), [\d,.]+ days/s, ETA \S+", err), err
    assert re.search(r"store interactions\.jsonl: done, [\d.]+ [kM]?B in \d+s", err), err
    assert "Traceback" not in err


def test_analyze_logs_count_rate_and_eta_when_piped(
    sim_store: tuple[Path, str], tmp_path: Path
) -> None:
    db = tmp_path / "a.db"
    shutil.copy(sim_store[0], db)
    proc = empathos(
        "analyze",
        "--model",
        "lexicon",
        "--empathy-model",
        "lexicon",
        "--batch-size",
        "32",
        "--db",
        f"sqlite:///{db}",
        interval=0.001,
    )
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    m = re.search(r"annotate \(lexicon .*\): started \(([\d,]+) turns\)", err)
    assert m, err
    total = m.group(1)
    lines = re.findall(
        rf"annotate \(lexicon [^)]*\): ([\d,]+) of {total} turns \(\d+%\), "
        r"[\d,.]+ turns/s, ETA (\S+)",
        err,
    )
    assert lines, err
    assert all(eta == "unknown" or re.fullmatch(r"(\d+h)?(\d+m)?\d+s", eta) for _, eta in lines)
    assert re.search(rf"annotate \(lexicon [^)]*\): done, {total} turns in", err), err
    assert "interactions scored" in out  # the result is still on stdout, the lines on stderr
    assert "turns/s, ETA" not in out


def test_ctrl_c_during_analyze_says_how_far_and_exits_130(
    sim_store: tuple[Path, str], tmp_path: Path
) -> None:
    """SIGINT once the first progress line shows the run is annotating (the default
    models at batch size 8 take seconds on this store, so the signal lands mid-run)."""
    db = tmp_path / "c.db"
    shutil.copy(sim_store[0], db)
    proc = empathos("analyze", "--batch-size", "8", "--db", f"sqlite:///{db}", interval=0.05)
    assert proc.stderr is not None
    seen = []
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        seen.append(line)
        if re.search(r"annotate .*: [\d,]+ of [\d,]+ turns", line):
            proc.send_signal(signal.SIGINT)
            break
    else:
        proc.kill()
    out, rest = proc.communicate(timeout=60)
    err = "".join(seen) + rest
    assert proc.returncode == 130, err
    m = re.search(
        r"interrupted after ([\d,]+) of ([\d,]+) turns \(annotate .*\); "
        r"re-run to continue; the work done is stored",
        err,
    )
    assert m, err
    assert "Traceback" not in err
    done = int(m.group(1).replace(",", ""))
    engine = make_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        stored = sum(
            conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (schema.turn_emotions, schema.turn_empathy)
        )
    engine.dispose()
    assert 0 < done < int(m.group(2).replace(",", ""))
    assert stored >= done  # every batch it counted was committed


def test_log_progress_lines_follow_the_clock() -> None:
    """The interval, rate and ETA arithmetic on a fake clock (no waiting)."""
    import io

    now = [0.0]
    out = io.StringIO()
    bar = LogProgress(out, interval=5.0, clock=lambda: now[0])
    t = bar.add_task("annotate", total=1000, unit="turns")
    now[0] = 2.0
    bar.advance(t, 100)  # within the interval: no line
    now[0] = 5.0
    bar.advance(t, 150)  # 250 in 5 s = 50/s, 750 left = 15 s
    now[0] = 20.0
    bar.update(t, completed=1000)
    assert out.getvalue().splitlines() == [
        "annotate: started (1,000 turns)",
        "annotate: 250 of 1,000 turns (25%), 50.0 turns/s, ETA 15s",
        "annotate: done, 1,000 turns in 20s",
    ]
    bar.add_task("journeys", total=None, unit="customers")
    assert interrupted_message(bar.tasks, "re-run") == (
        "interrupted after 0 customers (journeys); re-run"
    )
