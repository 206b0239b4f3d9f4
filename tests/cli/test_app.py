"""The ``empathos`` app as a whole: every command listed by ``--help`` in its order,
``--help`` without the library behind it, and stage modules that attach their commands
to ``_app`` without importing the package back."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import typer
from typer.testing import CliRunner

import empathos.cli
from empathos.cli import app

COMMANDS = [
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
    "pods",
    "tenants",
    "keys",
    "users",
    "experiment",
]


def test_help_lists_every_command_in_order() -> None:
    assert list(typer.main.get_command(app).commands) == COMMANDS
    out = CliRunner().invoke(app, ["--help"], terminal_width=200)
    assert out.exit_code == 0, out.output
    listed = [
        line.strip("│ ").split(" ")[0]
        for line in out.output.splitlines()
        if line.startswith("│ ") and not line.startswith("│  ")
    ]
    assert [name for name in listed if name in COMMANDS] == COMMANDS


def test_sub_apps_keep_their_commands() -> None:
    group = typer.main.get_command(app)
    assert list(group.commands["pods"].commands) == ["load", "list"]
    assert list(group.commands["experiment"].commands) == ["start", "end", "report"]


def test_help_imports_no_store_no_models_no_pandas() -> None:
    """``--help`` is fast because no command body runs: checked in a fresh interpreter."""
    code = (
        "import sys\n"
        "from empathos.cli import app\n"
        "try:\n"
        "    app(['--help'], prog_name='empathos')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(' '.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    loaded = set(done.stderr.split())
    assert "demo" in done.stdout
    heavy = {"pandas", "numpy", "sklearn", "sqlalchemy", "pydantic", "empathos.store"}
    assert not heavy & loaded, heavy & loaded
    assert not {m for m in loaded if m.startswith("empathos.") and "cli" not in m}


def test_stage_modules_import_only_app_and_util_from_the_cli() -> None:
    """No cycle by construction: ``_app`` <- stage modules <- ``empathos.cli``."""
    package = Path(empathos.cli.__file__).parent
    for path in sorted(package.glob("*.py")):
        if path.name == "__init__.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("empathos.cli"):
                assert node.module in (
                    "empathos.cli._app",
                    "empathos.cli._util",
                    "empathos.cli._progress",  # _util's progress display; imports no CLI
                ), f"{path.name} imports {node.module}"
            if isinstance(node, ast.FunctionDef):
                assert node.name != "register", f"{path.name} has a register() closure"


def test_csat_and_fit_remembered_commands(tmp_path) -> None:  # noqa: ANN001
    """``empathos csat`` lists figures (unknown with a reason); ``fit-remembered`` keeps
    the shipped weights on a store with too few outcomes and says so."""
    import json

    from typer.testing import CliRunner

    from empathos.store import init_db, make_engine
    from empathos.understand.pipeline import analyze
    from tests.understand.fakes import FakeEmotionModel, FakeEmpathyModel
    from tests.understand.test_pipeline import seed

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = make_engine(url)
    init_db(engine)
    seed(engine)
    analyze(engine, FakeEmotionModel(), FakeEmpathyModel(), progress=False)
    runner = CliRunner()
    out = runner.invoke(app, ["csat", "--json", "--db", url])
    assert out.exit_code == 0, out.output
    info = json.loads(out.output)
    assert (info["contacts"], info["predicted"], info["unknown"]) == (4, 3, 1)
    out = runner.invoke(app, ["fit-remembered", "--json", "--db", url])
    assert out.exit_code == 0, out.output
    res = json.loads(out.output)
    assert res["basis"] == "shipped" and res["notes"]
