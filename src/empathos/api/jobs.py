"""Background jobs: heavy requests answer ``202`` at once and run off the event loop.

Why: a pilot simulates weeks of a contact centre (tens of seconds of CPU); inside the
request it held a worker and the client's connection for all of it, and a few at once
starved the server (issue 18). Here it runs in a small bounded pool: ``MAX_RUNNING`` at
a time, at most ``MAX_WAITING`` queued behind them (beyond that: 429 with
``Retry-After``), the last ``KEEP`` finished jobs kept for ``GET /jobs/{job_id}``. A job is
visible to its own tenant only (another tenant's id answers 404). Jobs live in the
server's memory: a restart forgets them, and a client re-submits.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field

from empathos.web.tenancy import tenant_of

router = APIRouter(tags=["jobs"])

MAX_RUNNING = 1
MAX_WAITING = 4
KEEP = 100

Status = Literal["queued", "running", "done", "failed"]


class JobOut(BaseModel):
    """A background job: where it stands and, once done, its result (the same JSON the
    synchronous call answered) or its error."""

    job_id: str
    kind: str = Field(description="what runs, e.g. 'pilot'")
    status: Status
    created_at: str
    started_at: str | None = None
    finished_at: str | None = None
    status_url: str = Field(description="GET it for the status and, once done, the result")
    result: dict[str, Any] | None = None
    error: str | None = Field(default=None, description="why a failed job failed")


@dataclass
class _Job:
    job_id: str
    tenant: str
    kind: str
    status: Status = "queued"
    created_at: str = field(default_factory=lambda: _now())
    started_at: str | None = None
    finished_at: str | None = None
    result: dict[str, Any] | None = None
    error: str | None = None

    def out(self) -> dict[str, Any]:
        return {
            "job_id": self.job_id,
            "kind": self.kind,
            "status": self.status,
            "created_at": self.created_at,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "status_url": f"/jobs/{self.job_id}",
            "result": self.result,
            "error": self.error,
        }


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class JobsFull(Exception):
    """Every slot is taken: the caller retries later."""


class JobRunner:
    """The bounded pool and the table of jobs of one app."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(MAX_RUNNING, thread_name_prefix="empathos-job")
        self._jobs: OrderedDict[str, _Job] = OrderedDict()
        self._lock = threading.Lock()

    def submit(self, tenant: str, kind: str, fn: Callable[[], dict[str, Any]]) -> _Job:
        with self._lock:
            active = sum(j.status in ("queued", "running") for j in self._jobs.values())
            if active >= MAX_RUNNING + MAX_WAITING:
                raise JobsFull
            job = _Job(secrets.token_hex(8), tenant, kind)
            self._jobs[job.job_id] = job
            self._forget_old()
        self._pool.submit(self._run, job, fn)
        return job

    def _run(self, job: _Job, fn: Callable[[], dict[str, Any]]) -> None:
        job.status, job.started_at = "running", _now()
        try:
            job.result = fn()
            job.status = "done"
        except ValueError as exc:  # what the library refuses, said as the 422 said it
            job.error, job.status = str(exc), "failed"
        except Exception as exc:  # noqa: BLE001 - a job fails, the server does not
            job.error, job.status = f"the job failed ({type(exc).__name__})", "failed"
        job.finished_at = _now()

    def _forget_old(self) -> None:
        done = [k for k, j in self._jobs.items() if j.status in ("done", "failed")]
        for k in done[: max(0, len(done) - KEEP)]:
            del self._jobs[k]

    def get(self, tenant: str, job_id: str) -> _Job | None:
        job = self._jobs.get(job_id)
        return job if job is not None and job.tenant == tenant else None

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


_runner_lock = threading.Lock()


def runner(app: Any) -> JobRunner:
    """The app's job runner, built on first use."""
    with _runner_lock:
        found = getattr(app.state, "jobs", None)
        if found is None:
            found = app.state.jobs = JobRunner()
    return found


def submit(request: Request, kind: str, fn: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Queue ``fn`` as a job of the request's tenant; 429 when every slot is taken."""
    try:
        return runner(request.app).submit(tenant_of(request), kind, fn).out()
    except JobsFull:
        raise HTTPException(
            status_code=429,
            detail=f"{MAX_RUNNING + MAX_WAITING} jobs are running or queued; retry later",
            headers={"Retry-After": "30"},
        ) from None


@router.get("/jobs/{job_id}", summary="A background job's status and result", response_model=JobOut)
def get_job(job_id: str, request: Request) -> dict[str, Any]:
    job = runner(request.app).get(tenant_of(request), job_id)
    if job is None:
        raise HTTPException(status_code=404, detail=f"no job {job_id}")
    return job.out()
