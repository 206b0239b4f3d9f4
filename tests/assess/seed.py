"""A small, hand-built store for the assess tests (rows written straight to the tables).

Hand-built rather than simulated so every expected figure (coverage, totals, value at
risk) is known exactly and the tests stay fast on both databases.

The company: 40 customers (source ``simulated``), 4 employees in 2 cross-functional pods,
100 contacts over 30 days — 60 analysed (interaction_scores), 10 closed by the bot, 5
abandoned — outcomes (csat, churn, pulse), scores for 30 customers and 4 employees.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine

from empathos.store.schema import (
    customer_scores,
    customers,
    employee_scores,
    employees,
    interaction_scores,
    interactions,
    outcomes,
    pods,
    turns,
)

T0 = datetime(2026, 1, 5, 9, 0)
N_CUSTOMERS = 40
N_CONTACTS = 100
N_ANALYSED = 60
N_BOT = 10
N_ABANDONED = 5
SCORED = 30
CLV = [100.0 + 10 * k for k in range(SCORED)]
P_CHURN = [0.01 * (k % 10 + 1) for k in range(SCORED)]
AVOIDABLE = {k for k in range(SCORED) if k % 3 == 0}
ELV = [1000.0, 2000.0, 3000.0, -400.0]  # one employee costs more than they protect
ATTRITION = [0.1, 0.2, 0.1, 0.05]
LANGS = ["en", "de", "en", "xx"]  # xx: a language the simulator cannot speak


def seed_customers_and_staff(engine: Engine, with_pods: bool = True) -> None:
    with engine.begin() as conn:
        conn.execute(
            customers.insert(),
            [
                {
                    "customer_id": f"c{k:03d}",
                    "name": f"C {k}",
                    "segment": "consumer" if k % 4 else "premium",
                    "language": LANGS[k % 4],
                    "created_at": T0,
                    "source": "simulated",
                    "attributes": {},
                }
                for k in range(N_CUSTOMERS)
            ],
        )
        conn.execute(
            employees.insert(),
            [
                {
                    "employee_id": f"e{k}",
                    "name": f"E {k}",
                    "function": ("service", "sales")[k % 2],
                    "skills": ["billing"],
                    "languages": ["en", "de"],
                    "pod_id": (f"p{k // 2 + 1}" if with_pods else None),
                    "capacity": 1,
                    "hired_at": T0,
                    "source": "simulated",
                    "attributes": {},
                }
                for k in range(4)
            ],
        )
        if with_pods:
            conn.execute(
                pods.insert(),
                [
                    {
                        "pod_id": "p1",
                        "name": "Pod 1",
                        "functions": ["service", "sales"],
                        "member_ids": ["e0", "e1"],
                        "segments": ["consumer"],
                    },
                    {
                        "pod_id": "p2",
                        "name": "Pod 2",
                        "functions": ["service", "sales"],
                        "member_ids": ["e2", "e3"],
                        "segments": ["premium"],
                    },
                ],
            )


def seed_contacts(engine: Engine) -> None:
    rows, turn_rows, score_rows = [], [], []
    for k in range(N_CONTACTS):
        iid = f"i{k:03d}"
        bot = k < N_BOT
        abandoned = N_BOT <= k < N_BOT + N_ABANDONED
        start = T0 + timedelta(hours=7 * k)
        rows.append(
            {
                "interaction_id": iid,
                "customer_id": f"c{k % N_CUSTOMERS:03d}",
                "channel": "chat" if bot else ("voice" if k % 2 else "email"),
                "started_at": start,
                "ended_at": start + timedelta(minutes=9),
                "employee_id": None if (bot or abandoned) else f"e{k % 4}",
                "queue": "billing",
                "need": "billing" if k % 3 else "technical",
                "source": "simulated",
                "attributes": {"started_in": "self_service"}
                if bot
                else ({"abandoned": True} if abandoned else {}),
            }
        )
        turn_rows += [
            {
                "interaction_id": iid,
                "seq": 0,
                "speaker": "customer",
                "text": "my bill is wrong",
                "ts": start,
            },
            {
                "interaction_id": iid,
                "seq": 1,
                "speaker": "employee",
                "text": "let me look",
                "ts": start,
            },
        ]
        if k < N_ANALYSED:
            score_rows.append(
                {
                    "interaction_id": iid,
                    "model": "lexicon",
                    "version": "1",
                    "empathy_model": "lexicon",
                    "empathy_version": "1",
                    "customer_id": f"c{k % N_CUSTOMERS:03d}",
                    "n_customer_turns": 1,
                    "n_employee_turns": 1,
                    "experienced": 0.1,
                    "remembered": 0.1,
                    "outcome": "unchanged",
                    "n_empathetic": 0,
                    "n_unhelpful": 0,
                    "repeats": 0,
                    "recontact": 0,
                    "transfers": 0,
                    "long_waits": 0,
                    "channel_switch": 0,
                    "effort_phrases": 0,
                    "effort_score": 0.0,
                    "details": {},
                    "computed_at": T0,
                }
            )
    out = [
        {
            "outcome_id": f"csat{k}",
            "kind": "csat",
            "value": 4.0,
            "ts": T0,
            "interaction_id": f"i{k:03d}",
            "customer_id": f"c{k:03d}",
            "source": "simulated",
        }
        for k in range(20)
    ]
    out += [
        {
            "outcome_id": f"churn{k}",
            "kind": "churn",
            "value": 1.0,
            "ts": T0 + timedelta(days=20),
            "customer_id": f"c{k:03d}",
            "source": "simulated",
        }
        for k in range(3)
    ]
    out += [
        {
            "outcome_id": f"pulse{k}",
            "kind": "pulse",
            "value": 3.0,
            "ts": T0,
            "employee_id": f"e{k}",
            "source": "simulated",
        }
        for k in range(4)
    ]
    keys = ("interaction_id", "customer_id", "employee_id")
    out = [{**{k: None for k in keys}, **o} for o in out]  # one key set per executemany
    with engine.begin() as conn:
        conn.execute(interactions.insert(), rows)
        conn.execute(turns.insert(), turn_rows)
        conn.execute(interaction_scores.insert(), score_rows)
        conn.execute(outcomes.insert(), out)


def seed_scores(engine: Engine) -> None:
    as_of = T0 + timedelta(days=30)
    with engine.begin() as conn:
        conn.execute(
            customer_scores.insert(),
            [
                {
                    "customer_id": f"c{k:03d}",
                    "model": "churn.test",
                    "version": "1",
                    "as_of": as_of,
                    "p_churn": P_CHURN[k],
                    "clv": CLV[k],
                    "value_at_risk": P_CHURN[k] * CLV[k],
                    "drivers": {"top": [], "avoidable": k in AVOIDABLE},
                    "computed_at": as_of,
                }
                for k in range(SCORED)
            ],
        )
        conn.execute(
            employee_scores.insert(),
            [
                {
                    "employee_id": f"e{k}",
                    "model": "attrition.test",
                    "version": "1",
                    "as_of": as_of,
                    "attrition_risk": ATTRITION[k],
                    "elv": ELV[k],
                    "drivers": {},
                    "computed_at": as_of,
                }
                for k in range(4)
            ],
        )


def seed_all(engine: Engine) -> None:
    seed_customers_and_staff(engine)
    seed_contacts(engine)
    seed_scores(engine)
