"""The server's edges (issue 18, item 3): bounded bodies, texts and WebSocket messages, a
body-read timeout, the trusted-Host and WebSocket-Origin checks, security headers and a
per-caller rate limit (:class:`RateLimiter`).

Why one pure-ASGI middleware rather than several ``BaseHTTPMiddleware`` classes: it sees
the body as it arrives (so a 100 MB upload is refused after its first megabyte, not after
it was buffered), it adds no task hop per request (the routing budget is 5 ms at p99),
and one place says what every request goes through (docs/security.md, "Limits and edges").
"""

from __future__ import annotations

import asyncio
import contextvars
import hashlib
import json
import math
import time
from typing import Any

from starlette.exceptions import HTTPException

#: The longest text field the current request may carry (``Settings.max_text_chars``);
#: set per request by :class:`Edges`, read by the request models' validators.
TEXT_LIMIT: contextvars.ContextVar[int] = contextvars.ContextVar("text_limit", default=20_000)

LOOPBACK = ("localhost", "127.0.0.1", "::1", "[::1]", "testserver")

#: The dashboard loads its scripts from /static only and embeds figures as JSON data
#: (``<script type="application/json">``, not run); style attributes and plotly's injected
#: styles need ``'unsafe-inline'`` for styles only. /docs (Swagger UI) starts with one
#: inline script, so that page alone allows inline scripts; it shows no stored data.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
CSP_DOCS = CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
)


def allowed_hosts(settings: Any, serve_host: str | None = None) -> set[str]:
    """``Settings.allowed_hosts``, else the loopback names and the host being served."""
    hosts = {h.lower() for h in settings.allowed_hosts}
    if not hosts:
        hosts = set(LOOPBACK)
        if serve_host and serve_host not in ("0.0.0.0", "::"):
            hosts.add(serve_host.lower())
    return hosts


def _host_name(value: str) -> str:
    """``example.org:8000`` / ``[::1]:8000`` -> the name without the port, lower case."""
    value = value.strip().lower()
    if value.startswith("["):
        return value.split("]", 1)[0] + "]"
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


class RateLimiter:
    """A token bucket per caller: ``rate`` tokens a second, at most ``burst`` saved.

    The caller is a hash of the presented ``Authorization`` / ``X-API-Key`` header (so
    one key cannot spend another's budget, and the secret is never kept in memory), else
    the client address. Buckets idle long enough to be full again are dropped, so the
    table stays bounded by the callers of the last ``burst / rate`` seconds.
    """

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, float(burst)
        self.buckets: dict[bytes, tuple[float, float]] = {}  # caller -> (tokens, at)
        self._swept = time.monotonic()

    @staticmethod
    def caller(scope: dict[str, Any]) -> bytes:
        """The bucket key of a request: the credential's hash, else the client address."""
        for k, v in scope.get("headers", ()):
            if k in (b"authorization", b"x-api-key") and v:
                return b"k:" + hashlib.sha256(v).digest()[:16]
        client = scope.get("client") or ("?", 0)
        return b"a:" + str(client[0]).encode()

    def take(self, caller: bytes, now: float | None = None) -> float:
        """Spend one token; 0.0 when allowed, else the seconds until the next token."""
        now = time.monotonic() if now is None else now
        if now - self._swept > max(self.burst / self.rate, 1.0):
            full = self.burst / self.rate
            self.buckets = {c: b for c, b in self.buckets.items() if now - b[1] < full}
            self._swept = now
        tokens, at = self.buckets.get(caller, (self.burst, now))
        tokens = min(self.burst, tokens + (now - at) * self.rate)
        if tokens < 1.0:
            self.buckets[caller] = (tokens, now)
            return (1.0 - tokens) / self.rate
        self.buckets[caller] = (tokens - 1.0, now)
        return 0.0


