"""Import one file (or a folder of files) into the store: stream, validate, detect
language, write in transactional batches, and put every bad record in a reject file.

Guarantees, each tested: a bad record never stops the good ones; its reject line names
file, line and field; re-importing stores nothing twice and a stored record is never
changed silently (the conflict policy, ``listen/conflicts.py``); a crash loses at most
the batch in flight and never anything stored before, and the next import or
``empathos stats`` marks the dead run ``interrupted`` (``listen/runs.py``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import orjson
from sqlalchemy import Connection, Engine, func, select, update
from sqlalchemy.exc import SQLAlchemyError

from empathos.config import get_settings
from empathos.listen import formats
from empathos.listen.conflicts import POLICIES, Counts, LineTaggedSpec, Resolution, resolve
from empathos.listen.errors import IngestError, Reject
from empathos.listen.convert import (
    Converted,
    ConverterSpec,
    Item,
    auto_workers,
    chunked,
    convert_all,
    relaxed_gc,
)
from empathos.listen.language import MIN_CHARS, MIN_CONFIDENCE
from empathos.listen.json_array import first_array_keys, is_json_array, iter_json_array
from empathos.listen.mapping import ColumnMapping, load_mapping, shipped_mappings
from empathos.listen.parse import Limits
from empathos.listen.pii import PiiPolicy, RedactingRejects, Redactor, policy_for, redact_rows
from empathos.listen.pii import record_redactions
from empathos.listen.readers import (
    ByteCounter,
    csv_header,
    first_jsonl_keys,
    iter_csv,
    iter_jsonl_lines,
)
from empathos.listen.runs import finish_run, mark_interrupted, start_run
from empathos.store import schema
from empathos.store.repository import (
    WRITE_ORDER,
    RetryExhausted,
    delete_turns,
    transaction_with_retry,
    update_rows,
    upsert,
    widen_interaction_bounds,
)

JSONL_SUFFIXES = {".jsonl", ".ndjson", ".json"}
CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
CHUNK = 1000  # records per unit of work handed to a worker


@dataclass
class IngestReport:
    """What an import did; the CLI prints it and the API returns it.

    ``records_accepted`` = ``new + unchanged + updated + skipped``; ``conflicts`` are
    counted in ``records_rejected`` too (they are in the reject file)."""

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
    new: int = 0
    unchanged: int = 0
    updated: int = 0
    skipped: int = 0
    conflicts: int = 0
    on_conflict: str = "reject"
    redacted: dict[str, int] = field(default_factory=dict)
    """PII redacted before storing, per kind (counts only): empty when redaction is off."""

    def add(self, counts: Counts) -> None:
        for name in ("new", "unchanged", "updated", "skipped", "conflicts"):
            setattr(self, name, getattr(self, name) + getattr(counts, name))
        self.records_accepted += counts.new + counts.unchanged + counts.updated + counts.skipped
        self.records_rejected += counts.conflicts


@dataclass(frozen=True)
class _Plan:
    spec: ConverterSpec
    items: Callable[[ByteCounter], Iterator[Item]]
    widens_bounds: bool

    @property
    def kind(self) -> str:
        return self.spec.kind


def _file_type(path: Path) -> str:
    """``jsonl`` or ``csv`` by suffix; anything else is read as CSV, as it always was."""
    return "jsonl" if path.suffix.lower() in JSONL_SUFFIXES else "csv"


def guess_kind(path: Path) -> str:
    """The kind of a file from its JSONL keys or CSV header: the first format, in
    :func:`formats.guess_order` (largest signature first), that reads this type of file
    and whose signature the fields contain."""
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        fields = first_array_keys(path) if is_json_array(path) else first_jsonl_keys(path)
    elif suffix in CSV_SUFFIXES:
        fields = set(csv_header(path, "\t" if suffix == ".tsv" else ","))
    else:
        raise IngestError(f"{path}: unknown file type {suffix!r}; use .jsonl or .csv, or --mapping")
    file_type = _file_type(path)
    for fmt in formats.guess_order():
        if file_type in fmt.readers and fmt.signature <= fields:
            return fmt.kind
    raise IngestError(
        f"{path}: cannot tell what this file holds from its fields {sorted(fields)[:12]}; "
        f"pass --kind ({', '.join(formats.kinds())}) or --mapping (a file, or one of the "
        f"shipped mappings: {', '.join(shipped_mappings())})"
    )


def _plan(
    path: Path, kind: str | None, mapping: ColumnMapping | None, detect: bool, limits: Limits
) -> _Plan:
    if mapping is not None:
        fmt = formats.get(mapping.kind)
        spec = LineTaggedSpec(mapping.kind, mapping=mapping, detect_language=detect, limits=limits)
        reader, delimiter = mapping.format, mapping.delimiter
    else:
        fmt = formats.get(kind or guess_kind(path))
        prepared = fmt.prepare(path) if fmt.prepare is not None else None
        spec = LineTaggedSpec(fmt.kind, prepared=prepared, detect_language=detect, limits=limits)
        reader = fmt.reader_for(_file_type(path))
        delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    if reader in ("jsonl", "json") and is_json_array(path):
        # One JSON array of records (ABCD, API exports): each element with its start line.
        return _Plan(spec, lambda c: iter_json_array(path, c), fmt.widens_bounds)
    if reader in ("jsonl", "json"):
        return _Plan(
            spec,
            lambda c: ((n, raw, "") for n, raw in iter_jsonl_lines(path, c)),
            fmt.widens_bounds,
        )
    return _Plan(spec, lambda c: iter_csv(path, delimiter, c, limits), fmt.widens_bounds)


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
        try:
            line = orjson.dumps(reject.as_dict())
        except (TypeError, orjson.JSONEncodeError):  # text orjson refuses (a lone surrogate)
            line = orjson.dumps({k: ascii(v) for k, v in reject.as_dict().items()})
        self.handle.write(line + b"\n")
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
    workers: int | None = None,
    on_conflict: str = "reject",
) -> IngestReport:
    """Import ``path`` into the store behind ``engine`` (see the module docstring).

    ``progress(bytes_done, bytes_total)`` is called after each batch. ``workers``
    processes parse, validate and detect language (default: one per core for files of a
    few MB and more, none for small ones). ``on_conflict`` says what a record does whose
    key is stored with different content: ``reject`` it (default), ``update`` the stored
    fields it carries, or ``skip`` it (``listen/conflicts.py``). The schema must exist
    (``empathos.store.init_db``).
    """
    path = Path(path)
    if not path.is_file():
        raise IngestError(f"{path}: no such file")
    if on_conflict not in POLICIES:
        raise IngestError(f"on_conflict must be one of {', '.join(POLICIES)}, got {on_conflict!r}")
    settings = get_settings()
    if isinstance(mapping, str | Path):
        mapping = load_mapping(Path(mapping))
    batch_size = batch_size or settings.batch_size
    detect = settings.detect_language if detect_language is None else detect_language
    limits = _limits(settings)
    plan = _plan(path, kind, mapping, detect, limits)
    total = path.stat().st_size
    workers = auto_workers(total) if workers is None else workers
    rejects = _RejectWriter(Path(rejects_path) if rejects_path else default_rejects_path(path))
    report = run_import(
        engine,
        plan.spec,
        plan.items,
        label=str(path),
        widens_bounds=plan.widens_bounds,
        batch_size=batch_size,
        workers=workers,
        on_conflict=on_conflict,
        rejects=rejects,
        progress=(lambda done: progress(done, total)) if progress else None,
    )
    report.rejects_path = str(rejects.path) if rejects.handle is not None else None
    return report


class RejectSink(Protocol):
    """Where an import's rejects go: a file (:class:`_RejectWriter`) or memory (the API)."""

    first: list[str]

    def write(self, reject: Reject) -> None: ...

    def close(self) -> None: ...


