"""A tiny hand-made store whose every dashboard figure can be computed by hand.

Six interactions over two days, two channels, two languages (via the customers), two
pods (via the employees) and one automated contact; five of them scored by one model
pair (plus one row of a second, smaller model pair that the dashboard must ignore), and
one predict run with one avoidable customer.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine

from empathos.store import schema

T0 = datetime(2026, 3, 1, 9, 0)
DAY2 = datetime(2026, 3, 2, 9, 0)
MODEL = ("lexicon", "1", "lexicon", "1")

CUSTOMERS = [("cu-1", "en"), ("cu-2", "de"), ("cu-3", "en")]
EMPLOYEES = [("e-1", "pod-a"), ("e-2", "pod-b")]
# id, customer, channel, started, employee
INTERACTIONS = [
    ("i-1", "cu-1", "chat", T0, "e-1"),
    ("i-2", "cu-2", "voice", T0, "e-2"),
    ("i-3", "cu-3", "chat", T0, None),
    ("i-4", "cu-1", "chat", DAY2, "e-1"),
    ("i-5", "cu-2", "chat", DAY2, "e-2"),
    ("i-6", "cu-3", "voice", DAY2, "e-1"),  # not scored
]
# id, experienced, remembered, outcome, effort, recontact, transfers, empathy
SCORES = [
    ("i-1", -0.5, -0.8, "worsened", 0.4, 0, 1, 20.0),
    ("i-2", 0.2, 0.4, "improved", 0.1, 0, 0, None),
    ("i-3", 0.0, 0.1, "unchanged", 0.2, 1, 0, 50.0),
    ("i-4", 0.6, 0.7, "improved", 0.0, 1, 0, 100.0),
    ("i-5", -0.1, -0.3, "worsened", 0.6, 1, 2, -20.0),
]


def _score_row(
    iid: str,
    exp: float,
    rem: float,
    outcome: str,
    effort: float,
    recontact: int,
    transfers: int,
    empathy: float | None,
    model=MODEL,
    interactions=INTERACTIONS,
) -> dict:
    cid = next(i[1] for i in interactions if i[0] == iid)
    return {
        "interaction_id": iid,
        "model": model[0],
        "version": model[1],
        "empathy_model": model[2],
        "empathy_version": model[3],
        "customer_id": cid,
        "n_customer_turns": 2,
        "n_employee_turns": 1,
        "experienced": exp,
        "remembered": rem,
        "peak_seq": 0,
        "peak_valence": exp,
        "start_valence": exp,
        "end_valence": rem,
        "outcome": outcome,
        "sentiment_score": None,
        "empathy_score": empathy,
        "n_empathetic": 0,
        "n_unhelpful": 0,
        "repeats": 0,
        "recontact": recontact,
        "transfers": transfers,
        "long_waits": 0,
        "max_wait_s": None,
        "channel_switch": 0,
        "effort_phrases": 0,
        "effort_score": effort,
        "details": {},
        "computed_at": T0,
    }


def fill(engine: Engine) -> None:
    """Write the tiny store (the schema must exist)."""
    with engine.begin() as conn:
        conn.execute(
            schema.customers.insert(),
            [
                {"customer_id": c, "language": lang, "source": "simulated", "attributes": {}}
                for c, lang in CUSTOMERS
            ],
        )
        conn.execute(
            schema.pods.insert(),
            [
                {
                    "pod_id": p,
                    "name": f"Pod {p[-1].upper()}",
                    "functions": ["service"],
                    "member_ids": [e],
                    "segments": [],
                }
                for e, p in EMPLOYEES
            ],
        )
        conn.execute(
            schema.employees.insert(),
            [
                {
                    "employee_id": e,
                    "name": f"Employee {e}",
                    "pod_id": p,
                    "skills": [],
                    "languages": [],
                    "capacity": 1,
                    "source": "simulated",
                    "attributes": {},
                }
                for e, p in EMPLOYEES
            ],
        )
        conn.execute(
            schema.interactions.insert(),
            [
                {
                    "interaction_id": i,
                    "customer_id": c,
                    "channel": ch,
                    "started_at": t,
                    "ended_at": t,
                    "employee_id": e,
                    "source": "simulated",
                    "attributes": {},
                }
                for i, c, ch, t, e in INTERACTIONS
            ],
        )
        conn.execute(
            schema.turns.insert(),
            [
                {"interaction_id": "i-1", "seq": s, "speaker": sp, "text": tx, "language": "en"}
                for s, sp, tx in [
                    (0, "customer", "My order is late again."),
                    (1, "employee", "I understand how annoying that is."),
                    (2, "customer", "Still not fixed."),
                ]
            ],
        )
        conn.execute(
            schema.turn_emotions.insert(),
            [
                {
                    "interaction_id": "i-1",
                    "seq": s,
                    "model": "lexicon",
                    "version": "1",
                    "probabilities": [],
                    "label": lab,
                    "valence": v,
                    "intensity": abs(v),
                }
                for s, lab, v in [(0, "frustration", -0.2), (2, "anger", -0.8)]
            ],
        )
        conn.execute(schema.interaction_scores.insert(), [_score_row(*s) for s in SCORES])
        # A second model pair on one interaction only: the pages must use the main pair.
        conn.execute(
            schema.interaction_scores.insert(),
            [
                _score_row(
                    "i-1", 0.9, 0.9, "improved", 0.0, 0, 0, 90.0, model=("other", "2", "other", "2")
                )
            ],
        )
        conn.execute(
            schema.customer_scores.insert(),
            [
                {
                    "customer_id": c,
                    "model": "churn.test",
                    "version": "lexicon:1",
                    "as_of": DAY2,
                    "p_churn": p,
                    "clv": clv,
                    "value_at_risk": p * clv,
                    "drivers": {"top": [["remembered_score", 0.3]], "avoidable": avoid},
                    "computed_at": DAY2,
                }
                for c, p, clv, avoid in [
                    ("cu-1", 0.5, 1000.0, True),
                    ("cu-2", 0.1, 200.0, False),
                    ("cu-3", 0.2, 50.0, False),
                ]
            ],
        )


# --------------------------------------------------------------------------- the matrix
# fill() plus two brands (interactions.company) and a second period (January 2026): every
# filter of the dashboard has two values to tell apart.
JAN = datetime(2026, 1, 10, 9, 0)
COMPANIES = {
    "i-1": "brand-a",
    "i-2": "brand-b",
    "i-3": "brand-a",
    "i-4": "brand-b",
    "i-5": "brand-a",
    "i-6": "brand-b",
    "i-7": "brand-a",
    "i-8": "brand-b",
}
OLD = [
    ("i-7", "cu-1", "chat", JAN, "e-1"),
    ("i-8", "cu-2", "voice", datetime(2026, 1, 12, 9, 0), "e-2"),
]
OLD_SCORES = [
    ("i-7", 0.3, 0.5, "improved", 0.2, 0, 0, 40.0),
    ("i-8", -0.2, -0.4, "worsened", 0.5, 0, 1, 10.0),
]
ALL_INTERACTIONS = INTERACTIONS + OLD
SCORED = {s[0] for s in SCORES + OLD_SCORES}


def fill_matrix(engine: Engine) -> None:
    """The tiny store of :func:`fill` with brands on every contact and a January period."""
    fill(engine)
    with engine.begin() as conn:
        conn.execute(
            schema.interactions.insert(),
            [
                {
                    "interaction_id": i,
                    "customer_id": c,
                    "channel": ch,
                    "started_at": t,
                    "ended_at": t,
                    "employee_id": e,
                    "source": "simulated",
                    "attributes": {},
                }
                for i, c, ch, t, e in OLD
            ],
        )
        conn.execute(
            schema.interaction_scores.insert(),
            [_score_row(*s, interactions=ALL_INTERACTIONS) for s in OLD_SCORES],
        )
        for iid, company in COMPANIES.items():
            conn.execute(
                schema.interactions.update()
                .where(schema.interactions.c.interaction_id == iid)
                .values(company=company)
            )


def matching(
    start=None, end=None, channel=None, language=None, pod=None, company=None
) -> list[tuple]:
    """The oracle: the matrix store's interactions under the filters, from the lists above
    (not through any query), as (id, customer, channel, started, employee) rows."""
    langs, pods = dict(CUSTOMERS), dict(EMPLOYEES)
    out = []
    for row in ALL_INTERACTIONS:
        iid, cid, ch, t, emp = row
        if start and t.date() < start or end and t.date() > end:
            continue
        if channel and ch != channel or language and langs.get(cid) != language:
            continue
        if pod and pods.get(emp, "(none)") != pod or company and COMPANIES[iid] != company:
            continue
        out.append(row)
    return out
