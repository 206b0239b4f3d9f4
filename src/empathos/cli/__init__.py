"""The ``empathos`` command line. Every command is a thin wrapper over a library function,
so the CLI, the Python API and the REST API say the same things.

One module per stage attaches its commands to the one ``app`` (``_app``) with plain
``@app.command`` functions; ``_util`` holds what they share. Importing the stage modules
here is what attaches them, and ``HELP_ORDER`` is the order ``--help`` lists them in. Each
module imports only Typer and Rich at the top and the library inside its commands, so
``empathos --help`` stays fast.
"""

from __future__ import annotations

from empathos.cli import (  # noqa: F401 - imported for their @app.command side effect
    act,
    assess,
    auth,
    demo,
    drivers,
    learn,
    listen,
    pii,
    predict,
    qa,
    serve,
    simulate,
    understand,
)
from typer.models import CommandInfo

from empathos.cli._app import app

# `empathos --help` lists the commands in this order, the one they had before the CLI
# became a package (eval after simulate). A command not named here comes after these, in
# the order its module was imported; the sub-apps (pods, experiment) follow the commands.
HELP_ORDER = (
    "version",
    "init",
    "ingest",
    "stats",
    "export",
    "pii",
    "listen",
    "analyze",
    "qa",
    "summary",
    "simulate",
    "eval",
    "csat",
    "fit-remembered",
    "predict",
    "customers",
    "topics",
    "drivers",
    "coach",
    "ooda",
    "retrain",
    "assess",
    "balance-sheet",
    "pilot",
    "serve",
    "demo",
    "plugins",
)


def _help_rank(info: CommandInfo) -> int:
    """Where a registered command sits in ``HELP_ORDER`` (others at the end)."""
    name = info.name or info.callback.__name__.lower().replace("_", "-")
    return HELP_ORDER.index(name) if name in HELP_ORDER else len(HELP_ORDER)


app.registered_commands.sort(key=_help_rank)

__all__ = ["HELP_ORDER", "app"]
