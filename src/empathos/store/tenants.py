"""One store per tenant: the engine registry.

Every row belongs to a tenant because every tenant has a store of its own: on PostgreSQL
a schema ``tenant_<slug>`` in the configured database (connections carry
``options=-csearch_path=<schema>``), on SQLite a sibling file ``<stem>.<slug>.db``. The
``default`` tenant is the configured database itself, so a single-company install keeps
working unchanged. A query is scoped to its tenant because it runs on the tenant's engine:
there is no ``WHERE tenant = ...`` to forget, and a bug in one query cannot read another
company's rows. The cost: N tenants are N migrated stores (created and migrated on first
use, cached here), and a cross-tenant report needs N queries — which nothing needs.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from empathos.store.engine import make_engine, normalise_url
from empathos.store.migrate import init_db

DEFAULT_TENANT = "default"
#: A tenant slug: it becomes a schema or file name, so nothing else is allowed.
SLUG = re.compile(r"^[a-z][a-z0-9_]{0,31}$")

_lock = threading.Lock()
_engines: dict[tuple[str, str], Engine] = {}


def check_slug(slug: str) -> str:
    """``slug`` if it is a valid tenant name, else ValueError (never a path or SQL)."""
    if not SLUG.match(slug):
        raise ValueError(f"tenant slug must match {SLUG.pattern}: {slug!r}")
    return slug


def tenant_url(base_url: str, slug: str) -> tuple[str, dict[str, object]]:
    """The URL and connect arguments of ``slug``'s store next to the ``base_url`` store."""
    check_slug(slug)
    url = make_url(normalise_url(base_url))
    if url.get_backend_name() == "sqlite":
        db = url.database or ""
        if db in ("", ":memory:"):
            raise ValueError("tenants need a file-backed SQLite store, not :memory:")
        p = Path(db)
        return str(url.set(database=str(p.with_name(f"{p.stem}.{slug}.db")))), {}
    if url.get_backend_name() == "postgresql":
        return str(url.render_as_string(hide_password=False)), {
            "options": f"-csearch_path=tenant_{slug}"
        }
    raise ValueError(f"tenants are not supported on {url.get_backend_name()}")


def tenant_engine(base_url: str, slug: str, base: Engine | None = None) -> Engine:
    """The (cached) migrated engine of tenant ``slug`` beside the store at ``base_url``.

    ``default`` is the base store itself (``base`` when given, so an app built on an
    engine keeps using that very engine). Another tenant's store is created (schema or
    file) and migrated on first use.
    """
    if slug == DEFAULT_TENANT and base is not None:
        return base
    key = (normalise_url(base_url), slug)
    with _lock:
        found = _engines.get(key)
        if found is not None:
            return found
        if slug == DEFAULT_TENANT:
            eng = make_engine(base_url)
        else:
            url, connect_args = tenant_url(base_url, slug)
            if connect_args:
                admin = create_engine(url)
                with admin.begin() as conn:
                    conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "tenant_{slug}"'))
                admin.dispose()
            eng = make_engine(url, connect_args=connect_args)
        init_db(eng)
        _engines[key] = eng
        return eng


def forget(base_url: str | None = None) -> None:
    """Dispose of cached tenant engines (all, or those beside ``base_url``): tests and
    the schema drop of a PostgreSQL test need the connections closed."""
    with _lock:
        for key in list(_engines):
            if base_url is None or key[0] == normalise_url(base_url):
                _engines.pop(key).dispose()
