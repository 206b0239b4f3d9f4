"""The ``empathos`` command line. Every command is a thin wrapper over a library function,
so the CLI, the Python API and the REST API say the same things."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="empathos",
    help="Empathos runs the empathy flywheel of customer experience: listen, understand & predict, act, learn.",
    no_args_is_help=True,
    add_completion=False,
)


@app.command()
def version() -> None:
    """Print the installed Empathos version."""
    from empathos import __version__

    typer.echo(__version__)


@app.callback()
def main() -> None:
    """Empathos: listen, understand & predict, act, learn."""
