from __future__ import annotations

from pathlib import Path

from empathos.simulate import run_simulation
from tests.simulate.conftest import small_config


def _files(d: Path) -> dict[str, bytes]:
    return {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


def test_same_seed_writes_byte_identical_files(tmp_path: Path) -> None:
    run_simulation(small_config(seed=11), tmp_path / "a", progress=False)
    run_simulation(small_config(seed=11), tmp_path / "b", progress=False)
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert set(a) >= {
        "interactions.jsonl",
        "customers.jsonl",
        "employees.jsonl",
        "pods.jsonl",
        "outcomes.jsonl",
        "transactions.jsonl",
        "ground_truth.json",
        "truth/interactions.jsonl",
    }
    assert a.keys() == b.keys()
    for name in a:
        assert a[name] == b[name], f"{name} differs between two runs with the same seed"
    assert len(a["interactions.jsonl"]) > 10_000


def test_another_seed_gives_another_world(tmp_path: Path) -> None:
    run_simulation(small_config(seed=11), tmp_path / "a", progress=False)
    run_simulation(small_config(seed=12), tmp_path / "b", progress=False)
    assert (tmp_path / "a/interactions.jsonl").read_bytes() != (
        tmp_path / "b/interactions.jsonl"
    ).read_bytes()
