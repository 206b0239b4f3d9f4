"""The control plane: tenants, API keys and dashboard users, in the default store.

Secrets are shown once and stored hashed: an API key is ``emp_<key_id>_<secret>`` and
only the SHA-256 of the whole string is kept (it is 256 random bits, so a fast hash
cannot be brute-forced); a password is kept as ``scrypt`` (hashlib, memory-hard, salted
per user), so a stolen database yields neither. Revoking a key sets ``revoked_at``; the
row stays for the audit trail.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, insert, select, update

from empathos.store.tables_auth import api_keys, tenants, users
from empathos.store.tenants import DEFAULT_TENANT, check_slug

#: Roles, weakest first: a role may do everything a weaker one may.
ROLES = ("viewer", "agent", "supervisor", "admin")
_SCRYPT = (2**14, 8, 1)


@dataclass(frozen=True)
class Principal:
    """Who a request is: the tenant whose store it reads, its role, and (for an agent)
    the employee whose contacts it may see. ``via`` is key, session or off (auth off)."""

    tenant: str
    role: str
    employee_id: str | None = None
    name: str = ""
    via: str = "key"

    def at_least(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}: {role!r}")
    return role


def tenant_exists(engine: Engine, slug: str) -> bool:
    if slug == DEFAULT_TENANT:
        return True
    with engine.connect() as conn:
        return (
            conn.execute(select(tenants.c.slug).where(tenants.c.slug == slug)).first() is not None
        )


def create_tenant(engine: Engine, slug: str, name: str | None = None) -> None:
    """Register tenant ``slug`` (its store is created on first use, ``store.tenants``)."""
    check_slug(slug)
    if slug == DEFAULT_TENANT or tenant_exists(engine, slug):
        raise ValueError(f"tenant {slug!r} exists")
    with engine.begin() as conn:
        conn.execute(insert(tenants).values(slug=slug, name=name or slug, created_at=_now()))


def list_tenants(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(select(tenants).order_by(tenants.c.slug)).mappings().all()
    return [{"slug": DEFAULT_TENANT, "name": "the configured store", "created_at": None}] + [
        dict(r) for r in rows
    ]


def _sha(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_key(
    engine: Engine,
    tenant: str,
    role: str,
    employee_id: str | None = None,
    name: str = "",
) -> tuple[str, str]:
    """A new API key: ``(key_id, secret)``. The secret is returned once, never stored."""
    _check_role(role)
    if not tenant_exists(engine, tenant):
        raise ValueError(f"no tenant {tenant!r} (empathos tenants create)")
    if role == "agent" and not employee_id:
        raise ValueError("an agent key needs --employee (the agent sees their own contacts)")
    key_id = secrets.token_hex(6)
    secret = f"emp_{key_id}_{secrets.token_urlsafe(32)}"
    with engine.begin() as conn:
        conn.execute(
            insert(api_keys).values(
                key_id=key_id,
                tenant=tenant,
                role=role,
                employee_id=employee_id,
                name=name or f"{role} key",
                secret_sha256=_sha(secret),
                created_at=_now(),
            )
        )
    return key_id, secret


def list_keys(engine: Engine) -> list[dict[str, Any]]:
    """Every key without its secret (nor its hash)."""
    cols = [c for c in api_keys.c if c.name != "secret_sha256"]
    with engine.connect() as conn:
        rows = conn.execute(select(*cols).order_by(api_keys.c.created_at)).mappings().all()
    return [dict(r) for r in rows]


def revoke_key(engine: Engine, key_id: str) -> bool:
    """Revoke ``key_id``; False when there is no such live key."""
    with engine.begin() as conn:
        res = conn.execute(
            update(api_keys)
            .where(api_keys.c.key_id == key_id, api_keys.c.revoked_at.is_(None))
            .values(revoked_at=_now())
        )
    return res.rowcount == 1


def principal_for_key(engine: Engine, secret: str) -> Principal | None:
    """The principal of a live key, or None (unknown or revoked)."""
    with engine.connect() as conn:
        row = conn.execute(
            select(api_keys).where(
                api_keys.c.secret_sha256 == _sha(secret), api_keys.c.revoked_at.is_(None)
            )
        ).first()
    if row is None:
        return None
    return Principal(row.tenant, row.role, row.employee_id, row.name, "key")


def hash_password(password: str, salt: bytes | None = None) -> str:
    n, r, p = _SCRYPT
    salt = salt or secrets.token_bytes(16)
    dk = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=32)
    return f"scrypt${n}${r}${p}${salt.hex()}${dk.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        _, n, r, p, salt, dk = stored.split("$")
        got = hashlib.scrypt(
            password.encode("utf-8"),
            salt=bytes.fromhex(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=32,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got.hex(), dk)


def create_user(
    engine: Engine,
    tenant: str,
    username: str,
    password: str,
    role: str,
    employee_id: str | None = None,
) -> None:
    """A dashboard login for ``tenant``."""
    _check_role(role)
    if not tenant_exists(engine, tenant):
        raise ValueError(f"no tenant {tenant!r} (empathos tenants create)")
    if role == "agent" and not employee_id:
        raise ValueError("an agent user needs --employee")
    if len(password) < 8:
        raise ValueError("a password needs at least 8 characters")
    with engine.begin() as conn:
        conn.execute(
            insert(users).values(
                tenant=tenant,
                username=username,
                role=role,
                employee_id=employee_id,
                password_hash=hash_password(password),
                created_at=_now(),
            )
        )


def login(engine: Engine, tenant: str, username: str, password: str) -> Principal | None:
    """The principal of a correct login, else None (the same work either way)."""
    with engine.connect() as conn:
        row = conn.execute(
            select(users).where(
                users.c.tenant == tenant,
                users.c.username == username,
                users.c.disabled_at.is_(None),
            )
        ).first()
    stored = row.password_hash if row is not None else hash_password("x" * 8)
    ok = verify_password(password, stored)
    if row is None or not ok:
        return None
    return Principal(row.tenant, row.role, row.employee_id, row.username, "session")
