"""Write-behind: everything the desk writes goes through a queue flushed in batches.

:class:`ThreadWriter` flushes from a daemon thread; :class:`ProcessWriter` runs a
``ThreadWriter`` in a child process, off this process's GIL. Contacts are written with the
store's one upsert (:func:`empathos.store.repository.upsert`: a contact's row is its
current state, so a newer row replaces it, keeping when and for whom it was opened); turns,
decisions and lead changes are plain inserts (rows never updated)."""

from __future__ import annotations

import logging
import queue
import threading
import time
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import DataError, IntegrityError

from empathos.act.live.config import LiveConfig
from empathos.act.live.decisions import DECISION_COLUMNS, materialise
from empathos.store.repository import upsert
from empathos.store.tables_learn import experiment_assignments
from empathos.store.tables_live import lead_changes, live_contacts, live_turns, routing_decisions

log = logging.getLogger(__name__)


def _bad_row_errors(engine: Engine) -> tuple[type[BaseException], ...]:
    """The errors that mean "a bad row", not "the store is down": SQLAlchemy's, and the
    driver's own, which the store's PostgreSQL COPY path raises without wrapping."""
    dbapi = engine.dialect.dbapi
    extra = tuple(
        e for e in (getattr(dbapi, "IntegrityError", None), getattr(dbapi, "DataError", None)) if e
    )
    return (IntegrityError, DataError, *extra)


