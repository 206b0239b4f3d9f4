"""Export a table of the store to Parquet or CSV, streaming, for the data team's own tools.

CSV cells that a spreadsheet would run as a formula are escaped (:func:`csv_safe`);
Parquet, read by code rather than spreadsheets, keeps every value as stored."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Literal

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import JSON, BigInteger, DateTime, Engine, Float, Integer, select

from empathos.listen.errors import IngestError
from empathos.listen.pii import Redactor, policy_for
from empathos.listen.pii.redact import TEXT_FIELDS
from empathos.store import schema
from empathos.store.repository import TABLES

Format = Literal["parquet", "csv"]
CHUNK = 50_000


def _query(table: str):  # noqa: ANN202
    """Turns are exported with their interaction's channel and customer, which is what
    every analysis of them joins first."""
    if table == "turns":
        t, i = schema.turns, schema.interactions
        return (
            select(t, i.c.customer_id, i.c.channel)
            .join_from(t, i, t.c.interaction_id == i.c.interaction_id)
            .order_by(t.c.interaction_id, t.c.seq)
        )
    tbl = TABLES[table]
    return select(tbl).order_by(*tbl.primary_key.columns)


def _arrow_type(sql_type) -> pa.DataType:  # noqa: ANN001
    """A fixed Arrow type per SQL type, so every chunk shares one schema (JSON as text)."""
    if isinstance(sql_type, BigInteger | Integer):
        return pa.int64()
    if isinstance(sql_type, Float):
        return pa.float64()
    if isinstance(sql_type, DateTime):
        return pa.timestamp("us")
    return pa.string()


def _cell(value: object) -> object:
    return orjson.dumps(value).decode() if isinstance(value, dict | list) else value


#: First characters that make a spreadsheet read a CSV cell as a formula (OWASP's list
#: for CSV injection): ``=1+1``, ``+cmd``, ``-2+3``, ``@SUM(...)``, tab, carriage return.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> object:
    """A cell value that a spreadsheet shows as text: text starting with one of
    :data:`FORMULA_STARTS` gets a leading single quote (the OWASP rule); everything else,
    numbers included (``-3.5`` stays a number), is unchanged. Parquet keeps raw values."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export_table(engine: Engine, table: str, out: str | Path, fmt: Format | None = None) -> int:
    """Write ``table`` to ``out``; the format follows the suffix unless given. Returns rows
    written."""
    if table not in TABLES:
        raise IngestError(f"unknown table {table!r}; choose one of {', '.join(TABLES)}")
    out = Path(out)
    fmt = fmt or ("csv" if out.suffix.lower() == ".csv" else "parquet")
    out.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    policy = policy_for(engine)
    redactor = Redactor(policy.kinds) if policy.enabled else None
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=CHUNK).execute(_query(table))
        names = list(result.keys())
        redacted = [k for k, n in enumerate(names) if n in TEXT_FIELDS.get(table, ())]

        def parts():  # noqa: ANN202 - rows redacted again when the tenant asks: text
            # stored before redaction was turned on leaves redacted too
            for part in result.partitions():
                if redactor is None or not redacted:
                    yield part
                    continue
                rows = [list(r) for r in part]
                for r in rows:
                    for k in redacted:
                        r[k] = redactor.value(r[k])
                yield rows

        arrow_schema = pa.schema(
            [pa.field(col.name, _arrow_type(col.type)) for col in _query(table).selected_columns]
        )
        json_cols = [
            k for k, col in enumerate(_query(table).selected_columns) if isinstance(col.type, JSON)
        ]
        if fmt == "csv":
            with out.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(names)
                for part in parts():
                    writer.writerows([[csv_safe(_cell(v)) for v in row] for row in part])
                    written += len(part)
            return written
        with pq.ParquetWriter(out, arrow_schema) as writer:
            for part in parts():
                columns = [list(col) for col in zip(*part, strict=True)]
                for k in json_cols:
                    columns[k] = [_cell(v) for v in columns[k]]
                writer.write_table(pa.Table.from_arrays(columns, schema=arrow_schema))
                written += len(part)
    return written
