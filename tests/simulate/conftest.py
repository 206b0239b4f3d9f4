"""One small and one medium simulation per test session, shared by the tests that only read them."""

from __future__ import annotations

from pathlib import Path

import pytest

from empathos.simulate import SimulationConfig, SimulationReport, run_simulation


def small_config(seed: int = 11) -> SimulationConfig:
    return SimulationConfig(customers=300, days=14, seed=seed)


@pytest.fixture(scope="session")
def medium_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SimulationReport]:
    """~6k contacts: enough for the ground-truth direction and utterance counts (~4 s)."""
    out = tmp_path_factory.mktemp("sim_medium")
    report = run_simulation(SimulationConfig(customers=2500, days=45, seed=5), out, progress=False)
    return out, report
