"""Import one file (or a folder of files) into the store: stream, validate, detect
language, write in transactional batches, and put every bad record in a reject file.

Guarantees, each tested: a bad record never stops the good ones; its reject line names
file, line and field; re-importing stores nothing twice; a crash loses at most the batch
in flight and never anything stored before.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, insert, update
from sqlalchemy.exc import SQLAlchemyError

from empathos.config import get_settings
from empathos.listen import twitter
from empathos.listen.errors import IngestError, RecordError, Reject
from empathos.listen.language import annotate_turns
from empathos.listen.mapping import ColumnMapping, load_mapping
from empathos.listen.readers import ByteCounter, Record, csv_header, first_jsonl_keys, iter_csv, iter_jsonl
from empathos.listen.records import CONVERTERS, LINE, SIGNATURES, Rows
from empathos.store import schema
from empathos.store.repository import WRITE_ORDER, upsert, widen_interaction_bounds

KINDS = (*CONVERTERS, "twitter")
JSONL_SUFFIXES = {".jsonl", ".ndjson", ".json"}
CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
# A folder is imported in this order so that parents exist before what refers to them.
DIR_ORDER = ("customers", "employees", "pods", "interactions", "turns", "twitter", "outcomes", "transactions")


@dataclass
class IngestReport:
    """What an import did; the CLI prints it and the API returns it."""

    path: str
    kind: str
    records_read: int = 0
    records_accepted: int = 0
    records_rejected: int = 0
    batches: int = 0
    seconds: float = 0.0
    rejects_path: str | None = None
    first_rejects: list[str] = field(default_factory=list)
    turns_stored: int = 0


@dataclass(frozen=True)
class _Plan:
    kind: str
    records: Callable[[ByteCounter], Iterator[Record]]
    convert: Callable[[Mapping[str, Any]], Rows]


def guess_kind(path: Path) -> str:
    """The kind of a file from its JSONL keys or CSV header (most specific signature first)."""
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        fields = first_jsonl_keys(path)
    elif suffix in CSV_SUFFIXES:
        fields = set(csv_header(path, "\t" if suffix == ".tsv" else ","))
        if twitter.COLUMNS <= fields:
            return "twitter"
    else:
        raise IngestError(f"{path}: unknown file type {suffix!r}; use .jsonl or .csv, or --mapping")
    for kind, signature in SIGNATURES.items():
        if signature <= fields:
            return kind
    raise IngestError(
        f"{path}: cannot tell what this file holds from its fields {sorted(fields)[:12]}; "
        f"pass --kind ({', '.join(KINDS)}) or a --mapping file"
    )


def _plan(path: Path, kind: str | None, mapping: ColumnMapping | None) -> _Plan:
    if mapping is not None:
        if mapping.format == "jsonl":
            return _Plan(mapping.kind, lambda c: iter_jsonl(path, c), mapping.converter())
        return _Plan(mapping.kind, lambda c: iter_csv(path, mapping.delimiter, c), mapping.converter())
    kind = kind or guess_kind(path)
    if kind not in KINDS:
        raise IngestError(f"unknown kind {kind!r}; choose one of {', '.join(KINDS)}")
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    if kind == "twitter":
        return _Plan(kind, lambda c: iter_csv(path, delimiter, c), twitter.converter(path))
    if path.suffix.lower() in JSONL_SUFFIXES:
        return _Plan(kind, lambda c: iter_jsonl(path, c), CONVERTERS[kind])
    return _Plan(kind, lambda c: iter_csv(path, delimiter, c), CONVERTERS[kind])


class _RejectWriter:
    """Appends rejects to a JSONL file opened on the first one, and keeps a few to show."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.handle = None
        self.first: list[str] = []

    def write(self, reject: Reject) -> None:
        if self.handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.handle = self.path.open("wb")
        self.handle.write(orjson.dumps(reject.as_dict()) + b"\n")
        if len(self.first) < 10:
            self.first.append(str(reject))

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()


def default_rejects_path(path: Path) -> Path:
    return get_settings().data_dir / f"{path.name}.rejects.jsonl"


