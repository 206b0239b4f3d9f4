"""Coaching reports: on a hand-built store analysed with the fake models (both databases,
exact figures) and on a small simulated store analysed with the lexicon backends."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, insert, select
from typer.testing import CliRunner

from empathos.learn.anonymise import Anonymiser
from empathos.learn.coaching import (
    CoachingConfig,
    CoachingError,
    coach_employee,
    coach_pod,
    percentile,
)
from empathos.store import init_db, make_engine
from empathos.store.schema import customers, employees, interactions, pods, turns
from empathos.understand.pipeline import analyze
from tests.understand.fakes import FakeEmotionModel, FakeEmpathyModel

T0 = datetime(2026, 3, 2, 10, 0, 0)
SYMPATHY = "Sorry for the inconvenience."
EMPATHIC = "I'm so sorry to hear that, I understand how annoying this is. What happened?"


def build_small_store(engine: Engine, source: str = "simulated") -> None:
    """Two employees in one pod, one in another; contacts that end well or badly.

    e-good answers with empathy (fake model: "sorry to hear"/"i understand" -> emotional
    reaction 2, "?" -> exploration 1) and frustrated customers end happy; e-sym answers with
    sympathy only and neutral customers end angry (worsened). Customer turns carry the customer's
    name, an e-mail and an
    order number, so the examples must mask them."""
    with engine.begin() as conn:
        conn.execute(
            insert(pods),
            [
                {
                    "pod_id": "pod-a",
                    "name": "Pod A",
                    "functions": [],
                    "member_ids": ["e-good", "e-sym"],
                    "segments": [],
                },
                {
                    "pod_id": "pod-b",
                    "name": "Pod B",
                    "functions": [],
                    "member_ids": ["e-other"],
                    "segments": [],
                },
            ],
        )
        conn.execute(
            insert(employees),
            [
                {
                    "employee_id": "e-good",
                    "name": "Greta Good",
                    "pod_id": "pod-a",
                    "skills": [],
                    "languages": [],
                    "source": source,
                    "attributes": {},
                },
                {
                    "employee_id": "e-sym",
                    "name": "Samuel Sym",
                    "pod_id": "pod-a",
                    "skills": [],
                    "languages": [],
                    "source": source,
                    "attributes": {},
                },
                {
                    "employee_id": "e-other",
                    "name": "Otto Other",
                    "pod_id": "pod-b",
                    "skills": [],
                    "languages": [],
                    "source": source,
                    "attributes": {},
                },
            ],
        )
        conn.execute(
            insert(customers),
            [
                {
                    "customer_id": f"cu-{k}",
                    "name": f"Hildegard Kowalczyk{k}",
                    "segment": "consumer" if k % 2 else "business",
                    "source": source,
                    "attributes": {},
                }
                for k in range(18)
            ],
        )
        rows, trows = [], []
        plan = [
            ("e-good", EMPATHIC, "great, thank you, perfect"),
            ("e-sym", SYMPATHY, "this is unacceptable, I am furious"),
            ("e-other", "Done.", "ok"),
        ]
        for k in range(18):
            emp, reply, end = plan[k % 3]
            iid = f"i-{k:02d}"
            start = T0 + timedelta(days=k)  # 18 days: three ISO weeks
            rows.append(
                {
                    "interaction_id": iid,
                    "customer_id": f"cu-{k}",
                    "channel": "chat",
                    "started_at": start,
                    "ended_at": start + timedelta(minutes=5),
                    "employee_id": emp,
                    "source": source,
                    "attributes": {},
                }
            )
            opening = (
                "a question about my delivery"
                if emp == "e-sym"
                else "still not arrived, third time I write"
            )
            texts = [
                (
                    "customer",
                    f"Hi, Hildegard Kowalczyk{k} here (hk{k}@example.com), order ORD-{4400 + k} "
                    f"{opening}",
                    f"cu-{k}",
                ),
                ("employee", reply, emp),
                ("customer", end, f"cu-{k}"),
            ]
            for seq, (speaker, text, author) in enumerate(texts):
                trows.append(
                    {
                        "interaction_id": iid,
                        "seq": seq,
                        "speaker": speaker,
                        "text": text,
                        "ts": start + timedelta(seconds=30 * seq),
                        "author_id": author,
                        "language": "en",
                    }
                )
        # one bot-only contact: automation, no employee
        rows.append(
            {
                "interaction_id": "i-bot",
                "customer_id": "cu-0",
                "channel": "self_service",
                "started_at": T0,
                "ended_at": T0,
                "employee_id": None,
                "source": source,
                "attributes": {},
            }
        )
        trows.append(
            {
                "interaction_id": "i-bot",
                "seq": 0,
                "speaker": "customer",
                "text": "where is my parcel",
                "ts": T0,
                "author_id": "cu-0",
                "language": "en",
            }
        )
        conn.execute(insert(interactions), rows)
        conn.execute(insert(turns), trows)
    analyze(engine, FakeEmotionModel(), FakeEmpathyModel(), progress=False)


def test_employee_report_exact_figures_and_peers(engine: Engine) -> None:
    build_small_store(engine)
    cfg = CoachingConfig(weeks=12, min_contacts=3)
    good = coach_employee(engine, "e-good", cfg)
    sym = coach_employee(engine, "e-sym", cfg)
    assert good.source == "simulated" and good.n_contacts == 6 and good.n_replies == 6
    # empathic replies: emotional reaction and exploration in every reply, no sympathy-only
    assert good.mechanisms["emotional_reaction"] == 1.0 and good.mechanisms["exploration"] == 1.0
    assert good.mechanisms["interpretation"] == 0.0
    assert good.figures["any_mechanism_share"] == 1.0 and good.figures["sympathy_only_share"] == 0.0
    # sympathy formula and no mechanism: every reply is sympathy-only
    assert sym.figures["any_mechanism_share"] == 0.0 and sym.figures["sympathy_only_share"] == 1.0
    assert good.figures["end_valence"] > 0 > sym.figures["end_valence"]
    assert good.figures["improved_share"] > sym.figures["improved_share"]
    # peers: three employees company-wide, two in pod-a; the good one is top on endings
    assert good.peers["company"]["n_peers"] == 3 and good.peers["pod"]["n_peers"] == 2
    assert good.peers["pod"]["end_valence"]["percentile"] == 75.0  # higher of two (mid-rank)
    assert sym.peers["pod"]["end_valence"]["percentile"] == 25.0
    assert good.peers["pod"]["sympathy_only_share"]["higher_is_better"] is False
    # weekly trend covers every contact once
    assert sum(w["n_contacts"] for w in good.trend) == 6 and len(good.trend) == 3


def test_examples_are_anonymised(engine: Engine) -> None:
    build_small_store(engine)
    rep = coach_employee(engine, "e-sym", CoachingConfig(min_contacts=1, n_examples=2))
    shown = [
        t["text"]
        for kind in ("best", "worst")
        for ex in rep.examples[kind]
        for t in ex["last_turns"]
    ]
    assert shown, "examples expected"
    joined = " ".join(shown)
    assert "Hildegard" not in joined and "Kowalczyk" not in joined
    assert "@" not in joined and not re.search(r"\d", joined)
    assert "[name]" in joined and "[email]" in joined and "[number]" in joined
    worst = rep.examples["worst"][0]
    assert worst["end_valence"] <= rep.examples["best"][0]["end_valence"]
    assert any(t.get("emotion") == "anger" for t in worst["last_turns"])


def test_pod_report_members_and_unknown_ids(engine: Engine) -> None:
    build_small_store(engine)
    rep = coach_pod(engine, "pod-a", CoachingConfig(min_contacts=1))
    assert rep.n_contacts == 12 and {m["employee_id"] for m in rep.members} == {"e-good", "e-sym"}
    assert sum(m["n_contacts"] for m in rep.members) == rep.n_contacts
    assert rep.peers["company"]["n_peers"] == 2  # pod-a and pod-b
    with pytest.raises(CoachingError):
        coach_employee(engine, "nobody")
    with pytest.raises(CoachingError):
        coach_pod(engine, "no-pod")


def test_api_and_cli(engine: Engine, tmp_path: Path) -> None:
    from empathos.api.app import create_app

    build_small_store(engine)
    client = TestClient(create_app(engine=engine))
    r = client.get("/coaching/e-good", params={"weeks": 12})
    assert (
        r.status_code == 200 and r.json()["n_contacts"] == 6 and r.json()["source"] == "simulated"
    )
    assert client.get("/coaching/pods/pod-a").json()["n_contacts"] == 12
    assert client.get("/coaching/nobody").status_code == 404
    assert client.get("/coaching/pods/nobody").status_code == 404
    if engine.dialect.name == "sqlite":
        from empathos.cli import app

        out = CliRunner().invoke(
            app, ["coach", "e-sym", "--db", str(engine.url)], env={"COLUMNS": "200"}
        )
        assert out.exit_code == 0, out.output
        assert "data: simulated" in out.output and "sympathy_only_share" in out.output
        assert "Hildegard" not in out.output and "[email]" in out.output


def test_anonymiser_rules() -> None:
    a = Anonymiser(["Thomas B.", "Lena Müller"])
    assert (
        a.mask("Hi, this is Thomas, order ORD-12345 for £42.50.")
        == "Hi, this is [name], order [number] for [number]."
    )
    assert a.mask("mail lena.mueller@shop.de or www.shop.de/x") == "mail [email] or [url]"
    assert a.mask("LENA MÜLLER called") == "[name] [name] called"
    assert a.mask("Frau Schmidt, Herr Weber") == "Frau [name], Herr [name]"
    assert (
        a.mask("Czy pan to wyjaśni?") == "Czy pan to wyjaśni?"
    )  # Polish 'pan' + lowercase is no name
    assert a.mask("B. is an initial") == "B. is an initial"


def test_percentile_mid_rank() -> None:
    import pandas as pd

    assert percentile(pd.Series([1.0, 2.0, 3.0, 4.0]), 4.0) == 87.5
    assert percentile(pd.Series([1.0, 1.0]), 1.0) == 50.0
    assert percentile(pd.Series([], dtype=float), 1.0) is None


@pytest.mark.slow
def test_on_a_simulated_store(tmp_path: Path) -> None:
    """A simulated month analysed by the lexicon backends: every employee's report stands
    on the store's own counts and names the simulator as its source."""
    from empathos.simulate import preset, run_simulation
    from empathos.simulate.store import store_simulation

    engine = make_engine(f"sqlite:///{tmp_path / 's.db'}")
    init_db(engine)
    run_simulation(
        preset("small", seed=5, customers=120, days=21), tmp_path / "sim", progress=False
    )
    store_simulation(tmp_path / "sim", engine)
    analyze(engine, "lexicon", "lexicon", progress=False)
    with engine.connect() as conn:
        emp = conn.execute(
            select(interactions.c.employee_id, func.count())
            .where(interactions.c.employee_id.is_not(None))
            .group_by(interactions.c.employee_id)
            .order_by(func.count().desc())
        ).first()
        names = [n for n in conn.execute(select(customers.c.name)).scalars() if n]
    rep = coach_employee(engine, emp[0], CoachingConfig(weeks=52))
    assert rep.source == "simulated" and rep.n_contacts == emp[1]
    assert 0 <= rep.peers["company"]["end_valence"]["percentile"] <= 100
    texts = " ".join(
        t["text"] for k in ("best", "worst") for ex in rep.examples[k] for t in ex["last_turns"]
    )
    assert not re.search(r"\d", texts)
    assert not any(part in texts for n in names for part in n.split() if len(part) > 2)
