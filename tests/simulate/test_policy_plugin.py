"""The simulator routes through whatever policy it is given (the act stage's plug-in point)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from empathos.act.routing import ContactRequest, FifoSkillsPolicy, PodState, RoutingDecision
from empathos.simulate import SimulationConfig, run_simulation


@dataclass
class CountingPolicy:
    """fifo, counting what it was asked."""

    name: str = "counting"
    inner: FifoSkillsPolicy = field(default_factory=FifoSkillsPolicy)
    calls: int = 0
    needs: set[str] = field(default_factory=set)

    def route(self, contact: ContactRequest, state: PodState) -> RoutingDecision:
        self.calls += 1
        self.needs.add(contact.need)
        assert contact.emotion is not None
        return self.inner.route(contact, state)


def test_run_simulation_uses_the_given_policy(tmp_path: Path) -> None:
    policy = CountingPolicy()
    report = run_simulation(
        SimulationConfig(customers=300, days=10, seed=3), tmp_path, progress=False, policy=policy
    )
    assert report.policy == "counting"
    assert policy.calls >= report.contacts - report.bot_resolved > 50
    assert {"billing", "technical"} <= policy.needs
