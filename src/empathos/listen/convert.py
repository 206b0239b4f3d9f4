"""Turning raw records into store rows, chunk by chunk, in this process or in workers.

Parsing, validation and language detection are CPU-bound and independent per record, so
large files spread them over a process pool while the main process only reads and
writes; order is kept, so batches, reject lines and idempotency are the same either way.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import sys
from collections import deque
from contextlib import contextmanager
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from empathos.listen import formats
from empathos.listen.errors import IngestError, RecordError
from empathos.listen.language import annotate_turns
from empathos.listen.mapping import ColumnMapping
from empathos.listen.parse import DEFAULT_LIMITS, Limits, using_limits
from empathos.listen.readers import RAW_KEEP, parse_jsonl_line
from empathos.listen.records import LINE, Rows

#: Seconds between checks that every worker is still alive while waiting for a chunk.
WORKER_POLL_S = 2.0

# An item is (line number, payload, raw text): payload is JSONL bytes still to parse, a
# parsed dict (CSV), or a RecordError the reader already found.
Item = tuple[int, Any, str]


@dataclass(frozen=True)
class ConverterSpec:
    """Everything needed to rebuild a record converter in another process (picklable):
    the format's kind (a worker finds the format in the registry), a column mapping if
    one renames the records, and what the format's prepare step returned, if it has one."""

    kind: str
    mapping: ColumnMapping | None = None
    prepared: Any = None
    detect_language: bool = True
    limits: Limits = DEFAULT_LIMITS

    def build(self) -> Callable[[Mapping[str, Any]], Rows]:
        if self.mapping is not None:
            return self.mapping.converter()
        return formats.get(self.kind).converter(self.prepared)


@dataclass
class Converted:
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    accepted: int = 0
    read: int = 0
    rejects: list[tuple[int, str, str, str]] = field(
        default_factory=list
    )  # line, field, error, raw
    first_line: int = 0
    last_line: int = 0
    unsure_turns: list[int] = field(default_factory=list)
    """Positions in ``rows["turns"]`` whose language is still a guess: nothing in this
    chunk to borrow from (the importer then asks the store for the customer's)."""


def convert_chunk(
    convert: Callable[[Mapping[str, Any]], Rows],
    items: Iterable[Item],
    detect: bool,
    limits: Limits = DEFAULT_LIMITS,
) -> Converted:
    """Convert a chunk; every record that fails, however, becomes a reject (line, field,
    reason, its raw text as a plain truncated string), so the result is always plain,
    picklable data and a bad record never stops the chunk. Only KeyboardInterrupt and
    SystemExit (not ``Exception``) pass through."""
    out = Converted()
    with using_limits(limits):
        for line_no, payload, raw in items:
            out.read += 1
            source = payload if isinstance(payload, bytes) else None
            try:
                if source is not None:
                    line_no, payload, raw = parse_jsonl_line(line_no, source, limits)
                if isinstance(payload, RecordError):
                    raise payload
                payload[LINE] = line_no
                rows = convert(payload)
            except RecordError as exc:
                out.rejects.append((line_no, exc.field, exc.message, raw or _raw_of(source)))
                continue
            except Exception as exc:  # the safety net: a bug or an unforeseen input
                message = f"could not be converted ({type(exc).__name__}: {str(exc)[:200]})"
                out.rejects.append((line_no, "(record)", message, raw or _raw_of(source)))
                continue
            out.first_line = out.first_line or line_no
            out.last_line = line_no
            out.accepted += 1
            for table, table_rows in rows.items():
                out.rows.setdefault(table, []).extend(table_rows)
    turns = out.rows.get("turns")
    if turns and detect:
        still = {
            id(t)
            for t in annotate_turns(
                turns, out.rows.get("interactions", ()), out.rows.get("customers", ())
            )
        }
        out.unsure_turns = [i for i, t in enumerate(turns) if id(t) in still]
    return out


def _raw_of(source: bytes | None) -> str:
    """The raw text kept in a reject: the line's first bytes, never the parsed record
    re-serialised (which may be nested too deep for any serialiser)."""
    if source is None:
        return ""
    return source[:RAW_KEEP].decode("utf-8", errors="replace").rstrip("\r\n")


_worker_convert: Callable[[Mapping[str, Any]], Rows] | None = None
_worker_detect = True
_worker_limits = DEFAULT_LIMITS


