"""Fuzz every ingest format: Hypothesis mutates the format's own example records (from
``listen/formats.py``) with arbitrary text (NULs, surrogates, quotes, newlines), huge and
unicode numbers, non-finite floats, dates at the edges of time and JSON nested up to far
beyond the limit, writes them as a file of the format's type (CSV rows sometimes written
raw, unquoted), and imports it. The import must never raise; every record read is
accepted or rejected, and every reject names a line and a field; a re-import rejects the
same lines. Budget: ``SQLITE_EXAMPLES`` per format on SQLite, ``PG_EXAMPLES`` on
PostgreSQL, no deadline (the whole file runs in well under 40 s)."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from empathos import plugins
from empathos.listen import formats, ingest_file
from empathos.store import init_db
from tests.conftest import drop_schema, postgres_schema_engine, sqlite_engine
from tests.listen.helpers import read_rejects

NAMES = plugins.names("ingest_formats")
# EMPATHOS_FUZZ_EXAMPLES=500 runs a longer hunt (not in CI).
SQLITE_EXAMPLES = int(os.environ.get("EMPATHOS_FUZZ_EXAMPLES", "20"))
PG_EXAMPLES = max(SQLITE_EXAMPLES // 4, 1)

nasty_text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "\x00",
            "a\x00b",
            "\ud800",
            '"',
            'x,"y',
            "\n",
            "\r\n",
            "\ufeff",
            "²",
            "١٢",
            "1_000",
            "inf",
            "-inf",
            "nan",
            "1e30",
            "1e400",
            "9" * 40,
            "-1",
            "0001-01-01T00:00:00+01:00",
            "9999-12-31T23:59:59-01:00",
            "2026-02-30",
            "Tue Oct 31 22:10:47 +0000 2017",
            "True",
            "",
            " ",
            "x" * 300,
        ]
    ),
)
numbers = st.one_of(
    st.integers(),
    st.integers(min_value=2**63 - 2, max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, nasty_text)
nested = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(nasty_text, inner, max_size=3),
    max_leaves=8,
)


def _deep(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = {"a": value} if depth % 2 else [value]
    return value


values = st.one_of(scalars, nested, st.sampled_from([31, 32, 33, 300, 900]).map(_deep))


@st.composite
def mutated_records(draw: st.DrawFn, fmt: formats.IngestFormat) -> list[dict[str, Any]]:
    seeds = [*fmt.example.records, fmt.example.bad]
    records = []
    for _ in range(draw(st.integers(1, 4))):
        record = dict(draw(st.sampled_from(seeds)))
        fields = sorted({*record, "attributes", "source", "company"})
        for key in draw(st.lists(st.sampled_from(fields), max_size=3, unique=True)):
            if draw(st.integers(0, 9)) == 0:
                record.pop(key, None)
            else:
                record[key] = draw(values)
        records.append(record)
    return records


def _cell(value: Any) -> str:
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value)
    except (ValueError, RecursionError):
        return str(value)[:100]


def write(
    fmt: formats.IngestFormat, records: list[dict[str, Any]], raw_rows: bool, path: Path
) -> Path:
    """``records`` as the format's first file type; CSV rows are quoted by the csv module
    unless ``raw_rows`` joins their cells with commas as they are."""
    if fmt.readers[0] == "jsonl":
        path = path.with_suffix(".jsonl")
        with path.open("w", encoding="utf-8", errors="surrogatepass") as handle:
            for record in records:
                try:
                    line = json.dumps(record, allow_nan=True)
                except (ValueError, RecursionError):
                    line = json.dumps({k: _cell(v) for k, v in record.items()})
                handle.write(line + "\n")
        return path
    path = path.with_suffix(".csv")
    header = sorted({k for r in records for k in r} | set(fmt.signature))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for record in records:
        cells = [_cell(record.get(k, "")) for k in header]
        if raw_rows:
            out.write(",".join(cells) + "\n")
        else:
            writer.writerow(cells)
    path.write_bytes(out.getvalue().encode("utf-8", errors="surrogatepass"))
    return path


def check_import(engine: Engine, path: Path, kind: str) -> None:
    lines = []
    for attempt in range(2):
        rejects = path.with_suffix(f".rejects-{attempt}.jsonl")
        report = ingest_file(path, engine, kind=kind, rejects_path=rejects)
        found = read_rejects(rejects) if rejects.exists() else []
        assert report.records_read == report.records_accepted + report.records_rejected
        assert len(found) == report.records_rejected
        for reject in found:
            assert reject["line"] >= 1 and reject["field"] and reject["error"], reject
            assert reject["file"] == str(path)
        lines.append([(r["line"], r["field"]) for r in found])
    assert lines[0] == lines[1]


def _fuzz(fmt: formats.IngestFormat, engine: Engine, folder: Path, examples: int) -> None:
    counter = iter(range(10**9))

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(records=mutated_records(fmt), raw_rows=st.booleans())
    def run(records: list[dict[str, Any]], raw_rows: bool) -> None:
        path = write(fmt, records, raw_rows, folder / f"{fmt.kind}-{next(counter)}")
        check_import(engine, path, fmt.kind)

    run()


@pytest.fixture(scope="module")
def sqlite_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    eng, _ = sqlite_engine(tmp_path_factory.mktemp("fuzz-sqlite"))
    init_db(eng)
    yield eng
    eng.dispose()


@pytest.fixture(scope="module")
def pg_store() -> Iterator[Engine]:
    eng, _, name = postgres_schema_engine()
    try:
        init_db(eng)
        yield eng
    finally:
        eng.dispose()
        drop_schema(name)


@pytest.mark.parametrize("name", NAMES)
def test_fuzz_sqlite(name: str, sqlite_store: Engine, tmp_path: Path) -> None:
    _fuzz(formats.get(name), sqlite_store, tmp_path, SQLITE_EXAMPLES)


@pytest.mark.postgres
@pytest.mark.parametrize("name", NAMES)
def test_fuzz_postgresql(name: str, pg_store: Engine, tmp_path: Path) -> None:
    _fuzz(formats.get(name), pg_store, tmp_path, PG_EXAMPLES)


def test_mutations_reach_every_field_kind() -> None:
    """The strategy is not vacuous: it yields NULs, deep values and huge ints."""
    fmt = formats.get("customers")
    seen: set[str] = set()

    @settings(max_examples=150, deadline=None, database=None)
    @given(records=mutated_records(fmt))
    def probe(records: list[Mapping[str, Any]]) -> None:
        text = repr(records)
        if "\\x00" in text:
            seen.add("nul")
        if text.count("{") > 30 or text.count("[") > 30:
            seen.add("deep")
        if any(isinstance(v, int) and abs(v) > 2**63 for r in records for v in r.values()):
            seen.add("huge")

    probe()
    assert seen == {"nul", "deep", "huge"}
