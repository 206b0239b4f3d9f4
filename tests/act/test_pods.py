"""Pods: YAML definitions with field-naming errors, the store round trip on both
databases, the router's pod state (measured empathy and competence), the CLI and the API CRUD."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert, select

from empathos.act.pods import (
    PodsFileError,
    delete_pod,
    get_pod,
    list_pods,
    load_pod_state,
    load_pods_yaml,
    parse_pods,
    save_pods,
)
from empathos.act.routing import ContactRequest, get_policy
from empathos.store.schema import employees, interactions, outcomes, pods, turn_empathy, turns
from empathos.store.tables_act import pod_customers

EXAMPLE = Path(__file__).parents[2] / "src" / "empathos" / "act" / "examples" / "pods.yaml"


def example() -> dict:
    return yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))


def test_example_file_loads_and_derives_functions() -> None:
    pods = load_pods_yaml(EXAMPLE)
    assert [p.pod_id for p in pods] == ["pod-consumer", "pod-premium", "pod-business"]
    assert pods[0].functions == ["operations", "sales", "service"]
    assert pods[1].customers == ["cu-000042", "cu-000777"] and pods[1].segments == [
        "premium",
        "enterprise",
    ]
    anna = pods[0].members[0]
    assert anna.empathy_style == {
        "emotional_reaction": 0.4,
        "interpretation": 0.6,
        "exploration": 0.7,
    }
    assert (
        anna.capacity == 1
        and pods[0].members[1].capacity == 2
        and pods[0].members[1].empathy_style is None
    )


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda d: d["pods"][1]["members"][0].update(capacity=0),
            r"pods\.yaml: pods\[1\] \(pod-premium\)\.members\[0\] \(e-jan\)\.capacity: .*greater "
            r"than or equal to 1",
        ),
        (
            lambda d: d["pods"][0]["members"][1].update(languages=[]),
            r"pods\[0\] \(pod-consumer\)\.members\[1\] \(e-marco\)\.languages: .*at least 1",
        ),
        (
            lambda d: d["pods"][0]["members"][0].update(empathy_style={"warmth": 0.5}),
            r"members\[0\] \(e-anna\)\.empathy_style\.warmth: .*'emotional_reaction'",
        ),
        (
            lambda d: d["pods"][0]["members"][0].update(empathy_style={"exploration": 1.5}),
            r"empathy_style\.exploration: .*less than or equal to 1",
        ),
        (
            lambda d: d["pods"][2].update(owner="me"),
            r"pods\[2\] \(pod-business\)\.owner: Extra inputs",
        ),
        (lambda d: d["pods"][2].pop("name"), r"pods\[2\] \(pod-business\)\.name: Field required"),
        (
            lambda d: d["pods"][2]["members"].append(dict(d["pods"][0]["members"][0])),
            r"member 'e-anna' is in both 'pod-consumer' and 'pod-business'",
        ),
        (
            lambda d: d["pods"][2].update(customers=["cu-000042"]),
            r"customer 'cu-000042' is owned by both",
        ),
        (
            lambda d: d["pods"].append(dict(d["pods"][2], members=[])),
            r"pod 'pod-business' is defined twice",
        ),
    ],
)
def test_bad_definitions_name_the_file_and_the_field(edit, expected: str) -> None:  # noqa: ANN001
    doc = example()
    edit(doc)
    with pytest.raises(PodsFileError, match=expected):
        parse_pods(doc, "pods.yaml")


def test_unreadable_or_broken_yaml_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(PodsFileError, match="missing.yaml: cannot read"):
        load_pods_yaml(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("pods:\n  - pod_id: [unclosed\n", encoding="utf-8")
    with pytest.raises(PodsFileError, match="broken.yaml: not valid YAML"):
        load_pods_yaml(broken)
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(PodsFileError, match="empty.yaml: .*valid dictionary"):
        load_pods_yaml(empty)


def test_store_round_trip_moves_members_and_customers_keeps_other_employee_fields(
    engine: Engine,
) -> None:
    with (
        engine.begin() as conn
    ):  # an employee ingested earlier, with fields a pods file does not set
        conn.execute(
            insert(employees).values(
                employee_id="e-anna",
                name="Anna W.",
                function="service",
                skills=[],
                languages=["de"],
                capacity=1,
                hired_at=datetime(2020, 1, 2),
                source="imported",
                attributes={"shift": "07-15"},
            )
        )
    specs = load_pods_yaml(EXAMPLE)
    assert save_pods(engine, specs) == {"pods": 3, "members": 6, "customers": 2}
    stored = {p.pod_id: p for p in list_pods(engine)}
    assert sorted(stored) == ["pod-business", "pod-consumer", "pod-premium"]
    for spec in specs:
        assert stored[spec.pod_id].model_dump() == spec.model_dump()
    with engine.connect() as conn:
        anna = conn.execute(select(employees).where(employees.c.employee_id == "e-anna")).one()
    assert (
        anna.hired_at == datetime(2020, 1, 2)
        and anna.pod_id == "pod-consumer"
        and anna.name == "Anna Weber"
    )
    assert anna.attributes["shift"] == "07-15" and anna.attributes["ui_language"] == "de"

    # replace pod-business: Tom leaves the pod (stays an employee), Anna moves in, a key account
    # moves too
    business = specs[2].model_copy(
        update={"members": [specs[0].members[0]], "customers": ["cu-000042"]}
    )
    save_pods(engine, [business])
    got = get_pod(engine, "pod-business")
    assert (
        got is not None
        and [m.employee_id for m in got.members] == ["e-anna"]
        and got.customers == ["cu-000042"]
    )
    assert [m.employee_id for m in get_pod(engine, "pod-consumer").members] == [
        "e-marco",
        "e-sophie",
    ]  # type: ignore[union-attr]
    assert get_pod(engine, "pod-premium").customers == ["cu-000777"]  # type: ignore[union-attr]
    with engine.connect() as conn:
        lists = dict(conn.execute(select(pods.c.pod_id, pods.c.member_ids)).all())
    assert lists["pod-consumer"] == ["e-marco", "e-sophie"] and lists["pod-business"] == ["e-anna"]
    with engine.connect() as conn:
        assert (
            conn.execute(
                select(employees.c.pod_id).where(employees.c.employee_id == "e-tom")
            ).scalar_one()
            is None
        )

    assert delete_pod(engine, "pod-premium") and not delete_pod(engine, "pod-premium")
    assert get_pod(engine, "pod-premium") is None
    with engine.connect() as conn:
        assert conn.execute(select(pod_customers.c.pod_id)).scalars().all() == ["pod-business"]
        assert (
            conn.execute(
                select(employees.c.pod_id).where(employees.c.employee_id == "e-jan")
            ).scalar_one()
            is None
        )


def _annotated_turns(
    engine: Engine, employee_id: str, n: int, exploration: int, resolved: list[float]
) -> None:
    """``n`` annotated employee turns (exploration at ``exploration``, nothing else) and
    ``resolved`` outcomes for ``employee_id``; a second model's rows must be ignored."""
    with engine.begin() as conn:
        for i in range(n):
            iid = f"i-{employee_id}-{i}"
            conn.execute(
                insert(interactions).values(
                    interaction_id=iid,
                    customer_id="cu-1",
                    channel="chat",
                    employee_id=employee_id,
                    source="simulated",
                    attributes={},
                )
            )
            conn.execute(
                insert(turns).values(
                    interaction_id=iid, seq=1, speaker="employee", text="...", author_id=employee_id
                )
            )
            for model, level in (("lexicon", exploration), ("older", 2)):
                conn.execute(
                    insert(turn_empathy).values(
                        interaction_id=iid,
                        seq=1,
                        model=model,
                        version="1" if model == "lexicon" else "0",
                        emotional_reaction=0,
                        interpretation=0 if model == "lexicon" else 2,
                        exploration=level,
                        probabilities=[],
                    )
                )
        # 'older' annotates only some turns, so 'lexicon' is the model with the most rows
        conn.execute(
            turn_empathy.delete().where(
                turn_empathy.c.model == "older",
                turn_empathy.c.interaction_id.like(f"i-{employee_id}-%"),
                turn_empathy.c.interaction_id != f"i-{employee_id}-0",
            )
        )
        for j, v in enumerate(resolved):
            conn.execute(
                insert(outcomes).values(
                    outcome_id=f"o-{employee_id}-{j}",
                    kind="resolved",
                    value=v,
                    employee_id=employee_id,
                    source="simulated",
                )
            )


