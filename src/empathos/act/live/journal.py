"""The live desk's write-ahead journal: nothing the desk acknowledged is lost.

Why: the desk answers before its write-behind reaches the database (routing must not wait
on the store, and keeps deciding through an outage), so without a journal a crash during
an outage loses every pending row (measured before this: 30 of 30 acknowledged contacts
lost to a SIGKILL with the database down). :class:`JournaledWriter` appends every row to
an append-only file *before* handing it to the writer, and the API answers after that —
so once a client has its 2xx the row is in the kernel's hands. On the next start the
journal is replayed into the writer, which skips rows already stored
(:meth:`ThreadWriter.put` with ``replayed=True``), so a replay never duplicates.

What "durable" means here, chosen and measured (docs/operations.md):

* ``write(2)`` before the answer: the row survives the death of the server process
  (SIGKILL, OOM killer, a crash) — the file's pages belong to the kernel.
* ``fsync`` every ``FSYNC_S`` by a background thread, not per request: an fsync costs a
  disk flush per contact on the request path; a power loss or kernel crash can lose at
  most the last ``FSYNC_S`` of acknowledged rows.

Segments: records go to ``NNNNNNNN.wal`` files (length-prefixed pickles of
``(table, row)``: rows hold datetimes and the deferred explanation, which the process
writer pickles anyway). A segment is deleted once the writer has stored (or rejected as a
bad row) every record in it; while rows are being dropped for a full queue nothing is
deleted, so those rows come back at the next start. One desk per journal folder: an
exclusive lock on ``lock`` refuses a second one.
"""

from __future__ import annotations

import fcntl
import logging
import os
import pickle
import struct
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

FSYNC_S = 0.2
SEGMENT_RECORDS = 50_000
_LEN = struct.Struct("<I")


def read_segment(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """The records of one segment; a torn last record (power loss mid-write) is skipped."""
    data = path.read_bytes()
    at = 0
    while at + _LEN.size <= len(data):
        (n,) = _LEN.unpack_from(data, at)
        start = at + _LEN.size
        if start + n > len(data):
            log.warning("live journal: %s ends in a torn record (%d bytes skipped)", path, n)
            return
        yield pickle.loads(data[start : start + n])  # noqa: S301 - our own file
        at = start + n


class JournaledWriter:
    """A writer (:class:`~empathos.act.live.writer.ThreadWriter` or ``ProcessWriter``)
    behind a write-ahead journal in ``folder``; same contract (``put``, ``flush``, …)."""

    def __init__(self, inner: Any, folder: Path) -> None:
        from empathos.act.live.writer import TABLES

        self.inner, self.folder = inner, Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._lockf = open(self.folder / "lock", "a+b")  # noqa: SIM115 - held for the desk's life
        try:
            fcntl.flock(self._lockf, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lockf.close()
            raise RuntimeError(f"live journal {self.folder} is in use by another desk") from None
        self._lock = threading.Lock()
        self._prune_lock = threading.Lock()
        self._segments: list[tuple[Path, int]] = []  # closed segments: (file, last seq)
        self.seq = 0
        self.replayed = 0
        old = sorted(self.folder.glob("*.wal"))
        for path in old:
            for name, row in read_segment(path):
                self.seq += 1
                inner.put(TABLES[name], row, replayed=True)
            self._segments.append((path, self.seq))
        self.replayed = self.seq
        if self.replayed:
            log.warning("live journal: replaying %d rows from %s", self.replayed, self.folder)
        self._index = int(old[-1].stem) + 1 if old else 1
        self._open_segment()
        self._dirty = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="live-journal", daemon=True)
        self._thread.start()

    def _open_segment(self) -> None:
        self._path = self.folder / f"{self._index:08d}.wal"
        self._fd = os.open(self._path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        self._first = self.seq + 1
        self._index += 1

    def put(self, table: Any, row: dict[str, Any], replayed: bool = False) -> None:
        data = pickle.dumps((table.name, row), protocol=pickle.HIGHEST_PROTOCOL)
        with self._lock:  # journal order = writer order: completion counts map to seqs
            os.write(self._fd, _LEN.pack(len(data)) + data)
            self.seq += 1
            self._dirty = True
            self.inner.put(table, row, replayed)

    def put_many(self, rows: list[tuple[Any, dict[str, Any]]]) -> None:
        """The rows of one desk call: each its own record (the file format is unchanged),
        all in *one* ``write(2)``, then handed to the writer in one call. Same guarantee
        as one :meth:`put` each — every row is in the kernel's hands before the desk
        answers — for one syscall (each releases and re-takes the GIL, and a loaded
        event loop waits up to a switch interval to get it back) instead of three."""
        parts = []
        for table, row in rows:
            data = pickle.dumps((table.name, row), protocol=pickle.HIGHEST_PROTOCOL)
            parts += (_LEN.pack(len(data)), data)
        with self._lock:
            os.write(self._fd, b"".join(parts))
            self.seq += len(rows)
            self._dirty = True
            self.inner.put_many(rows)

    def _done(self) -> int:
        if self.inner.dropped:  # dropped rows must come back from the journal: keep it all
            return 0
        return int(self.inner.written + self.inner.rejected)

    def prune(self) -> None:
        """fsync the open segment; delete segments whose rows are all stored; start a new
        segment when the open one is fully stored (or large).

        The fsync and the deletions run outside the lock that :meth:`put` takes (only the
        swap of the open segment needs it): a slow disk must not stall the request path
        (under wrk, a put waiting on this lock was a tenth of the event loop's samples)."""
        with self._prune_lock:  # one prune at a time: only a prune closes the open fd
            with self._lock:
                fd, dirty, self._dirty = self._fd, self._dirty, False
            if dirty:  # covers every write before it; a later put sets _dirty again
                os.fsync(fd)
            done = self._done()
            stale: list[Path] = []
            while self._segments and self._segments[0][1] <= done:
                stale.append(self._segments.pop(0)[0])
            with self._lock:
                written = self.seq - self._first + 1
                if written > 0 and (self.seq <= done or written >= SEGMENT_RECORDS):
                    if self._dirty:  # written since the fsync above (rare: a rotation)
                        os.fsync(self._fd)
                        self._dirty = False
                    os.close(self._fd)
                    if self.seq <= done and not self._segments:
                        stale.append(self._path)
                    else:
                        self._segments.append((self._path, self.seq))
                    self._open_segment()
            for path in stale:
                path.unlink(missing_ok=True)

    def _run(self) -> None:
        while not self._stop.wait(FSYNC_S):
            try:
                self.prune()
            except OSError as exc:
                log.warning("live journal: %s", exc)

    @property
    def pending_in_journal(self) -> int:
        return max(0, self.seq - self._done())

    def flush(self, timeout: float = 10.0) -> bool:
        ok = self.inner.flush(timeout)
        self.prune()
        return ok

    def settle(self, timeout: float = 30.0) -> bool:
        ok = self.inner.settle(timeout)
        self.prune()
        return ok

    def close(self, timeout: float = 2.0) -> None:
        """Close the writer, then the journal: rows the writer could not store stay in it."""
        self.inner.close(timeout)
        self._stop.set()
        self._thread.join(2.0)
        self.prune()
        os.close(self._fd)
        if self._path.exists() and self._path.stat().st_size == 0:
            self._path.unlink()
        fcntl.flock(self._lockf, fcntl.LOCK_UN)
        self._lockf.close()

    def __getattr__(self, name: str) -> Any:  # written, rejected, dropped, pending, …
        return getattr(self.inner, name)
