"""Experiments on stored data, not only through the simulator: imported interactions that
carry their arm (``attributes.arm``) and live contacts routed by the desk join an
experiment started with ``experiment start``; ``experiment report`` measures the lift with
its CI from the stored outcomes and scores; an empty experiment is shown as empty and the
balance sheet and maturity ignore it."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from empathos.learn.arms import assign_stored
from empathos.learn.experiments import ExperimentConfig, experiment_report, start_experiment
from empathos.listen import ingest_file
from empathos.store import init_db, make_engine
from empathos.store.tables_learn import experiment_assignments
from empathos.understand.pipeline import analyze

START = datetime(2026, 1, 5)
HAPPY = "Thank you so much, that is wonderful, I am really happy now."
ANGRY = "This is terrible, I am angry and still waiting, nothing works."


def _export(tmp_path: Path, n: int = 60) -> tuple[Path, Path]:
    """``n`` contacts after START with an arm attribute (treatment ends happier and is
    resolved more often), one before START, one with an unreadable arm, one without."""
    lines, outcomes = [], []
    for k in range(n):
        arm = "treatment" if k % 2 else "control"
        good = (k % 5 != 0) if arm == "treatment" else (k % 5 == 0)
        at = START + timedelta(hours=3 * k + 1)
        lines.append(
            {
                "interaction_id": f"t-{k}",
                "customer_id": f"c-{k}",
                "channel": "chat",
                "employee_id": f"e-{k % 3}",
                "attributes": {"arm": arm.upper() if k == 3 else arm},
                "turns": [
                    {"seq": 0, "speaker": "customer", "text": ANGRY, "ts": at.isoformat()},
                    {"seq": 1, "speaker": "employee", "text": "Let me sort this out for you."},
                    {"seq": 2, "speaker": "customer", "text": HAPPY if good else ANGRY},
                ],
            }
        )
        outcomes.append(
            {
                "outcome_id": f"o-{k}",
                "kind": "resolved",
                "value": 1 if good else 0,
                "interaction_id": f"t-{k}",
                "customer_id": f"c-{k}",
                "ts": (at + timedelta(hours=1)).isoformat(),
            }
        )
    before = START - timedelta(days=2)
    for iid, attrs, at in (
        ("early", {"arm": "treatment"}, before),
        ("odd", {"arm": "maybe"}, START + timedelta(hours=2)),
        ("plain", {}, START + timedelta(hours=5)),
    ):
        lines.append(
            {
                "interaction_id": iid,
                "customer_id": "c-x",
                "channel": "chat",
                "attributes": attrs,
                "turns": [{"seq": 0, "speaker": "customer", "text": ANGRY, "ts": at.isoformat()}],
            }
        )
    conv, outs = tmp_path / "interactions.jsonl", tmp_path / "outcomes.jsonl"
    conv.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    outs.write_text("\n".join(json.dumps(x) for x in outcomes) + "\n", encoding="utf-8")
    return conv, outs


def test_imported_arms_give_a_lift_with_its_ci(engine: Engine, tmp_path: Path) -> None:
    conv, outs = _export(tmp_path)
    ingest_file(conv, engine, kind="interactions", detect_language=False)
    ingest_file(outs, engine, kind="outcomes", detect_language=False)
    cfg = ExperimentConfig(name="desk-pilot", treatment="empathy", control="fifo")
    start_experiment(engine, cfg, START)
    scan = assign_stored(engine, "desk-pilot")
    # t-3 says "TREATMENT" (read case-blind); "early" predates the start; "odd" is unreadable
    assert (scan.from_attribute, scan.unreadable, scan.without_arm) == (60, 1, 1)
    assert assign_stored(engine, "desk-pilot").assigned == 0  # idempotent
    analyze(engine, "lexicon", "lexicon", progress=False)
    rep = experiment_report(engine, "desk-pilot")
    assert (rep.n_treatment, rep.n_control) == (30, 30) and not rep.is_empty
    assert rep.source == "imported"
    remembered, resolved = rep.lift("remembered"), rep.lift("resolved")
    assert remembered.diff > 0 and remembered.ci_low is not None
    assert remembered.ci_low <= remembered.diff <= remembered.ci_high
    assert remembered.ci_low > 0  # a large effect by construction: the CI excludes 0
    assert resolved.treatment_mean == pytest.approx(24 / 30)
    assert resolved.control_mean == pytest.approx(6 / 30)
    assert resolved.n_treatment == 30 and resolved.n_control == 30


def test_an_empty_experiment_is_shown_as_empty_and_ignored(engine: Engine) -> None:
    from empathos.assess.balance_sheet import balance_sheet
    from empathos.assess.evidence import gather_evidence

    start_experiment(engine, ExperimentConfig(name="nothing-yet"), START)
    rep = experiment_report(engine, "nothing-yet")
    assert rep.is_empty and rep.lifts == []
    assert rep.empty_note.startswith("no contacts yet since 2026-01-05 00:00")
    bs = balance_sheet(engine, cost=1000)
    assert bs.lift_used is None and bs.roi.point is None
    assert any("experiment nothing-yet: no contacts yet since" in n for n in bs.notes)
    ev = gather_evidence(engine)
    assert ev.experiments == 1 and ev.experiments_with_data == 0 and ev.measured_lifts == 0


def test_live_contacts_record_their_arm_and_the_control_arm_is_routed_the_old_way(
    tmp_path: Path,
) -> None:
    """The desk, with an experiment running, routes control contacts with the control
    policy (the decision names it) and records every arm; once the contacts are imported
    under the same ids the report counts them."""
    from empathos.act.live import LiveDesk
    from empathos.config import Settings
    from empathos.store.tables_live import routing_decisions
    from tests.act.live_store import fill

    engine = make_engine(f"sqlite:///{tmp_path / 'live.db'}")
    init_db(engine)
    fill(engine)
    now = datetime(2026, 1, 20, 12, 0)
    start_experiment(
        engine,
        ExperimentConfig(name="live-ab", treatment="empathy", control="fifo", control_share=0.5),
        now - timedelta(days=1),
    )
    desk = LiveDesk(engine, Settings(emotion_model="lexicon"), clock=lambda: now)
    try:
        ids = [f"live-{k}" for k in range(12)]
        for cid in ids:
            desk.open_contact(
                "c-hist", "chat", "My invoice is wrong, please fix it.", contact_id=cid
            )
        assert desk.flush()
    finally:
        desk.close()
    with engine.connect() as conn:
        arms = dict(
            conn.execute(
                select(experiment_assignments.c.interaction_id, experiment_assignments.c.arm)
            ).all()
        )
        policies = dict(
            conn.execute(
                select(routing_decisions.c.contact_id, routing_decisions.c.policy).where(
                    routing_decisions.c.kind == "open"
                )
            ).all()
        )
    assert set(arms) == set(ids) and set(arms.values()) == {"control", "treatment"}
    for cid, arm in arms.items():
        assert policies[cid] == ("fifo" if arm == "control" else "empathy"), cid
    rep = experiment_report(engine, "live-ab")
    assert rep.n_assigned == 12 and rep.is_empty  # not imported as interactions yet
    assert "12 live contact(s) have an arm but are not imported" in rep.empty_note
    conv = tmp_path / "live.jsonl"
    conv.write_text(
        "\n".join(
            json.dumps(
                {
                    "interaction_id": cid,
                    "customer_id": "c-hist",
                    "channel": "chat",
                    "turns": [
                        {
                            "seq": 0,
                            "speaker": "customer",
                            "text": ANGRY,
                            "ts": now.isoformat(),
                        }
                    ],
                }
            )
            for cid in ids
        )
        + "\n",
        encoding="utf-8",
    )
    ingest_file(conv, engine, kind="interactions", detect_language=False)
    rep = experiment_report(engine, "live-ab")
    assert rep.n_treatment + rep.n_control == 12 and not rep.is_empty


def test_experiment_cli_on_imported_data(tmp_path: Path) -> None:
    from empathos.cli import app

    db = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    conv, outs = _export(tmp_path, n=24)
    for path in (conv, outs):
        r = runner.invoke(app, ["ingest", str(path), "--db", db])
        assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["experiment", "start", "later", "--db", db])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["experiment", "report", "later", "--db", db], terminal_width=200)
    assert r.exit_code == 0 and "later: empty — no contacts yet since" in r.output, r.output
    r = runner.invoke(
        app,
        ["experiment", "start", "jan", "--started-at", "2026-01-05", "--db", db],
        terminal_width=200,
    )
    assert r.exit_code == 0, r.output
    assert "24 with an arm attribute" in r.output and "1 with an unreadable arm" in r.output
    r = runner.invoke(app, ["experiment", "report", "jan", "--json", "--db", db])
    assert r.exit_code == 0, r.output
    body = json.loads(r.output)
    assert body["n_treatment"] == 12 and body["n_control"] == 12 and body["empty"] is False
    assert {x["kpi"] for x in body["lifts"]} >= {"resolved"}
    r = runner.invoke(app, ["experiment", "start", "x", "--arms-from", "dice", "--db", db])
    assert r.exit_code == 2 and "--arms-from" in r.output
