"""No ingest worker outlives its parent: SIGKILL the process running a pooled import and
every worker of its pool is gone shortly after (issue 14, item 7)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

# The parent of a pool whose workers are stuck in a record (the hang: a worker
# busy forever). An idle worker ends by itself when its task pipe closes; a busy one only
# dies with its parent if the worker set that up. The stuck converter stands in for any
# record that never finishes.
SCRIPT = """
import time
from empathos.listen.convert import ConverterSpec, convert_all

class Stuck(ConverterSpec):
    def build(self):
        return lambda record: time.sleep(3600)

chunks = ([(n, {"interaction_id": str(n)}, "")] for n in range(10))
for _ in convert_all(Stuck("interactions", detect_language=False), chunks, 2):
    pass
"""


def _children(pid: int) -> list[int]:
    """Living (not zombie) processes whose parent is ``pid``, from Linux's /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if int(ppid) == pid and state != "Z":
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_pool_workers_die_with_their_killed_parent(tmp_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT], cwd=tmp_path)
    workers: list[int] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None and len(workers) < 2:
        time.sleep(0.05)
        workers = _children(proc.pid)
    assert len(workers) == 2, "the pool did not start"
    time.sleep(0.5)  # let both take their chunk and get stuck in it
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    deadline = time.monotonic() + 10  # a bound on waiting, not a timing assertion
    while time.monotonic() < deadline and any(_alive(w) for w in workers):
        time.sleep(0.05)
    left = [w for w in workers if _alive(w)]
    for w in left:  # do not leave them behind if the test fails
        os.kill(w, signal.SIGKILL)
    assert not left, f"workers {left} outlived their killed parent"
