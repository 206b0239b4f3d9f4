"""The shared "which is current" reads: the winner by count, and a deterministic tie-break
(the same answer on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, insert, select

from empathos.store.queries import (
    EmployeeRun,
    PredictionRun,
    ScoreModels,
    current_employee_run,
    current_prediction_run,
    current_score_models,
    current_turn_empathy_model,
)
from empathos.store.schema import (
    customer_scores,
    employee_scores,
    interaction_scores,
    interactions,
    turn_empathy,
    turns,
)

T0 = datetime(2026, 1, 1)


def _contacts(engine: Engine, ids: list[str]) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(interactions),
            [dict(interaction_id=i, customer_id="c", channel="chat", attributes={}) for i in ids],
        )


def _score(iid: str, pair: tuple[str, str, str, str], at: datetime) -> dict:
    m, v, em, ev = pair
    return dict(
        interaction_id=iid,
        model=m,
        version=v,
        empathy_model=em,
        empathy_version=ev,
        n_customer_turns=1,
        n_employee_turns=1,
        n_empathetic=0,
        n_unhelpful=0,
        repeats=0,
        recontact=0,
        transfers=0,
        long_waits=0,
        channel_switch=0,
        effort_phrases=0,
        effort_score=0.0,
        details={},
        computed_at=at,
    )


A = ("emo", "1", "emp", "1")
B = ("emo", "2", "emp", "1")
C = ("aaa", "1", "emp", "1")


def test_no_scores_means_no_current_models(engine: Engine) -> None:
    assert current_score_models(engine) is None
    assert current_turn_empathy_model(engine) is None
    assert current_prediction_run(engine) is None


def test_the_pair_with_most_interactions_wins_then_the_newest_then_the_name(
    engine: Engine,
) -> None:
    _contacts(engine, ["i1", "i2", "i3"])
    with engine.begin() as conn:
        conn.execute(
            insert(interaction_scores),
            [
                _score("i1", A, T0),
                _score("i2", A, T0),
                _score("i1", B, T0 + timedelta(days=1)),
                _score("i1", C, T0 + timedelta(days=1)),
            ],
        )
    assert current_score_models(engine) == ScoreModels(*A)  # most interactions
    with engine.begin() as conn:
        conn.execute(insert(interaction_scores), [_score("i3", B, T0), _score("i2", C, T0)])
    # A, B and C each scored two: B and C hold the newest scores, C sorts first by name
    with engine.connect() as conn:
        got = current_score_models(conn)
    assert got == ScoreModels(*C) and got.label() == "aaa:1/emp:1"
    # restricted to some interactions (an experiment's contacts): only those count
    ids = select(interactions.c.interaction_id).where(interactions.c.interaction_id == "i3")
    assert current_score_models(engine, ids) == ScoreModels(*B)
    # in i1 and i2, A and C scored two each; C's scores are newer
    assert current_score_models(engine, ["i1", "i2"]) == ScoreModels(*C)


def test_turn_empathy_model_ties_break_by_name_and_version(engine: Engine) -> None:
    _contacts(engine, ["i1"])
    levels = dict(emotional_reaction=0, interpretation=1, exploration=0, probabilities=[])
    with engine.begin() as conn:
        conn.execute(
            insert(turns),
            [
                dict(interaction_id="i1", seq=s, speaker="employee", text="hi", attributes={})
                for s in (1, 2)
            ],
        )
        conn.execute(
            insert(turn_empathy),
            [
                dict(interaction_id="i1", seq=1, model="zed", version="1", **levels),
                dict(interaction_id="i1", seq=2, model="zed", version="1", **levels),
                dict(interaction_id="i1", seq=1, model="epi", version="2", **levels),
                dict(interaction_id="i1", seq=2, model="epi", version="2", **levels),
                dict(interaction_id="i1", seq=1, model="epi", version="1", **levels),
            ],
        )
    assert current_turn_empathy_model(engine) == ("epi", "2")


def _cs(cid: str, model: str, as_of: datetime, computed: datetime) -> dict:
    return dict(
        customer_id=cid,
        model=model,
        version="1",
        as_of=as_of,
        p_churn=0.1,
        drivers={},
        computed_at=computed,
    )


def test_the_newest_computed_prediction_run_is_current_ties_by_cutoff_then_name(
    engine: Engine,
) -> None:
    old, new = T0, T0 + timedelta(days=30)
    with engine.begin() as conn:
        conn.execute(
            insert(customer_scores),
            [
                _cs("a", "churn", new, T0 + timedelta(days=31)),
                _cs("a", "churn", old, T0 + timedelta(days=40)),  # a rerun on the old cut-off
            ],
        )
    assert current_prediction_run(engine) == PredictionRun(
        old, "churn", "1", T0 + timedelta(days=40)
    )
    later = T0 + timedelta(days=50)
    with engine.begin() as conn:
        conn.execute(
            insert(customer_scores),
            [
                _cs("b", "zeta", old, later),
                _cs("b", "beta", old, later),
                _cs("b", "churn", new, later),
            ],
        )
    # all three computed last: the later cut-off wins
    with engine.connect() as conn:
        assert current_prediction_run(conn) == PredictionRun(new, "churn", "1", later)
    with engine.begin() as conn:
        conn.execute(insert(customer_scores), [_cs("c", "alpha", new, later)])
    assert current_prediction_run(engine) == PredictionRun(new, "alpha", "1", later)
    assert current_prediction_run(engine).label() == (
        f"predictions as of {new:%Y-%m-%d} (run {later:%Y-%m-%dT%H:%M} alpha, 1)"
    )


def test_employee_scores_come_from_the_current_prediction_run(engine: Engine) -> None:
    """ELV beside a value at risk must come from the same run: the employee rows with the
    current run's as_of and version, even when another date's rows were computed later."""
    old, new = T0, T0 + timedelta(days=30)

    def es(eid: str, as_of: datetime, computed: datetime) -> dict:
        return dict(
            employee_id=eid,
            model="attrition",
            version="1",
            as_of=as_of,
            attrition_risk=0.1,
            elv=1.0,
            drivers={},
            computed_at=computed,
        )

    assert current_employee_run(engine) is None
    with engine.begin() as conn:
        conn.execute(insert(employee_scores), [es("e", new, T0 + timedelta(days=31))])
        # no customer run yet: the newest computed employee run
        assert current_employee_run(conn) == EmployeeRun(new, "attrition", "1")
        conn.execute(insert(customer_scores), [_cs("a", "churn", old, T0 + timedelta(days=40))])
        conn.execute(insert(employee_scores), [es("e", old, T0 + timedelta(days=40))])
        conn.execute(insert(employee_scores), [es("f", new, T0 + timedelta(days=60))])
    assert current_employee_run(engine) == EmployeeRun(old, "attrition", "1")
    run = current_prediction_run(engine)
    assert run is not None and current_employee_run(engine, run).as_of == run.as_of


def test_the_current_pair_follows_a_rerun_and_a_revert(engine: Engine) -> None:
    """current_score_models memoises the whole-store answer per engine (a page asks it
    many times); the memo must follow every write Empathos makes: added scores, a rerun
    that rewrites rows with a newer computed_at, and a model deleted (reverted)."""
    _contacts(engine, ["i1", "i2", "i3"])
    with engine.begin() as conn:
        conn.execute(insert(interaction_scores), [_score("i1", A, T0), _score("i2", A, T0)])
        conn.execute(insert(interaction_scores), [_score("i1", B, T0)])
    assert current_score_models(engine) == ScoreModels(*A)
    with engine.begin() as conn:  # a rerun of B over more contacts: same count of rows
        conn.execute(delete(interaction_scores).where(interaction_scores.c.model == "emo"))
        conn.execute(
            insert(interaction_scores),
            [_score(i, B, T0 + timedelta(hours=1)) for i in ("i1", "i2", "i3")],
        )
    assert current_score_models(engine) == ScoreModels(*B)
    with engine.begin() as conn:  # B reverted, nothing else scored
        conn.execute(delete(interaction_scores))
    assert current_score_models(engine) is None
