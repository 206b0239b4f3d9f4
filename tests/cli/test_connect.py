"""A store that cannot be reached is one line naming it, not a traceback (issue 13: a
wrong ``--db`` printed 400 lines). Real failures: a port nothing listens on, a SQLite
file in a folder that cannot exist, a URL scheme SQLAlchemy does not know."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from empathos.cli import app
from empathos.cli._util import safe_url

BAD = {
    "refused": (
        "postgresql+psycopg://nobody:secret@127.0.0.1:1/x",
        "postgresql+psycopg://nobody:***@127.0.0.1:1/x",
        "Connection refused",
    ),
    "unwritable": (
        "sqlite:////proc/no-such-dir/x.db",
        "sqlite:////proc/no-such-dir/x.db",
        "unable to open database file",
    ),
    "scheme": ("nosuchdb://host/x", "nosuchdb://host/x", "Can't load plugin"),
}


# Every kind of failure through one command, and every command through one failure.
CASES = [("stats", case) for case in sorted(BAD)] + [
    (command, "refused")
    for command in ("init", "analyze", "predict", "customers", "balance-sheet", "ooda")
]


@pytest.mark.parametrize("command,case", CASES)
def test_bad_db_is_one_line_naming_the_url(command: str, case: str) -> None:
    url, shown, reason = BAD[case]
    result = CliRunner().invoke(app, [command, "--db", url], terminal_width=400)
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith(f"error: cannot connect to {shown}: "), lines[0]
    assert reason in lines[0]
    assert "secret" not in result.output


def test_serve_with_a_bad_db_is_one_line() -> None:
    result = CliRunner().invoke(app, ["serve", "--db", BAD["refused"][0]], terminal_width=400)
    assert result.exit_code == 1
    assert result.output.strip().startswith(
        "error: cannot connect to postgresql+psycopg://nobody:***@"
    )


def test_a_good_db_still_opens(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["init", "--db", f"sqlite:///{tmp_path / 'ok.db'}"])
    assert result.exit_code == 0, result.output
    assert "store ready" in result.output


def test_password_hidden_even_when_the_url_does_not_parse() -> None:
    assert safe_url("post gres://u:pw@h/x") == "post gres://u:***@h/x"
