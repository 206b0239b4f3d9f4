"""``empathos serve --desk-processes N``: N app processes behind one address, each owning
the live desks of a partition of the tenants (:mod:`empathos.api.partition`).

The supervisor (the process ``empathos serve`` started) binds the TCP socket once and
starts N children (``multiprocessing`` spawn, like uvicorn's ``--workers``) that all
accept on it, so clients see one address. Child ``i`` also listens on ``desk-<i>.sock``
in a private run folder (mode 0700): the hand-off socket of the tenants it owns. Each
child opens its own engine on the store the supervisor migrated, and builds its tenants'
desks on first use (the default tenant's owner builds that one at start, replaying its
journal). Each tenant's write-ahead journal is a folder of its own, so two processes never
share one.

Stop: SIGINT/SIGTERM to the supervisor sends SIGTERM to every child (each closes its desks:
pending writes flushed, writer children joined), waits, then kills what is left and
removes the run folder. A child that dies on its own is logged as an error naming it and
the fact that its tenants answer 503 meanwhile, and is started again (at most once a
second per process); its journal is replayed by the new one.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import signal
import socket
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def bind_tcp(host: str, port: int) -> socket.socket:
    """The one listening socket every desk process accepts on."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host.strip("[]"), port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _child(
    index: int,
    sockets: list[str],
    tcp: socket.socket,
    settings: Any,
    uvicorn_kwargs: dict[str, Any],
    switch_interval_s: float,
    gc_threshold: tuple[int, int, int],
) -> None:
    """One desk process: the app on the shared TCP socket and its own unix socket."""
    import gc
    import sys

    import uvicorn

    from empathos.api import create_app
    from empathos.api.contacts import get_desk
    from empathos.api.partition import Partition, install
    from empathos.store import make_engine
    from empathos.store.tenants import DEFAULT_TENANT

    sys.setswitchinterval(switch_interval_s)
    gc.set_threshold(*gc_threshold)
    path = Path(sockets[index])
    path.unlink(missing_ok=True)
    uds = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    uds.bind(str(path))
    os.chmod(path, 0o600)
    uds.listen(2048)
    engine = make_engine(settings.database_url)  # migrated by the supervisor
    api = create_app(settings, engine=engine)
    partition = Partition(index, [Path(s) for s in sockets])
    install(api, partition)
    if partition.owns(DEFAULT_TENANT):
        get_desk(api)  # its journal is replayed now, not on the first request
    server = uvicorn.Server(uvicorn.Config(api, **uvicorn_kwargs))
    try:
        server.run(sockets=[tcp, uds])
    finally:
        desks = {id(d): d for d in (getattr(api.state, "live_desks", None) or {}).values()}
        for desk in desks.values():
            desk.close(timeout=settings.live_shutdown_timeout_s)
        path.unlink(missing_ok=True)


def run_desk_processes(
    settings: Any,
    host: str,
    port: int,
    processes: int,
    uvicorn_kwargs: dict[str, Any],
    switch_interval_s: float,
    gc_threshold: tuple[int, int, int],
    say: Any = print,
) -> None:
    """Supervise ``processes`` desk processes on ``host:port`` until SIGINT/SIGTERM."""
    ctx = multiprocessing.get_context("spawn")
    tcp = bind_tcp(host, port)
    run_dir = Path(tempfile.mkdtemp(prefix="empathos-desks-"))  # 0700
    sockets = [str(run_dir / f"desk-{i}.sock") for i in range(processes)]
    stop = threading.Event()

    def start(i: int) -> Any:
        p = ctx.Process(
            target=_child,
            args=(i, sockets, tcp, settings, uvicorn_kwargs, switch_interval_s, gc_threshold),
            name=f"empathos-desk-{i}",
        )
        p.start()
        return p

    def on_signal(signum: int, _frame: Any) -> None:
        stop.set()

    old = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    procs = [start(i) for i in range(processes)]
    started = [time.monotonic()] * processes
    say(
        f"{processes} desk processes: " + ", ".join(f"{i}=pid {p.pid}" for i, p in enumerate(procs))
    )
    try:
        while not stop.wait(0.2):
            for i, p in enumerate(procs):
                if p.is_alive() or stop.is_set():
                    continue
                say(
                    f"ERROR: desk process {i} (pid {p.pid}) exited with code {p.exitcode}: "
                    "the live desks of the tenants it owns answer 503 until it is back; "
                    "starting it again"
                )
                log.error("desk process %d (pid %s) exited with %s", i, p.pid, p.exitcode)
                time.sleep(max(0.0, 1.0 - (time.monotonic() - started[i])))
                procs[i], started[i] = start(i), time.monotonic()
    finally:
        for p in procs:
            if p.is_alive():
                p.terminate()  # SIGTERM: uvicorn's shutdown closes the desks
        deadline = time.monotonic() + settings.live_shutdown_timeout_s + 10
        for p in procs:
            p.join(max(0.1, deadline - time.monotonic()))
            if p.is_alive():
                say(f"desk process {p.name} did not stop in time: killed")
                p.kill()
                p.join(5)
        tcp.close()
        shutil.rmtree(run_dir, ignore_errors=True)
        for s, h in old.items():
            signal.signal(s, h)
