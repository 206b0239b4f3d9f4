"""The ingest limits are settings: the years a time may fall in (issue 14: numeric ranges
as explicit settings with clear rejects), on SQLite and PostgreSQL alike."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from empathos.config import get_settings
from empathos.listen import ingest_file
from empathos.store import schema
from tests.listen.helpers import read_rejects


@pytest.fixture
def years(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("EMPATHOS_INGEST_MIN_YEAR", "2000")
    monkeypatch.setenv("EMPATHOS_INGEST_MAX_YEAR", "2100")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _contact(iid: str, started: str) -> dict:
    turn = {"speaker": "customer", "text": "hello"}
    return {"interaction_id": iid, "channel": "chat", "started_at": started, "turns": [turn]}


def test_a_time_outside_the_set_years_is_a_reject_naming_its_field(
    engine: Engine, tmp_path: Path, years: None
) -> None:
    path = tmp_path / "contacts.jsonl"
    records = [
        _contact("c-1", "2026-01-05T09:00:00"),
        _contact("c-2", "1970-01-01T00:00:00"),  # an empty field read as the epoch
        _contact("c-3", "2206-01-05T09:00:00"),  # a typo year
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    report = ingest_file(path, engine, rejects_path=tmp_path / "r.jsonl", detect_language=False)
    assert (report.records_accepted, report.records_rejected) == (1, 2)
    rejects = read_rejects(tmp_path / "r.jsonl")
    assert [(r["line"], r["field"]) for r in rejects] == [(2, "started_at"), (3, "started_at")]
    assert "in 1970, outside the years 2000-2100" in rejects[0]["error"]
    assert "Settings.ingest_min_year" in rejects[0]["error"]
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(schema.interactions)) == 1


def test_the_default_years_are_what_the_stores_keep(engine: Engine, tmp_path: Path) -> None:
    get_settings.cache_clear()
    path = tmp_path / "contacts.jsonl"
    old = _contact("c-1", "1970-01-01T00:00:00")
    path.write_text(json.dumps(old) + "\n", encoding="utf-8")
    report = ingest_file(path, engine, rejects_path=tmp_path / "r.jsonl", detect_language=False)
    assert (report.records_accepted, report.records_rejected) == (1, 0)
