"""The ingest API on both databases: batches (JSON and JSONL) through the listen path,
per-record errors without dropping the good records, idempotency by source id and by
Idempotency-Key, and the size limit (issue 17 items 2 and 7)."""

from __future__ import annotations

from collections.abc import Iterator

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from empathos.api import create_app
from empathos.config import Settings
from empathos.store import schema


def _interaction(iid: str, customer: str = "cu-1", text: str = "My invoice is wrong.") -> dict:
    return {
        "interaction_id": iid,
        "customer_id": customer,
        "channel": "chat",
        "turns": [
            {"speaker": "customer", "text": text, "ts": "2026-03-01T09:15:00"},
            {"speaker": "employee", "text": "Sorry, fixing it.", "ts": "2026-03-01T09:16:00"},
        ],
    }


def _count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return conn.execute(
            select(func.count()).select_from(schema.metadata.tables[table])
        ).scalar()


def _make(engine: Engine, **settings) -> Iterator[TestClient]:
    app = create_app(Settings(detect_language=False, **settings), engine=engine)
    with TestClient(app) as c:
        yield c


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    yield from _make(engine)


def test_batch_keeps_good_records_and_names_each_bad_one(client: TestClient, engine) -> None:
    bad_speaker = _interaction("c-2")
    bad_speaker["turns"][1]["speaker"] = "robot"
    body = [
        _interaction("c-1"),
        bad_speaker,
        "not an object",
        {"channel": "chat"},
        _interaction("c-5"),
    ]
    r = client.post("/ingest/interactions", json=body)
    assert r.status_code == 200, r.text
    a = r.json()
    assert (a["received"], a["accepted"], a["rejected"], a["new"]) == (5, 2, 3, 2)
    assert a["turns_stored"] == 4
    errors = {e["index"]: e for e in a["errors"]}
    assert set(errors) == {1, 2, 3}
    assert errors[1]["field"] == "turns[1].speaker" and "robot" in errors[1]["record"]
    assert errors[2]["field"] == "(record)" and "object" in errors[2]["reason"]
    assert errors[3]["field"] == "interaction_id" and "required" in errors[3]["reason"]
    assert _count(engine, "interactions") == 2 and _count(engine, "turns") == 4


def test_jsonl_body_gives_lines_and_repost_is_idempotent_by_source_id(client, engine) -> None:
    lines = [orjson.dumps(_interaction("c-1")), b"", b"{broken", orjson.dumps(_interaction("c-2"))]
    body = b"\n".join(lines) + b"\n"
    headers = {"content-type": "application/x-ndjson"}
    a = client.post("/ingest/interactions", content=body, headers=headers).json()
    assert (a["received"], a["new"], a["rejected"]) == (3, 2, 1)
    assert a["errors"] == [
        {
            "index": 1,
            "line": 3,
            "field": "(line)",
            "reason": a["errors"][0]["reason"],
            "record": "{broken",
        }
    ]
    assert "not valid JSON" in a["errors"][0]["reason"]
    again = client.post("/ingest/interactions", content=body, headers=headers).json()
    assert (again["new"], again["unchanged"], again["turns_stored"]) == (0, 2, 0)
    assert _count(engine, "interactions") == 2 and _count(engine, "turns") == 4


def test_idempotency_key_replays_the_first_answer_and_stores_nothing(client, engine) -> None:
    body = [_interaction("c-1"), {"interaction_id": "c-x", "channel": "fax", "turns": []}]
    key = {"Idempotency-Key": "batch-0001"}
    first = client.post("/ingest/interactions", json=body, headers=key)
    assert first.status_code == 200 and first.json()["new"] == 1
    runs = _count(engine, "ingest_runs")
    replay = client.post("/ingest/interactions", json=body, headers=key)
    assert replay.status_code == 200
    assert replay.json() == first.json()  # the first answer, not "0 new, 1 unchanged"
    assert replay.headers.get("Idempotent-Replayed") == "true"
    assert _count(engine, "ingest_runs") == runs  # nothing new stored, not even a run
    other = client.post("/ingest/interactions", json=[_interaction("c-9")], headers=key)
    assert other.status_code == 422
    assert other.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    assert _count(engine, "interactions") == 1
    # the same body under another key is a new request: idempotent by source id
    fresh = client.post("/ingest/interactions", json=body, headers={"Idempotency-Key": "b-2"})
    assert (fresh.json()["new"], fresh.json()["unchanged"]) == (0, 1)


