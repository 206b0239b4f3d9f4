"""``python -m empathos`` runs the CLI."""

from empathos.cli import app

app(prog_name="empathos")
