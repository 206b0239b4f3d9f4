"""The running experiment, as the live desk sees it: which arm a new contact is in and
which policy routes it.

Why: a control group only measures something if the control arm is really routed the
old way and each contact's arm is on record. While an experiment is running (started,
not ended, in ``experiments``), the desk puts every contact it opens in an arm by the
experiment's own split (:func:`empathos.act.split.arm_for`, the rule learn uses), routes
it with that arm's policy (the desk's own when the names agree, else the registered
policy of that name) and writes the arm to ``experiment_assignments`` under the contact
id. ``experiment report`` measures it once the contact is imported as an interaction
under the same id (its outcomes and scores live there).

The experiment is read at most every ``ttl_s`` seconds, never on every contact, and a
failed read means "no experiment" (logged): routing never waits on it.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select

from empathos.act.routing import RoutingPolicy, get_policy
from empathos.act.split import arm_for

log = logging.getLogger(__name__)

__all__ = ["Arm", "RunningExperiment"]


@dataclass(frozen=True, slots=True)
class Arm:
    """One contact's place in the running experiment."""

    experiment: str
    arm: str  # control | treatment
    policy: str  # the policy that routes this arm


@dataclass
class RunningExperiment:
    """The newest running experiment, cached; :meth:`arm` gives a contact's arm."""

    engine: Engine
    ttl_s: float = 30.0
    _row: dict[str, Any] | None = None
    _read_at: float = -1e18
    _policies: dict[str, RoutingPolicy] = field(default_factory=dict)

    def _current(self, now: datetime) -> dict[str, Any] | None:
        if time.monotonic() - self._read_at >= self.ttl_s:
            self._read_at = time.monotonic()
            try:
                from empathos.store.tables_learn import experiments as t

                with self.engine.connect() as conn:
                    row = (
                        conn.execute(
                            select(t)
                            .where(t.c.ended_at.is_(None), t.c.started_at <= now)
                            .order_by(t.c.started_at.desc(), t.c.name)
                            .limit(1)
                        )
                        .mappings()
                        .first()
                    )
                self._row = None if row is None else dict(row)
            except Exception as exc:  # noqa: BLE001 - no experiment rather than no routing
                log.warning("live desk: cannot read the running experiment (%s)", exc)
                self._row = None
        return self._row

    def arm(self, contact_id: str, now: datetime) -> Arm | None:
        """The contact's arm in the running experiment (None: no experiment running)."""
        row = self._current(now)
        if row is None or row["started_at"] > now:
            return None
        minutes = (now - row["started_at"]).total_seconds() / 60.0
        arm = arm_for(row["salt"], contact_id, row["control_share"], row["cycle_minutes"], minutes)
        policy = row["control_policy"] if arm == "control" else row["treatment_policy"]
        return Arm(row["name"], arm, policy)

    def policy(self, name: str) -> RoutingPolicy:
        """The registered routing policy ``name`` (built once)."""
        if name not in self._policies:
            self._policies[name] = get_policy(name)
        return self._policies[name]

    def warm(self, now: datetime) -> None:
        """Read the running experiment now (at start-up, off the hot path)."""
        self._current(now)

    def fresh(self) -> bool:
        """True when :meth:`arm` will not read the store (the cache is recent)."""
        return time.monotonic() - self._read_at < self.ttl_s

    def refresh(self) -> None:
        """Read the experiment again on the next contact (after start/end)."""
        self._read_at = -1e18
