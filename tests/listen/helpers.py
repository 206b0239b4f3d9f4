"""Builders of small import files for the listen tests."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any


def interaction(i: int, n_turns: int = 3, **extra: Any) -> dict[str, Any]:
    turns = [
        {
            "speaker": "customer" if k % 2 == 0 else "employee",
            "text": f"message {k} of conversation {i}: my invoice is wrong again",
            "ts": f"2026-03-{1 + i % 28:02d}T09:{k:02d}:00",
        }
        for k in range(n_turns)
    ]
    return {
        "interaction_id": f"c-{i}",
        "customer_id": f"cu-{i % 7}",
        "channel": "chat",
        "turns": turns,
        **extra,
    }


def write_jsonl(path: Path, records: list[Any]) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for rec in records:
            handle.write(rec if isinstance(rec, str) else json.dumps(rec))
            handle.write("\n")
    return path


def write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def read_rejects(path: Path) -> list[dict[str, Any]]:
    # split("\n"), not splitlines(): a reject's record may hold U+0085 or U+2028, which
    # JSON keeps raw and splitlines() would break a line at.
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line]
