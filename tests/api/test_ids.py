"""Ids through the API are normalised like imported ones (``listen.parse.as_id``): trimmed,
so ``" cu-1 "`` over the API and ``cu-1`` from a file are the same record."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from empathos.api import create_app
from tests.api.test_contacts import BILLING, _client


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    yield from _client(engine)


def test_contact_ids_are_trimmed_and_a_blank_one_is_a_422(client: TestClient) -> None:
    r = client.post(
        "/contacts", json={"customer_id": " c-hist ", "text": BILLING, "contact_id": " my-1 "}
    )
    assert r.status_code == 201, r.text
    assert r.json()["contact_id"] == "my-1"
    decision = client.get("/contacts/my-1/decisions").json()[0]
    assert decision["inputs"]["request"]["customer_id"] == "c-hist"
    r = client.post("/contacts", json={"customer_id": "   ", "text": BILLING})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "customer_id"]


def test_pod_ids_are_trimmed_in_body_and_path(engine: Engine) -> None:
    client = TestClient(create_app(engine=engine))
    member = {"employee_id": "e-1", "languages": ["en"], "skills": ["billing"]}
    pod = {"pod_id": " pod-y ", "name": "Y", "members": [member]}
    assert client.post("/pods", json=pod).status_code == 201
    assert [p["pod_id"] for p in client.get("/pods").json()["pods"]] == ["pod-y"]
    assert client.get("/pods/%20pod-y%20").json()["pod_id"] == "pod-y"
    assert client.delete("/pods/pod-y%20").status_code == 204
