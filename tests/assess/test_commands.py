"""`empathos assess`, `balance-sheet` and `pilot` through the real CLI app."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from empathos.cli import app
from empathos.store import init_db, make_engine
from tests.assess import seed

runner = CliRunner()


def seeded_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    engine = make_engine(url)
    init_db(engine)
    seed.seed_all(engine)
    engine.dispose()
    return url


def test_assess_from_an_answers_file(tmp_path: Path) -> None:
    url = seeded_url(tmp_path)
    answers = tmp_path / "answers.yaml"
    answers.write_text("answers:\n  bv_goal: cost\n  le_planning: yearly\n")
    r = runner.invoke(app, ["assess", "--answers", str(answers), "--json", "--db", url])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    spots = {b["key"]: b for b in out["blind_spots"]}
    assert spots["cost_cutting"]["detected"] and spots["static_plans"]["severity"] == "high"
    assert out["assessment_id"] == 1
    table = runner.invoke(app, ["assess", "--answers", str(answers), "--db", url])
    assert table.exit_code == 0 and "blind spots found" in table.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("bv_goal: maybe\n")
    r = runner.invoke(app, ["assess", "--answers", str(bad), "--db", url])
    assert r.exit_code == 2


def test_assess_interactive_asks_the_unanswered_questions(tmp_path: Path) -> None:
    url = seeded_url(tmp_path)
    from empathos.assess.questionnaire import load_questionnaire

    n = len(load_questionnaire().questions)
    # first question: option 4 by number, second: by id, the rest skipped
    r = runner.invoke(
        app,
        ["assess", "--interactive", "--json", "--db", url],
        input="4\nat_risk\n" + "skip\n" * (n - 2),
    )
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)  # the prompts went to stderr
    assert out["answers"] == {"bv_goal": "value", "bv_value_measured": "at_risk"}


def test_balance_sheet_writes_html_and_pdf(tmp_path: Path) -> None:
    url = seeded_url(tmp_path)
    html, pdf = tmp_path / "bs.html", tmp_path / "bs.pdf"
    r = runner.invoke(
        app,
        ["balance-sheet", "--cost", "250000", "--html", str(html), "--pdf", str(pdf), "--db", url],
    )
    assert r.exit_code == 0, r.output
    assert "simulated" in r.output.lower() and "no measured action yet" in r.output
    assert html.read_text().lstrip().startswith("<!doctype html>")
    assert pdf.read_bytes().startswith(b"%PDF")


def test_pilot_command(tmp_path: Path) -> None:
    url = seeded_url(tmp_path)
    r = runner.invoke(
        app,
        [
            "pilot",
            "--pod",
            "p1",
            "--policy",
            "fifo",
            "--weeks",
            "1",
            "--seeds",
            "1",
            "--max-customers",
            "40",
            "--db",
            url,
        ],
        env={"COLUMNS": "200"},
    )
    assert r.exit_code == 0, r.output
    assert "SIMULATED" in r.output and "remembered" in r.output
    r = runner.invoke(app, ["pilot", "--pod", "p1", "--policy", "nope", "--db", url])
    assert r.exit_code == 2 and "unknown routing policy" in r.output
