"""The tenant and role walk (issue 18): every route, as every role of tenant A and as
tenant B's admin, proves that below-minimum roles are refused, that B never sees A's
rows, and that refused writes change nothing.

Two tenants on real SQLite stores (A: ``<stem>.walka.db``, B: ``<stem>.walkb.db``, the
control plane in the default file). A is filled through the ingest API by its own admin
with planted ``MARKER-A`` values in names and texts (never in ids: an answer may echo the id
it was asked for). The walk runs in two phases: first every call that must
be refused (no key, each role below the route's minimum, and every call of B's admin,
which runs on B's store), with a checksum of every table of A's store and of the control
plane before and after; then every GET A's allowed roles may make, which must not be
refused (an agent's out-of-scope ids answer 404). The coverage (routes x principals) is
printed and written to ``auth-walk.json`` under pytest's tmp dir.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from empathos.api import create_app
from empathos.api.security import PUBLIC, ROUTE_ROLES
from empathos.api.security.policy import walk_routes
from empathos.config import Settings
from empathos.store import init_db, make_engine, schema
from empathos.store.auth import ROLES, create_key, create_tenant
from empathos.store.tenants import forget, tenant_engine

MARK = "MARKER-A-7f3c"
PRINCIPALS = ("none", *ROLES, "admin_b")


def _checksum(engine: Engine) -> dict[str, str]:
    out = {}
    with engine.connect() as conn:
        for t in schema.metadata.sorted_tables:
            rows = conn.execute(select(t)).all()
            n = conn.execute(select(func.count()).select_from(t)).scalar()
            digest = hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()
            out[t.name] = f"{n}:{digest[:16]}"
    return out


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("walk")
    url = f"sqlite:///{tmp / 'base.db'}"
    engine = make_engine(url)
    init_db(engine)
    create_tenant(engine, "walka", "A")
    create_tenant(engine, "walkb", "B")
    keys = {
        role: create_key(engine, "walka", role, "e-a1" if role == "agent" else None)[1]
        for role in ROLES
    }
    keys["admin_b"] = create_key(engine, "walkb", "admin")[1]
    settings = Settings(
        database_url=url, auth="on", session_secret="walk" * 8, emotion_model="lexicon"
    )
    app = create_app(settings, engine=engine)
    with TestClient(app) as client:
        h = {"Authorization": f"Bearer {keys['admin']}"}
        batches = {
            "pods": [{"pod_id": "p-a", "name": f"{MARK}-pod"}],
            "employees": [
                {"employee_id": "e-a1", "name": f"{MARK}-agent", "pod_id": "p-a"},
                {"employee_id": "e-a2", "name": f"{MARK}-other", "pod_id": "p-a"},
            ],
            "customers": [{"customer_id": "cust-a", "name": f"{MARK}-name"}],
            "interactions": [
                {
                    "interaction_id": f"ia-{n}",
                    "customer_id": "cust-a",
                    "employee_id": emp,
                    "channel": "chat",
                    "turns": [
                        {
                            "speaker": "customer",
                            "text": f"{MARK} my card",
                            "ts": "2026-03-01T09:15:00",
                        },
                        {
                            "speaker": "employee",
                            "text": "Sorry, fixing it.",
                            "ts": "2026-03-01T09:16:00",
                        },
                    ],
                }
                for n, emp in ((1, "e-a1"), (2, "e-a2"))
            ],
            "outcomes": [
                {"outcome_id": "o-1", "kind": "csat", "value": 4, "interaction_id": "ia-1"}
            ],
        }
        for kind, body in batches.items():
            r = client.post(f"/ingest/{kind}", json=body, headers=h)
            assert r.status_code == 200 and not r.json().get("rejected"), (kind, r.text)
        opened = client.post(
            "/contacts", json={"customer_id": "cust-a", "text": f"{MARK} help"}, headers=h
        )
        assert opened.status_code == 201, opened.text
        yield client, keys, engine, url, opened.json()
    forget(url)
    engine.dispose()


def _params(contact: dict) -> dict[str, str]:
    return {
        "pod_id": "p-a",
        "contact_id": contact["contact_id"],
        "interaction_id": "ia-2",  # e-a2's: out of the agent's scope
        "customer_id": "cust-a",
        "employee_id": "e-a2",
        "kind": "customers",
        "page": "overview",
        "table": "customers",
        "name": "style.css",
        "job_id": "0000",  # no such job: a role let in gets 404
    }


def _routes(app) -> list[tuple[str, str]]:
    return sorted({(m, p) for m, p, _ in walk_routes(app.routes) if m != "WS"})


def _call(client: TestClient, key: str | None, method: str, path: str, contact: dict):
    url = path.format(**_params(contact))
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    body = {} if method in ("POST", "PUT") else None
    return client.request(method, url, json=body, headers=headers, follow_redirects=False)


def test_policy_covers_every_route_and_nothing_else(world) -> None:
    client = world[0]
    walked = {(m, p) for m, p, _ in walk_routes(client.app.routes)} - {("GET", "/openapi.json")}
    table = set(ROUTE_ROLES) - {("GET", "/openapi.json")}
    assert walked - table == set(), "routes without a policy entry (they answer 403)"
    assert table - walked == set(), "policy entries for routes that do not exist"
    spec = {(m.upper(), p) for p, ops in client.app.openapi()["paths"].items() for m in ops}
    assert spec <= walked


def test_walk_every_route_as_every_role_and_tenant(world, tmp_path: Path) -> None:
    client, keys, base, url, contact = world
    a_store = tenant_engine(url, "walka")
    routes = _routes(client.app)
    before = (_checksum(a_store), _checksum(base))
    calls = 0
    refused = 0
    # phase 1: everything that must be refused, and all of B's admin
    for method, path in routes:
        need = ROUTE_ROLES[(method, path)]
        if need == PUBLIC:
            continue
        for who in PRINCIPALS:
            below = who == "none" or (who != "admin_b" and ROLES.index(who) < ROLES.index(need))
            if not below and who != "admin_b":
                continue
            if who == "admin_b" and path == "/assess/pilot":
                continue  # B's admin may run a pilot on B's (empty) store: not a leak check
            r = _call(client, keys.get(who), method, path, contact)
            calls += 1
            if who == "admin_b":
                assert r.status_code not in (401, 403), (who, method, path, r.text[:200])
                assert MARK not in r.text, (method, path, "B saw A's rows")
                continue
            refused += 1
            expected = {401} if who == "none" else {403}
            if who == "none" and method == "GET" and (path == "/" or path.startswith("/dashboard")):
                expected = {303}  # a page sends the browser to /login
            assert r.status_code in expected, (who, method, path, r.status_code, r.text[:200])
            assert MARK not in r.text
    assert (_checksum(a_store), _checksum(base)) == before, "a refused call changed a store"
    # phase 2: A's allowed roles are let in (GETs; an agent's foreign ids are 404)
    allowed = 0
    for method, path in routes:
        need = ROUTE_ROLES[(method, path)]
        if method != "GET" or need == PUBLIC:
            continue
        for who in ROLES:
            if ROLES.index(who) < ROLES.index(need):
                continue
            r = _call(client, keys[who], method, path, contact)
            calls += 1
            allowed += 1
            assert r.status_code not in (401, 403), (who, path, r.status_code, r.text[:200])
            if who == "agent" and ("{interaction_id}" in path or "{employee_id}" in path):
                assert r.status_code == 404, (path, r.status_code)  # e-a2's, not the agent's
            assert r.status_code < 500, (who, path, r.text[:300])
    report = {
        "routes": len(routes),
        "principals": len(PRINCIPALS),
        "route_x_principal_cells": len(routes) * len(PRINCIPALS),
        "calls": calls,
        "refused_checked": refused,
        "allowed_checked": allowed,
    }
    print("auth walk coverage:", report)
    (tmp_path / "auth-walk.json").write_text(json.dumps(report))


def test_agent_sees_its_own_contact_only(world) -> None:
    client, keys, *_ = world
    h = {"Authorization": f"Bearer {keys['agent']}"}
    own = client.get("/data/contacts/ia-1", headers=h)
    assert own.status_code == 200 and MARK in own.text
    assert client.get("/data/contacts/ia-2", headers=h).status_code == 404
    rows = client.get("/data/contacts", headers=h).json()["rows"]
    assert {r["interaction_id"] for r in rows} == {"ia-1"}
    assert client.get("/data/employees/e-a1", headers=h).status_code == 200
    # corrections: only on its own contacts, authored as itself whatever the body says
    fb = {"seq": 0, "label": "anger", "author_id": "boss", "author_role": "supervisor"}
    foreign = client.post("/feedback/emotion", json={**fb, "interaction_id": "ia-2"}, headers=h)
    assert foreign.status_code == 404
    own = client.post("/feedback/emotion", json={**fb, "interaction_id": "ia-1"}, headers=h)
    if own.status_code == 201:
        assert own.json()["author_id"] == "e-a1" and own.json()["author_role"] == "employee"
    else:  # the turn may lack a stored label to correct; never a refusal of the agent
        assert own.status_code not in (401, 403, 404), own.text


def test_websocket_needs_a_key_and_stays_in_its_tenant(world) -> None:
    from starlette.websockets import WebSocketDisconnect

    client, keys, _, _, contact = world
    path = f"/contacts/{contact['contact_id']}/stream"
    for token in (None, keys["viewer"]):
        query = f"?token={token}" if token else ""
        with (
            pytest.raises(WebSocketDisconnect) as exc,
            client.websocket_connect(path + query) as ws,
        ):
            ws.receive_json()
        assert exc.value.code in (4401, 4403, 1008)
    with (
        client.websocket_connect(f"{path}?token={keys['admin_b']}") as ws,
        pytest.raises(WebSocketDisconnect) as exc,
    ):
        ws.receive_json()
    assert exc.value.code == 4404  # B's desk has no such contact
    with client.websocket_connect(f"{path}?token={keys['admin']}") as ws:
        assert ws.receive_json()["type"] == "card"
