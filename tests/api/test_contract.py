"""The contract fixes schemathesis led to (issue 18, item 4), each pinned by name, so a
regression reads as what broke rather than as a count in tests/api/test_schemathesis.py."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from empathos.api import create_app
from empathos.api._responses import COMMON


@pytest.fixture
def client(engine: Engine) -> TestClient:
    return TestClient(create_app(engine=engine))


def test_every_operation_documents_the_common_error_answers(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    always = {s for s, (_, applies) in COMMON.items() if applies == "all"}
    assert always == {"401", "403", "405", "408", "413", "429"}
    for path, item in spec["paths"].items():
        for method, op in item.items():
            assert always <= set(op["responses"]), (method, path)
            if "{" in path:
                assert "404" in op["responses"], (method, path)
            if "requestBody" in op:
                assert {"400", "422"} <= set(op["responses"]), (method, path)
    assert spec["paths"]["/pods"]["get"]["responses"]["405"]["headers"]["Allow"]


def test_405_names_every_method_of_the_path(client: TestClient) -> None:
    r = client.request("PATCH", "/pods")
    assert r.status_code == 405 and r.headers["allow"] == "GET, POST"
    r = client.request("PATCH", "/pods/p-1")
    assert r.status_code == 405 and r.headers["allow"] == "DELETE, GET, PUT"


def test_a_nul_in_a_query_or_path_parameter_is_a_422_on_both_databases(
    client: TestClient,
) -> None:
    r = client.get("/summary", params={"channel": "a\x00b"})
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["loc"] == ["query", "channel"]
    assert client.get("/data/customers/c%00x").status_code == 422
    assert client.get("/summary", params={"channel": "chat"}).status_code == 200


def test_booleans_days_and_sequence_numbers_take_only_their_type(client: TestClient) -> None:
    assert client.post("/assess", json={"answers": {}, "save": 0}).status_code == 422
    assert client.post("/assess", json={"answers": {}, "save": False}).status_code == 200
    assert client.get("/summary", params={"start": "0"}).status_code == 422
    assert client.get("/summary", params={"start": "2026-01-01"}).status_code == 200
    member = {"employee_id": "e-1", "languages": ["en"], "competence": False}
    assert client.put("/pods/p-1", json={"name": "P", "members": [member]}).status_code == 422
    body = {"interaction_id": "i", "seq": 10**20, "label": "anger", "author_id": "a"}
    assert client.post("/feedback/emotion", json=body).status_code == 422
    assert client.get("/data/contacts", params={"offset": 10**20}).status_code == 422


def test_feedback_422_has_the_documented_shape(client: TestClient) -> None:
    body = {"interaction_id": "i", "seq": 0, "label": "anger", "author_id": " "}
    r = client.post("/feedback/emotion", json=body)
    assert r.status_code == 422
    assert r.json()["detail"] == [
        {
            "loc": ["body", "author_id"],
            "msg": "author_id: who made the correction is required",
            "type": "value_error",
        }
    ]
