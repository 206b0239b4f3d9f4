"""What every stage's commands share: the ``--db`` option, the two consoles, opening the
store and failing with a clear message. Light on purpose (no store, pandas or models at
import time), because every module of the CLI imports it before ``--help`` prints."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console

if TYPE_CHECKING:
    from rich.progress import Progress
    from sqlalchemy import Engine

console = Console()  # results
err_console = Console(stderr=True)  # progress and errors

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db", help="Database URL (default: EMPATHOS_DATABASE_URL or sqlite:///empathos.db)."
    ),
]


def open_store(db: str | None) -> Engine:
    """The engine for ``db``, migrated to the newest schema (creating it if new)."""
    from empathos.store import init_db, make_engine

    engine = make_engine(db)
    init_db(engine)
    return engine


def fail(message: str) -> NoReturn:
    """Print ``message`` as an error on stderr and exit with status 2 (no traceback)."""
    err_console.print(f"[bold red]error:[/] {message}", soft_wrap=True)
    raise typer.Exit(code=2)


def progress() -> Progress:
    """A byte-progress bar on stderr, so stdout stays the command's result."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=False,
    )


def refresh_dashboard(engine: Engine) -> None:
    """Rebuild the dashboard's summary now, so its first page load after a run is fast
    (seconds here instead of on the first request; 47 s at 1M contacts, docs/dashboard.md)."""
    from empathos.web.aggregates import refresh_aggregates

    refresh_aggregates(engine)
