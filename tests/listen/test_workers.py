"""Worker processes never hang an import: a record that once killed or stalled a worker
(1,000 levels deep) comes back as a reject, and a worker that dies is a clear error
within seconds, not an endless wait on its chunk."""

from __future__ import annotations

import multiprocessing as mp
import os
from pathlib import Path

import pytest
from sqlalchemy import Engine

from empathos.listen import IngestError, ingest_file
from empathos.listen import convert
from empathos.store.repository import count_rows
from tests.listen.helpers import read_rejects


@pytest.mark.timeout(120)
def test_deep_record_in_a_worker_is_a_reject(sqlite_store: Engine, tmp_path: Path) -> None:
    deep = "1"
    for _ in range(1000):
        deep = '{"a":' + deep + "}"
    lines = [f'{{"customer_id": "cu-{i}"}}' for i in range(3000)]
    lines[1500] = '{"customer_id": "cu-deep", "attributes": ' + deep + "}"
    path = tmp_path / "customers.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rejects = tmp_path / "rejects.jsonl"
    report = ingest_file(path, sqlite_store, workers=2, rejects_path=rejects, batch_size=500)
    assert (report.records_accepted, report.records_rejected) == (2999, 1)
    [reject] = read_rejects(rejects)
    assert (reject["line"], reject["field"]) == (1501, "attributes")
    assert "nested deeper than 32" in reject["error"]
    with sqlite_store.connect() as conn:
        assert count_rows(conn, "customers") == 2999


@pytest.mark.timeout(60)
def test_a_worker_that_dies_is_an_error_not_a_hang() -> None:
    with mp.get_context("fork").Pool(2) as pool:
        at_start = convert._worker_pids(pool)
        lost = pool.apply_async(os._exit, (3,))  # the worker dies holding this task
        with pytest.raises(IngestError, match="worker process died"):
            convert._wait(lost, pool, at_start)


def test_an_unexpected_converter_error_is_a_reject_naming_it() -> None:
    def broken(record):  # noqa: ANN001, ANN202 — a converter with a bug
        if record["customer_id"] == "b":
            raise ZeroDivisionError("division by zero")
        return {"customers": [{"customer_id": record["customer_id"]}]}

    items = [(1, b'{"customer_id": "a"}\n', ""), (2, b'{"customer_id": "b"}\n', "")]
    out = convert.convert_chunk(broken, items, detect=False)
    assert out.accepted == 1
    assert out.rejects == [
        (
            2,
            "(record)",
            "could not be converted (ZeroDivisionError: division by zero)",
            '{"customer_id": "b"}',
        )
    ]


def test_keyboard_interrupt_is_not_swallowed() -> None:
    def interrupted(record):  # noqa: ANN001, ANN202
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        convert.convert_chunk(interrupted, [(1, b'{"customer_id": "a"}', "")], detect=False)
