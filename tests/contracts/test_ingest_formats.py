"""The contract every ingest format meets, run for each one the registry names.

Parametrised over ``plugins.names("ingest_formats")``, so a new format (ours or a third
party's) is tested by registering it, without editing a list. The sample data is the
format's own :class:`~empathos.listen.formats.IngestExample`: its good records, written
as a file of the format's preferred type, round-trip into a fresh store (SQLite and
PostgreSQL) after its parents' examples; its bad record is rejected with file, line and
field while the good ones load; a second import stores nothing new; and the kind is
guessed from the sample file alone.
"""

from __future__ import annotations

import csv
import json
import pickle
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from empathos import plugins
from empathos.listen import formats, guess_kind, ingest_file
from empathos.listen.convert import ConverterSpec
from empathos.listen.formats import IngestFormat
from empathos.listen.records import LINE, Rows
from empathos.store.repository import TABLES

NAMES = plugins.names("ingest_formats")


def write_sample(fmt: IngestFormat, records: Iterable[Mapping[str, Any]], path: Path) -> Path:
    """``records`` as a file of the format's preferred type; returns the file's path."""
    records = list(records)
    if fmt.readers[0] == "jsonl":
        path = path.with_suffix(".jsonl")
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        return path
    path = path.with_suffix(".csv")
    header = list(dict.fromkeys(k for r in records for k in r))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows([r.get(k, "") for k in header] for r in records)
    return path


def first_line(fmt: IngestFormat) -> int:
    """The line the first record is on (a CSV file starts with its header)."""
    return 1 if fmt.readers[0] == "jsonl" else 2


def expected_rows(fmt: IngestFormat, path: Path) -> Rows:
    """What the format's converter makes of the sample's records, table by table."""
    prepared = fmt.prepare(path) if fmt.prepare is not None else None
    convert = fmt.converter(prepared)
    rows: Rows = {}
    for i, record in enumerate(fmt.example.records):
        for table, table_rows in convert({**record, LINE: first_line(fmt) + i}).items():
            rows.setdefault(table, []).extend(table_rows)
    return rows


def keys(rows: Iterable[Mapping[str, Any]], table: str) -> set[tuple]:
    columns = [c.name for c in TABLES[table].primary_key.columns]
    return {tuple(row[c] for c in columns) for row in rows}


def stored(engine: Engine, table: str) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(TABLES[table])).all()]


def ancestors(kind: str) -> set[str]:
    seen: set[str] = set()
    todo = list(formats.get(kind).parents)
    while todo:
        parent = todo.pop()
        if parent not in seen:
            seen.add(parent)
            todo.extend(formats.get(parent).parents)
    return seen


def import_parents(kind: str, engine: Engine, directory: Path) -> None:
    """Every ancestor's example, in import order, as a folder import would load them."""
    for parent in formats.import_order():
        if parent in ancestors(kind):
            fmt = formats.get(parent)
            path = write_sample(fmt, fmt.example.records, directory / f"parent_{parent}")
            report = ingest_file(path, engine, kind=parent, rejects_path=directory / "p.rej")
            assert report.records_rejected == 0, report.first_rejects


def sample(kind: str, directory: Path) -> tuple[IngestFormat, Path]:
    fmt = formats.get(kind)
    return fmt, write_sample(fmt, fmt.example.records, directory / f"sample_{kind}")


@pytest.mark.parametrize("kind", NAMES)
def test_the_registry_holds_a_well_formed_format(kind: str) -> None:
    fmt = plugins.load("ingest_formats", kind)
    assert isinstance(fmt, IngestFormat) and fmt.kind == kind
    assert set(fmt.parents) | set(fmt.shadows) <= set(NAMES), "parents name registered kinds"
    order = formats.import_order()
    assert all(order.index(p) < order.index(kind) for p in fmt.parents)
    assert fmt.signature and fmt.example.records and fmt.example.bad_field
    if fmt.readers[0] == "csv":  # one record per line, so reject lines can be predicted
        for record in (*fmt.example.records, fmt.example.bad):
            assert all(isinstance(v, str) and "\n" not in v for v in record.values())