def test_pod_state_measures_empathy_and_competence_with_shrinkage(engine: Engine) -> None:
    save_pods(engine, load_pods_yaml(EXAMPLE))
    with engine.begin() as conn:  # Lucía has left: not routable
        conn.execute(
            employees.update()
            .where(employees.c.employee_id == "e-lucia")
            .values(attributes={"left_at": "2026-01-01T00:00:00"})
        )
    _annotated_turns(engine, "e-anna", n=10, exploration=1, resolved=[1.0] * 10)
    _annotated_turns(engine, "e-marco", n=10, exploration=0, resolved=[0.0] * 5 + [1.0] * 5)
    state = load_pod_state(engine, now=5.0)
    assert sorted(state.members) == ["e-anna", "e-jan", "e-marco", "e-sophie", "e-tom"]
    assert state.pod_members == {
        "pod-business": ["e-tom"],
        "pod-consumer": ["e-anna", "e-marco", "e-sophie"],
        "pod-premium": ["e-jan"],
    }
    assert list(state.free) == sorted(state.members) and all(
        m.idle_since == 5.0 for m in state.members.values()
    )
    anna, marco = state.members["e-anna"], state.members["e-marco"]
    # 10 turns all exploring, shrunk toward the declared 0.7 with 10 pseudo-turns: (10 + 7) / 20
    assert anna.empathy["exploration"] == pytest.approx(0.85)
    assert anna.empathy["interpretation"] == pytest.approx((0 + 10 * 0.6) / 20)
    assert marco.empathy["exploration"] == pytest.approx(
        (0 + 10 * 0.3) / 20
    )  # no declared style: default 0.3
    assert anna.competence == pytest.approx((10 + 5) / 20) and marco.competence == pytest.approx(
        (5 + 5) / 20
    )
    assert (
        state.members["e-sophie"].competence == pytest.approx(0.7)
        and state.members["e-sophie"].empathy == {}
    )
    assert state.members["e-jan"].empathy == {
        "emotional_reaction": 0.6,
        "interpretation": 0.5,
        "exploration": 0.4,
    }
    assert state.members["e-marco"].capacity == 2 and state.members[
        "e-marco"
    ].languages == frozenset({"it", "en"})
    older = load_pod_state(engine, empathy_model=("older", "0"))
    assert older.members["e-anna"].empathy["exploration"] == pytest.approx(
        (2 * 0 + 1 + 10 * 0.7) / 11
    )

    # the loaded state routes: an anxious German billing customer of the consumer pod gets Anna
    c = ContactRequest(
        "c-1",
        "cu-9",
        "chat",
        "billing",
        "de",
        pod_id="pod-consumer",
        emotion="anxiety",
        valence=-0.5,
        intensity=0.6,
    )
    d = get_policy("empathy").route(c, state)
    assert d.employee_id == "e-anna" and d.pod_id == "pod-consumer"


