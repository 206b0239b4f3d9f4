"""The simulator writes exactly the ingest formats of docs/formats.md: parse every record back
into the domain dataclasses, and check what the formats require."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from empathos.domain import (
    Channel,
    Customer,
    Employee,
    Interaction,
    Outcome,
    OutcomeKind,
    Pod,
    Speaker,
    Transaction,
    Turn,
)
from empathos.simulate import SimulationReport


def _rows(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def _ts(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def test_interactions_parse_into_domain_objects(medium_run: tuple[Path, SimulationReport]) -> None:
    out, report = medium_run
    rows = _rows(out / "interactions.jsonl")
    assert len(rows) == report.contacts > 1000
    ids = set()
    for r in rows:
        turns = [
            Turn(
                interaction_id=r["interaction_id"],
                seq=t["seq"],
                speaker=Speaker(t["speaker"]),
                text=t["text"],
                ts=_ts(t["ts"]),
                author_id=t["author_id"],
            )
            for t in r["turns"]
        ]
        it = Interaction(
            interaction_id=r["interaction_id"],
            customer_id=r["customer_id"],
            channel=Channel(r["channel"]),
            started_at=_ts(r["started_at"]),
            ended_at=_ts(r["ended_at"]),
            employee_id=r["employee_id"],
            queue=r["queue"],
            need=r["need"],
            source=r["source"],
            attributes=r["attributes"],
            turns=turns,
        )
        assert it.source == "simulated"
        assert it.turns, "formats.md: turns must be non-empty"
        assert [t.seq for t in it.turns] == list(range(len(it.turns)))
        times = [t.ts for t in it.turns]
        assert times == sorted(times), f"{it.interaction_id}: turns out of time order"
        assert it.started_at is not None and it.started_at <= times[0]
        assert all(t.text.strip() and "{" not in t.text for t in it.turns), "unfilled slot"
        ids.add(it.interaction_id)
    assert len(ids) == len(rows)


def test_master_data_and_facts_parse(medium_run: tuple[Path, SimulationReport]) -> None:
    out, _ = medium_run
    customers = [
        Customer(**{**r, "created_at": _ts(r["created_at"])})
        for r in _rows(out / "customers.jsonl")
    ]
    employees = [
        Employee(**{**r, "hired_at": _ts(r["hired_at"])}) for r in _rows(out / "employees.jsonl")
    ]
    pods = [Pod(**{k: v for k, v in r.items() if k != "source"}) for r in _rows(out / "pods.jsonl")]
    outcomes = [
        Outcome(**{**r, "kind": OutcomeKind(r["kind"]), "ts": _ts(r["ts"])})
        for r in _rows(out / "outcomes.jsonl")
    ]
    transactions = [
        Transaction(**{**r, "ts": _ts(r["ts"])}) for r in _rows(out / "transactions.jsonl")
    ]
    assert all(x.source == "simulated" for x in [*customers, *employees, *outcomes, *transactions])
    assert all(r["source"] == "simulated" for r in _rows(out / "pods.jsonl"))
    assert {c.language for c in customers} >= {"en", "de", "es", "it", "pl", "fr"}
    employee_ids = {e.employee_id for e in employees}
    assert {m for p in pods for m in p.member_ids} <= employee_ids
    assert 4 <= len(pods) and all(p.functions for p in pods)
    kinds = {o.kind for o in outcomes}
    assert {
        OutcomeKind.CSAT,
        OutcomeKind.NPS,
        OutcomeKind.RESOLVED,
        OutcomeKind.CHURN,
        OutcomeKind.PULSE,
    } <= kinds
    for o in outcomes:
        if o.kind is OutcomeKind.CSAT:
            assert 1 <= o.value <= 5
        if o.kind is OutcomeKind.NPS:
            assert 0 <= o.value <= 10
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
