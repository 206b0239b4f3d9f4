"""``empathos drivers``: the table and ``--json`` say what the library says; without a
topic model it fails with what to run."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from empathos.cli import app
from empathos.store import init_db, make_engine
from tests.predict.test_drivers import add_topics
from tests.web.data import fill

runner = CliRunner()


def _store(tmp_path: Path, topics: bool = True) -> str:
    url = f"sqlite:///{tmp_path / 'drivers.db'}"
    engine = make_engine(url)
    init_db(engine)
    fill(engine)
    if topics:
        add_topics(engine)
    engine.dispose()
    return url


def test_drivers_json_and_table(tmp_path: Path) -> None:
    db = _store(tmp_path)
    res = runner.invoke(app, ["drivers", "--json", "--boot", "100", "--db", db])
    assert res.exit_code == 0, res.output
    d = json.loads(res.output)
    assert d["outcome"] == "remembered score" and len(d["topics"]) == 2
    assert d["topics"][0]["value_at_risk"] == 520.0
    table = runner.invoke(app, ["drivers", "--boot", "100", "--db", db], env={"COLUMNS": "200"})
    assert table.exit_code == 0, table.output
    assert "late / order" in table.output and "unknown" in table.output  # predicted CSAT
    assert "ranked by the remembered score" in table.output


def test_drivers_without_topics_fails_with_the_command_to_run(tmp_path: Path) -> None:
    res = runner.invoke(app, ["drivers", "--db", _store(tmp_path, topics=False)])
    assert res.exit_code == 2 and "empathos topics" in res.output
