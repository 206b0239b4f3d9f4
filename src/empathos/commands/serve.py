"""`empathos` commands of the serve stage (thin wrappers over library calls)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Attach this stage's commands to ``app``."""