class Edges:
    """The ASGI middleware installed by :func:`empathos.api.create_app` (outermost of the
    app's own middlewares)."""

    def __init__(self, app: Any, settings: Any, hosts: set[str]) -> None:
        self.app, self.settings, self.hosts = app, settings, hosts
        rate = settings.rate_limit_per_s
        self.limiter = RateLimiter(rate, settings.rate_limit_burst) if rate > 0 else None

    def _host_ok(self, scope: dict[str, Any]) -> bool:
        if "*" in self.hosts:
            return True
        for k, v in scope.get("headers", ()):
            if k == b"host":
                return _host_name(v.decode("latin-1")) in self.hosts
        return True  # HTTP/1.0 without Host: nothing to rebind

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        kind = scope["type"]
        if kind not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        token = TEXT_LIMIT.set(self.settings.max_text_chars)
        try:
            if kind == "websocket":
                return await self._websocket(scope, receive, send)
            if not self._host_ok(scope):
                return await _answer(send, 400, "invalid Host header")
            if self.limiter is not None and scope.get("path") != "/health":
                wait = self.limiter.take(RateLimiter.caller(scope))
                if wait > 0:
                    return await _answer(
                        send,
                        429,
                        f"over {self.settings.rate_limit_per_s:g} requests/s "
                        "(Settings.rate_limit_per_s)",
                        [(b"retry-after", str(max(1, math.ceil(wait))).encode())],
                    )
            return await self._http(scope, receive, send)
        finally:
            TEXT_LIMIT.reset(token)

    async def _http(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        path = scope.get("path", "")
        name = "ingest_api_max_bytes" if path.startswith("/ingest/") else "max_body_bytes"
        limit = getattr(self.settings, name)
        too_large = f"request body over {limit} bytes (Settings.{name})"
        for k, v in scope.get("headers", ()):
            if k == b"content-length" and v.isdigit() and int(v) > limit:
                return await _answer(send, 413, too_large)
        timeout = self.settings.body_timeout_s
        state = {"read": 0, "done": False}

        async def bounded_receive() -> dict[str, Any]:
            if state["done"]:  # after the body: waiting for a disconnect is legitimate
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), timeout)
            except TimeoutError:
                raise HTTPException(408, f"no request body bytes for {timeout:g} s") from None
            if message["type"] == "http.request":
                state["read"] += len(message.get("body", b""))
                if state["read"] > limit:
                    raise HTTPException(413, too_large)
                state["done"] = not message.get("more_body", False)
            else:
                state["done"] = True
            return message

        csp = (CSP_DOCS if path == "/docs" else CSP).encode()

        async def secured_send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in HEADERS if k not in present]
                if b"content-security-policy" not in present:
                    headers.append((b"content-security-policy", csp))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, bounded_receive, secured_send)

    async def _websocket(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        origin = host = None
        for k, v in scope.get("headers", ()):
            if k == b"origin":
                origin = v.decode("latin-1")
            elif k == b"host":
                host = v.decode("latin-1")
        refused = (host is not None and not self._host_ok(scope)) or (
            origin is not None
            and "*" not in self.hosts
            and _host_name(origin.split("://", 1)[-1].split("/", 1)[0]) not in self.hosts
        )
        if refused:  # closing before accept answers the handshake with 403
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": 1008})
            return
        limit = self.settings.ws_max_bytes

        async def bounded_receive() -> dict[str, Any]:
            message = await receive()
            if message["type"] == "websocket.receive":
                size = len(message.get("bytes") or b"") + len(
                    (message.get("text") or "").encode("utf-8", "surrogatepass")
                )
                if size > limit:
                    await send({"type": "websocket.close", "code": 1009})
                    return {"type": "websocket.disconnect", "code": 1009}
            return message

        await self.app(scope, bounded_receive, send)


async def _answer(
    send: Any, status: int, detail: str, extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    """A JSON error answered by the middleware itself (the app never sees the request)."""
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
                *HEADERS,
                (b"content-security-policy", CSP.encode()),
                *(extra or ()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def bounded_text(value: str | None) -> str | None:
    """The request models' validator: a text longer than the current limit is refused."""
    from pydantic_core import PydanticCustomError

    limit = TEXT_LIMIT.get()
    if value is not None and len(value) > limit:
        raise PydanticCustomError(
            "string_too_long",
            "String should have at most {max_length} characters",
            {"max_length": limit},
        )
    return value