class RejectList:
    """Rejects kept in memory, for a caller that answers them (the ingest API, the stream
    consumer): the input is bounded by its size limit, so the list is too."""

    def __init__(self) -> None:
        self.rejects: list[Reject] = []
        self.first: list[str] = []

    def write(self, reject: Reject) -> None:
        self.rejects.append(reject)
        if len(self.first) < 10:
            self.first.append(str(reject))

    def close(self) -> None:
        pass


def run_import(
    engine: Engine,
    spec: ConverterSpec,
    items: Callable[[ByteCounter], Iterator[Item]],
    *,
    label: str,
    widens_bounds: bool,
    batch_size: int,
    workers: int,
    on_conflict: str,
    rejects: RejectSink,
    progress: Callable[[int], None] | None = None,
    pii: PiiPolicy | None = None,
) -> IngestReport:
    """The one listen path every import takes -- a file, an API request or a stream batch:
    convert ``items`` with ``spec``, resolve each batch against the store (conflicts,
    idempotency by source id) and write it in one transaction, with an ``ingest_runs``
    row named ``label``. ``progress(bytes_done)`` is called after each batch.

    ``pii`` (default: the store's tenant policy, :func:`~empathos.listen.pii.policy_for`):
    when on, the batch's free text and every reject are redacted before anything is
    written, and the run records the counts per kind (``ingest_run_redactions``)."""
    report = IngestReport(path=label, kind=spec.kind, on_conflict=on_conflict)
    counter = ByteCounter()
    started = time.perf_counter()
    pii = pii if pii is not None else policy_for(engine)
    redactor = Redactor(pii.kinds) if pii.enabled else None
    if redactor is not None:
        rejects = RedactingRejects(rejects, redactor)
    mark_interrupted(engine)
    run_id = start_run(engine, Path(label), spec.kind)
    try:
        with relaxed_gc():
            converted = convert_all(spec, chunked(items(counter), min(batch_size, CHUNK)), workers)
            batches = _batches(converted, batch_size, rejects, report, redactor)
            for batch, first_line, last_line in batches:
                done = _write_batch(
                    engine,
                    batch,
                    widens_bounds,
                    label,
                    first_line,
                    last_line,
                    on_conflict,
                    run_id,
                    report,
                )
                for line_no, field_name, message, raw in done.rejects:
                    rejects.write(Reject(report.path, line_no, field_name, message, raw))
                report.add(done.counts)
                report.batches += 1
                report.turns_stored += len(done.inserts.get("turns", ()))
                if progress:
                    progress(counter.n)
    except BaseException:
        finish_run(engine, run_id, report, "failed")
        raise
    finally:
        rejects.close()
        report.seconds = time.perf_counter() - started
        report.first_rejects = rejects.first
        if redactor is not None:
            report.redacted = dict(sorted(redactor.counts.items()))
    finish_run(engine, run_id, report, "ok")
    if report.redacted:
        record_redactions(engine, run_id, report.redacted)
    return report