def test_api_crud_with_validation_errors_naming_fields(engine: Engine) -> None:
    from empathos.api import create_app

    client = TestClient(create_app(engine=engine))
    pod = {
        "pod_id": "pod-x",
        "name": "X",
        "segments": ["consumer"],
        "customers": ["cu-1"],
        "members": [
            {"employee_id": "e-1", "languages": ["en"], "skills": ["billing"], "capacity": 2}
        ],
    }
    r = client.post("/pods", json=pod)
    assert (
        r.status_code == 201
        and r.json()["members"][0]["capacity"] == 2
        and r.json()["functions"] == ["service"]
    )
    assert client.post("/pods", json=pod).status_code == 409
    assert [p["pod_id"] for p in client.get("/pods").json()["pods"]] == ["pod-x"]
    assert client.get("/pods/pod-x").json()["customers"] == ["cu-1"]
    assert client.get("/pods/nope").status_code == 404

    body = {k: v for k, v in pod.items() if k != "pod_id"}
    body["members"] = [
        {"employee_id": "e-1", "languages": ["en", "de"]},
        {"employee_id": "e-2", "languages": ["fr"], "function": "sales"},
    ]
    r = client.put("/pods/pod-x", json=body)
    assert r.status_code == 200 and [m["employee_id"] for m in r.json()["members"]] == [
        "e-1",
        "e-2",
    ]
    assert r.json()["functions"] == ["sales", "service"]
    bad = dict(body, members=[{"employee_id": "e-1", "languages": ["en"], "capacity": 0}])
    r = client.put("/pods/pod-x", json=bad)
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "members", 0, "capacity"]
    r = client.post(
        "/pods", json={"pod_id": "pod-y", "name": "Y", "members": [{"employee_id": "e-3"}]}
    )
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "languages"

    assert client.delete("/pods/pod-x").status_code == 204
    assert client.delete("/pods/pod-x").status_code == 404
    assert client.get("/pods").json() == {"pods": []}
    paths = client.get("/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths["/pods"]) and {"get", "put", "delete"} <= set(
        paths["/pods/{pod_id}"]
    )


def test_cli_pods_load_check_list_and_field_error(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from empathos.cli import app

    db = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    r = runner.invoke(app, ["pods", "load", str(EXAMPLE), "--check", "--db", db])
    # Rich wraps the output (with the file's path) at the terminal width: compare words.
    assert r.exit_code == 0 and "valid (3 pods, 6 members)" in " ".join(r.output.split())
    r = runner.invoke(app, ["pods", "list", "--json", "--db", db])
    assert r.exit_code == 0 and r.output.strip() == "[]"  # --check stored nothing
    r = runner.invoke(app, ["pods", "load", str(EXAMPLE), "--db", db])
    stored = " ".join(r.output.split())
    assert r.exit_code == 0 and "stored 3 pods, 6 members, 2 named customers" in stored
    r = runner.invoke(app, ["pods", "list", "--json", "--db", db])
    listed = json.loads(r.output)
    assert [p["pod_id"] for p in listed] == ["pod-business", "pod-consumer", "pod-premium"]
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "pods:\n  - pod_id: p\n    name: P\n    members:\n      - employee_id: e1\n        "
        "languages: [en]\n"
        "        capacity: 0\n",
        encoding="utf-8",
    )
    r = runner.invoke(app, ["pods", "load", str(bad), "--db", db])
    assert r.exit_code == 2 and "pods[0] (p).members[0] (e1).capacity" in " ".join(r.output.split())
