"""The act stage of the flywheel (see DESIGN.md)."""

# Registers the ``empathy`` routing policy beside ``fifo`` whenever any act module is
# imported (the simulator imports ``empathos.act.routing``), so ``--policy empathy`` works.
from empathos.act import policies as _policies  # noqa: E402, F401