def ingest_records(
    records: Iterable[tuple[int, Any]],
    engine: Engine,
    *,
    kind: str,
    label: str,
    on_conflict: str = "reject",
    batch_size: int | None = None,
    detect_language: bool | None = None,
    settings: Any = None,
) -> tuple[IngestReport, list[Reject]]:
    """Import records already in memory -- ``(number, record)`` pairs, the record a dict
    or the bytes of one JSON object -- through :func:`run_import`, the path files take.
    Returns the report and every reject (its ``line`` is the record's number).
    ``settings`` (default: the process's) gives the limits, batch size and detection."""
    if on_conflict not in POLICIES:
        raise IngestError(f"on_conflict must be one of {', '.join(POLICIES)}, got {on_conflict!r}")
    fmt = formats.get(kind)
    if fmt.prepare is not None:
        raise IngestError(f"{kind} needs a first pass over a whole file; import it as a file")
    settings = settings or get_settings()
    detect = settings.detect_language if detect_language is None else detect_language
    spec = LineTaggedSpec(fmt.kind, detect_language=detect, limits=_limits(settings))
    sink = RejectList()

    def items(counter: ByteCounter) -> Iterator[Item]:
        for number, record in records:
            counter.n += 1
            yield number, record, ""

    report = run_import(
        engine,
        spec,
        items,
        label=label,
        widens_bounds=fmt.widens_bounds,
        batch_size=batch_size or settings.batch_size,
        workers=0,
        on_conflict=on_conflict,
        rejects=sink,
        pii=policy_for(engine, settings),
    )
    return report, sink.rejects


def _limits(settings: Any) -> Limits:
    return Limits(
        settings.ingest_max_depth,
        settings.ingest_max_record_bytes,
        settings.ingest_min_year,
        settings.ingest_max_year,
    )


@dataclass
class _Batch:
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    records: int = 0
    unsure_turns: list[dict[str, Any]] = field(default_factory=list)  # language still a guess


def _batches(
    converted: Iterator[Converted],
    batch_size: int,
    rejects: RejectSink,
    report: IngestReport,
    redactor: Redactor | None = None,
) -> Iterator[tuple[_Batch, int, int]]:
    batch, first_line, last_line = _Batch(), 0, 0
    for part in converted:
        report.records_read += part.read
        report.records_rejected += len(part.rejects)
        for line_no, field_name, message, raw in part.rejects:
            rejects.write(Reject(report.path, line_no, field_name, message, raw))
        if not part.accepted:
            continue
        first_line = first_line or part.first_line
        last_line = part.last_line
        if redactor is not None:  # after language detection, before anything is written
            redact_rows(part.rows, redactor)
        part_turns = part.rows.get("turns", [])
        batch.unsure_turns.extend(part_turns[i] for i in part.unsure_turns)
        for table, table_rows in part.rows.items():
            batch.rows.setdefault(table, []).extend(table_rows)
        batch.records += part.accepted
        if batch.records >= batch_size:
            yield batch, first_line, last_line
            batch, first_line = _Batch(), 0
    if batch.records:
        yield batch, first_line, last_line


