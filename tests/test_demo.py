"""The demo's later-stage steps (act, learn, assess) on a small simulated, analysed and
predicted store: the calls the demo makes must keep working as the stages change. The
whole demo (default models, 1,500 customers) is `make demo`; this runs its steps only."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rich.console import Console

import empathos.demo as demo
from empathos.store import init_db, make_engine
from tests.web.conftest import _build


@pytest.fixture()
def demo_store(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    db = _build(tmp_path_factory.getbasetemp() / "web_sim")  # shared with the web tests
    copy = tmp_path / "store.db"
    shutil.copy(db, copy)
    engine = make_engine(f"sqlite:///{copy}")
    init_db(engine)
    console = Console(record=True, width=240)
    monkeypatch.setattr(demo, "console", console)
    monkeypatch.setattr(demo, "OUT", tmp_path)
    yield engine, console
    engine.dispose()


def test_act_learn_assess_steps_report_on_the_store(demo_store) -> None:  # noqa: ANN001
    engine, console = demo_store
    demo.act(engine)
    demo.learn(engine)
    demo.assess(engine)
    out = console.export_text()
    decision = next(line for line in out.splitlines() if "decision:" in line)
    assert "lead e-" in decision or "automation" in decision, decision
    assert "card/contextual" in out and "card/predictive" in out
    pod_line = next(line for line in out.splitlines() if line.strip().startswith("pod "))
    assert "(simulated)" in pod_line and not pod_line.strip().startswith("pod None")
    assert "action 1:" in out
    assert "overall " in out and "blind spots:" in out
    html = (demo.OUT / "balance_sheet.html").read_text(encoding="utf-8")
    assert "simulated" in html.lower() and '<script src="http' not in html
