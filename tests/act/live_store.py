"""A small, hand-written store for the live desk's tests: two pods, four employees, one
customer with history (scored contacts, a journey, predictions) and one without.

Written through the store's own tables, so the card and the desk read a real database
(SQLite and PostgreSQL via the ``engine`` fixture)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, insert

from empathos.act.routing import MemberState, PodState
from empathos.store.schema import (
    customer_journeys,
    customer_scores,
    customers,
    employees,
    interaction_scores,
    interactions,
    pods,
)

NOW = datetime(2026, 3, 1, 12, 0)

EMPLOYEES = [
    # id, pod, function, skills, languages, ui language
    ("e-bill", "pod-a", "service", ["billing", "account"], ["en", "de"], "de"),
    ("e-sales", "pod-a", "sales", ["sales"], ["en", "de"], "en"),
    ("e-tech", "pod-b", "service", ["technical", "billing"], ["en"], None),
    ("e-care", "pod-b", "service", ["complaint", "billing", "sales"], ["en", "de"], "de"),
]


def score_row(iid: str, customer_id: str, remembered: float, outcome: str) -> dict:
    return {
        "interaction_id": iid,
        "model": "lexicon",
        "version": "1",
        "empathy_model": "lexicon",
        "empathy_version": "1",
        "customer_id": customer_id,
        "n_customer_turns": 3,
        "n_employee_turns": 3,
        "experienced": remembered / 2,
        "remembered": remembered,
        "peak_seq": 1,
        "peak_valence": remembered,
        "start_valence": 0.0,
        "end_valence": remembered,
        "outcome": outcome,
        "sentiment_score": None,
        "empathy_score": None,
        "n_empathetic": 0,
        "n_unhelpful": 0,
        "repeats": 0,
        "recontact": 0,
        "transfers": 0,
        "long_waits": 0,
        "max_wait_s": None,
        "channel_switch": 0,
        "effort_phrases": 0,
        "effort_score": 0.0,
        "details": {},
        "computed_at": NOW,
    }


def fill(engine: Engine) -> None:
    """Write the pods, employees and customers described in the module docstring."""
    with engine.begin() as conn:
        conn.execute(
            insert(pods),
            [
                {
                    "pod_id": "pod-a",
                    "name": "Pod A",
                    "functions": ["sales", "service"],
                    "member_ids": ["e-bill", "e-sales"],
                    "segments": ["consumer"],
                },
                {
                    "pod_id": "pod-b",
                    "name": "Pod B",
                    "functions": ["service"],
                    "member_ids": ["e-tech", "e-care"],
                    "segments": ["premium"],
                },
            ],
        )
        conn.execute(
            insert(employees),
            [
                {
                    "employee_id": e,
                    "name": e,
                    "function": f,
                    "skills": s,
                    "languages": ls,
                    "pod_id": p,
                    "capacity": 2,
                    "source": "simulated",
                    "attributes": {"ui_language": ui} if ui else {},
                }
                for e, p, f, s, ls, ui in EMPLOYEES
            ],
        )
        conn.execute(
            insert(customers),
            [
                {
                    "customer_id": "c-hist",
                    "name": "Hist",
                    "segment": "consumer",
                    "language": "en",
                    "source": "simulated",
                    "attributes": {"pod_id": "pod-a"},
                },
                {
                    "customer_id": "c-new",
                    "name": "New",
                    "segment": "consumer",
                    "language": "de",
                    "source": "simulated",
                    "attributes": {"pod_id": "pod-a"},
                },
            ],
        )
        past = [
            ("i-1", 20, "billing", "e-bill", -0.6, "worsened"),
            ("i-2", 10, "technical", "e-tech", 0.4, "improved"),
            ("i-3", 2, "billing", "e-bill", -0.2, "unchanged"),
        ]
        conn.execute(
            insert(interactions),
            [
                {
                    "interaction_id": i,
                    "customer_id": "c-hist",
                    "channel": "chat",
                    "started_at": NOW - timedelta(days=d),
                    "ended_at": NOW - timedelta(days=d),
                    "employee_id": e,
                    "need": n,
                    "source": "simulated",
                    "attributes": {},
                }
                for i, d, n, e, _, _ in past
            ],
        )
        conn.execute(
            insert(interaction_scores), [score_row(i, "c-hist", r, o) for i, _, _, _, r, o in past]
        )
        conn.execute(
            insert(customer_journeys),
            [
                {
                    "customer_id": "c-hist",
                    "model": "lexicon",
                    "version": "1",
                    "memory": -1.1,
                    "balance": -0.35,
                    "n_interactions": 3,
                    "n_negative": 2,
                    "last_at": NOW - timedelta(days=2),
                    "details": {},
                    "computed_at": NOW,
                }
            ],
        )
        conn.execute(
            insert(customer_scores),
            [
                {
                    "customer_id": "c-hist",
                    "model": "churn.test",
                    "version": "1",
                    "as_of": NOW,
                    "p_churn": 0.3,
                    "clv": 820.0,
                    "value_at_risk": 246.0,
                    "drivers": {},
                    "computed_at": NOW,
                }
            ],
        )


def pod_state_from_rows(engine: Engine) -> PodState:
    """The pod state for the rows above, built by hand (independent of the pods module)."""
    state = PodState()
    for e, p, f, s, ls, _ in EMPLOYEES:
        state.members[e] = MemberState(e, p, f, frozenset(s), frozenset(ls), capacity=2)
        state.pod_members.setdefault(p, []).append(e)
        state.free[e] = None
    return state
