"""What a route asks of the request: the principal and the store of its tenant (api and web).

Every route reads and writes through :func:`store_engine`, never ``app.state.engine``:
the engine is the principal's tenant's own store (``store.tenants``), so a query cannot
reach another tenant's rows. ``app.state.engine`` remains the *default* store, which also
holds the control plane (tenants, keys, users). With ``Settings.auth = "off"`` every
request is the default tenant's admin, exactly the behaviour before auth existed.
"""

from __future__ import annotations

import threading
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Engine
from starlette.requests import HTTPConnection

from empathos.store.auth import Principal
from empathos.store.tenants import DEFAULT_TENANT, tenant_engine

#: The principal of a request when auth is off (and of the CLI).
OFF = Principal(DEFAULT_TENANT, "admin", None, "auth off", "off")
_lock = threading.Lock()


def principal(conn: HTTPConnection) -> Principal:
    """Who this request is (set by ``api.security.authorize``; auth off: the default admin)."""
    return getattr(conn.state, "principal", None) or OFF


def tenant_of(conn: HTTPConnection) -> str:
    return principal(conn).tenant


def base_url(app: Any) -> str:
    """The default store's URL with its password (tenant stores sit beside it)."""
    return app.state.engine.url.render_as_string(hide_password=False)


def engine_for(app: Any, tenant: str) -> Engine:
    """The store of ``tenant`` for ``app`` (the app's own engine for the default)."""
    return tenant_engine(base_url(app), tenant, base=app.state.engine)


def store_engine(conn: HTTPConnection) -> Engine:
    """The store of the principal's tenant: what every route queries."""
    return engine_for(conn.app, tenant_of(conn))


def tenant_state(conn: HTTPConnection) -> Any:
    """Per-tenant app state (``engine`` and the pages' freshness throttle), so one tenant's
    summary check never stands in for another's."""
    app, tenant = conn.app, tenant_of(conn)
    states = getattr(app.state, "tenant_states", None)
    if states is None:
        with _lock:
            states = getattr(app.state, "tenant_states", None)
            if states is None:
                states = app.state.tenant_states = {}
    found = states.get(tenant)
    if found is None:
        with _lock:
            found = states.setdefault(tenant, SimpleNamespace(engine=store_engine(conn)))
    return found


def live_desk(conn: HTTPConnection) -> Any:
    """The live desk of the principal's tenant when one was started, else None (one desk
    per tenant: ``app.state.live_desks``; the default's is also ``app.state.live_desk``)."""
    tenant = tenant_of(conn)
    if tenant == DEFAULT_TENANT and getattr(conn.app.state, "live_desk", None) is not None:
        return conn.app.state.live_desk
    return (getattr(conn.app.state, "live_desks", None) or {}).get(tenant)
