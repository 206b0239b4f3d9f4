"""The journeys page's list of worst-remembered contacts: the index walk (keyset over
``ix_interaction_scores_remembered``, used above PICK_SORT filtered contacts) must give
the same rows in the same order as sorting the whole filtered set."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import Engine, insert

from empathos.store import schema
from empathos.web import journeys
from empathos.web.aggregates import Filters, refresh_aggregates

T0 = datetime(2026, 3, 1, 9, 0)


def _store(engine: Engine, n: int = 400) -> None:
    rnd = random.Random(7)
    with engine.begin() as conn:
        conn.execute(
            insert(schema.customers),
            [{"customer_id": f"cu-{k}", "language": ("en", "de")[k % 2]} for k in range(20)],
        )
        conn.execute(
            insert(schema.employees),
            [{"employee_id": f"e-{k}", "pod_id": f"pod-{k % 2}"} for k in range(4)],
        )
        rows, scores = [], []
        for k in range(n):
            iid = f"i-{k:04d}"
            rows.append(
                {
                    "interaction_id": iid,
                    "customer_id": f"cu-{k % 20}",
                    "channel": ("chat", "voice", "email")[k % 3],
                    "started_at": T0 + timedelta(hours=rnd.randrange(30 * 24)),
                    "employee_id": None if k % 5 == 0 else f"e-{k % 4}",
                }
            )
            # ties (rounded scores) and a few unknown scores test the full order
            rem = None if k % 37 == 0 else round(rnd.uniform(-1, 1), 1)
            scores.append(
                {
                    "interaction_id": iid,
                    "model": "lexicon",
                    "version": "1",
                    "empathy_model": "lexicon",
                    "empathy_version": "1",
                    "customer_id": f"cu-{k % 20}",
                    "n_customer_turns": 2,
                    "n_employee_turns": 2,
                    "experienced": rem,
                    "remembered": rem,
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
        conn.execute(insert(schema.interactions), rows)
        conn.execute(insert(schema.interaction_scores), scores)
    refresh_aggregates(engine)


FILTERS = [
    Filters(),
    Filters(start=date(2026, 3, 10), end=date(2026, 3, 20)),
    Filters(channel="chat", start=date(2026, 3, 1), end=date(2026, 3, 5)),
    Filters(pod="pod-1", language="de"),
    Filters(start=date(2026, 3, 30), end=date(2026, 3, 30), channel="email", pod="pod-0"),
    Filters(company="no such brand"),
]


@pytest.mark.parametrize("f", FILTERS, ids=lambda f: ",".join(f.active()) or "none")
def test_the_index_walk_picks_what_the_sort_picks(
    engine: Engine, f: Filters, monkeypatch: pytest.MonkeyPatch
) -> None:
    _store(engine)
    monkeypatch.setattr(journeys, "PICK_SORT", 10**9)
    sorted_all = journeys.contacts_to_pick(engine, f)
    # tiny batches so the walk starts short and has to grow (and, for the narrow filters,
    # falls back to the sort past the cap)
    monkeypatch.setattr(journeys, "PICK_SORT", 5)
    monkeypatch.setattr(journeys, "PICK_BATCH", 16)
    monkeypatch.setattr(journeys, "PICK_CAP", 1_100)
    walked = journeys.contacts_to_pick(engine, f)
    assert walked == sorted_all
    if f == Filters():
        assert len(walked) == 15