@pytest.mark.parametrize("kind", NAMES)
def test_the_sample_round_trips_into_the_store(kind: str, engine: Engine, tmp_path: Path) -> None:
    import_parents(kind, engine, tmp_path)
    fmt, path = sample(kind, tmp_path)
    report = ingest_file(path, engine, kind=kind, rejects_path=tmp_path / "r.jsonl")
    assert (report.kind, report.records_read) == (kind, len(fmt.example.records))
    assert (report.records_accepted, report.records_rejected) == (report.records_read, 0)
    for table, rows in expected_rows(fmt, path).items():
        assert keys(rows, table) <= keys(stored(engine, table), table), table
    turns = expected_rows(fmt, path).get("turns", [])
    assert report.turns_stored == len(turns)


@pytest.mark.parametrize("kind", NAMES)
def test_a_bad_record_is_rejected_with_file_line_and_field(
    kind: str, engine: Engine, tmp_path: Path
) -> None:
    import_parents(kind, engine, tmp_path)
    fmt = formats.get(kind)
    good, bad = fmt.example.records, fmt.example.bad
    path = write_sample(fmt, [good[0], bad, *good[1:]], tmp_path / f"bad_{kind}")
    rejects_path = tmp_path / "r.jsonl"
    report = ingest_file(path, engine, kind=kind, rejects_path=rejects_path)
    assert (report.records_accepted, report.records_rejected) == (len(good), 1)
    line = first_line(fmt) + 1
    [reject] = [json.loads(x) for x in rejects_path.read_text(encoding="utf-8").splitlines()]
    assert (reject["file"], reject["line"], reject["field"]) == (
        str(path),
        line,
        fmt.example.bad_field,
    )
    assert report.first_rejects[0].startswith(f"{path}:{line}: field '{fmt.example.bad_field}'")
    _, sample_path = sample(kind, tmp_path)
    for table, rows in expected_rows(fmt, sample_path).items():
        assert keys(rows, table) <= keys(stored(engine, table), table), table


@pytest.mark.parametrize("kind", NAMES)
def test_reimporting_the_sample_stores_nothing_new(
    kind: str, engine: Engine, tmp_path: Path
) -> None:
    import_parents(kind, engine, tmp_path)
    fmt, path = sample(kind, tmp_path)
    ingest_file(path, engine, kind=kind, rejects_path=tmp_path / "r.jsonl")
    tables = sorted(expected_rows(fmt, path))
    before = {t: stored(engine, t) for t in tables}
    again = ingest_file(path, engine, kind=kind, rejects_path=tmp_path / "r.jsonl")
    assert again.records_rejected == 0
    assert {t: stored(engine, t) for t in tables} == before


@pytest.mark.parametrize("kind", NAMES)
def test_the_kind_is_guessed_from_the_sample(kind: str, tmp_path: Path) -> None:
    _, path = sample(kind, tmp_path)
    assert guess_kind(path) == kind


@pytest.mark.parametrize("kind", NAMES)
def test_the_converter_travels_to_worker_processes(kind: str, tmp_path: Path) -> None:
    """Workers rebuild the converter from a pickled spec (the prepared state included)."""
    fmt, path = sample(kind, tmp_path)
    prepared = fmt.prepare(path) if fmt.prepare is not None else None
    spec = pickle.loads(pickle.dumps(ConverterSpec(kind, prepared=prepared)))
    convert = spec.build()
    rows: Rows = {}
    for i, record in enumerate(fmt.example.records):
        for table, table_rows in convert({**record, LINE: first_line(fmt) + i}).items():
            rows.setdefault(table, []).extend(table_rows)
    assert rows == expected_rows(fmt, path)
