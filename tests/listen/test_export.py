"""Exports are safe to open: CSV cells a spreadsheet would run as formulas are escaped
(OWASP), Parquet keeps every value as stored (issue 14, item 6)."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow.parquet as pq
from sqlalchemy import Engine

from empathos.listen import ingest_file
from empathos.listen.export import csv_safe, export_table
from tests.listen.helpers import write_jsonl

DANGEROUS = ['=HYPERLINK("http://x")', "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR"]


def _store(engine: Engine, tmp_path: Path) -> None:
    """Turn texts are stored exactly as written (customers do type ``=`` first), and
    so is a customer's segment, with its surrounding blanks trimmed."""
    turns = [{"speaker": "customer", "text": text} for text in DANGEROUS]
    turns.append({"speaker": "employee", "text": "Ada = fine"})
    record = {"interaction_id": "c-1", "channel": "chat", "customer_id": "cu-1", "turns": turns}
    ingest_file(write_jsonl(tmp_path / "i.jsonl", [record]), engine, detect_language=False)
    customer = {"customer_id": "cu-1", "name": "-Ada", "segment": "x-1"}
    ingest_file(write_jsonl(tmp_path / "c.jsonl", [customer]), engine)


def test_csv_export_escapes_formula_cells(engine: Engine, tmp_path: Path) -> None:
    _store(engine, tmp_path)
    out = tmp_path / "turns.csv"
    assert export_table(engine, "turns", out) == len(DANGEROUS) + 1
    with out.open(newline="", encoding="utf-8") as handle:
        texts = [r["text"] for r in csv.DictReader(handle)]
    assert texts == ["'" + text for text in DANGEROUS] + ["Ada = fine"]
    out = tmp_path / "customers.csv"
    export_table(engine, "customers", out)
    with out.open(newline="", encoding="utf-8") as handle:
        (row,) = csv.DictReader(handle)
    assert (row["name"], row["segment"], row["attributes"]) == ("'-Ada", "x-1", "{}")


def test_parquet_export_keeps_the_raw_values(engine: Engine, tmp_path: Path) -> None:
    _store(engine, tmp_path)
    out = tmp_path / "turns.parquet"
    export_table(engine, "turns", out)
    texts = pq.read_table(out, columns=["text"]).column("text").to_pylist()
    assert texts == [*DANGEROUS, "Ada = fine"]


def test_csv_safe_leaves_numbers_and_plain_text_alone() -> None:
    assert csv_safe(-3.5) == -3.5 and csv_safe(7) == 7 and csv_safe(None) is None
    assert csv_safe("plain") == "plain" and csv_safe("") == ""
    assert [csv_safe(t) for t in ("=1", "+1", "-1", "@a", "\tx", "\rx")] == [
        "'=1",
        "'+1",
        "'-1",
        "'@a",
        "'\tx",
        "'\rx",
    ]
