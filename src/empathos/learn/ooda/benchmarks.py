"""Orient's input: competitor and industry figures from a benchmark CSV, stored and read back."""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, insert, select

from empathos.learn.ooda.metrics import METRICS, REQUIRED
from empathos.store.tables_feedback import benchmarks


class BenchmarkError(ValueError):
    """A benchmark file that cannot be imported; ``errors`` lists (line, field, message)."""

    def __init__(self, path: str, errors: list[tuple[int, str, str]]) -> None:
        self.errors = errors
        super().__init__("\n".join(f"{path}:{line}: {fld}: {msg}" for line, fld, msg in errors))


@dataclass(frozen=True)
class Benchmark:
    metric: str
    value: float
    source: str
    period: str
    segment: str = ""
    line: int = 0


def read_benchmarks(path: str | Path) -> list[Benchmark]:
    """Parse and validate a benchmark CSV; every error names its line and field."""
    path = Path(path)
    errors: list[tuple[int, str, str]] = []
    out: list[Benchmark] = []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = [r for r in csv.reader(fh)]
    header_at = next(
        (k for k, r in enumerate(rows) if r and not r[0].lstrip().startswith("#")), None
    )
    if header_at is None:
        raise BenchmarkError(
            str(path), [(1, "header", f"empty file; expected columns {','.join(REQUIRED)},segment")]
        )
    header = [h.strip() for h in rows[header_at]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise BenchmarkError(str(path), [(header_at + 1, c, "missing column") for c in missing])
    col = {name: header.index(name) for name in header}
    for k, raw in enumerate(rows[header_at + 1 :], start=header_at + 2):
        if not raw or all(not x.strip() for x in raw) or raw[0].lstrip().startswith("#"):
            continue

        def get(name: str, raw: list[str] = raw) -> str:
            return raw[col[name]].strip() if name in col and col[name] < len(raw) else ""

        before = len(errors)
        metric = get("metric")
        if metric not in METRICS:
            errors.append((k, "metric", f"{metric!r} is not a known metric ({', '.join(METRICS)})"))
        try:
            value = float(get("value"))
            if not math.isfinite(value):
                raise ValueError
        except ValueError:
            errors.append((k, "value", f"{get('value')!r} is not a number"))
            value = float("nan")
        for name in ("source", "period"):
            if not get(name):
                errors.append((k, name, "empty; say where the figure comes from and for when"))
        if len(errors) == before:
            out.append(Benchmark(metric, value, get("source"), get("period"), get("segment"), k))
    if errors:
        raise BenchmarkError(str(path), errors)
    return out


def import_benchmarks(engine: Engine, path: str | Path) -> int:
    """Store a validated benchmark file (all or nothing); a re-import of the same
    (metric, source, period, segment) replaces the earlier value. Returns rows stored."""
    rows = read_benchmarks(path)
    now = datetime.now(UTC).replace(tzinfo=None)
    b = benchmarks.c
    with engine.begin() as conn:
        for r in rows:
            conn.execute(
                delete(benchmarks).where(
                    b.metric == r.metric,
                    b.source == r.source,
                    b.period == r.period,
                    b.segment == r.segment,
                )
            )
            conn.execute(
                insert(benchmarks).values(
                    metric=r.metric,
                    value=r.value,
                    source=r.source,
                    period=r.period,
                    segment=r.segment,
                    file=str(path),
                    imported_at=now,
                )
            )
    return len(rows)


def stored_benchmarks(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(benchmarks).order_by(
                benchmarks.c.metric, benchmarks.c.segment, benchmarks.c.period
            )
        )
        return [dict(r._mapping) for r in rows]
