"""The simulate stage: a contact-centre simulator with a known ground truth (see docs/simulate.md).

from empathos.simulate import preset, run_simulation
report = run_simulation(preset("demo", seed=7), Path("data/demo"))
"""

from empathos.simulate.config import PRESETS, EffectSizes, SimulationConfig, preset
from empathos.simulate.run import SimulationReport, run_simulation

__all__ = [
    "PRESETS",
    "EffectSizes",
    "SimulationConfig",
    "SimulationReport",
    "preset",
    "run_simulation",
]
