"""The simulator writes exactly the ingest formats of docs/formats.md: every record has the
required fields and no others, and the values the formats require."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from empathos.domain import Channel, OutcomeKind, Speaker, Transaction
from empathos.simulate import SimulationReport

# docs/formats.md, per file: (required keys, optional keys)
FIELDS: dict[str, tuple[set[str], set[str]]] = {
    "interactions": (
        {"interaction_id", "customer_id", "channel", "turns"},
        {"started_at", "ended_at", "employee_id", "queue", "need", "source", "attributes"},
    ),
    "turns": ({"seq", "speaker", "text"}, {"ts", "author_id", "language"}),
    "customers": (
        {"customer_id"},
        {"name", "segment", "language", "created_at", "source", "attributes"},
    ),
    "employees": (
        {"employee_id"},
        {
            "name",
            "function",
            "skills",
            "languages",
            "pod_id",
            "capacity",
            "hired_at",
            "source",
            "attributes",
        },
    ),
    "pods": ({"pod_id", "name"}, {"functions", "member_ids", "segments", "source"}),
    "outcomes": (
        {"outcome_id", "kind", "value"},
        {"ts", "interaction_id", "customer_id", "employee_id", "source"},
    ),
    "transactions": (
        {"transaction_id", "customer_id", "ts", "amount"},
        {"quantity", "source"},
    ),
}


def _rows(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def _checked(kind: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``rows``, after checking each has the format's required keys and no unknown one."""
    required, optional = FIELDS[kind]
    for r in rows:
        assert required <= r.keys(), f"{kind}: missing {required - r.keys()}"
        assert r.keys() <= required | optional, f"{kind}: unknown {r.keys() - required - optional}"
    return rows


def _ts(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def test_interactions_follow_the_format(medium_run: tuple[Path, SimulationReport]) -> None:
    out, report = medium_run
    rows = _checked("interactions", _rows(out / "interactions.jsonl"))
    assert len(rows) == report.contacts > 1000
    ids = set()
    for it in rows:
        Channel(it["channel"])
        turns = _checked("turns", it["turns"])
        for t in turns:
            Speaker(t["speaker"])
        assert it["source"] == "simulated"
        assert turns, "formats.md: turns must be non-empty"
        assert [t["seq"] for t in turns] == list(range(len(turns)))
        times = [_ts(t["ts"]) for t in turns]
        assert None not in times and times == sorted(times), f"{it['interaction_id']}: order"
        started = _ts(it["started_at"])
        assert started is not None and started <= times[0]
        assert all(t["text"].strip() and "{" not in t["text"] for t in turns), "unfilled slot"
        ids.add(it["interaction_id"])
    assert len(ids) == len(rows)


def test_master_data_and_facts_follow_the_format(
    medium_run: tuple[Path, SimulationReport],
) -> None:
    out, _ = medium_run
    customers = _checked("customers", _rows(out / "customers.jsonl"))
    employees = _checked("employees", _rows(out / "employees.jsonl"))
    pods = _checked("pods", _rows(out / "pods.jsonl"))
    outcomes = _checked("outcomes", _rows(out / "outcomes.jsonl"))
    transactions = [
        Transaction(**{**r, "ts": _ts(r["ts"])})
        for r in _checked("transactions", _rows(out / "transactions.jsonl"))
    ]
    for r in [*customers, *employees, *outcomes]:
        _ts(r.get("created_at") or r.get("hired_at") or r.get("ts"))  # ISO timestamps parse
    assert all(x["source"] == "simulated" for x in [*customers, *employees, *outcomes, *pods])
    assert all(t.source == "simulated" for t in transactions)
    assert {c["language"] for c in customers} >= {"en", "de", "es", "it", "pl", "fr"}
    employee_ids = {e["employee_id"] for e in employees}
    assert {m for p in pods for m in p["member_ids"]} <= employee_ids
    assert len(pods) >= 4 and all(p["functions"] for p in pods)
    kinds = {OutcomeKind(o["kind"]) for o in outcomes}
    assert {
        OutcomeKind.CSAT,
        OutcomeKind.NPS,
        OutcomeKind.RESOLVED,
        OutcomeKind.CHURN,
        OutcomeKind.PULSE,
    } <= kinds
    for o in outcomes:
        if o["kind"] == OutcomeKind.CSAT:
            assert 1 <= o["value"] <= 5
        if o["kind"] == OutcomeKind.NPS:
            assert 0 <= o["value"] <= 10
    assert transactions and all(t.amount > 0 for t in transactions)


def test_ground_truth_is_written(medium_run: tuple[Path, SimulationReport]) -> None:
    out, report = medium_run
    truth = json.loads((out / "ground_truth.json").read_text(encoding="utf-8"))
    assert truth["source"] == "simulated"
    assert truth["effect_sizes"]["churn_remembered_logit"] > 0
    assert len(truth["customers"]) == report.customers
    c = truth["customers"][0]
    assert {
        "lam_per_day",
        "p_dropout",
        "churned",
        "churn_date",
        "churn_cause",
        "mean_remembered",
        "last_contact_churn_probability",
    } <= c.keys()
    assert {"competence", "empathy_style", "stress_final", "left"} <= truth["employees"][0].keys()
    per_turn = _rows(out / "truth" / "interactions.jsonl")
    assert len(per_turn) == report.contacts
    assert all(-1 <= t["remembered"] <= 1 for t in per_turn)
