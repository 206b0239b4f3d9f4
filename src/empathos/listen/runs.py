"""The bookkeeping of imports: one ``ingest_runs`` row per import, and which ones died.

A run is written ``running`` with its process id and host when it starts, its counts are
updated inside each batch's transaction (so they always match what is stored), and it
ends ``ok`` or ``failed``. A process killed outright (SIGKILL, power loss) cannot end its
run: the next import, or ``empathos stats``, finds runs still ``running`` on this host
whose process is gone and marks them ``interrupted``. Resuming one is re-running the same
import: records already stored count as unchanged, so nothing is stored twice.

Runs started on another host cannot be checked from here and are left as they are.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from empathos.store import schema

#: Seconds of clock skew allowed between a run's ``started_at`` and its process's start.
_START_SLACK = 5.0


@dataclass(frozen=True)
class InterruptedRun:
    """A run that died: what it was importing and how far its batches got."""

    run_id: int
    path: str
    kind: str
    started_at: str
    records_accepted: int

    @property
    def resume(self) -> str:
        return f"empathos ingest {self.path}"


def start_run(engine: Engine, path: Path, kind: str) -> int:
    with engine.begin() as conn:
        result = conn.execute(
            insert(schema.ingest_runs).values(
                path=str(path),
                kind=kind,
                started_at=datetime.now(),
                status="running",
                records_read=0,
                records_accepted=0,
                records_rejected=0,
                pid=os.getpid(),
                host=socket.gethostname(),
            )
        )
        return int(result.inserted_primary_key[0])


def finish_run(engine: Engine, run_id: int, report: Any, status: str) -> None:
    """End a run with ``report``'s counts (an :class:`~empathos.listen.ingest.IngestReport`)."""
    try:
        with engine.begin() as conn:
            conn.execute(
                update(schema.ingest_runs)
                .where(schema.ingest_runs.c.run_id == run_id)
                .values(
                    finished_at=datetime.now(),
                    status=status,
                    records_read=report.records_read,
                    records_accepted=report.records_accepted,
                    records_rejected=report.records_rejected,
                )
            )
    except SQLAlchemyError:  # the database itself failed; the original error matters more
        if status == "ok":
            raise


def process_alive(pid: int, started_at: datetime | None = None) -> bool:
    """Whether process ``pid`` of this host still runs the import started at
    ``started_at``: it exists, and (where ``/proc`` tells) it started no later than the
    run did, so a recycled pid is not mistaken for the import."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, owned by someone else
    if started_at is None:
        return True
    began = _process_start(pid)
    return began is None or began <= started_at.timestamp() + _START_SLACK


def _process_start(pid: int) -> float | None:
    """The Unix time process ``pid`` started, from Linux's ``/proc`` (None elsewhere)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        boot = next(
            float(line.split()[1])
            for line in Path("/proc/stat").read_text().splitlines()
            if line.startswith("btime ")
        )
        ticks = int(stat.rsplit(")", 1)[1].split()[19])
        return boot + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return None


def mark_interrupted(engine: Engine) -> list[InterruptedRun]:
    """Mark this host's ``running`` runs whose process is gone as ``interrupted``, and
    return the interrupted runs not yet resumed (no later run of the same path ended ok)."""
    r = schema.ingest_runs
    host = socket.gethostname()
    with engine.begin() as conn:
        running = conn.execute(
            select(r.c.run_id, r.c.pid, r.c.started_at).where(
                r.c.status == "running", r.c.host == host, r.c.pid.is_not(None)
            )
        ).all()
        dead = [run_id for run_id, pid, started in running if not process_alive(pid, started)]
        if dead:
            conn.execute(
                update(r)
                .where(r.c.run_id.in_(dead), r.c.status == "running")
                .values(status="interrupted")
            )
        rows = conn.execute(
            select(r.c.run_id, r.c.path, r.c.kind, r.c.started_at, r.c.records_accepted)
            .where(r.c.status == "interrupted")
            .order_by(r.c.run_id)
        ).all()
        completed = dict(
            conn.execute(
                select(r.c.path, func.max(r.c.run_id)).where(r.c.status == "ok").group_by(r.c.path)
            ).all()
        )
    return [
        InterruptedRun(run_id, path, kind, started.isoformat(sep=" ", timespec="seconds"), n)
        for run_id, path, kind, started, n in rows
        if completed.get(path, -1) < run_id  # not yet resumed by a later, complete run
    ]
