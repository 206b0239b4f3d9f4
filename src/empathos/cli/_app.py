"""The one ``empathos`` Typer app, in a module of its own.

The stage modules attach their commands to this ``app`` with plain ``@app.command``
decorators and the package ``__init__`` imports them, so the imports run one way only:
``_app`` <- stage modules <- ``empathos.cli``. Nothing here imports a stage: ``--help``
stays fast.
"""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(
    name="empathos",
    help="Empathos runs the empathy flywheel of customer experience: "
    "listen, understand & predict, act, learn.",
    no_args_is_help=True,
    add_completion=False,
)


@app.command()
def version() -> None:
    """Print the installed Empathos version."""
    from empathos import __version__

    typer.echo(__version__)


@app.command()
def plugins(
    as_json: Annotated[bool, typer.Option("--json", help="Print the registry as JSON.")] = False,
) -> None:
    """List the installed plug-ins of every kind (models, routing policies, formats, ...):
    the names ``--model``, ``--policy`` and the Settings accept. See docs/plugins.md."""
    import json

    from empathos.plugins import registry

    found = registry()
    if as_json:
        typer.echo(json.dumps(found, indent=2))
        return
    for kind, names in found.items():
        typer.echo(f"{kind}: {', '.join(names) or '(none)'}")


@app.callback()
def main() -> None:
    """Empathos: listen, understand & predict, act, learn."""
