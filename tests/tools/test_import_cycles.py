"""The no_cycles contract (tools/import_cycles.py) finds what acyclic_siblings cannot."""

from __future__ import annotations

from pathlib import Path

import grimp
import pytest

from tools.import_cycles import NoCyclesContract


def _package(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, files: dict[str, str]):
    _package(tmp_path, files)
    monkeypatch.syspath_prepend(str(tmp_path))
    graph = grimp.build_graph(name, cache_dir=None)
    contract = NoCyclesContract(
        name="no cycles", session_options={}, contract_options={"containers": [name]}
    )
    return contract.check(graph, verbose=False)


def test_a_cycle_through_a_package_init_is_found(tmp_path, monkeypatch) -> None:
    # acyclic_siblings misses this one: a package and its own module are not siblings.
    check = _check(
        tmp_path,
        monkeypatch,
        "cyc_init",
        {
            "cyc_init/__init__.py": "",
            "cyc_init/sub/__init__.py": "from cyc_init.sub import a\nthing = 1\n",
            "cyc_init/sub/a.py": "\n\ndef f():\n    from cyc_init.sub import thing\n",
        },
    )
    assert not check.kept
    [cycle] = check.metadata["cycles"]
    assert cycle == [
        ("cyc_init.sub", "cyc_init.sub.a", "1"),
        ("cyc_init.sub.a", "cyc_init.sub", "4"),  # a lazy import counts
    ]


def test_a_longer_cycle_is_printed_in_order_and_a_chain_is_kept(tmp_path, monkeypatch) -> None:
    check = _check(
        tmp_path,
        monkeypatch,
        "cyc_long",
        {
            "cyc_long/__init__.py": "",
            "cyc_long/a.py": "import cyc_long.b\n",
            "cyc_long/b.py": "import cyc_long.c\n",
            "cyc_long/c.py": "import cyc_long.a\n",
            "cyc_long/d.py": "import cyc_long.a\n",  # imports the cycle, is not in it
        },
    )
    [cycle] = check.metadata["cycles"]
    assert [(a, b) for a, b, _ in cycle] == [
        ("cyc_long.a", "cyc_long.b"),
        ("cyc_long.b", "cyc_long.c"),
        ("cyc_long.c", "cyc_long.a"),
    ]
    kept = _check(
        tmp_path,
        monkeypatch,
        "chain",
        {"chain/__init__.py": "", "chain/a.py": "import chain.b\n", "chain/b.py": ""},
    )
    assert kept.kept
