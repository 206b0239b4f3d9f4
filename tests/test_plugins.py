"""The plug-in registry: its contents pinned, the same in every process, open to
third-party packages (the example package under ``tests/plugin_example``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from empathos import plugins

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "tests" / "plugin_example"

#: Every built-in plug-in. Adding one (a class and an entry point in pyproject.toml) means
#: adding its name here: the registry's contents are a decision, not an accident.
EXPECTED = {
    "emotion_models": ["default", "fast", "lexicon", "transformer"],
    "empathy_models": ["default", "fast", "lexicon"],
    "engines": ["local", "ray"],
    "ingest_formats": [
        "customers",
        "employees",
        "interactions",
        "outcomes",
        "pods",
        "transactions",
        "turns",
        "twitter",
    ],
    "qa_rubric_items": [
        "effort",
        "empathy_mechanisms",
        "ending_well",
        "greeting_identification",
        "need_understood",
        "resolution_offered",
    ],
    "routing_policies": ["bandit", "controlled", "empathy", "fifo"],
    "store_backends": [],
}

#: Modules that used to register plug-ins by import side effect, or re-imported others
#: "just in case": importing them must not change a single name.
STAGE_MODULES = (
    "empathos.act",
    "empathos.act.policies",
    "empathos.learn",
    "empathos.learn.bandit",
    "empathos.learn.experiments",
    "empathos.learn.ooda",
    "empathos.understand.backends",
    "empathos.understand.backends.lexicon",
    "empathos.simulate",
    "empathos.assess.pilot",
    "empathos.cli",
)

#: What the stages' ``available_*`` functions list, in the order :data:`FRESH` prints them.
KIND_OF_API = ("routing_policies", "emotion_models", "empathy_models")

FRESH = """
import importlib, json, sys
from empathos import plugins
stages = ("act", "learn", "understand", "simulate", "assess", "listen", "predict")
def loaded():
    parts = (m.split(".") for m in sys.modules)
    return sorted(".".join(p) for p in parts if p[0] == "empathos" and p[1:2] and p[1] in stages)
before = plugins.registry()
imported_by_names = loaded()
from empathos.act.routing import available_policies
from empathos.understand.protocols import available_emotion_models, available_empathy_models
api = lambda: [available_policies(), available_emotion_models(), available_empathy_models()]
api_before = api()
for m in sys.argv[1:]:
    importlib.import_module(m)
plugins._entry_points.cache_clear()
after_imports = plugins.registry()
api_after = api()
for k in plugins.KINDS:
    for n in plugins.names(k):
        if n != "transformer":  # needs torch, an optional extra
            plugins.load(k, n)
plugins._entry_points.cache_clear()
after_loads = plugins.registry()
print(json.dumps([before, imported_by_names, after_imports, after_loads, api_before, api_after]))
"""


def run_fresh(*modules: str, pythonpath: Path | None = None) -> list:
    """Run :data:`FRESH` in a new interpreter (nothing imported yet) and read its answer."""
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(pythonpath), env.get("PYTHONPATH")]))
    out = subprocess.run(
        [sys.executable, "-c", FRESH, *modules],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env=env,
    )
    return json.loads(out.stdout)


def test_the_registry_holds_exactly_the_built_in_plugins() -> None:
    assert plugins.registry() == EXPECTED
    assert sorted(plugins.KINDS) == sorted(EXPECTED)


def test_the_names_are_the_same_whatever_was_imported_before() -> None:
    """In a fresh interpreter: the names before any stage is imported, after importing
    every module that once registered or re-imported policies, and after loading every
    plug-in are the same; asking for the names imports no stage."""
    before, imported_by_names, after_imports, after_loads, api_before, api_after = run_fresh(
        *STAGE_MODULES
    )
    assert before == after_imports == after_loads == EXPECTED
    assert imported_by_names == []
    routing, emotion, empathy = (EXPECTED[k] for k in KIND_OF_API)
    assert api_before == api_after == [routing, emotion, empathy]


def test_an_unknown_name_or_kind_lists_the_known_ones() -> None:
    with pytest.raises(plugins.UnknownPluginError) as exc:
        plugins.load("routing_policies", "nope")
    assert str(exc.value) == (
        "unknown routing policy 'nope'; available: bandit, controlled, empathy, fifo"
    )
    assert isinstance(exc.value, KeyError)
    with pytest.raises(plugins.UnknownPluginError, match="none installed"):
        plugins.load("store_backends", "nope")
    with pytest.raises(plugins.UnknownPluginError, match="known kinds: .*routing_policies"):
        plugins.names("no_such_kind")


def test_get_policy_keeps_its_error_and_builds_with_options() -> None:
    from empathos.act.routing import UnknownPolicyError, get_policy

    with pytest.raises(ValueError, match=r"^unknown routing policy 'x'; available: bandit, "):
        get_policy("x")
    assert issubclass(UnknownPolicyError, plugins.UnknownPluginError)
    assert get_policy("fifo", overflow_after_min=9.0).overflow_after_min == 9.0


def test_a_third_party_package_adds_a_policy_by_its_metadata_alone() -> None:
    """``tests/plugin_example`` on the path (what installing it would do): its
    ``first_free`` policy is found in a fresh interpreter, whatever was imported."""
    before, _, after_imports, _, api_before, _ = run_fresh("empathos.learn", pythonpath=EXAMPLE)
    routing = [*EXPECTED["routing_policies"], "first_free"]
    assert before["routing_policies"] == after_imports["routing_policies"] == sorted(routing)
    assert api_before[0] == sorted(routing)  # get_policy("first_free") works there
    assert "first_free" not in plugins.names("routing_policies")  # this process: not installed


def test_the_routing_contract_suite_runs_on_a_third_party_policy() -> None:
    """The contract suite picks the example's policy up without editing a list, and it
    passes every check."""
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
            "tests/contracts/test_routing_policies.py",
            "tests/contracts/test_learning_policies.py",
            "-k",
            "first_free",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    passed = [
        line for line in out.stdout.splitlines() if "[first_free" in line and "PASSED" in line
    ]
    assert any("test_route_contract[first_free-" in line for line in passed)
    assert any("test_nobody_free_queues_or_automates[first_free]" in line for line in passed)
    assert len(passed) >= 10 and "FAILED" not in out.stdout


def test_the_architecture_document_lists_every_kind() -> None:
    """docs/architecture.md is the map users read: every kind and its group must be there."""
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for k in plugins.KINDS.values():
        assert f"| `{k.name}` | `{k.group}` |" in doc, k.name