def borrow_stored_languages(conn: Connection, batch: _Batch) -> None:
    """Unsure turns nothing in their chunk could vouch for take their customer's language
    from the store: the customer row's ``language``, else the dominant sure language of the
    customer's stored turns (a customers file is imported before its interactions, so this
    is where a short first message learns it is Spanish)."""
    customer_of = {
        i["interaction_id"]: i.get("customer_id") for i in batch.rows.get("interactions", ())
    }
    wanted = {customer_of.get(t["interaction_id"]) for t in batch.unsure_turns} - {None}
    if not wanted:
        return
    c, i, t = schema.customers, schema.interactions, schema.turns
    known: dict[str, str] = {}
    ids = sorted(wanted)
    for part in (ids[k : k + 500] for k in range(0, len(ids), 500)):
        rows = conn.execute(
            select(c.c.customer_id, c.c.language).where(
                c.c.customer_id.in_(part), c.c.language.is_not(None)
            )
        )
        known.update({cid: lang for cid, lang in rows if lang})
        missing = [cid for cid in part if cid not in known]
        if missing:
            votes = conn.execute(
                select(i.c.customer_id, t.c.language, func.count().label("n"))
                .join(t, t.c.interaction_id == i.c.interaction_id)
                .where(
                    i.c.customer_id.in_(missing),
                    t.c.language.is_not(None),
                    t.c.language_score >= MIN_CONFIDENCE,
                    func.length(t.c.text) >= MIN_CHARS,
                )
                .group_by(i.c.customer_id, t.c.language)
                .order_by(i.c.customer_id, func.count().desc(), t.c.language)
            )
            for cid, lang, _ in votes:
                known.setdefault(cid, lang)
    for turn in batch.unsure_turns:
        lang = known.get(customer_of.get(turn["interaction_id"]) or "")
        if lang:
            turn["language"] = lang


def _write_batch(
    engine: Engine,
    batch: _Batch,
    widens_bounds: bool,
    path: str,
    first: int,
    last: int,
    on_conflict: str,
    run_id: int,
    report: IngestReport,
) -> Resolution:
    """Resolve the batch against the store (:func:`conflicts.resolve`) and write it in one
    transaction, with the run's progress, retried whole on a deadlock or serialization
    failure; what the batch rejects is returned, to be written once it is committed."""

    def work(conn: Connection) -> Resolution:
        if batch.unsure_turns:
            borrow_stored_languages(conn, batch)
        done = resolve(conn, batch.rows, on_conflict, complete_turns=not widens_bounds)
        if done.replace_turns:
            delete_turns(conn, done.replace_turns)
        for table in WRITE_ORDER:
            upsert(conn, table, done.inserts.get(table, ()), fresh=done.fresh)
            update_rows(conn, table, done.updates.get(table, ()))
        turns = done.inserts.get("turns")
        if widens_bounds and turns:
            widen_interaction_bounds(conn, (t["interaction_id"] for t in turns))
        accepted = done.counts.new + done.counts.unchanged + done.counts.updated
        conn.execute(
            update(schema.ingest_runs)
            .where(schema.ingest_runs.c.run_id == run_id)
            .values(
                records_read=report.records_read,
                records_accepted=report.records_accepted + accepted + done.counts.skipped,
                records_rejected=report.records_rejected + done.counts.conflicts,
            )
        )
        return done

    try:
        return transaction_with_retry(engine, work)
    except (SQLAlchemyError, RetryExhausted) as exc:
        cause = exc.__cause__ if isinstance(exc, RetryExhausted) else exc
        orig = getattr(cause, "orig", None) or cause
        raise IngestError(
            f"{path}: lines {first}-{last} could not be stored and were rolled back "
            f"(everything before line {first} is stored): {orig.__class__.__name__}: {orig}"
            + (f" ({exc})" if isinstance(exc, RetryExhausted) else "")
        ) from exc


def ingest_dir(directory: str | Path, engine: Engine, **options: Any) -> list[IngestReport]:
    """Import every JSONL/CSV file of a folder, parents before children (customers and
    employees before interactions; interactions before outcomes): in
    :func:`formats.import_order`, then by file name."""
    directory = Path(directory)
    files = sorted(
        p
        for p in directory.iterdir()
        if p.suffix.lower() in JSONL_SUFFIXES | CSV_SUFFIXES
        and not p.name.endswith(".rejects.jsonl")
        and p.name != "ground_truth.json"
    )
    kinds = {}
    for p in files:
        try:
            kinds[p] = guess_kind(p)
        except IngestError:
            continue
    order = formats.import_order()
    ordered = sorted(kinds, key=lambda p: (order.index(kinds[p]), p.name))
    return [ingest_file(p, engine, kind=kinds[p], **options) for p in ordered]
