"""In a simulation routed by fifo, first assignments mostly match language and skill — the
rest are the documented overflow (after 1 min: language only; after 5 min: anyone)."""

from __future__ import annotations

import json
from pathlib import Path

from empathos.simulate import SimulationReport


def _jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def test_fifo_assignments_respect_language_and_skill(
    medium_run: tuple[Path, SimulationReport],
) -> None:
    out, report = medium_run
    assert report.policy == "fifo"
    employees = {e["employee_id"]: e for e in _jsonl(out / "employees.jsonl")}
    language = {c["customer_id"]: c["language"] for c in _jsonl(out / "customers.jsonl")}
    served = lang_ok = skill_ok = 0
    for r in _jsonl(out / "interactions.jsonl"):
        first = (r["attributes"].get("employees") or [r["employee_id"]])[0]
        if first is None:
            continue
        served += 1
        e = employees[first]
        lang_ok += language[r["customer_id"]] in e["languages"]
        skill_ok += r["need"] in e["skills"]
    assert served > 1000
    assert lang_ok / served > 0.85
    assert skill_ok / served > 0.7
    assert report.fell_back > 0  # overflow happens, and is counted
