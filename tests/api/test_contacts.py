"""The live contacts API on both databases: REST, the audit view, and the WebSocket stream
that pushes the card and the lead changes on every turn."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from empathos.act.live import LiveConfig, LiveDesk
from empathos.api import create_app
from empathos.config import Settings
from tests.act.live_store import fill

BILLING = "My invoice shows 40 EUR more than I agreed to."
SALES = "Actually I'd like to upgrade to the premium plan, what would it cost?"


def _client(engine) -> Iterator[TestClient]:
    fill(engine)
    app = create_app(Settings(emotion_model="lexicon"), engine=engine)
    # generous deadlines: this shared CI machine can be slow (the fallbacks are tested in tests/act)
    app.state.live_desk = LiveDesk(
        engine, app.state.settings, config=LiveConfig(store_timeout_s=5.0, emotion_timeout_s=5.0)
    )
    with TestClient(app) as c:
        yield c
    desk = getattr(app.state, "live_desk", None)
    if desk is not None:
        desk.close()


@pytest.fixture
def client(engine) -> Iterator[TestClient]:
    """On SQLite and PostgreSQL."""
    yield from _client(engine)


@pytest.fixture
def sqlite_client(sqlite_store) -> Iterator[TestClient]:
    """SQLite only, for what does not depend on the database."""
    yield from _client(sqlite_store)


def test_open_card_decisions(client: TestClient) -> None:
    r = client.post("/contacts", json={"customer_id": "c-hist", "channel": "chat", "text": BILLING})
    assert r.status_code == 201, r.text
    d = r.json()
    assert (
        d["kind"] == "open"
        and d["need"] == "billing"
        and d["employee_id"] in {"e-bill", "e-tech", "e-care"}
    )
    assert set(d["member_scores"]) == {"e-bill", "e-sales", "e-tech", "e-care"}
    cid = d["contact_id"]
    de = client.get(f"/contacts/{cid}/card", params={"lang": "de"}).json()
    en = client.get(f"/contacts/{cid}/card", params={"lang": "en"}).json()
    assert de["language"] == "de" and de["ending"]["title"] == "Gut abschließen"
    assert en["language"] == "en" and en["ending"]["title"] == "Ending well"
    assert len(en["historical"]["contacts"]) == 3 and en["predictive"][
        "churn_risk"
    ] == pytest.approx(0.3)
    t = client.post(
        f"/contacts/{cid}/turns", json={"speaker": "customer", "text": "I am furious about this!"}
    )
    assert (
        t.status_code == 200
        and t.json()["emotion"]["label"] == "anger"
        and t.json()["mood"] == "distressed"
    )
    decisions = client.get(f"/contacts/{cid}/decisions").json()
    assert [x["kind"] for x in decisions] == ["open", "turn"]
    assert decisions[0]["inputs"]["request"]["customer_id"] == "c-hist"
    scores = decisions[0]["scores"]
    assert len(scores) == 4 and all(s["reason"] for s in scores)
    assert {s["employee_id"]: s["score"] for s in scores} == pytest.approx(d["member_scores"])
    closed = client.post(f"/contacts/{cid}/close").json()
    assert closed["status"] == "closed" and closed["turns"] == 2
    assert (
        client.post(
            f"/contacts/{cid}/turns", json={"speaker": "customer", "text": "hi"}
        ).status_code
        == 409
    )


def test_errors_are_clear(sqlite_client: TestClient) -> None:
    assert sqlite_client.get("/contacts/nope/card").status_code == 404
    assert (
        sqlite_client.post(
            "/contacts/nope/turns", json={"speaker": "customer", "text": "x"}
        ).status_code
        == 404
    )
    bad = sqlite_client.post(
        "/contacts", json={"customer_id": "c-hist", "text": BILLING, "contact_id": "dup"}
    )
    assert bad.status_code == 201
    assert (
        sqlite_client.post(
            "/contacts", json={"customer_id": "c-hist", "text": BILLING, "contact_id": "dup"}
        ).status_code
        == 409
    )
    r = sqlite_client.post("/contacts/dup/turns", json={"speaker": "robot", "text": "x"})
    assert r.status_code == 422 and "speaker" in r.text


def test_websocket_pushes_card_and_lead_changes(client: TestClient) -> None:
    d = client.post(
        "/contacts", json={"customer_id": "c-hist", "channel": "chat", "text": BILLING}
    ).json()
    cid, first = d["contact_id"], d["employee_id"]
    with client.websocket_connect(f"/contacts/{cid}/stream") as ws:
        hello = ws.receive_json()
        assert hello["type"] == "card" and hello["card"]["lead_id"] == first
        client.post(
            f"/contacts/{cid}/turns", json={"speaker": "employee", "text": "Let me check that."}
        )
        pushed = ws.receive_json()
        assert pushed["type"] == "turn" and pushed["seq"] == 2 and pushed["card"]["n_turns"] == 2
        ws.send_json({"speaker": "customer", "text": SALES})  # turns may also come over the socket
        turn = ws.receive_json()
        change = ws.receive_json()
        assert (
            turn["type"] == "turn"
            and turn["need"] == "sales"
            and turn["lead_change"]["from_id"] == first
        )
        assert change["type"] == "lead_change" and change["to_id"] == turn["lead_id"] != first
        assert change["note"] and change["note_language"] in {"en", "de"}
        assert turn["card"]["lead_id"] == change["to_id"]
        ws.send_json({"speaker": "nobody"})
        assert ws.receive_json()["type"] == "error"


def test_websocket_unknown_contact_is_closed(sqlite_client: TestClient) -> None:
    from starlette.websockets import WebSocketDisconnect

    with (
        pytest.raises(WebSocketDisconnect) as exc,
        sqlite_client.websocket_connect("/contacts/nope/stream") as ws,
    ):
        ws.receive_json()
    assert exc.value.code == 4404


def test_openapi_documents_the_contacts_api(sqlite_client: TestClient) -> None:
    spec = sqlite_client.get("/openapi.json").json()
    for path in (
        "/contacts",
        "/contacts/{contact_id}/turns",
        "/contacts/{contact_id}/card",
        "/contacts/{contact_id}/decisions",
        "/contacts/{contact_id}/close",
    ):
        assert path in spec["paths"], path
    post = spec["paths"]["/contacts"]["post"]
    assert post["summary"] == "Route a new contact"
    assert post["responses"]["201"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/DecisionOut"
    )
    assert {"DecisionOut", "CardOut", "TurnOut", "MemberScore"} <= set(
        spec["components"]["schemas"]
    )


def test_serve_command_is_registered() -> None:
    from typer.testing import CliRunner

    from empathos.cli import app

    out = CliRunner().invoke(app, ["serve", "--help"])
    assert out.exit_code == 0 and "--port" in out.output and "--db" in out.output


@pytest.mark.parametrize(
    ("writer", "kind"), [("thread", "ThreadWriter"), ("process", "ProcessWriter")]
)
def test_the_desk_writer_is_a_setting(sqlite_store, writer: str, kind: str) -> None:
    """``Settings.live_writer`` (what ``empathos serve`` sets to process) picks where the
    desk built on first use writes the store from; both get a contact's rows there."""
    from empathos.api.contacts import get_desk

    fill(sqlite_store)
    app = create_app(Settings(emotion_model="lexicon", live_writer=writer), engine=sqlite_store)
    desk = get_desk(app)
    try:
        assert type(desk._writer).__name__ == kind
        with TestClient(app) as c:
            r = c.post(
                "/contacts", json={"customer_id": "c-hist", "channel": "chat", "text": BILLING}
            )
            assert r.status_code == 201, r.text
        assert desk.flush(30.0)
        assert desk.health()["writes_done"] > 0
    finally:
        desk.close(timeout=10.0)


def test_each_tenant_desk_journals_in_its_own_folder(sqlite_store, tmp_path) -> None:
    """A journal folder is locked by one desk: two tenants' desks in one process (or in two
    desk processes, api/partition.py) each get a folder of their own, and the desk's
    budgets come from the settings."""
    from empathos.api.contacts import get_desk

    settings = Settings(
        emotion_model="lexicon", live_journal_dir=tmp_path / "journal", live_store_timeout_s=2.5
    )
    app = create_app(settings, engine=sqlite_store)
    desks = [get_desk(app), get_desk(app, "acme")]
    try:
        folders = [d.settings.live_journal_dir for d in desks]
        assert folders == [tmp_path / "journal", tmp_path / "journal" / "tenants" / "acme"]
        assert all((f / "lock").exists() for f in folders)
        assert desks[1].config.store_timeout_s == 2.5
    finally:
        for d in desks:
            d.close(timeout=10.0)
