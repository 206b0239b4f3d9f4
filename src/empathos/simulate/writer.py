"""Streaming JSONL output in the ingest formats of docs/formats.md.

Records are written as they are produced (nothing accumulates in memory), with compact,
key-ordered-as-built JSON so identical runs give byte-identical files.
"""

from __future__ import annotations

import json
from contextlib import ExitStack
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any

try:  # orjson is a core dependency; ~3x faster than the stdlib on this hot path
    import orjson

    def dumps(record: dict[str, Any]) -> bytes:
        return orjson.dumps(record)

except ImportError:  # pragma: no cover - stdlib fallback, same bytes for our records' types
    _encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

    def dumps(record: dict[str, Any]) -> bytes:
        return _encode(record).encode("utf-8")


FILES: tuple[str, ...] = (
    "interactions",
    "customers",
    "employees",
    "pods",
    "outcomes",
    "transactions",
    "truth_interactions",
)
PATHS: dict[str, str] = {"truth_interactions": "truth/interactions.jsonl"}
"""Where a kind is written, relative to the output directory (default ``<kind>.jsonl``). The
per-turn truth lives in a subfolder so ``ingest_dir`` never mistakes it for interactions."""


class RecordWriter:
    """One open file per record kind under ``out_dir``; use as a context manager."""

    def __init__(self, out_dir: Path, kinds: tuple[str, ...] = FILES) -> None:
        self.out_dir = out_dir
        self._files: dict[str, IO[bytes]] = {}
        # One stack for every file, so that an error opening the fifth closes the four before.
        self._stack = ExitStack()
        try:
            for k in kinds:
                path = out_dir / PATHS.get(k, f"{k}.jsonl")
                path.parent.mkdir(parents=True, exist_ok=True)
                handle = open(path, "wb", buffering=1 << 20)  # noqa: SIM115 - the stack closes it
                self._files[k] = self._stack.enter_context(handle)
        except BaseException:
            self._stack.close()
            raise
        self.counts: dict[str, int] = {k: 0 for k in kinds}

    def write(self, kind: str, record: dict[str, Any]) -> None:
        f = self._files.get(kind)
        if f is None:
            return
        f.write(dumps(record))
        f.write(b"\n")
        self.counts[kind] += 1

    def close(self) -> None:
        self._stack.close()

    def __enter__(self) -> RecordWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Clock:
    """Simulation minutes → ISO timestamps, caching the date part (most calls share a day)."""

    def __init__(self, start: datetime) -> None:
        self.start = start

    def at(self, minutes: float) -> datetime:
        return self.start + timedelta(minutes=minutes)

    def iso(self, minutes: float) -> str:
        return (self.start + timedelta(seconds=int(minutes * 60))).isoformat()