def ingest_file(
    path: str | Path,
    engine: Engine,
    *,
    kind: str | None = None,
    mapping: str | Path | ColumnMapping | None = None,
    batch_size: int | None = None,
    rejects_path: str | Path | None = None,
    detect_language: bool | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> IngestReport:
    """Import ``path`` into the store behind ``engine`` (see the module docstring).

    ``progress(bytes_done, bytes_total)`` is called after each batch. The schema must
    exist (``empathos.store.init_db``).
    """
    path = Path(path)
    if not path.is_file():
        raise IngestError(f"{path}: no such file")
    settings = get_settings()
    if isinstance(mapping, str | Path):
        mapping = load_mapping(Path(mapping))
    plan = _plan(path, kind, mapping)
    batch_size = batch_size or settings.batch_size
    detect = settings.detect_language if detect_language is None else detect_language
    rejects = _RejectWriter(Path(rejects_path) if rejects_path else default_rejects_path(path))
    report = IngestReport(path=str(path), kind=plan.kind)
    total = path.stat().st_size
    counter = ByteCounter()
    started = time.perf_counter()
    run_id = _start_run(engine, path, plan.kind)
    try:
        for batch, first_line, last_line in _batches(plan, counter, batch_size, rejects, report):
            _write_batch(engine, batch, plan.kind, detect, path, first_line, last_line)
            report.batches += 1
            report.records_accepted += batch.records
            report.turns_stored += len(batch.rows.get("turns", ()))
            if progress:
                progress(counter.n, total)
    except BaseException:
        _finish_run(engine, run_id, report, "failed")
        raise
    finally:
        rejects.close()
        report.seconds = time.perf_counter() - started
        report.first_rejects = rejects.first
        report.rejects_path = str(rejects.path) if rejects.handle is not None else None
    _finish_run(engine, run_id, report, "ok")
    return report


@dataclass
class _Batch:
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    records: int = 0


def _batches(
    plan: _Plan, counter: ByteCounter, batch_size: int, rejects: _RejectWriter, report: IngestReport
) -> Iterator[tuple[_Batch, int, int]]:
    batch, first_line, last_line = _Batch(), 0, 0
    for line_no, record, raw in plan.records(counter):
        report.records_read += 1
        try:
            if isinstance(record, RecordError):
                raise record
            record[LINE] = line_no
            rows = plan.convert(record)
        except RecordError as exc:
            report.records_rejected += 1
            if not raw and isinstance(record, dict):
                record.pop(LINE, None)
                raw = orjson.dumps(record, default=str).decode()[:2000]
            rejects.write(Reject(report.path, line_no, exc.field, exc.message, raw))
            continue
        first_line = first_line or line_no
        last_line = line_no
        for table, table_rows in rows.items():
            batch.rows.setdefault(table, []).extend(table_rows)
        batch.records += 1
        if batch.records >= batch_size:
            yield batch, first_line, last_line
            batch, first_line = _Batch(), 0
    if batch.records:
        yield batch, first_line, last_line


def _write_batch(
    engine: Engine, batch: _Batch, kind: str, detect: bool, path: Path, first: int, last: int
) -> None:
    turns = batch.rows.get("turns")
    if turns and detect:
        annotate_turns(turns)
    try:
        with engine.begin() as conn:
            for table in WRITE_ORDER:
                upsert(conn, table, batch.rows.get(table, ()))
            if kind in ("turns", "twitter") and turns:
                widen_interaction_bounds(conn, (t["interaction_id"] for t in turns))
    except SQLAlchemyError as exc:
        raise IngestError(
            f"{path}: lines {first}-{last} could not be stored and were rolled back "
            f"(everything before line {first} is stored): {exc.__class__.__name__}: {exc.orig or exc}"
        ) from exc


def _start_run(engine: Engine, path: Path, kind: str) -> int:
    with engine.begin() as conn:
        result = conn.execute(
            insert(schema.ingest_runs).values(
                path=str(path), kind=kind, started_at=datetime.now(), status="running",
                records_read=0, records_accepted=0, records_rejected=0,
            )
        )
        return int(result.inserted_primary_key[0])


def _finish_run(engine: Engine, run_id: int, report: IngestReport, status: str) -> None:
    try:
        with engine.begin() as conn:
            conn.execute(
                update(schema.ingest_runs)
                .where(schema.ingest_runs.c.run_id == run_id)
                .values(
                    finished_at=datetime.now(), status=status,
                    records_read=report.records_read, records_accepted=report.records_accepted,
                    records_rejected=report.records_rejected,
                )
            )
    except SQLAlchemyError:  # the database itself failed; the original error matters more
        if status == "ok":
            raise


def ingest_dir(directory: str | Path, engine: Engine, **options: Any) -> list[IngestReport]:
    """Import every JSONL/CSV file of a folder, parents before children (customers and
    employees before interactions; interactions before outcomes)."""
    directory = Path(directory)
    files = sorted(
        p for p in directory.iterdir() if p.suffix.lower() in JSONL_SUFFIXES | CSV_SUFFIXES
        and not p.name.endswith(".rejects.jsonl") and p.name != "ground_truth.json"
    )
    kinds = {}
    for p in files:
        try:
            kinds[p] = guess_kind(p)
        except IngestError:
            continue
    ordered = sorted(kinds, key=lambda p: (DIR_ORDER.index(kinds[p]), p.name))
    return [ingest_file(p, engine, kind=kinds[p], **options) for p in ordered]
