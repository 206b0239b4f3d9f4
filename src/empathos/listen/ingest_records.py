"""Import records that are already in memory (the live desk's closed contacts, an API
batch) through the same path as a file: the format's converter, validation, language
detection, the conflict policy, the store's one upsert and an ``ingest_runs`` row.

Why a second entry and not a temporary file: the records come as dicts, and writing them
out only to read them back would cost a disk round trip per batch. Everything after
reading — :func:`empathos.listen.convert.convert_all`, ``_batches`` and ``_write_batch`` of
:mod:`empathos.listen.ingest` — is the file import's own code, so a record is stored (or
rejected, with its field and reason) exactly as the same record in a JSONL file would be,
and re-importing stores nothing twice.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine

from empathos.config import get_settings
from empathos.listen import formats
from empathos.listen.conflicts import POLICIES, LineTaggedSpec
from empathos.listen.convert import Item, chunked, convert_all, relaxed_gc
from empathos.listen.errors import IngestError, Reject
from empathos.listen.ingest import CHUNK, IngestReport, _batches, _write_batch
from empathos.listen.parse import Limits
from empathos.listen.readers import RAW_KEEP
from empathos.listen.runs import finish_run, start_run

__all__ = ["ingest_records"]


class _Rejects:
    """Rejects kept in memory (the caller answers them; there is no file to point at)."""

    def __init__(self) -> None:
        self.rejects: list[Reject] = []
        self.first: list[str] = []
        self.handle = None

    def write(self, reject: Reject) -> None:
        self.rejects.append(reject)
        if len(self.first) < 10:
            self.first.append(str(reject))


def _raw(rec: Mapping[str, Any]) -> str:
    try:
        return orjson.dumps(rec, default=str).decode()[:RAW_KEEP]
    except (TypeError, orjson.JSONEncodeError):
        return ascii(rec)[:RAW_KEEP]


def _items(records: Iterable[Mapping[str, Any]]) -> Iterator[Item]:
    for n, rec in enumerate(records, 1):
        yield n, dict(rec), _raw(rec)


def ingest_records(
    records: Iterable[Mapping[str, Any]],
    engine: Engine,
    *,
    kind: str,
    source: str,
    on_conflict: str = "reject",
    detect_language: bool | None = None,
    batch_size: int | None = None,
) -> tuple[IngestReport, list[Reject]]:
    """Import ``records`` (dicts shaped like the JSONL records of ``kind``) into the store.

    ``source`` names where they came from in the report and ``ingest_runs.path`` (e.g.
    ``live:desk``); a reject's "line" is the record's 1-based position. Returns the report
    and every reject. The schema must exist."""
    if on_conflict not in POLICIES:
        raise IngestError(f"on_conflict must be one of {', '.join(POLICIES)}, got {on_conflict!r}")
    fmt = formats.get(kind)
    if fmt.prepare is not None:
        raise IngestError(f"{kind}: this format prepares from a file; import it as a file")
    settings = get_settings()
    detect = settings.detect_language if detect_language is None else detect_language
    limits = Limits(
        settings.ingest_max_depth,
        settings.ingest_max_record_bytes,
        settings.ingest_min_year,
        settings.ingest_max_year,
    )
    spec = LineTaggedSpec(fmt.kind, detect_language=detect, limits=limits)
    batch_size = batch_size or settings.batch_size
    rejects = _Rejects()
    report = IngestReport(path=source, kind=fmt.kind, on_conflict=on_conflict)
    started = time.perf_counter()
    run_id = start_run(engine, Path(source), fmt.kind)
    try:
        with relaxed_gc():
            converted = convert_all(spec, chunked(_items(records), CHUNK), 0)
            for batch, first, last in _batches(converted, batch_size, rejects, report):  # type: ignore[arg-type]
                done = _write_batch(
                    engine,
                    batch,
                    fmt.widens_bounds,
                    Path(source),
                    first,
                    last,
                    on_conflict,
                    run_id,
                    report,
                )
                for line_no, field_name, message, raw in done.rejects:
                    rejects.write(Reject(source, line_no, field_name, message, raw))
                report.add(done.counts)
                report.batches += 1
                report.turns_stored += len(done.inserts.get("turns", ()))
    except BaseException:
        finish_run(engine, run_id, report, "failed")
        raise
    finally:
        report.seconds = time.perf_counter() - started
        report.first_rejects = rejects.first
    finish_run(engine, run_id, report, "ok")
    return report, rejects.rejects
