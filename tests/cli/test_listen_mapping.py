"""``empathos ingest --mapping``: a shipped mapping by name, and help that lists them all."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from empathos.cli import app
from empathos.listen.mapping import shipped_mappings

runner = CliRunner()
FIXTURES = Path(__file__).parents[1] / "listen" / "fixtures"


def test_ingest_help_names_every_shipped_mapping() -> None:
    out = runner.invoke(app, ["ingest", "--help"], terminal_width=400)
    assert out.exit_code == 0, out.output
    flat = " ".join(out.output.split())
    assert all(name in flat for name in shipped_mappings()), flat


def test_ingest_takes_a_shipped_mapping_by_name(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    result = runner.invoke(
        app,
        [
            "ingest",
            str(FIXTURES / "generic_tickets.csv"),
            "--mapping",
            "generic_tickets",
            "--db",
            db,
            "--rejects",
            str(tmp_path / "r.jsonl"),
        ],
        terminal_width=200,
    )
    assert result.exit_code == 0, result.output
    assert "interactions" in result.output and " 6 " in result.output  # 3 tickets, 6 turns
    result = runner.invoke(app, ["ingest", str(FIXTURES / "generic_tickets.csv"), "--mapping",
                                 "no_such_mapping", "--db", db])  # fmt: skip
    assert result.exit_code != 0
    assert "no such mapping file, nor a shipped mapping" in result.output