def test_conflict_is_a_per_record_error_and_policies_apply(client, engine) -> None:
    client.post("/ingest/customers", json=[{"customer_id": "cu-1", "segment": "retail"}])
    body = [{"customer_id": "cu-1", "segment": "smb"}, {"customer_id": "cu-2"}]
    a = client.post("/ingest/customers", json=body).json()
    assert (a["new"], a["conflicts"], a["rejected"]) == (1, 1, 1)
    assert a["errors"][0]["index"] == 0 and "conflicts" in a["errors"][0]["reason"]
    u = client.post("/ingest/customers", params={"on_conflict": "update"}, json=body).json()
    assert (u["updated"], u["unchanged"], u["rejected"]) == (1, 1, 0)
    with engine.connect() as conn:
        seg = conn.execute(
            select(schema.customers.c.segment).where(schema.customers.c.customer_id == "cu-1")
        ).scalar()
    assert seg == "smb"


def test_every_kind_of_the_brief(client, engine) -> None:
    batches = {
        "customers": {"records": [{"customer_id": "cu-1", "language": "en"}]},
        "employees": [{"employee_id": "e-1", "name": "Ana", "pod_id": "p-1"}],
        "interactions": [_interaction("c-1")],
        "outcomes": [
            {"outcome_id": "o-1", "kind": "csat", "value": 4, "interaction_id": "c-1"},
            {"outcome_id": "o-2", "kind": "mood", "value": 1, "customer_id": "cu-1"},
        ],
        "transactions": [
            {"transaction_id": "t-1", "customer_id": "cu-1", "ts": "2026-03-01", "amount": 42.5}
        ],
    }
    for kind, body in batches.items():
        a = client.post(f"/ingest/{kind}", json=body).json()
        assert a["kind"] == kind and a["new"] >= 1, a
    assert [_count(engine, t) for t in batches] == [1, 1, 1, 1, 1]
    assert client.post("/ingest/tickets", json=[]).status_code == 422  # unknown kind


def test_body_errors(client) -> None:
    assert client.post("/ingest/customers", content=b"{nope").status_code == 422
    assert client.post("/ingest/customers", json={"customer_id": "x"}).status_code == 422
    r = client.post("/ingest/customers", content=b"a,b", headers={"content-type": "text/csv"})
    assert r.status_code == 415


def test_size_limit_is_413_and_stores_nothing(sqlite_store) -> None:
    for c in _make(sqlite_store, ingest_api_max_bytes=4096):
        small = [_interaction("c-1")]
        assert c.post("/ingest/interactions", json=small).status_code == 200
        big = [_interaction(f"c-{k}", text="x" * 100) for k in range(2, 40)]
        r = c.post("/ingest/interactions", json=big)
        assert r.status_code == 413 and "ingest_api_max_bytes" in r.json()["detail"]

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted while reading
            for k in range(2, 40):
                yield orjson.dumps(_interaction(f"c-{k}", text="x" * 100)) + b"\n"

        r = c.post(
            "/ingest/interactions",
            content=chunks(),
            headers={"content-type": "application/x-ndjson"},
        )
        assert r.status_code == 413
    assert _count(sqlite_store, "interactions") == 1


def test_openapi_documents_the_ingest_endpoint(client) -> None:
    spec = client.get("/openapi.json").json()
    op = spec["paths"]["/ingest/{kind}"]["post"]
    assert set(op["requestBody"]["content"]) == {"application/json", "application/x-ndjson"}
    assert {"413", "415", "422"} <= set(op["responses"])
    names = {p["name"] for p in op["parameters"]}
    assert {"kind", "on_conflict", "idempotency-key"} <= names
