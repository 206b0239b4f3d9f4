"""Employee attrition index: behaviours and workload in a window, never the future, and
weights that move the risk the documented way."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine, insert

from empathos.predict import attrition as attr
from empathos.store.schema import (
    employees,
    interactions,
    outcomes,
    turn_emotions,
    turn_empathy,
    turns,
)

AS_OF = datetime(2026, 3, 1)
EMO = ("emo", "1")
EMP = ("emp", "1")


def _contact(
    conn,
    iid: str,
    eid: str,
    at: datetime,
    label: str,
    valence: float,  # noqa: ANN001
    intensity: float,
    empathy: tuple[int, int, int],
) -> None:
    conn.execute(
        insert(interactions),
        [
            dict(
                interaction_id=iid,
                customer_id="c",
                channel="chat",
                started_at=at,
                ended_at=at + timedelta(minutes=5),
                employee_id=eid,
                attributes={},
            )
        ],
    )
    conn.execute(
        insert(turns),
        [
            dict(interaction_id=iid, seq=0, speaker="customer", text="x", author_id="c"),
            dict(interaction_id=iid, seq=1, speaker="employee", text="y", author_id=eid),
        ],
    )
    conn.execute(
        insert(turn_emotions),
        [
            dict(
                interaction_id=iid,
                seq=0,
                model=EMO[0],
                version=EMO[1],
                probabilities=[],
                label=label,
                valence=valence,
                intensity=intensity,
            )
        ],
    )
    er, ip, ex = empathy
    conn.execute(
        insert(turn_empathy),
        [
            dict(
                interaction_id=iid,
                seq=1,
                model=EMP[0],
                version=EMP[1],
                emotional_reaction=er,
                interpretation=ip,
                exploration=ex,
                probabilities=[],
            )
        ],
    )


def _store(engine: Engine) -> None:
    day = AS_OF - timedelta(days=10)
    with engine.begin() as conn:
        conn.execute(
            insert(employees),
            [
                dict(employee_id="calm", hired_at=datetime(2025, 1, 1), attributes={}),
                dict(employee_id="loaded", hired_at=datetime(2025, 1, 1), attributes={}),
                dict(
                    employee_id="gone",
                    hired_at=datetime(2025, 1, 1),
                    attributes={"left_at": "2026-02-20T00:00:00"},
                ),
                dict(employee_id="future", hired_at=datetime(2026, 4, 1), attributes={}),
                dict(employee_id="unknown_hire", hired_at=None, attributes={"left_at": None}),
            ],
        )
        _contact(conn, "i1", "calm", day, "neutral", 0.2, 0.2, (1, 1, 0))
        _contact(conn, "i2", "loaded", day, "anger", -0.8, 0.9, (0, 0, 0))
        _contact(conn, "i3", "loaded", day, "anxiety", -0.5, 0.6, (1, 0, 0))
        _contact(conn, "i4", "loaded", day, "satisfaction", 0.6, 0.5, (0, 0, 0))
        # outside the window: before the look-back and after as_of
        _contact(conn, "i5", "calm", AS_OF - timedelta(days=45), "anger", -0.9, 1.0, (0, 0, 0))
        _contact(conn, "i6", "calm", AS_OF + timedelta(days=1), "anger", -0.9, 1.0, (0, 0, 0))
        conn.execute(
            insert(outcomes),
            [
                dict(
                    outcome_id="p1",
                    kind="pulse",
                    value=4.0,
                    ts=day,
                    employee_id="calm",
                    interaction_id=None,
                ),
                dict(
                    outcome_id="p2",
                    kind="pulse",
                    value=2.0,
                    ts=day,
                    employee_id="loaded",
                    interaction_id=None,
                ),
                dict(
                    outcome_id="p3",
                    kind="pulse",
                    value=1.0,
                    ts=AS_OF + timedelta(days=2),
                    employee_id="calm",
                    interaction_id=None,
                ),
            ],
        )


def test_features_use_the_window_only(engine: Engine) -> None:
    _store(engine)
    f = attr.employee_features(engine, AS_OF, None, EMO, EMP)
    # left before as_of / hired after: not scored; no hire date: scored, with no contacts
    assert list(f.index) == ["calm", "loaded", "unknown_hire"]
    assert f.loc["unknown_hire", "contacts_handled"] == 0
    assert f.loc["calm", "contacts_handled"] == 1
    assert f.loc["loaded", "contacts_handled"] == 3
    assert f.loc["calm", "emotional_load_share"] == 0.0
    assert f.loc["loaded", "emotional_load_share"] == pytest.approx(2 / 3)
    assert f.loc["loaded", "emotional_load_intensity"] == pytest.approx((0.72 + 0.30 + 0.0) / 3)
    assert f.loc["calm", "empathy_given"] == 2.0
    assert f.loc["loaded", "empathy_given"] == pytest.approx(1 / 3)
    assert f.loc["calm", "pulse_mean"] == 4.0  # the later answer (1.0) is not known yet
    assert f.loc["loaded", "pulse_mean"] == 2.0


def test_score_orders_by_load_and_pulse(engine: Engine) -> None:
    _store(engine)
    f = attr.employee_features(engine, AS_OF, None, EMO, EMP)
    s = attr.score_employees(f)
    assert s.loc["loaded", "attrition_risk"] > s.loc["calm", "attrition_risk"]
    # each driver is weight x z-score; they add up to the logit around the base rate
    base = np.log(0.03 / 0.97)
    drivers = s.filter(like="driver_").sum(axis=1)
    np.testing.assert_allclose(s["logit"], base + drivers)
    assert s.loc["loaded", "driver_pulse_mean"] > 0 > s.loc["calm", "driver_pulse_mean"]
    assert (s["elv"] <= 0).all()  # no value per contact configured: ELV = -replacement cost


def test_average_employee_gets_the_base_rate_and_weights_are_configurable() -> None:
    same = pd.DataFrame(
        {name: [1.0, 1.0, 1.0] for name in attr.ATTRITION_FEATURES},
        index=pd.Index(["a", "b", "c"], name="employee_id"),
    )
    s = attr.score_employees(same, attr.AttritionConfig(base_rate_per_period=0.05))
    np.testing.assert_allclose(s["attrition_risk"], 0.05)
    f = same.assign(contacts_handled=[10.0, 20.0, 30.0])
    up = attr.score_employees(f)["attrition_risk"]
    assert up.is_monotonic_increasing
    flat = attr.AttritionConfig(weights={"contacts_handled": 0.0})
    np.testing.assert_allclose(attr.score_employees(f, flat)["attrition_risk"], 0.03)
    with pytest.raises(ValueError):
        attr.score_employees(f, attr.AttritionConfig(base_rate_per_period=1.0))


def test_elv_uses_the_value_at_risk_handled() -> None:
    f = pd.DataFrame(
        {name: [1.0, 1.0] for name in attr.ATTRITION_FEATURES},
        index=pd.Index(["a", "b"], name="employee_id"),
    )
    var = pd.Series({"a": 100.0, "b": 1000.0})
    s = attr.score_employees(f, attr.AttritionConfig(retention_uplift=0.1), var)
    assert s.loc["a", "value_per_contact"] == pytest.approx(10.0)
    assert s.loc["b", "value_per_contact"] == pytest.approx(100.0)
    assert s.loc["b", "elv"] > s.loc["a", "elv"]
