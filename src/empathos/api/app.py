"""The FastAPI application: REST + WebSocket for the live stages and the dashboard's pages.

Nothing is built at import time: :func:`create_app` takes the settings (and, for tests
and benchmarks, an engine) and returns a new app, so two apps on two databases can live in
one process.
"""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import Engine

from empathos import __version__
from empathos.api._responses import storable_url
from empathos.config import Settings, get_settings

#: Modules that each define ``router`` (an ``APIRouter``); included in this order.
ROUTER_MODULES = (
    "empathos.api.health",
    "empathos.api.security.login",
    "empathos.api.docs",
    "empathos.api.pods",
    "empathos.api.contacts",
    "empathos.api.learn",
    "empathos.api.assess",
    "empathos.api.jobs",
    "empathos.api.summary",
    "empathos.api.drivers",
    "empathos.api.qa",
    "empathos.api.ingest",
    "empathos.api.read",
    "empathos.api.csat",
    "empathos.web.routes",
    "empathos.web.drivers",
    "empathos.web.qa",
)


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """A new Empathos app on ``engine`` (default: the settings' database, migrated)."""
    from empathos.store import init_db, make_engine

    settings = settings or get_settings()
    if engine is None:
        engine = make_engine(settings.database_url)
        init_db(engine)
    app = FastAPI(
        title="Empathos",
        version=__version__,
        description=(
            "The empathy flywheel of customer experience: listen, understand & predict, "
            "act, learn. REST and WebSocket API; the dashboard is served at `/`."
        ),
        docs_url=None,  # /docs and /redoc from local assets: empathos.api.docs
        redoc_url=None,
        lifespan=_lifespan,
        # a NUL in a query or path parameter is a 422 on both databases (api/_responses.py)
        dependencies=[Depends(storable_url)],
    )
    app.state.settings = settings
    app.state.engine = engine  # the default tenant's store, which holds the control plane
    if settings.auth == "on":
        from empathos.api.security.session import session_key

        app.state.session_key = session_key(settings)
    app.add_exception_handler(RequestValidationError, _validation_error)
    from empathos.api.edges import Edges, allowed_hosts

    app.add_middleware(Edges, settings=settings, hosts=allowed_hosts(settings))

    from empathos.api.security import authorize

    # Every route is checked by one dependency against one policy table (fail closed):
    # api.security, docs/security.md.
    for name in ROUTER_MODULES:
        app.include_router(importlib.import_module(name).router, dependencies=[Depends(authorize)])
    from empathos.api import _responses

    _responses.install(app)  # the common error answers in the spec; 405 with a full Allow
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """On shutdown (uvicorn's SIGTERM/SIGINT handling runs it before the process exits),
    close the live desk: its pending writes are flushed and its writer child is joined,
    so a stopped server leaves no orphan process (issue 17, item 5)."""
    yield
    import asyncio

    desks = getattr(app.state, "live_desks", None) or {}
    found = {id(d): d for d in [getattr(app.state, "live_desk", None), *desks.values()] if d}
    for desk in found.values():  # one desk per tenant (api.contacts.get_desk)
        await asyncio.to_thread(desk.close, app.state.settings.live_shutdown_timeout_s)
    desks.clear()
    app.state.live_desk = None
    jobs = getattr(app.state, "jobs", None)
    if jobs is not None:  # queued pilots are dropped; a running one finishes in its thread
        jobs.close()


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    """FastAPI's 422, except that the echoed input is made encodable: a request carrying a
    lone surrogate (refused by the models) would otherwise fail to render its own 422 and
    answer 500."""
    from fastapi.encoders import jsonable_encoder

    def safe(value: Any) -> Any:
        if isinstance(value, str):
            return value.encode("utf-8", "backslashreplace").decode("utf-8")
        if isinstance(value, dict):
            return {safe(k): safe(v) for k, v in value.items()}
        if isinstance(value, list):
            return [safe(v) for v in value]
        return value

    return JSONResponse(status_code=422, content={"detail": safe(jsonable_encoder(exc.errors()))})
