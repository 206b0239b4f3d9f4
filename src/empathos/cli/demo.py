"""`empathos demo`: the whole flywheel on a sample and a simulated company, a thin wrapper
over :func:`empathos.demo.run_demo` (``make demo`` and ``python -m empathos.demo`` run it)."""

from __future__ import annotations

from typing import Annotated

import typer

from empathos.cli._app import app
from empathos.cli._util import progress


def _default_serve() -> bool:
    from empathos.config import get_settings

    return get_settings().demo_serve


def _default_port() -> int:
    from empathos.config import get_settings

    return get_settings().demo_port


@app.command()
def demo(
    serve: Annotated[
        bool,
        typer.Option(
            "--serve/--no-serve",
            default_factory=_default_serve,
            show_default=False,
            help="End by serving the dashboard on the demo's store until Ctrl-C "
            "(default: EMPATHOS_DEMO_SERVE or on).",
        ),
    ],
    port: Annotated[
        int,
        typer.Option(
            default_factory=_default_port,
            show_default=False,
            min=1,
            max=65535,
            help="Port of the dashboard on 127.0.0.1 (default: EMPATHOS_DEMO_PORT or 8000).",
        ),
    ],
) -> None:
    """Run the flywheel end to end in minutes: import the sample conversations, simulate a
    company, analyse, predict, route a live contact, coach, run OODA and the assessment,
    print a short report, then serve the dashboard. Writes demo-output/ (replaced each run)."""
    from empathos.demo import run_demo

    # Off a terminal the long steps log lines (count, rate, ETA); on one the demo draws its
    # own bars. Either way Ctrl-C ends it with a message and status 130.
    with progress("the demo starts afresh each run; re-run it", terminal_bar=False) as display:
        run_demo(serve_dashboard=serve, port=port, display=display)


def run_standalone() -> None:
    """``python -m empathos.demo``: this one command as a program of its own, so it takes
    the same options (and ``--help``) as ``empathos demo``."""
    standalone = typer.Typer(add_completion=False)
    standalone.command()(demo)
    standalone(prog_name="python -m empathos.demo")
