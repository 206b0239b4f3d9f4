"""Act: applying an action starts a measured experiment of its routing policy."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select

from empathos.learn.coaching import source_label
from empathos.learn.ooda.decide import ACTIONS, ActionSpec
from empathos.learn.ooda.observe import read_frame
from empathos.store.schema import (
    interactions,
)


def apply_action(
    engine: Engine,
    name: str,
    control_share: float = 0.2,
    cycle_minutes: float | None = None,
    started_at: datetime | None = None,
    actions: Sequence[ActionSpec] = ACTIONS,
) -> dict[str, Any]:
    """Switch on an action's routing policy as a new measured experiment (treatment = the
    policy, control = ``fifo`` on ``control_share`` of contacts or time slices)."""
    from empathos.act.routing import available_policies
    from empathos.learn.experiments import ExperimentConfig, start_experiment

    spec = next((a for a in actions if a.name == name), None)
    if spec is None:
        raise KeyError(f"no action {name!r}; known: {', '.join(a.name for a in actions)}")
    if spec.policy is None:
        raise ValueError(
            f"action {name!r} is not a routing policy change; run it as a pilot and measure it "
            "there"
        )
    if spec.policy not in available_policies():
        raise ValueError(
            f"policy {spec.policy!r} is not registered; "
            f"available: {', '.join(available_policies())}"
        )
    when = started_at or datetime.now(UTC).replace(tzinfo=None)
    cfg = ExperimentConfig(
        name=f"ooda-{name}-{when:%Y%m%d%H%M}",
        treatment=spec.policy,
        control="fifo",
        control_share=control_share,
        cycle_minutes=cycle_minutes,
    )
    src = source_label(read_frame(engine, select(interactions.c.source))["source"])
    start_experiment(
        engine,
        cfg,
        when,
        source=src if src in ("imported", "sample", "simulated") else "mixed",
        details={"action": name, "started_by": "ooda"},
    )
    return {
        "experiment": cfg.name,
        "treatment": cfg.treatment,
        "control": cfg.control,
        "control_share": cfg.control_share,
        "cycle_minutes": cycle_minutes,
        "started_at": when.isoformat(),
    }
