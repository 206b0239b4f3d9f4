"""The API's response models are the library's dataclasses or derived from them: the
derived ones name exactly the keys the library's JSON has, and OpenAPI documents them."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import Engine

from empathos.act.scoring import MemberScore
from empathos.api import assess as api_assess
from empathos.api import contacts as api_contacts
from empathos.api._models import public_model
from empathos.api.app import create_app
from empathos.assess.lifts import MeasuredLift
from empathos.assess.pilot import KpiLift
from empathos.assess.questionnaire import load_questionnaire
from empathos.learn.lift import welch_lift

LIFT = welch_lift("remembered", [0.1, 0.4, 0.3], [0.0, 0.2], "simulated")


def test_derived_lift_models_name_the_keys_of_the_library_json() -> None:
    measured = MeasuredLift("exp-1", LIFT, "empathy")
    assert set(api_assess.LiftOut.model_fields) == set(measured.as_dict())
    assert api_assess.LiftOut.model_validate(measured.as_dict()).model_dump() == (
        measured.as_dict()
    )
    kpi = KpiLift(LIFT, "contact", [0.2], 0.15)
    assert set(api_assess.KpiLiftOut.model_fields) == set(kpi.as_dict())
    assert measured.as_dict()["lift"] == LIFT.diff == kpi.as_dict()["lift"]


def test_undefined_figures_are_none_in_the_library_and_null_in_json() -> None:
    undefined = welch_lift("remembered", [0.1], [], "simulated")
    d = KpiLift(undefined, "contact").as_dict()
    assert d["control"] is None and d["lift"] is None and d["ci_low"] is None
    assert api_assess.KpiLiftOut.model_validate(d).model_dump_json().count("null") >= 5


def test_public_model_leaves_out_what_the_json_leaves_out() -> None:
    names = set(api_contacts.MemberScoreOut.model_fields)
    assert names == {f.name for f in dataclasses.fields(MemberScore)} - {"idle_since"}
    q = load_questionnaire().as_dict()
    assert set(api_assess.QuestionnaireOut.model_fields) == set(q)
    with pytest.raises(ValueError, match="no field"):
        public_model(MemberScore, exclude=("nope",))


def test_openapi_names_and_describes_the_library_models(sqlite_store: Engine) -> None:
    spec = create_app(engine=sqlite_store).openapi()
    schemas = spec["components"]["schemas"]
    for name in ("Option", "Questionnaire", "BalanceSheet", "MeasuredLift", "KpiLift"):
        assert name in schemas, name
    for name in ("PilotResult", "CoachingReport", "OodaReport", "EmotionRead", "MemberScore"):
        assert name in schemas, name
    assert "3 empathy" in schemas["Option"]["properties"]["score"]["description"]
    assert "too few" in schemas["KpiLift"]["properties"]["ci_low"]["description"]
    assert "scored customers" in schemas["BalanceSheet"]["properties"]["source"]["description"]


def _refs(node: object) -> list[str]:
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == "$ref"] + [
            r for v in node.values() for r in _refs(v)
        ]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def test_every_schema_reference_resolves(sqlite_store: Engine) -> None:
    spec = create_app(engine=sqlite_store).openapi()
    names = set(spec["components"]["schemas"])
    refs = {r.rsplit("/", 1)[-1] for r in _refs(spec)}
    assert refs and refs <= names
