"""CLI commands of the later stages, one module per stage, each with ``register(app)``.

``empathos.cli`` holds the shared options and the listen/understand commands, then calls
every ``register`` here, so a stage adds its commands in its own file.
"""

from __future__ import annotations

import importlib

import typer

STAGE_MODULES = ("act", "learn", "assess", "serve")


def register_all(app: typer.Typer) -> None:
    """Attach each stage's commands to the one ``empathos`` app."""
    for name in STAGE_MODULES:
        importlib.import_module(f"empathos.commands.{name}").register(app)
