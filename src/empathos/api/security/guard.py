"""The dependency every router carries: authenticate, check the role, scope an agent."""

from __future__ import annotations

import hashlib
import hmac
import time
from urllib.parse import parse_qs

from fastapi import HTTPException, WebSocketException
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection

from empathos.api.security import session
from empathos.api.security.policy import PUBLIC, ROUTE_ROLES, route_key
from empathos.store.auth import Principal, principal_for_key
from empathos.web.tenancy import OFF, engine_for

SAFE = {"GET", "HEAD", "OPTIONS", "WS"}
#: A key's principal is remembered this long: a revoked key stops working within it.
KEY_CACHE_S = 5.0
_key_cache: dict[str, tuple[float, Principal | None]] = {}


def _refuse(conn: HTTPConnection, status: int, detail: str) -> Exception:
    if conn.scope["type"] == "websocket":
        return WebSocketException(code=4401 if status == 401 else 4403, reason=detail)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return HTTPException(status_code=status, detail=detail, headers=headers)


def _secret(conn: HTTPConnection) -> str | None:
    auth = conn.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip() or None
    if conn.headers.get("x-api-key"):
        return conn.headers["x-api-key"].strip()
    if conn.scope["type"] == "websocket":  # browsers cannot set headers on a WebSocket
        return conn.query_params.get("token")
    return None


_MISS = object()


def _cached_key(secret: str) -> object:
    """The remembered principal of ``secret`` (None: a refused key), or ``_MISS``: read on
    the event loop, as a hit needs no store and the thread hop cost more than the check."""
    hit = _key_cache.get(hashlib.sha256(secret.encode("utf-8")).hexdigest())
    if hit is not None and time.monotonic() - hit[0] < KEY_CACHE_S:
        return hit[1]
    return _MISS


def _from_key(conn: HTTPConnection, secret: str) -> Principal | None:
    digest = hashlib.sha256(secret.encode("utf-8")).hexdigest()
    now = time.monotonic()
    hit = _key_cache.get(digest)
    if hit is not None and now - hit[0] < KEY_CACHE_S:
        return hit[1]
    found = principal_for_key(conn.app.state.engine, secret)
    if len(_key_cache) > 10_000:
        _key_cache.clear()
    _key_cache[digest] = (now, found)
    return found


def _from_session(conn: HTTPConnection) -> tuple[Principal, str] | None:
    from sqlalchemy import select

    from empathos.store.tables_auth import users

    data = session.unsign(conn.app.state.session_key, conn.cookies.get(session.COOKIE))
    if data is None:
        return None
    with conn.app.state.engine.connect() as c:
        row = c.execute(
            select(users).where(
                users.c.tenant == data["t"],
                users.c.username == data["u"],
                users.c.disabled_at.is_(None),
            )
        ).first()
    if row is None:
        return None
    return Principal(row.tenant, row.role, row.employee_id, row.username, "session"), data["c"]


def forget_keys() -> None:
    """Drop the key cache (a test revoking a key, or an admin wanting it now)."""
    _key_cache.clear()


async def authorize(conn: HTTPConnection) -> None:
    """Refuse the request unless its principal's role reaches the route's minimum."""
    route = conn.scope.get("route")
    method = "WS" if conn.scope["type"] == "websocket" else conn.scope["method"]
    need = ROUTE_ROLES.get(route_key(method, getattr(route, "path", "")))
    if need is None:
        raise _refuse(conn, 403, "this route has no entry in the access policy")
    if need == PUBLIC:
        return
    settings = conn.app.state.settings
    if settings.auth == "off":
        conn.state.principal = OFF
        return
    secret = _secret(conn)
    csrf: str | None = None
    if secret is not None:
        hit = _cached_key(secret)
        if hit is _MISS:
            p = await run_in_threadpool(_from_key, conn, secret)
        else:
            p = hit  # type: ignore[assignment]
    else:
        found = await run_in_threadpool(_from_session, conn)
        p, csrf = found if found else (None, None)
    if p is None:
        if method == "GET" and not getattr(route, "include_in_schema", True):
            raise HTTPException(303, "log in", headers={"Location": f"/login?next={conn.url.path}"})
        raise _refuse(conn, 401, "an API key (Authorization: Bearer) or a login is needed")
    conn.state.principal = p
    if not p.at_least(need):
        raise _refuse(conn, 403, f"this needs the {need} role (you are {p.role})")
    conn.state.csrf = csrf or ""
    if csrf is not None and method not in SAFE:
        await _check_csrf(conn, csrf)
    if p.role == "agent":
        await run_in_threadpool(_scope_agent, conn, p)


async def _check_csrf(conn: HTTPConnection, expected: str) -> None:
    sent = conn.headers.get("x-csrf-token")
    if sent is None and conn.headers.get("content-type", "").startswith(
        "application/x-www-form-urlencoded"
    ):
        body = (await conn.body()).decode("utf-8", "replace")  # type: ignore[attr-defined]
        sent = (parse_qs(body).get("csrf_token") or [None])[-1]
    if not sent or not hmac.compare_digest(sent, expected):
        raise _refuse(conn, 403, "missing or wrong CSRF token (reload the page)")


def _scope_agent(conn: HTTPConnection, p: Principal) -> None:
    """An agent reaches only its own: an interaction it handled, a live contact it leads,
    its own employee record. Anything else answers 404, as if it did not exist."""
    from sqlalchemy import select

    from empathos.store import schema

    params = conn.path_params
    missing = _refuse(conn, 404, "not found")
    if "employee_id" in params and params["employee_id"] != p.employee_id:
        raise missing
    if "interaction_id" in params:
        i = schema.interactions
        with engine_for(conn.app, p.tenant).connect() as c:
            owner = c.execute(
                select(i.c.employee_id).where(i.c.interaction_id == params["interaction_id"])
            ).scalar()
        if owner is None or owner != p.employee_id:
            raise missing
    if "contact_id" in params:
        from empathos.api.contacts import get_desk
        from empathos.api.partition import owns

        if not owns(conn.app, p.tenant):  # handed to the owner, which checks it there
            return

        try:
            lead = get_desk(conn.app, p.tenant).contact(params["contact_id"]).lead.lead_id
        except Exception:  # noqa: BLE001 - unknown contact: the route answers 404 too
            raise missing from None
        if lead != p.employee_id:
            raise missing
