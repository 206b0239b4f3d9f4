"""Signed session cookies and CSRF tokens (HMAC-SHA256, stdlib only).

The cookie holds the tenant, the username, a CSRF token and an expiry, signed with the
app's session key; the role is re-read from the ``users`` table on every request, so a
disabled user or a changed role takes effect at once. The CSRF token is the session's own
(a synchronizer token): every dashboard form carries it in a hidden field and a POST
whose field (or ``X-CSRF-Token`` header) does not match is refused, so a cross-site form
cannot post with the victim's cookie (SameSite=Lax is a second line).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from pathlib import Path
from typing import Any

COOKIE = "empathos_session"
LOGIN_CSRF_COOKIE = "empathos_login_csrf"
MAX_AGE_S = 8 * 3600


def session_key(settings: Any) -> bytes:
    """``Settings.session_secret``, else a random key kept in ``<data_dir>`` (0600)."""
    if settings.session_secret:
        return settings.session_secret.encode("utf-8")
    path = Path(settings.data_dir) / ".empathos-session-secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(48))
    return path.read_text(encoding="utf-8").strip().encode("utf-8")


def _mac(key: bytes, body: str) -> str:
    return hmac.new(key, body.encode("ascii"), hashlib.sha256).hexdigest()


def sign(key: bytes, tenant: str, username: str) -> tuple[str, str]:
    """A new session cookie value and its CSRF token."""
    csrf = secrets.token_urlsafe(24)
    data = {"t": tenant, "u": username, "c": csrf, "x": int(time.time()) + MAX_AGE_S}
    body = base64.urlsafe_b64encode(json.dumps(data).encode("utf-8")).decode("ascii")
    return f"{body}.{_mac(key, body)}", csrf


def unsign(key: bytes, value: str | None) -> dict[str, Any] | None:
    """The session's data when the signature is right and it has not expired."""
    if not value or "." not in value:
        return None
    body, mac = value.rsplit(".", 1)
    try:
        if not hmac.compare_digest(mac, _mac(key, body)):
            return None
        data = json.loads(base64.urlsafe_b64decode(body.encode("ascii")))
    except (ValueError, UnicodeError):
        return None
    if not isinstance(data, dict) or data.get("x", 0) < time.time():
        return None
    return data
