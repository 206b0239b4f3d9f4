"""The dashboard's login and logout (a session cookie: signed, HttpOnly, SameSite=Lax).

The login form carries a double-submit token (cookie + hidden field) so a cross-site page
cannot log a browser into another account; after login every form carries the session's
CSRF token (``session``).
"""

from __future__ import annotations

import hmac
import secrets
from html import escape
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from empathos.api.security import session
from empathos.store.auth import login as check_login

router = APIRouter(include_in_schema=False)

_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Empathos - log in</title><link rel="stylesheet" href="/static/style.css"></head>
<body><main><h1>Log in</h1>{error}
<form method="post" action="/login" aria-label="Log in">
<input type="hidden" name="csrf_token" value="{csrf}">
<input type="hidden" name="next" value="{next}">
<div class="field"><label for="l-tenant">Tenant</label>
<input id="l-tenant" name="tenant" value="default"></div>
<div class="field"><label for="l-user">Username</label>
<input id="l-user" name="username" autocomplete="username"></div>
<div class="field"><label for="l-pw">Password</label>
<input id="l-pw" name="password" type="password" autocomplete="current-password"></div>
<button type="submit">Log in</button></form></main></body></html>"""


def _safe_next(value: str | None) -> str:
    """Only a local path (no open redirect to another site)."""
    return value if value and value.startswith("/") and not value.startswith("//") else "/"


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, error: str | None = None) -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    html = _PAGE.format(
        error=f'<p class="error">{escape(error)}</p>' if error else "",
        csrf=token,
        next=escape(_safe_next(request.query_params.get("next"))),
    )
    resp = HTMLResponse(html)
    resp.set_cookie(session.LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict")
    return resp


@router.post("/login")
async def login_submit(request: Request) -> Response:
    form = {
        k: v[-1] for k, v in parse_qs((await request.body()).decode("utf-8", "replace")).items()
    }
    cookie = request.cookies.get(session.LOGIN_CSRF_COOKIE, "")
    if not cookie or not hmac.compare_digest(cookie, form.get("csrf_token", "")):
        return RedirectResponse("/login?error=expired+form,+try+again", status_code=303)
    tenant, user = form.get("tenant") or "default", form.get("username", "")
    p = await run_in_threadpool(
        check_login, request.app.state.engine, tenant, user, form.get("password", "")
    )
    if p is None:
        return RedirectResponse("/login?error=wrong+tenant,+username+or+password", status_code=303)
    value, _ = session.sign(request.app.state.session_key, tenant, user)
    resp = RedirectResponse(_safe_next(form.get("next")), status_code=303)
    resp.set_cookie(
        session.COOKIE,
        value,
        max_age=session.MAX_AGE_S,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    resp.delete_cookie(session.LOGIN_CSRF_COOKIE)
    return resp


@router.post("/logout")
def logout() -> Response:
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie(session.COOKIE)
    return resp
