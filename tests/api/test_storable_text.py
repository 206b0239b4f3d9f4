"""The API refuses, with 422 naming the field, any text the store could not keep (a NUL,
which PostgreSQL refuses; a lone surrogate), before anything is acknowledged, on SQLite
and PostgreSQL alike: the same rule as imported files (listen/parse.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from empathos.api import create_app
from tests.api.test_contacts import BILLING, _client

NUL = "a\x00b"


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    yield from _client(engine)


def _loc(response) -> list:  # noqa: ANN001
    assert response.status_code == 422, response.text
    return response.json()["detail"][0]["loc"]


def test_pods_with_unstorable_text_answer_422_and_store_nothing(engine: Engine) -> None:
    client = TestClient(create_app(engine=engine))
    member = {"employee_id": "e-1", "languages": ["en"]}
    assert _loc(client.put("/pods/pod-x", json={"name": NUL, "members": [member]})) == [
        "body",
        "name",
    ]
    assert client.put("/pods/pod%00x", json={"name": "X", "members": [member]}).status_code == 422
    bad_member = {**member, "skills": ["bill\x00ing"]}
    assert _loc(client.put("/pods/pod-x", json={"name": "X", "members": [bad_member]})) == [
        "body",
        "members",
        0,
        "skills",
        0,
    ]
    r = client.post(
        "/pods", json={"pod_id": "p", "name": "X", "members": [member], "segments": [NUL]}
    )
    assert _loc(r) == ["body", "segments", 0]
    assert _loc(
        client.post(
            "/pods", json={"pod_id": "p", "name": "X", "members": [{**member, "name": NUL}]}
        )
    ) == ["body", "members", 0, "name"]
    assert client.get("/pods").json() == {"pods": []}
    # The rule refuses only what cannot be stored: the same pod without the NUL is stored.
    r = client.put("/pods/pod-x", json={"name": "Nörth ✓", "members": [member]})
    assert r.status_code == 200 and r.json()["name"] == "Nörth ✓"


def test_open_contact_with_a_nul_answers_422_naming_the_field(client: TestClient) -> None:
    for field in ("customer_id", "text", "need", "contact_id", "language", "channel"):
        body = {"customer_id": "c-hist", "channel": "chat", "text": BILLING, field: NUL}
        assert _loc(client.post("/contacts", json=body)) == ["body", field]


def test_lone_surrogate_and_nul_in_turns_answer_422_and_store_no_turn(client: TestClient) -> None:
    body = '{"customer_id": "c-\\ud800", "channel": "chat", "text": "hi"}'
    r = client.post("/contacts", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 422 and "customer_id" in r.text
    r = client.post("/contacts", json={"customer_id": "c-hist", "channel": "chat", "text": BILLING})
    assert r.status_code == 201, r.text
    cid = r.json()["contact_id"]
    turn = client.post(f"/contacts/{cid}/turns", json={"speaker": "customer", "text": NUL})
    assert _loc(turn) == ["body", "text"]
    assert [d["kind"] for d in client.get(f"/contacts/{cid}/decisions").json()] == ["open"]
    ok = client.post(f"/contacts/{cid}/turns", json={"speaker": "customer", "text": "still wrong"})
    assert ok.status_code == 200, ok.text


def test_feedback_with_a_nul_answers_422(engine: Engine) -> None:
    client = TestClient(create_app(engine=engine))
    body = {"interaction_id": "c-1", "seq": 0, "label": "anger", "author_id": NUL}
    assert _loc(client.post("/feedback/emotion", json=body)) == ["body", "author_id"]
    body = {
        "interaction_id": "c-1",
        "seq": 0,
        "levels": {"exploration": 1},
        "author_id": "e",
        "note": NUL,
    }
    assert _loc(client.post("/feedback/empathy", json=body)) == ["body", "note"]
