"""The regression corpus of issue 14: one small file per malformed input that once crashed,
hung or silently changed an import. Each is imported on SQLite and PostgreSQL: no exception,
the expected rejects (line, field, reason), the good records stored, and a re-import that
stores nothing new and rejects the same lines."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, func, select

from empathos.config import get_settings
from empathos.listen import ingest_file
from empathos.store import init_db, schema
from tests.conftest import BACKENDS, drop_schema, postgres_schema_engine, sqlite_engine
from tests.listen.helpers import read_rejects

CORPUS = Path(__file__).parent / "corpus"


@dataclass(frozen=True)
class Case:
    file: str
    rejects: tuple[tuple[int, str, str], ...]  # line, field, a substring of the reason
    stored: dict[str, int]  # table: rows after the import
    mapping: str | None = None
    env: dict[str, str] = field(default_factory=dict)


CASES = [
    Case(
        "ts_offset_out_of_range.jsonl",
        ((1, "started_at", "years 1-9999"), (3, "turns[0].ts", "years 1-9999")),
        {"interactions": 2, "turns": 2},
    ),
    Case(
        "customers_ts_out_of_range.jsonl",
        ((1, "created_at", "years 1-9999"),),
        {"customers": 1},
    ),
    Case(
        "turns_seq_not_ascii.csv",
        ((2, "seq", "not a number"), (3, "seq", "not a number"), (4, "seq", "not a number")),
        {"turns": 1},
    ),
    Case("employees_skills_deep.csv", ((2, "skills", "nested deeper than 32"),), {"employees": 1}),
    Case("pods_member_ids_deep.csv", ((2, "member_ids", "nested deeper than 32"),), {"pods": 1}),
    Case(
        "customers_attributes_deep.csv",
        ((2, "attributes", "nested deeper than 32"),),
        {"customers": 1},
    ),
    Case(  # orjson parses up to 1,024 levels; the nesting check names the field
        "customers_attributes_deep_1000.jsonl",
        ((1, "attributes", "nested deeper than 32"),),
        {"customers": 1},
    ),
    Case(
        "customers_deep_300_and_bad_date.jsonl",
        ((1, "attributes", "nested deeper than 32"),),
        {"customers": 1},
    ),
    Case(
        "twitter_ids_out_of_range.csv",
        ((2, "tweet_id", "not a tweet id"), (3, "tweet_id", "not a tweet id")),
        {"turns": 3, "interactions": 2},
    ),
    Case(
        "interactions_nul.jsonl",
        (
            (1, "queue", "NUL"),
            (2, "need", "NUL"),
            (3, "interaction_id", "NUL"),
            (4, "customer_id", "NUL"),
            (5, "employee_id", "NUL"),
            (6, "attributes.k\\u0000", "NUL"),
            (7, "attributes.k[0]", "NUL"),
            (8, "turns[0].text", "NUL"),
            (9, "company", "NUL"),
            (10, "turns[0].author_id", "NUL"),
        ),
        {"interactions": 1, "turns": 1},
    ),
    Case(
        "customers_nul.csv",
        ((2, "name", "NUL"), (3, "segment", "NUL"), (4, "attributes.a", "NUL")),
        {"customers": 1},
    ),
    Case(
        "pods_nul.jsonl",
        ((1, "name", "NUL"), (2, "member_ids", "NUL"), (3, "segments", "NUL")),
        {"pods": 1},
    ),
    Case(
        "turns_unclosed_quote.csv",
        ((2, "(row)", "quote that is never closed"),),
        {"turns": 2},
    ),
    Case(
        "turns_unclosed_quote_last_line.csv",
        ((3, "(row)", "quote that is never closed"),),
        {"turns": 1},
    ),
    Case(
        "turns_unclosed_quote_long.csv",
        ((2, "(row)", "is a quote never closed"),),
        {"turns": 59},
        env={"EMPATHOS_INGEST_MAX_RECORD_BYTES": "2048"},
    ),
    Case("turns_quoted_newline_ok.csv", (), {"turns": 2}),
    Case("turns_blank_seq.csv", ((2, "seq", "is blank"),), {"turns": 2}),
    Case("customers_bom_one_line.jsonl", (), {"customers": 1}),
    Case("customers_bom.csv", (), {"customers": 2}),
    Case("tickets_bom_mapped.csv", (), {"turns": 2}, mapping="tickets_bom_mapping.yaml"),
    Case(
        "customers_long_line.jsonl",
        ((1, "(line)", "more than the limit of 2,048"),),
        {"customers": 1},
        env={"EMPATHOS_INGEST_MAX_RECORD_BYTES": "2048"},
    ),
]


@pytest.fixture(scope="module", params=BACKENDS)
def store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """One migrated store per backend for the whole corpus (emptied before each case)."""
    if request.param == "sqlite":
        eng, _ = sqlite_engine(tmp_path_factory.mktemp("corpus"))
        init_db(eng)
        yield eng
        eng.dispose()
        return
    eng, _, name = postgres_schema_engine()
    try:
        init_db(eng)
        yield eng
    finally:
        eng.dispose()
        drop_schema(name)


def _empty(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in reversed(schema.metadata.sorted_tables):
            if table.name != "alembic_version":
                conn.execute(delete(table))


def _count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return conn.execute(
            select(func.count()).select_from(schema.metadata.tables[table])
        ).scalar_one()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.file)
def test_corpus_file_imports_with_its_rejects(
    case: Case, store: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _empty(store)
    for name, value in case.env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        path = CORPUS / case.file
        mapping = CORPUS / case.mapping if case.mapping else None
        runs = []
        for attempt in range(2):  # the re-import must store nothing new
            rejects = tmp_path / f"rejects-{attempt}.jsonl"
            report = ingest_file(
                path, store, mapping=mapping, rejects_path=rejects, detect_language=False
            )
            found = read_rejects(rejects) if rejects.exists() else []
            runs.append(({t: _count(store, t) for t in case.stored}, found, report))
    finally:
        get_settings.cache_clear()
    (stored, found, report), (stored_again, found_again, _) = runs
    assert [(r["line"], r["field"]) for r in found] == [(ln, f) for ln, f, _ in case.rejects]
    for reject, (_, _, reason) in zip(found, case.rejects, strict=True):
        assert reason in reject["error"], reject
        assert reject["file"] == str(path) and isinstance(reject["record"], str)
    assert stored == case.stored
    assert report.records_rejected == len(case.rejects)
    assert stored_again == stored and found_again == found
