"""The control plane's tables: tenants, API keys, dashboard users (migration branch auth).

They are read in the *default* store only (the configured database): a tenant's rows live
in a store of their own (``store.tenants``), so these tables say who may open which store
and with what role; the same (empty) tables exist in every tenant store because every
store runs every migration. Secrets are never stored: an API key is kept as the SHA-256
of its random secret (a 256-bit random secret needs no slow hash), a password as its
scrypt hash with a per-user salt (``api.security.passwords``).
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, String, Table

from empathos.store.base import metadata

tenants = Table(
    "tenants",
    metadata,
    Column("slug", String(32), primary_key=True),  # [a-z0-9_]{1,32}; `default` is implicit
    Column("name", String(256), nullable=False),
    Column("created_at", DateTime, nullable=False),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("key_id", String(32), primary_key=True),  # public id, shown by `keys list`
    Column("tenant", String(32), nullable=False),
    Column("role", String(16), nullable=False),  # viewer | agent | supervisor | admin
    Column("employee_id", String(255)),  # an agent's own contacts; NULL for other roles
    Column("name", String(256), nullable=False),
    Column("secret_sha256", String(64), nullable=False, unique=True),
    Column("created_at", DateTime, nullable=False),
    Column("revoked_at", DateTime),
)

users = Table(
    "users",
    metadata,
    Column("tenant", String(32), primary_key=True),
    Column("username", String(128), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("employee_id", String(255)),
    Column("password_hash", String(512), nullable=False),  # scrypt$n$r$p$salt$hash
    Column("created_at", DateTime, nullable=False),
    Column("disabled_at", DateTime),
)