#: GC thresholds while importing. An import allocates millions of short-lived tuples and
#: dicts; with CPython's defaults (700, 10, 10) the collector runs every 700 allocations and
#: keeps rescanning the batch in flight. Measured here (60k turns, serial, with language):
#: 17,980 -> 21,789 turns/s. Cycles are still collected, just less often.
IMPORT_GC_THRESHOLDS = (100_000, 50, 1000)


@contextmanager
def relaxed_gc() -> Iterator[None]:
    """Raise the GC thresholds for the duration of an import, then restore them."""
    before = gc.get_threshold()
    gc.set_threshold(*IMPORT_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _die_with_parent() -> None:
    """A worker must not outlive the import that started it: if the parent is killed
    (SIGKILL), nothing would ever end the pool. On Linux the kernel sends the worker
    SIGKILL when its parent dies (``prctl(PR_SET_PDEATHSIG)``); elsewhere a daemon thread
    notices the parent is gone. Either way the parent may have died already: checked."""
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        PR_SET_PDEATHSIG = 1
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    else:
        import threading
        import time

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(1.0)
            os._exit(1)

        threading.Thread(target=watch, daemon=True, name="empathos-parent-watch").start()
    if os.getppid() != parent:  # died between the fork and the prctl
        os._exit(1)


def _init_worker(spec: ConverterSpec) -> None:
    global _worker_convert, _worker_detect, _worker_limits
    _die_with_parent()
    gc.set_threshold(*IMPORT_GC_THRESHOLDS)  # the worker lives only for this import
    _worker_convert, _worker_detect = spec.build(), spec.detect_language
    _worker_limits = spec.limits


def _work(items: list[Item]) -> Converted:
    assert _worker_convert is not None
    return convert_chunk(_worker_convert, items, _worker_detect, _worker_limits)


def chunked(items: Iterator[Item], size: int) -> Iterator[list[Item]]:
    chunk: list[Item] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def auto_workers(file_size: int) -> int:
    """Workers are worth their start-up (~0.2 s each) on files of a few MB and up."""
    if file_size < 4 * 2**20:
        return 0
    return min(os.cpu_count() or 1, 8)


def convert_all(
    spec: ConverterSpec, chunks: Iterator[list[Item]], workers: int
) -> Iterator[Converted]:
    """Converted chunks in input order, from ``workers`` processes (0: in this process)."""
    if workers <= 0:
        convert = spec.build()
        for chunk in chunks:
            yield convert_chunk(convert, chunk, spec.detect_language, spec.limits)
        return
    method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
    with mp.get_context(method).Pool(workers, initializer=_init_worker, initargs=(spec,)) as pool:
        # At most two chunks per worker in flight: Pool.imap would read the whole file
        # ahead into its task queue, and memory must stay flat on a 5 GB file.
        pending: deque = deque()
        workers_at_start = _worker_pids(pool)
        for chunk in chunks:
            pending.append(pool.apply_async(_work, (chunk,)))
            if len(pending) >= 2 * workers:
                yield _wait(pending.popleft(), pool, workers_at_start)
        while pending:
            yield _wait(pending.popleft(), pool, workers_at_start)


def _worker_pids(pool: Any) -> frozenset[int]:
    # Pool keeps its processes in ``_pool`` (no public accessor); it replaces a worker
    # that dies, and the chunk that worker held is never answered.
    return frozenset(p.pid for p in getattr(pool, "_pool", ()))


def _wait(result: Any, pool: Any, workers_at_start: frozenset[int]) -> Converted:
    """A chunk's result, waiting in bounded steps: if a worker process died meanwhile
    (killed, out of memory, a crash in C code), its chunk will never come back, so the
    import fails with a clear error instead of waiting forever."""
    while True:
        try:
            return result.get(timeout=WORKER_POLL_S)
        except mp.TimeoutError:
            if _worker_pids(pool) != workers_at_start or any(
                p.exitcode is not None for p in getattr(pool, "_pool", ())
            ):
                raise IngestError(
                    "an ingest worker process died (killed, or out of memory?); records "
                    "it held were not converted. Everything before the batch in flight "
                    "is stored: re-run the import (it skips what is stored), or import "
                    "with workers=0 to convert in the importing process"
                ) from None
