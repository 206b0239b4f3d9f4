"""What every stage's commands share: the ``--db`` option, the two consoles, opening the
store and failing with a clear message. Light on purpose (no store, pandas or models at
import time), because every module of the CLI imports it before ``--help`` prints."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from empathos.understand.pipeline.mapper import BatchMapper

console = Console()  # results
err_console = Console(stderr=True)  # progress and errors

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db", help="Database URL (default: EMPATHOS_DATABASE_URL or sqlite:///empathos.db)."
    ),
]

EngineOption = Annotated[
    str,
    typer.Option(
        "--engine",
        help="Engine running the work (empathos.engines plug-in): 'local' (this machine) or "
        "'ray' (a Ray cluster; the dashboard summary's sums too), docs/scale.md.",
    ),
]
RayAddressOption = Annotated[
    str, typer.Option("--ray-address", help="Ray cluster address for --engine ray.")
]
WorkersOption = Annotated[
    int | None,
    typer.Option(
        "--workers",
        help="With local, N worker processes (1: in process; default: analyze takes every "
        "core when the run is big enough, predict runs in process); with ray, N actors "
        "(default 2).",
    ),
]


def engine_mapper(name: str, ray_address: str, workers: int | None) -> BatchMapper | None:
    """The mapper of the engine plug-in ``name`` (``None``: ``local`` without ``--workers``,
    the library's own default); an unknown engine ends the command naming the known ones."""
    from empathos import plugins

    try:
        eng_cls = plugins.load("engines", name)
    except plugins.UnknownPluginError as exc:
        fail(str(exc))
    if name == "ray":
        return eng_cls(ray_address).mapper(workers or 2)
    return None if name == "local" and workers is None else eng_cls().mapper(workers)


def open_store(db: str | None) -> Engine:
    """The engine for ``db``, migrated to the newest schema (creating it if new); a store
    that cannot be reached ends the command with one line naming it (:func:`connect`)."""
    return connect(db)[0]


def connect(db: str | None) -> tuple[Engine, str]:
    """The engine for ``db`` and its schema revision after ``init_db``. Any failure to
    reach or create the store (server down, wrong password, unwritable file, unknown URL
    scheme, missing driver) prints ``cannot connect to <url>: <reason>`` (the password
    hidden) and exits 1: a wrong ``--db`` used to print a 400-line traceback."""
    from empathos.config import get_settings
    from empathos.store import init_db, make_engine

    url = db or get_settings().database_url
    try:
        engine = make_engine(url)
        revision = init_db(engine)
    except Exception as exc:  # noqa: BLE001 - one clear line instead of a traceback
        err_console.print(
            f"[bold red]error:[/] cannot connect to {safe_url(url)}: {connect_reason(exc)}",
            soft_wrap=True,
            markup=True,
            highlight=False,
        )
        raise typer.Exit(code=1) from None
    return engine, revision


def safe_url(url: str) -> str:
    """``url`` with its password replaced by ``***`` (also for a URL SQLAlchemy can't parse)."""
    import re

    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - unparseable: mask by pattern
        return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", url)


def connect_reason(exc: BaseException) -> str:
    """The driver's own first line (``Connection refused``, ``unable to open database
    file``), without SQLAlchemy's wrapper and background link."""
    orig = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(orig).splitlines() if line.strip()]
    return lines[0] if lines else type(orig).__name__


def fail(message: str) -> NoReturn:
    """Print ``message`` as an error on stderr and exit with status 2 (no traceback)."""
    err_console.print(f"[bold red]error:[/] {message}", soft_wrap=True)
    raise typer.Exit(code=2)


def progress(resume: str | None = None, terminal_bar: bool = True) -> AbstractContextManager[Any]:
    """The progress display of a long command, on stderr so stdout stays its result: a Rich
    bar on a terminal, else a log line every ``EMPATHOS_PROGRESS_INTERVAL`` seconds with
    count, rate and ETA. Ctrl-C inside it says how far the run got and ``resume`` (default:
    re-run to continue, the work done is stored) and exits 130. See ``cli/_progress.py``."""
    from empathos.cli._progress import CONTINUE
    from empathos.cli._progress import progress as display

    return display(err_console, resume=resume or CONTINUE, terminal_bar=terminal_bar)


def refresh_dashboard(
    engine: Engine, engine_name: str = "local", mapper: BatchMapper | None = None
) -> None:
    """Rebuild the dashboard's summary now, so its first page load after a run is fast
    (seconds here instead of on the first request; 47 s at 1M contacts, docs/dashboard.md).
    On the ``local`` engine the database computes it (one ``INSERT … SELECT``, the fastest
    on one machine); on another engine its sums run through that engine's ``mapper``."""
    from empathos.web.aggregates import refresh_aggregates

    refresh_aggregates(engine, mapper=None if engine_name == "local" else mapper)
