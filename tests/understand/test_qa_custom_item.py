"""A company's own QA rubric item (the ``says_thanks`` item of ``tests/plugin_example``,
one class and one entry point): the contract suite picks it up without editing a list,
and a rubric YAML naming it scores every contact with it in ``analyze``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine

from empathos.understand.pipeline import AnalyzeConfig
from empathos.understand.qa.rubric import load_rubric
from empathos.understand.qa.scorecards import contact_scorecard, scorecards
from tests._plugins import install_plugin
from tests.understand.test_pipeline import run, seed

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "tests" / "plugin_example"


def test_the_contract_suite_runs_on_a_third_party_item() -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(EXAMPLE), env.get("PYTHONPATH")]))
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-v",
            "-p",
            "no:cacheprovider",
            "tests/contracts/test_qa_rubric_items.py",
            "-k",
            "says_thanks",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    passed = [ln for ln in out.stdout.splitlines() if "says_thanks" in ln and "PASSED" in ln]
    assert any("test_builds_with_no_arguments[says_thanks]" in ln for ln in passed)
    assert len(passed) >= 8 and "FAILED" not in out.stdout


def test_a_rubric_with_the_custom_item_scores_it_in_analyze(
    sqlite_store: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(EXAMPLE))
    install_plugin(
        monkeypatch, "qa_rubric_items", "says_thanks", "empathos_example_plugin.qa:SaysThanks"
    )
    path = tmp_path / "ours.yaml"
    path.write_text("name: ours\nitems:\n  - item: says_thanks\n    weight: 2\n  - effort\n")
    assert [e.item for e in load_rubric(path).entries] == ["says_thanks", "effort"]
    seed(sqlite_store)
    report, _, _ = run(sqlite_store, config=AnalyzeConfig(qa_rubric=path))
    assert report.interactions_qa == 4
    card = contact_scorecard(sqlite_store, "c2-a")  # "Happy to help." thanks nobody
    assert card["rubric"] == "ours" and card["items"]["says_thanks"]["status"] == "fail"
    assert contact_scorecard(sqlite_store, "c3-empty")["items"]["says_thanks"]["status"] == (
        "not_applicable"
    )
    out = scorecards(sqlite_store, "all")
    assert set(out["groups"][0]["items"]) == {"says_thanks", "effort"}
