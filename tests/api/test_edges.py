"""Clean edges of the live API (issue 17, item 6): a bad WebSocket frame answers an error
and the stream stays usable; unknown channels, empty texts and unknown customers answer
422 naming the field; the API reference is served from local assets (works offline)."""

from __future__ import annotations

import re

import pytest

from tests.api.test_contacts import BILLING, sqlite_client  # noqa: F401 - fixture


def _field(r) -> list[str]:
    return [e["loc"][-1] for e in r.json()["detail"]]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"customer_id": "c-hist", "channel": "fax", "text": BILLING}, "channel"),
        ({"customer_id": "c-hist", "channel": "chat", "text": ""}, "text"),
        ({"customer_id": "c-hist", "channel": "chat", "text": "   "}, "text"),
        ({"customer_id": "nobody-like-this", "channel": "chat", "text": BILLING}, "customer_id"),
    ],
)
def test_open_rejects_with_422_naming_the_field(sqlite_client, body, field) -> None:  # noqa: F811
    r = sqlite_client.post("/contacts", json=body)
    assert r.status_code == 422, r.text
    assert _field(r) == [field]


def test_channel_alias_and_empty_turn(sqlite_client) -> None:  # noqa: F811
    r = sqlite_client.post(
        "/contacts", json={"customer_id": "c-hist", "channel": "phone", "text": BILLING}
    )
    assert r.status_code == 201, r.text
    cid = r.json()["contact_id"]
    r = sqlite_client.post(f"/contacts/{cid}/turns", json={"speaker": "customer", "text": ""})
    assert r.status_code == 422 and _field(r) == ["text"]


def test_bad_websocket_frames_get_an_error_and_the_stream_goes_on(sqlite_client) -> None:  # noqa: F811
    r = sqlite_client.post("/contacts", json={"customer_id": "c-hist", "text": BILLING})
    cid = r.json()["contact_id"]
    with sqlite_client.websocket_connect(f"/contacts/{cid}/stream") as ws:
        assert ws.receive_json()["type"] == "card"
        ws.send_text("this is not json {")
        err = ws.receive_json()
        assert err["type"] == "error" and "not JSON" in err["detail"]
        ws.send_text('{"speaker": "alien", "text": ""}')
        err = ws.receive_json()
        assert err["type"] == "error"
        assert {e["loc"][-1] for e in err["errors"]} == {"speaker", "text"}
        ws.send_text("[1, 2]")
        assert ws.receive_json()["type"] == "error"
        ws.send_json({"speaker": "customer", "text": "Still waiting for the refund."})
        turn = ws.receive_json()
        assert turn["type"] == "turn" and turn["seq"] == 2


def test_docs_use_local_assets_only(sqlite_client) -> None:  # noqa: F811
    for page in ("/docs", "/redoc"):
        html = sqlite_client.get(page)
        assert html.status_code == 200
        urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html.text)
        urls += re.findall(r"""url:\s*["']([^"']+)["']""", html.text)
        assert urls, page
        assert not [u for u in urls if re.match(r"(https?:)?//", u)], urls
        assert "https://" not in html.text.replace("https://swagger.io", ""), page
        for u in urls:
            if u.startswith("/docs-assets/") or u == "/openapi.json":
                assert sqlite_client.get(u).status_code == 200, u
    assert sqlite_client.get("/docs-assets/../config.py").status_code == 404


def test_websocket_from_another_origin_is_refused(sqlite_client) -> None:  # noqa: F811
    from starlette.websockets import WebSocketDisconnect

    r = sqlite_client.post("/contacts", json={"customer_id": "c-hist", "text": BILLING})
    cid = r.json()["contact_id"]
    with (
        pytest.raises(WebSocketDisconnect),
        sqlite_client.websocket_connect(
            f"/contacts/{cid}/stream", headers={"origin": "https://evil.example"}
        ) as ws,
    ):
        ws.receive_json()
    with sqlite_client.websocket_connect(
        f"/contacts/{cid}/stream", headers={"origin": "http://localhost:8000"}
    ) as ws:
        assert ws.receive_json()["type"] == "card"
        ws.send_text("x" * (300 * 1024))  # over Settings.ws_max_bytes: the stream is closed
        with pytest.raises(WebSocketDisconnect) as exc:
            ws.receive_json()
        assert exc.value.code == 1009
