"""Label feedback: validation, storage with who/when/old/new/model (both databases), the
API round trip, which correction wins, and the retrain promotion rule on real data."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert, select

from empathos.learn.feedback import (
    FeedbackError,
    correct_emotion,
    correct_empathy,
    effective,
    list_feedback,
)
from empathos.learn.retrain import CX_TO_GO, RetrainOptions, retrain, should_promote
from empathos.store.schema import interactions, turn_emotions, turn_empathy, turns
from empathos.store.tables_feedback import label_feedback, retrain_runs

T0 = datetime(2026, 3, 2, 10, 0, 0)


def seed(engine: Engine) -> None:
    """One interaction: customer turn 0 (annotated 'neutral' by model m v3), employee turn 1
    (annotated 0/0/1 by model p v2), customer turn 2 (not annotated)."""
    with engine.begin() as conn:
        conn.execute(
            insert(interactions).values(
                interaction_id="i1",
                customer_id="c1",
                channel="chat",
                started_at=T0,
                employee_id="e1",
                source="simulated",
                attributes={},
            )
        )
        conn.execute(
            insert(turns),
            [
                {
                    "interaction_id": "i1",
                    "seq": 0,
                    "speaker": "customer",
                    "text": "Third time I write, nothing arrived.",
                },
                {
                    "interaction_id": "i1",
                    "seq": 1,
                    "speaker": "employee",
                    "text": "Sorry for the inconvenience.",
                },
                {"interaction_id": "i1", "seq": 2, "speaker": "customer", "text": "Whatever."},
            ],
        )
        conn.execute(
            insert(turn_emotions).values(
                interaction_id="i1",
                seq=0,
                model="m",
                version="3",
                probabilities=[0.0] * 9,
                label="neutral",
                valence=0.0,
                intensity=0.0,
            )
        )
        conn.execute(
            insert(turn_empathy).values(
                interaction_id="i1",
                seq=1,
                model="p",
                version="2",
                emotional_reaction=0,
                interpretation=0,
                exploration=1,
                probabilities=[[1, 0, 0]] * 3,
            )
        )


def test_corrections_are_stored_with_old_value_and_model(engine: Engine) -> None:
    seed(engine)
    rec = correct_emotion(engine, "i1", 0, "frustration", "e1", "employee", note="repeat contact")
    assert (rec.old_value, rec.new_value, rec.model, rec.version) == (
        "neutral",
        "frustration",
        "m",
        "3",
    )
    recs = correct_empathy(
        engine, "i1", 1, {"exploration": 0, "emotional_reaction": 0}, "sup", "supervisor"
    )
    assert {(r.mechanism, r.old_value, r.new_value) for r in recs} == {
        ("exploration", "1", "0"),
        ("emotional_reaction", "0", "0"),
    }
    assert all(r.model == "p" and r.version == "2" and r.author_role == "supervisor" for r in recs)
    unannotated = correct_emotion(engine, "i1", 2, "neutral", "e1")
    assert unannotated.old_value is None and unannotated.model is None
    with engine.connect() as conn:
        rows = conn.execute(select(label_feedback).order_by(label_feedback.c.feedback_id)).all()
    assert len(rows) == 4 and rows[0].author_id == "e1" and isinstance(rows[0].created_at, datetime)
    assert [r.kind for r in list_feedback(engine, kind="empathy")] == ["empathy", "empathy"]
    assert len(list_feedback(engine, interaction_id="i1", limit=2)) == 2


@pytest.mark.parametrize(
    ("call", "field", "status"),
    [
        (lambda e: correct_emotion(e, "i1", 0, "happy", "e1"), "label", 422),
        (lambda e: correct_emotion(e, "i1", 1, "anger", "e1"), "seq", 422),  # an employee turn
        (lambda e: correct_emotion(e, "i1", 9, "anger", "e1"), "seq", 404),
        (lambda e: correct_emotion(e, "nope", 0, "anger", "e1"), "seq", 404),
        (lambda e: correct_emotion(e, "i1", 0, "anger", " "), "author_id", 422),
        (lambda e: correct_emotion(e, "i1", 0, "anger", "e1", "boss"), "author_role", 422),
        (
            lambda e: correct_empathy(e, "i1", 1, {"exploration": 3}, "e1"),
            "levels.exploration",
            422,
        ),
        (lambda e: correct_empathy(e, "i1", 1, {"warmth": 1}, "e1"), "levels.warmth", 422),
        (lambda e: correct_empathy(e, "i1", 1, {}, "e1"), "levels", 422),
        (
            lambda e: correct_empathy(e, "i1", 0, {"exploration": 1}, "e1"),
            "seq",
            422,
        ),  # a customer turn
    ],
)
def test_invalid_corrections_name_the_field(engine: Engine, call, field: str, status: int) -> None:  # noqa: ANN001
    seed(engine)
    with pytest.raises(FeedbackError) as err:
        call(engine)
    assert err.value.field == field and err.value.status == status
    assert list_feedback(engine) == []  # nothing stored


def test_supervisor_beats_employee_then_latest_wins(engine: Engine) -> None:
    seed(engine)
    correct_emotion(engine, "i1", 0, "anger", "e1", "employee")
    correct_emotion(engine, "i1", 0, "frustration", "sup", "supervisor")
    correct_emotion(engine, "i1", 0, "sadness", "e1", "employee")  # later, but an employee
    correct_emotion(engine, "i1", 2, "joy", "e1")
    correct_emotion(engine, "i1", 2, "neutral", "e1")  # same role: the latest wins
    eff = {(r.seq): r.new_value for r in effective(list_feedback(engine, kind="emotion"))}
    assert eff == {0: "frustration", 2: "neutral"}


def test_api_round_trip(engine: Engine) -> None:
    from empathos.api.app import create_app

    seed(engine)
    client = TestClient(create_app(engine=engine))
    r = client.post(
        "/feedback/emotion",
        json={
            "interaction_id": "i1",
            "seq": 0,
            "label": "anger",
            "author_id": "e1",
            "author_role": "employee",
        },
    )
    assert r.status_code == 201 and r.json()["old_value"] == "neutral" and r.json()["model"] == "m"
    r = client.post(
        "/feedback/empathy",
        json={
            "interaction_id": "i1",
            "seq": 1,
            "author_id": "sup",
            "author_role": "supervisor",
            "levels": {"interpretation": 2},
        },
    )
    assert r.status_code == 201 and [x["mechanism"] for x in r.json()] == ["interpretation"]
    bad = client.post(
        "/feedback/emotion",
        json={"interaction_id": "i1", "seq": 0, "label": "meh", "author_id": "e1"},
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "label"]
    missing = client.post(
        "/feedback/empathy",
        json={"interaction_id": "i1", "seq": 7, "author_id": "e1", "levels": {"exploration": 1}},
    )
    assert missing.status_code == 404
    listed = client.get("/feedback", params={"kind": "empathy"}).json()
    assert (
        len(listed) == 1
        and listed[0]["new_value"] == "2"
        and listed[0]["author_role"] == "supervisor"
    )
    assert len(client.get("/feedback").json()) == 2
    assert "/feedback/emotion" in client.get("/openapi.json").json()["paths"]


def test_promotion_rule() -> None:
    assert should_promote(0.40, 0.41) and should_promote(0.40, 0.40)
    assert not should_promote(0.40, 0.3999)
    # each CX emotion trains a GoEmotions label that maps back to it
    from empathos.understand.emotions import GO_TO_CX

    assert all(GO_TO_CX[go] == cx for cx, go in CX_TO_GO.items())


def test_nothing_to_retrain_without_corrections(sqlite_store: Engine, tmp_path: Path) -> None:
    res = retrain(sqlite_store, "all", RetrainOptions(models_dir=tmp_path / "m"))
    assert [r.score_before for r in res] == [None, None] and "no emotion corrections" in res[
        0
    ].reason
    assert not (tmp_path / "m").exists()


def _goemotions_turns(engine: Engine, n: int) -> list[tuple[str, str]]:
    """``n`` single-label GoEmotions *train* texts beyond the training subset stored as
    customer turns; returns (interaction id, gold CX emotion)."""
    from empathos.understand.emotions import GO_TO_CX, GOEMOTIONS_LABELS
    from empathos.understand.train_data import load_goemotions

    tr = load_goemotions("train")
    pool = [i for i in range(5000, len(tr.texts)) if tr.y28[i].sum() == 1][:n]
    with engine.begin() as conn:
        conn.execute(
            insert(interactions),
            [
                {
                    "interaction_id": f"g{k}",
                    "channel": "chat",
                    "source": "imported",
                    "started_at": T0 + timedelta(minutes=k),
                    "attributes": {},
                }
                for k in range(len(pool))
            ],
        )
        conn.execute(
            insert(turns),
            [
                {"interaction_id": f"g{k}", "seq": 0, "speaker": "customer", "text": tr.texts[i]}
                for k, i in enumerate(pool)
            ],
        )
    return [
        (f"g{k}", GO_TO_CX[GOEMOTIONS_LABELS[int(tr.y28[i].argmax())]]) for k, i in enumerate(pool)
    ]


@pytest.mark.slow
def test_wrong_corrections_are_not_promoted_right_ones_are(
    sqlite_store: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real encoder, real GoEmotions, a subset: 100 deliberately wrong labels (by an
    employee) make the test macro-F1 worse and are not promoted; a supervisor then
    corrects them to the gold labels, which does not make it worse, and is promoted."""
    from empathos.understand.protocols import CX_EMOTIONS

    engine = sqlite_store
    gold = _goemotions_turns(engine, 100)
    rng = np.random.default_rng(0)
    for iid, label in gold:
        wrong = CX_EMOTIONS[(CX_EMOTIONS.index(label) + 1 + int(rng.integers(8))) % 9]
        correct_emotion(engine, iid, 0, wrong, "e1", "employee")
    opts = RetrainOptions(limit_train=300, limit_eval=300, models_dir=tmp_path / "models")
    (bad,) = retrain(engine, "emotion", opts)
    assert bad.n_corrections == 100 and bad.score_after < bad.score_before
    # the GoEmotions turns were stored as imported contacts
    assert bad.corrections_source == "imported"
    assert not bad.promoted and bad.new_version is None and not (tmp_path / "models").exists()

    for iid, label in gold:
        correct_emotion(engine, iid, 0, label, "sup", "supervisor")
    (good,) = retrain(engine, "emotion", opts)
    assert good.n_corrections == 100 and good.score_before == bad.score_before
    assert good.score_after >= good.score_before and good.promoted
    # one version above the deployed head (the packaged emotion-default is v2 since issue 15)
    new = str(int(good.base_version) + 1)
    assert good.new_version == new and (tmp_path / "models" / "emotion-default.npz").exists()
    assert (tmp_path / "models" / f"emotion-default-v{new}.json").exists()
    with engine.connect() as conn:
        runs = conn.execute(
            select(retrain_runs.c.promoted, retrain_runs.c.score_after).order_by(
                retrain_runs.c.run_id
            )
        ).all()
    assert [r.promoted for r in runs] == [0, 1]
    # the loop closes: with Settings.models_dir (EMPATHOS_MODELS_DIR) pointing at the folder
    # retrain wrote, the default backend serves version 2
    from empathos.config import get_settings
    from empathos.understand.backends.default import DefaultEmotionModel

    monkeypatch.setenv("EMPATHOS_MODELS_DIR", str(tmp_path / "models"))
    get_settings.cache_clear()
    try:
        assert get_settings().models_dir == tmp_path / "models"
        served = DefaultEmotionModel()
        assert served.version == new and served.card["test_after"] == good.score_after
    finally:
        monkeypatch.delenv("EMPATHOS_MODELS_DIR")
        get_settings.cache_clear()
    assert DefaultEmotionModel().version == good.base_version  # the packaged heads are untouched
