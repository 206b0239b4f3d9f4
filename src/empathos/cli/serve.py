"""`empathos serve`: the REST/WebSocket API (and the dashboard) with uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from empathos.cli._app import app
from empathos.cli._util import DbOption, console, open_store


@app.command()
def serve(
    host: Annotated[
        str, typer.Option(help="Interface to listen on (127.0.0.1: this machine only).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    db: DbOption = None,
    emotion_model: Annotated[
        str | None,
        typer.Option(
            "--emotion-model", help="Emotion backend for live turns (default: the settings')."
        ),
    ] = None,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "info",
    access_log: Annotated[
        bool, typer.Option(help="Log every request (off for load tests).")
    ] = True,
    switch_interval_ms: Annotated[
        float,
        typer.Option(
            help="Python's GIL switch interval. The live desk's background threads (store "
            "writer, cache fills) would otherwise hold the event loop up to 5 ms per handoff."
        ),
    ] = 0.5,
    gc_threshold: Annotated[
        str,
        typer.Option(
            help="CPython GC thresholds gen0,gen1,gen2. The live desk holds many long-lived "
            "objects (caches, open contacts); with the defaults (700,10,10) the collector's "
            "full passes paused requests 50-150 ms (bench/route_load.py: p99 64 ms at "
            "200/s vs 5 ms with 100000,50,1000). Use 700,10,10 for CPython's defaults."
        ),
    ] = "100000,50,1000",
    desk_processes: Annotated[
        int,
        typer.Option(
            "--desk-processes",
            min=1,
            help="Run N app processes behind this one address, each owning the live desks "
            "of a partition of the tenants (CRC-32 of the slug modulo N); a live-desk "
            "request reaching another process is handed to the owner over a unix socket. "
            "A dead owner's tenants answer 503 until it is restarted. 1: one process.",
        ),
    ] = 1,
    insecure_no_auth: Annotated[
        bool,
        typer.Option(
            "--insecure-no-auth",
            help="Serve without authentication (Settings.auth off) even on a non-loopback "
            "host: anyone who reaches the port is the default tenant's admin.",
        ),
    ] = False,
) -> None:
    """Serve the API: POST /contacts, turns, assist cards, pods, the WebSocket stream,
    OpenAPI docs at /docs. The live desk keeps contacts in its memory: one process, or
    with --desk-processes N each tenant's desk in exactly one of N processes."""
    import sys

    import uvicorn

    from empathos.api import create_app
    from empathos.config import Settings

    overrides: dict[str, str] = {}
    if db:
        overrides["database_url"] = db
    if emotion_model:
        overrides["emotion_model"] = emotion_model
    if insecure_no_auth:
        overrides["auth"] = "off"
    settings = Settings(**overrides)
    if settings.auth == "off" and not insecure_no_auth and not is_loopback(host):
        console.print(
            f"[red]refusing to serve {host} without authentication (EMPATHOS_AUTH=off): "
            "anyone reaching the port could read and change everything. Turn auth on, "
            "serve on 127.0.0.1, or pass --insecure-no-auth.[/red]"
        )
        raise typer.Exit(2)
    if "live_writer" not in settings.model_fields_set:  # the store writer off the GIL
        settings = settings.model_copy(update={"live_writer": "process"})
    if settings.live_journal_dir is None:  # acknowledged contacts survive a crash
        settings = settings.model_copy(
            update={"live_journal_dir": settings.data_dir / "live-journal"}
        )
    if not settings.allowed_hosts and host not in ("0.0.0.0", "::"):
        from empathos.api.edges import allowed_hosts

        settings = settings.model_copy(
            update={"allowed_hosts": sorted(allowed_hosts(settings, host))}
        )
    engine = open_store(settings.database_url)
    uvicorn_kwargs = {
        "log_level": log_level,
        "access_log": access_log,
        # the edges (docs/security.md): idle connections and half-sent headers are
        # dropped, a WebSocket message over the limit closes its stream
        "timeout_keep_alive": 5,
        "h11_max_incomplete_event_size": 16 * 1024,
        "ws_max_size": settings.ws_max_bytes,
    }
    if desk_processes > 1:  # api/processes.py, api/partition.py
        from empathos.api.processes import run_desk_processes

        engine.dispose()  # migrated; each desk process opens its own
        console.print(
            f"Empathos API on http://{host}:{port}  ({desk_processes} desk processes, "
            f"store: {engine.url!r}, auth: {settings.auth})"
        )
        run_desk_processes(
            settings,
            host,
            port,
            desk_processes,
            uvicorn_kwargs,
            switch_interval_ms / 1000.0,
            _gc_values(gc_threshold),
            say=console.print,
        )
        return
    sys.setswitchinterval(switch_interval_ms / 1000.0)
    _tune_gc(gc_threshold)
    console.print(
        f"Empathos API on http://{host}:{port}  (docs: /docs, store: {engine.url!r}, "
        f"auth: {settings.auth})"
    )
    api = create_app(settings, engine=engine)
    # The desk starts with the server (its journal is replayed now, not on the first
    # request) and is closed by the app's lifespan on SIGTERM/SIGINT (api/app.py), before
    # uvicorn returns or re-raises the signal.
    from empathos.api.contacts import get_desk

    get_desk(api)
    try:
        uvicorn.run(
            api,
            host=host,
            port=port,
            **uvicorn_kwargs,
        )
    finally:
        desks = {id(d): d for d in (getattr(api.state, "live_desks", None) or {}).values()}
        for desk in desks.values():  # uvicorn ended without running the lifespan's shutdown
            desk.close(timeout=settings.live_shutdown_timeout_s)


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only (127.0.0.0/8, ::1, localhost)."""
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _tune_gc(thresholds: str) -> None:
    """Fewer collections, so long-lived state is not rescanned on the request path."""
    import gc

    gc.set_threshold(*_gc_values(thresholds))


def _gc_values(thresholds: str) -> tuple[int, int, int]:
    values = [int(x) for x in thresholds.split(",")]
    if len(values) != 3 or values[0] <= 0:
        raise typer.BadParameter("--gc-threshold needs three integers, e.g. 100000,50,1000")
    return values[0], values[1], values[2]