class ThreadWriter:
    """Write-behind: rows queue in memory and a daemon thread inserts them in batches.

    A failed batch is retried (after a pause) until it succeeds; while the database is
    down the queue grows up to ``max_pending`` rows, then the oldest are dropped and
    counted, so the desk never blocks on the store."""

    def __init__(self, engine: Engine, config: LiveConfig) -> None:
        self.engine, self.config = engine, config
        self._bad_row = _bad_row_errors(engine)
        self._q: queue.Queue = queue.Queue()
        self._pending: list[tuple[Any, dict[str, Any]]] = []
        self.dropped = self.written = self.rejected = 0
        self.last_error: str | None = None
        self._idle = threading.Event()
        self._idle.set()
        self._stop = threading.Event()
        self.flywheel: Any = None
        if config.flywheel is not None:
            from empathos.act.live.flywheel import Flywheel

            self.flywheel = Flywheel(engine, *config.flywheel)
        self._thread = threading.Thread(target=self._run, name="live-writer", daemon=True)
        self._thread.start()

    def put(self, table: Any, row: dict[str, Any], replayed: bool = False) -> None:
        """Queue a row; ``replayed`` (from the journal): it may be stored already, so it is
        written only if its key is not (a replay never duplicates)."""
        self._idle.clear()
        self._q.put((table, row, replayed))

    def put_many(self, rows: list[tuple[Any, dict[str, Any]]]) -> None:
        """Queue the rows of one desk call (a decision's contact, turn and decision), in
        order; the same as one :meth:`put` each."""
        self._idle.clear()
        for table, row in rows:
            self._q.put((table, row, False))

    def _drain(self) -> None:
        while len(self._pending) < self.config.write_batch:
            try:
                self._pending.append(self._q.get_nowait())
            except queue.Empty:
                break
        over = len(self._pending) + self._q.qsize() - self.config.write_queue_max
        if over > 0:
            del self._pending[:over]
            self.dropped += over

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._pending.append(self._q.get(timeout=self.config.write_interval_s))
            except queue.Empty:
                if not self._pending:
                    self._idle.set()
                    continue
            self._drain()
            try:
                self._write(self._pending)
                self.written += len(self._pending)
                self._pending = []
                self.last_error = None
                if self._q.empty():
                    self._idle.set()
            except self._bad_row as exc:  # a bad row: write the others, drop it
                self.last_error = f"{type(exc).__name__}: {str(exc)[:200]}"
                self._write_one_by_one()
            except Exception as exc:  # noqa: BLE001 - the store is down: keep the rows, retry later
                self.last_error = f"{type(exc).__name__}: {str(exc)[:200]}"
                log.warning(
                    "live writer: %s (%d rows pending)", self.last_error, len(self._pending)
                )
                self._stop.wait(min(2.0, self.config.breaker_cooldown_s))

    def _write_one_by_one(self) -> None:
        """After a constraint error: each row alone, so one bad row (e.g. a client reusing a
        contact id from before a restart) cannot block every later write. Rejected rows
        are counted and logged, never retried."""
        for item in self._pending:
            try:
                self._write([item])
                self.written += 1
            except self._bad_row as exc:
                self.rejected += 1
                log.warning("live writer: rejected a %s row: %s", item[0].name, str(exc)[:200])
        self._pending = []
        if self._q.empty():
            self._idle.set()

    def _write(self, rows: list[tuple[Any, dict[str, Any], bool]]) -> None:
        contacts: dict[str, dict[str, Any]] = {}
        inserts: dict[Any, list[dict[str, Any]]] = {}
        if any(again and t is not live_contacts for t, _, again in rows):
            rows = _unstored(self.engine, rows)
        for table, row, _ in rows:
            if table is live_contacts:
                contacts[row["contact_id"]] = row  # the latest state of each contact wins
            elif table is routing_decisions:
                materialise(row)
                inserts.setdefault(table, []).append({k: row[k] for k in DECISION_COLUMNS})
            else:
                inserts.setdefault(table, []).append(row)
        with self.engine.begin() as conn:
            if contacts:
                upsert(conn, live_contacts.name, list(contacts.values()))
            for table in (live_turns, routing_decisions, lead_changes, experiment_assignments):
                if table in inserts:
                    conn.execute(table.insert(), inserts[table])
        closed = [cid for cid, row in contacts.items() if row.get("status") == "closed"]
        if closed and self.flywheel is not None:  # committed: the flywheel may read them
            self.flywheel.notify(closed)

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything queued so far is written (``False`` on timeout)."""
        return self._idle.wait(timeout)

    def settle(self, timeout: float = 30.0) -> bool:
        """Wait until everything is written, and closed contacts imported and analyzed."""
        if not self.flush(timeout):
            return False
        return self.flywheel is None or self.flywheel.settle(timeout)

    @property
    def imported(self) -> int:
        return 0 if self.flywheel is None else self.flywheel.imported

    @property
    def pending(self) -> int:
        return len(self._pending) + self._q.qsize()

    def close(self, timeout: float = 2.0) -> None:
        self.flush(timeout)
        self._stop.set()
        self._thread.join(2.0)
        if self.flywheel is not None:
            self.flywheel.close(timeout)


#: The natural key of each insert-only table's rows (what a replayed row is matched on).
KEYS = {
    live_turns: ("contact_id", "seq"),
    routing_decisions: ("contact_id", "seq", "kind"),
    lead_changes: ("contact_id", "seq"),
    experiment_assignments: ("experiment", "interaction_id"),
}


def _unstored(
    engine: Engine, rows: list[tuple[Any, dict[str, Any], bool]]
) -> list[tuple[Any, dict[str, Any], bool]]:
    """``rows`` less the replayed ones whose key is already stored (contacts are upserts:
    kept). One query per table over the replayed rows' contacts."""
    from sqlalchemy import select

    stored: dict[Any, set[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for table, key in KEYS.items():
            mine = [r for t, r, again in rows if again and t is table]
            if not mine:
                continue
            cols = [table.c[k] for k in key]
            owner = cols[0] if table is not experiment_assignments else cols[1]
            owners = sorted({r[owner.name] for r in mine})
            found = conn.execute(select(*cols).where(owner.in_(owners)))
            stored[table] = {tuple(x) for x in found}
    out = []
    for table, row, again in rows:
        if again and table in stored and tuple(row[k] for k in KEYS[table]) in stored[table]:
            continue
        out.append((table, row, again))
    return out


TABLES = {
    t.name: t
    for t in (live_contacts, live_turns, routing_decisions, lead_changes, experiment_assignments)
}


def _watch_parent(parent: int, deathsig: bool, interval_s: float = 0.5) -> None:
    """Exit this child when ``parent`` (the pid that spawned it, passed in: a child still
    importing when its parent died would read ``getppid()`` as the adopter's) is gone.

    Two ways, both needed: ``prctl(PR_SET_PDEATHSIG)`` (Linux; only when spawned from the
    parent's main thread, since the signal fires when the spawning *thread* ends) and a
    thread polling ``getppid()``. What the child still held unwritten is in the desk's
    journal when it has one (replayed on the next start)."""
    import os
    import sys

    if deathsig and sys.platform.startswith("linux"):
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # PDEATHSIG
    if os.getppid() != parent:  # died while this child was starting
        os._exit(3)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval_s)
        os._exit(3)

    threading.Thread(target=watch, name="live-writer-parent-watch", daemon=True).start()


def writer_process(
    url: str,
    config: LiveConfig,
    source: Any,
    stats: Any,
    error: Any,
    parent: int,
    deathsig: bool = False,
) -> None:
    """The child process of :class:`ProcessWriter`: a :class:`ThreadWriter` on its own engine,
    fed from the inter-process queue; ``stats`` = [written, rejected, dropped, imported,
    flywheel busy]. It exits when its parent is gone (:func:`_watch_parent`), so even a
    SIGKILLed server leaves no orphan writer."""
    from empathos.store import make_engine

    _watch_parent(parent, deathsig)
    writer = ThreadWriter(make_engine(url), config)

    def report() -> None:
        stats[0], stats[1], stats[2] = writer.written, writer.rejected, writer.dropped
        fw = writer.flywheel
        stats[3] = writer.imported
        stats[4] = int(fw is not None and not fw.settle(0))
        msg = (writer.last_error or "").encode("utf-8", "replace")[:255]
        error.value = msg

    def reporter() -> None:
        while True:
            report()
            time.sleep(0.02)

    threading.Thread(target=reporter, name="live-writer-report", daemon=True).start()
    while True:
        item = source.get()
        if item is None:
            break
        if isinstance(item, list):  # ProcessWriter.put_many: one desk call's rows
            for name, row in item:
                writer.put(TABLES[name], row)
            continue
        writer.put(TABLES[item[0]], item[1], item[2])
    writer.close(timeout=30.0)
    report()


class ProcessWriter:
    """The write-behind in a child process (``spawn``): inserting rows, encoding JSON and
    building every member's explanation leave this process and its GIL, which the event
    loop needs (py-spy: the writer thread took a quarter to two fifths of the server's
    samples). Same contract as :class:`ThreadWriter`: ``put``, ``flush``, ``pending``, ``close``."""

    def __init__(self, url: str, config: LiveConfig) -> None:
        import itertools
        import multiprocessing as mp
        import os

        ctx = mp.get_context("spawn")
        self._q = ctx.Queue()
        self._stats = ctx.Array("q", 5, lock=False)
        self._error = ctx.Array("c", 256, lock=False)
        self._count = itertools.count(1)
        self._put = 0
        self._proc = ctx.Process(
            target=writer_process,
            args=(
                url,
                config,
                self._q,
                self._stats,
                self._error,
                os.getpid(),
                threading.current_thread() is threading.main_thread(),
            ),
            name="live-writer",
            daemon=True,
        )
        self._proc.start()

    def put(self, table: Any, row: dict[str, Any], replayed: bool = False) -> None:
        self._put = next(self._count)
        self._q.put((table.name, row, replayed))

    def put_many(self, rows: list[tuple[Any, dict[str, Any]]]) -> None:
        """One desk call's rows as *one* queue item: one wake-up of the queue's feeder
        thread and one pickle instead of one per row (py-spy under wrk: the feeder's
        per-row wake-ups were a fifth of the server's samples, and each one competes with
        the event loop for the GIL)."""
        for _ in rows:
            self._put = next(self._count)
        self._q.put([(table.name, row) for table, row in rows])

    @property
    def written(self) -> int:
        return int(self._stats[0])

    @property
    def rejected(self) -> int:
        return int(self._stats[1])

    @property
    def dropped(self) -> int:
        return int(self._stats[2])

    @property
    def last_error(self) -> str | None:
        return self._error.value.decode("utf-8", "replace") or None

    @property
    def pending(self) -> int:
        return max(0, self._put - self.written - self.rejected - self.dropped)

    def flush(self, timeout: float = 10.0) -> bool:
        end = time.monotonic() + timeout
        while self.pending > 0:
            if time.monotonic() > end or not self._proc.is_alive():
                return False
            time.sleep(0.005)
        return True

    @property
    def imported(self) -> int:
        return int(self._stats[3])

    def settle(self, timeout: float = 30.0) -> bool:
        """Wait until everything is written, and closed contacts imported and analyzed."""
        end = time.monotonic() + timeout
        if not self.flush(timeout):
            return False
        time.sleep(0.1)  # the child reports every 20 ms
        while self._stats[4]:
            if time.monotonic() > end or not self._proc.is_alive():
                return False
            time.sleep(0.02)
        return True

    def close(self, timeout: float = 2.0) -> None:
        """Flush, stop the child and join it (terminated, then killed, if it hangs), and
        release the queue's feeder thread: nothing of the writer outlives this call."""
        self.flush(timeout)
        self._q.put(None)
        self._proc.join(timeout + 5.0)
        if self._proc.is_alive():
            self._proc.terminate()
            self._proc.join(2.0)
        if self._proc.is_alive():
            self._proc.kill()
            self._proc.join(2.0)
        self._q.close()
        self._q.join_thread()
