"""``empathos demo`` (and ``python -m empathos.demo``): its help runs nothing, its options
and their Settings defaults reach :func:`empathos.demo.run_demo`, and ``run_demo`` serves
on the port it is given. The demo's steps themselves are tests/test_demo.py."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import empathos.demo as demo
from empathos.cli import app
from empathos.config import get_settings

runner = CliRunner()


@pytest.fixture()
def calls(monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    """``run_demo`` replaced by a recorder; settings read fresh from a clean environment."""
    recorded: list[dict] = []
    # the CLI's progress display is passed too (None on a terminal); the options are checked
    monkeypatch.setattr(
        demo,
        "run_demo",
        lambda display=None, **kwargs: recorded.append(kwargs),
    )
    monkeypatch.delenv("EMPATHOS_DEMO_SERVE", raising=False)
    monkeypatch.delenv("EMPATHOS_DEMO_PORT", raising=False)
    get_settings.cache_clear()
    yield recorded
    get_settings.cache_clear()


def test_demo_help_shows_its_options_and_runs_nothing(calls: list[dict]) -> None:
    out = runner.invoke(app, ["demo", "--help"], terminal_width=200)
    assert out.exit_code == 0, out.output
    assert "--no-serve" in out.output and "--port" in out.output
    assert "EMPATHOS_DEMO_PORT" in out.output
    assert calls == []


def test_python_m_empathos_demo_help_prints_help(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "empathos.demo", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert done.returncode == 0, done.stderr
    assert "python -m empathos.demo" in done.stdout
    assert "--no-serve" in done.stdout and "--port" in done.stdout
    assert not (tmp_path / "demo-output").exists()  # the demo did not start


def test_options_reach_run_demo(calls: list[dict]) -> None:
    out = runner.invoke(app, ["demo", "--no-serve", "--port", "8123"])
    assert out.exit_code == 0, out.output
    assert calls == [{"serve_dashboard": False, "port": 8123}]


def test_defaults_come_from_settings(calls: list[dict], monkeypatch: pytest.MonkeyPatch) -> None:
    assert runner.invoke(app, ["demo"]).exit_code == 0
    monkeypatch.setenv("EMPATHOS_DEMO_SERVE", "0")
    monkeypatch.setenv("EMPATHOS_DEMO_PORT", "8765")
    get_settings.cache_clear()
    assert runner.invoke(app, ["demo"]).exit_code == 0
    assert runner.invoke(app, ["demo", "--serve"]).exit_code == 0
    assert calls == [
        {"serve_dashboard": True, "port": 8000},
        {"serve_dashboard": False, "port": 8765},
        {"serve_dashboard": True, "port": 8765},
    ]


def test_port_out_of_range_is_a_usage_error(calls: list[dict]) -> None:
    out = runner.invoke(app, ["demo", "--port", "0"])
    assert out.exit_code == 2 and calls == []


def test_run_demo_serves_on_the_port_it_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The steps are replaced by no-ops (tests/test_demo.py runs them); what is left is
    run_demo's own flow: a fresh store in OUT, the report, then serve or not."""
    for name in ("listen", "understand", "predict", "risk", "act", "learn", "assess"):
        monkeypatch.setattr(demo, name, lambda *args: None)
    served: list[tuple[str, int]] = []
    monkeypatch.setattr(demo, "serve", lambda url, port: served.append((url, port)))
    monkeypatch.setattr(demo, "OUT", tmp_path / "out")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "stale.txt").write_text("from an earlier run")
    demo.run_demo(serve_dashboard=False, port=8123)
    assert served == [] and not (tmp_path / "out" / "stale.txt").exists()
    demo.run_demo(serve_dashboard=True, port=8123)
    assert served == [(f"sqlite:///{tmp_path / 'out' / 'empathos-demo.db'}", 8123)]
