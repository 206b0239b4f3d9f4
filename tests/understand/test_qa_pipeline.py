"""QA scorecards written by ``analyze`` on a real store (SQLite and PostgreSQL): one per
contact with its items' evidence, incremental (a second run scores nothing; a new turn
rescores only its contact), a new rubric adds cards beside the old ones, and the
scorecards per employee / pod / week say not applicable and unknown apart."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine, insert, select

from empathos.store.schema import employees, interactions, turns
from empathos.store.tables_qa import qa_item_scores, qa_scorecards
from empathos.understand.pipeline import AnalyzeConfig
from empathos.understand.qa.rubric import DEFAULT_RUBRIC, load_rubric
from empathos.understand.qa.scorecards import QAScope, contact_scorecard, scorecards
from tests.understand.test_pipeline import T0, count, run, seed


def cards(engine: Engine) -> dict[str, dict]:
    with engine.connect() as conn:
        return {
            r["interaction_id"]: dict(r) for r in conn.execute(select(qa_scorecards)).mappings()
        }


def test_analyze_writes_one_scorecard_per_contact_with_evidence(engine: Engine) -> None:
    seed(engine)
    report, _, _ = run(engine)
    assert report.interactions_qa == 4 and report.qa_seconds > 0
    got = cards(engine)
    assert set(got) == {"c1-a", "c1-b", "c2-a", "c3-empty"}
    assert got["c3-empty"]["overall"] is None and got["c3-empty"]["n_scored"] == 0
    assert {r["rubric_version"] for r in got.values()} == {load_rubric(DEFAULT_RUBRIC).version}
    assert count(engine, qa_item_scores) == 4 * 6
    card = contact_scorecard(engine, "c1-a")
    assert card is not None and card["overall"] is not None
    emp = card["items"]["empathy_mechanisms"]
    # the fake empathy model reads "you must be upset" / "tell me more" in turn 3
    assert emp["status"] == "pass" and emp["evidence"][0]["seq"] == 3
    with engine.connect() as conn:
        texts = dict(
            conn.execute(
                select(turns.c.seq, turns.c.text).where(turns.c.interaction_id == "c1-a")
            ).all()
        )
    for item in card["items"].values():
        for e in item["evidence"]:
            assert e["excerpt"] in texts[e["seq"]]
    empty = contact_scorecard(engine, "c3-empty")
    assert {r["status"] for r in empty["items"].values()} == {"not_applicable"}
    assert all(r["score"] is None for r in empty["items"].values())


def test_qa_is_incremental(engine: Engine) -> None:
    seed(engine)
    run(engine)
    before = cards(engine)
    again, _, _ = run(engine)
    assert again.interactions_qa == 0
    assert cards(engine) == before
    with engine.begin() as conn:  # a late turn on c2-a only
        conn.execute(
            insert(turns),
            [
                {
                    "interaction_id": "c2-a",
                    "seq": 9,
                    "speaker": "customer",
                    "text": "Actually it broke again, I am furious",
                    "ts": T0 + timedelta(days=1, hours=2),
                    "language": "en",
                }
            ],
        )
    third, _, _ = run(engine)
    after = cards(engine)
    assert third.interactions_qa == 1
    assert after["c2-a"]["computed_at"] > before["c2-a"]["computed_at"]
    for iid in ("c1-a", "c1-b", "c3-empty"):
        assert after[iid] == before[iid]


def test_a_new_rubric_adds_scorecards_beside_the_old(engine: Engine, tmp_path: Path) -> None:
    seed(engine)
    run(engine)
    path = tmp_path / "short.yaml"
    path.write_text("name: short\nitems: [effort, ending_well]\n")
    report, _, _ = run(engine, config=AnalyzeConfig(qa_rubric=path))
    assert report.interactions_qa == 4
    assert count(engine, qa_scorecards) == 8
    with engine.connect() as conn:
        n = conn.execute(
            select(qa_item_scores.c.item).where(
                qa_item_scores.c.rubric_version == load_rubric(path).version
            )
        ).all()
    assert sorted({r.item for r in n}) == ["effort", "ending_well"] and len(n) == 8


def test_scorecards_per_employee_pod_and_week(engine: Engine) -> None:
    seed(engine)
    with engine.begin() as conn:
        conn.execute(
            insert(employees),
            [
                {"employee_id": "emp-1", "name": "A", "pod_id": "pod-1"},
                {"employee_id": "emp-2", "name": "B", "pod_id": "pod-2"},
            ],
        )
        for iid, emp in (("c1-a", "emp-1"), ("c2-a", "emp-1"), ("c1-b", "emp-2")):
            conn.execute(
                interactions.update()
                .where(interactions.c.interaction_id == iid)
                .values(employee_id=emp)
            )
    run(engine)
    by_emp = scorecards(engine, "employee")
    keys = [g["key"] for g in by_emp["groups"]]
    assert keys == ["emp-1", "emp-2", None]  # no employee last
    e1 = by_emp["groups"][0]
    assert e1["n_contacts"] == 2
    greet = e1["items"]["greeting_identification"]
    assert greet["n_scored"] + greet["n_not_applicable"] + greet["n_unknown"] == 2
    none = by_emp["groups"][2]  # c3-empty: nothing scored, so no overall and no 0
    assert none["overall"] is None
    assert all(f["n_scored"] == 0 and f["mean"] is None for f in none["items"].values())
    assert [g["key"] for g in scorecards(engine, "pod")["groups"]] == ["pod-1", "pod-2", None]
    weeks = scorecards(engine, "week")["groups"]
    assert [g["key"] for g in weeks] == ["2026-03-02"]
    only = scorecards(engine, "all", QAScope(employee_id="emp-2"))
    assert only["n_contacts"] == 1 and only["source"] == {"test": 1}


def test_no_scorecards_says_so(engine: Engine) -> None:
    out = scorecards(engine, "employee")
    assert out["groups"] == [] and "analyze" in out["note"]
