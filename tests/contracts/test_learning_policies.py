"""The learning contract, run on every installed routing policy that meets
:class:`~empathos.act.routing.LearningPolicy` (route, then learn from the outcome).

Whoever runs a policy calls ``learn(contact, served_by, outcome)`` once per finished
contact (the simulator with the outcome mapping of ``simulate/contact.py``). A learning
policy must take it for a contact it routed, for one another policy routed (a control
arm) and for one nobody served, without error; and learning must change its state (an
outcome that changes nothing was not learned from).
"""

from __future__ import annotations

import math
import random
from collections import deque
from collections.abc import Mapping
from typing import Any

import numpy as np
import pytest

from empathos import plugins
from empathos.act.routing import LearningPolicy, get_policy
from tests.contracts.test_routing_policies import contact, contract_state

LEARNING = [
    n for n in plugins.names("routing_policies") if isinstance(get_policy(n), LearningPolicy)
]

#: What the simulator passes as a contact's outcome (``simulate/contact.py``).
OUTCOME: Mapping[str, float] = {
    "remembered": 0.6,
    "experienced": 0.4,
    "peak": -0.2,
    "end": 0.7,
    "start": -0.5,
    "effort": 0.3,
    "resolved": 1.0,
    "abandoned": 0.0,
    "transfers": 0.0,
    "churn_probability": 0.05,
}


def state_of(obj: Any, depth: int = 0) -> Any:
    """A plain, comparable picture of an object's state (attributes, containers, arrays,
    random generators), so a test can tell whether ``learn`` changed anything."""
    if depth > 6:
        return repr(type(obj))
    if obj is None or isinstance(obj, str | int | float | bool):
        return None if isinstance(obj, float) and math.isnan(obj) else obj
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, random.Random):
        return obj.getstate()
    if isinstance(obj, Mapping):
        return {repr(k): state_of(v, depth + 1) for k, v in obj.items()}
    if isinstance(obj, list | tuple | deque | set | frozenset):
        items = sorted(obj, key=repr) if isinstance(obj, set | frozenset) else obj
        return [state_of(v, depth + 1) for v in items]
    if callable(obj) and not hasattr(obj, "__dict__"):
        return repr(obj)
    fields = dict(getattr(obj, "__dict__", {}))
    for cls in type(obj).__mro__:
        for slot in getattr(cls, "__slots__", ()):
            if hasattr(obj, slot):
                fields[slot] = getattr(obj, slot)
    if not fields:
        return repr(obj)
    return {k: state_of(v, depth + 1) for k, v in sorted(fields.items())}


def test_the_learning_policies_are_found() -> None:
    """bandit and controlled learn; the baselines do not."""
    assert {"bandit", "controlled"} <= set(LEARNING)
    assert not {"fifo", "empathy"} & set(LEARNING)


@pytest.mark.parametrize("name", LEARNING)
def test_route_then_learn_changes_the_policy(name: str) -> None:
    policy = get_policy(name)
    s = contract_state()
    for k in range(20):  # some contacts land in each arm of a controlled policy
        c = contact(contact_id=f"c-{k}", language="en", need="billing", waited_min=0.0)
        d = policy.route(c, s)
        assert d.employee_id in (None, *s.free)
        before = state_of(policy)
        policy.learn(c, (d.employee_id,) if d.employee_id else (), OUTCOME)
        if d.employee_id is not None:
            assert state_of(policy) != before, "learning from an outcome changed nothing"


@pytest.mark.parametrize("name", LEARNING)
def test_learns_from_contacts_it_did_not_route(name: str) -> None:
    """A control arm's contact (routed by another policy), and one nobody served."""
    policy = get_policy(name)
    s = contract_state()
    policy.route(contact(contact_id="c-seen"), s)  # the policy has seen the pod
    before = state_of(policy)
    policy.learn(contact(contact_id="c-other", language="en"), ("e-en",), OUTCOME)
    assert state_of(policy) != before
    policy.learn(contact(contact_id="c-abandoned"), (), {**OUTCOME, "abandoned": 1.0})
