"""Predicted CSAT: the features, the ridge model, quantile calibration, the USS split, the
pipeline step (stored per interaction, incremental, unknown with a reason), the store query,
and a run on real conversations (ABCD sample, TWCS Kaggle sample)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine, insert, select, update

from empathos.store import init_db, make_engine
from empathos.store.queries import predicted_csat
from empathos.store.schema import interactions, outcomes, turns
from empathos.store.tables_csat import interaction_csat
from empathos.understand import csat as cs
from empathos.understand import uss
from empathos.understand.pipeline import analyze
from empathos.understand.pipeline.csat import calibrate
from tests.understand.fakes import FakeEmotionModel, FakeEmpathyModel
from tests.understand.test_pipeline import seed

REAL = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "real"
USS_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "uss"


def view(valences, texts=None, employee_texts=(), empathic=()) -> cs.ContactView:
    n = len(valences)
    return cs.ContactView(
        customer_texts=texts or ["hello"] * n,
        valences=valences,
        intensities=[abs(v) for v in valences],
        labels=["neutral"] * n,
        n_employee_turns=len(employee_texts),
        empathic=empathic,
        employee_texts=employee_texts,
    )


# ---------------------------------------------------------------------------- pure parts


def test_features_have_one_value_per_name_and_empathy_unknown_is_nan() -> None:
    x = cs.features(view([-0.5, 0.1, 0.6], texts=["broken", "still not working", "thanks!"]))
    assert x.shape == (len(cs.FEATURES),)
    f = dict(zip(cs.FEATURES, x, strict=True))
    assert f["first"] == -0.5 and f["end"] == 0.6 and f["trend"] > 0
    assert f["thanks_end"] == 1.0 and f["unresolved"] == 1.0
    assert np.isnan(f["empathy_share"])  # no employee turn annotated: unknown, not 0
    with pytest.raises(ValueError):
        cs.features(view([]))


def test_cues_match_in_the_six_languages_without_accents() -> None:
    assert cs.thanks("Danke, erledigt!") and cs.thanks("Merci, c'est résolu")
    assert cs.unresolved("Es funktioniert immer noch nicht") and cs.unresolved("No funciona")
    assert cs.apology("Leider ist das nicht verfügbar") and cs.confirmed(
        "Ihre Buchung ist bestätigt"
    )
    assert not cs.thanks("my order is broken")


def test_ridge_learns_the_direction_and_stays_on_the_1_to_5_scale() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, len(cs.MODEL_FEATURES)))
    y = 3.0 + 0.8 * x[:, 0] + rng.normal(0, 0.3, 300)
    m = cs.fit_ridge(x, y, 1.0, "t")
    assert m.coef[0] > 0.5 and abs(m.coef[1]) < 0.1
    p = m.predict_rows(np.vstack([x, np.full((1, x.shape[1]), 50.0)]))
    assert p.min() >= 1.0 and p.max() <= 5.0
    again = cs.CsatModel.from_json(m.to_json())
    assert np.allclose(again.predict_rows(x), m.predict_rows(x))


def test_quantile_matching_maps_onto_the_survey_distribution_and_keeps_the_order() -> None:
    rng = np.random.default_rng(1)
    pred = rng.normal(3.2, 0.2, 400)
    surveys = rng.choice([1, 2, 3, 4, 5], 400, p=[0.1, 0.1, 0.2, 0.3, 0.3]).astype(float)
    cal, why = cs.fit_calibrator(pred, surveys)
    assert cal is not None and "400 surveys" in why
    out = cal.apply(pred)
    assert np.all(np.diff(out[np.argsort(pred)]) >= -1e-9)  # monotone
    assert abs(np.median(out) - np.median(surveys)) <= 0.5
    none, why = cs.fit_calibrator(pred, surveys[:10])
    assert none is None and "10 CSAT surveys" in why


def test_shipped_artefacts_load_and_carry_their_test_figures() -> None:
    model = cs.load_model()
    assert model is not None and model.features == cs.MODEL_FEATURES
    assert model.turn_model is not None  # the turn-pair model travels inside the artefact
    assert model.card["tuning"]["val_spearman"] > 0
    test = model.card["test"]
    assert {"predicted_csat", "mean_valence", "peak_end_kahneman"} <= set(test)
    assert model.card["split"] == uss.USS_SPLIT
    from empathos.understand import peak_end as pe

    assert pe.DEFAULT_WEIGHTS_VERSION.startswith("uss-")


# ---------------------------------------------------------------------------- USS


def test_uss_parser_reads_turn_and_overall_ratings() -> None:
    text = (
        "USER\tI need a hotel.\tInform\t3,4,2\n"
        "SYSTEM\tWhich area?\tRequest\t\n"
        "USER\tOVERALL\t\t4,4,5\n\n"
        "USER\tno rating here\t\t\n"
    )
    d = uss.parse_uss(text, "X")
    assert len(d) == 1  # the session without OVERALL is dropped
    assert d[0].user_ratings == [3.0] and d[0].rating == pytest.approx(13 / 3)
    assert [t.speaker for t in d[0].turns] == ["customer", "employee"]


@pytest.mark.skipif(not USS_DIR.exists(), reason="../shared/data/uss not present")
def test_uss_split_is_fixed_disjoint_and_70_15_15() -> None:
    parts = {p: [d.dialogue_id for d in uss.uss_split(p)] for p in uss.PARTS}
    assert [len(parts[p]) for p in uss.PARTS] == [1400, 300, 300]
    assert not set(parts["train"]) & set(parts["test"])
    assert parts["test"] == [d.dialogue_id for d in uss.uss_split("test")]


# ---------------------------------------------------------------------------- the pipeline


def _csat_rows(engine: Engine) -> dict[str, dict]:
    with engine.connect() as conn:
        return {
            r["interaction_id"]: dict(r) for r in conn.execute(select(interaction_csat)).mappings()
        }


def test_analyze_stores_predicted_csat_per_contact_incrementally(engine: Engine) -> None:
    seed(engine)
    analyze(engine, FakeEmotionModel(), FakeEmpathyModel(), progress=False)
    rows = _csat_rows(engine)
    assert set(rows) == {"c1-a", "c1-b", "c2-a", "c3-empty"}
    empty = rows["c3-empty"]
    assert empty["predicted_csat"] is None and "no customer turn" in empty["reason"]
    for iid in ("c1-a", "c1-b", "c2-a"):
        assert 1.0 <= rows[iid]["predicted_csat"] <= 5.0 and rows[iid]["reason"] is None
        assert rows[iid]["source"] == "test" and rows[iid]["calibrated_csat"] is None
        assert rows[iid]["model_version"].endswith("|fake-1/fake-empathy-1")
    # a second run predicts nothing new
    analyze(engine, FakeEmotionModel(), FakeEmpathyModel(), progress=False)
    assert {k: v["scored_at"] for k, v in _csat_rows(engine).items()} == {
        k: v["scored_at"] for k, v in rows.items()
    }
    # a new turn for cust-2's contact: only that customer's contacts are predicted again
    with engine.begin() as conn:
        conn.execute(
            insert(turns),
            [{"interaction_id": "c2-a", "seq": 99, "speaker": "customer", "text": "thanks!"}],
        )
    analyze(engine, FakeEmotionModel(), FakeEmpathyModel(), progress=False)
    after = _csat_rows(engine)
    assert after["c2-a"]["scored_at"] > rows["c2-a"]["scored_at"]
    assert after["c1-a"]["scored_at"] == rows["c1-a"]["scored_at"]
    with engine.connect() as conn:
        got = predicted_csat(conn)
    assert "c3-empty" not in got and set(got) == {"c1-a", "c1-b", "c2-a"}


def test_calibration_uses_surveys_and_the_query_prefers_the_calibrated_figure(
    engine: Engine,
) -> None:
    now = datetime(2026, 1, 1)
    n = 40
    with engine.begin() as conn:
        conn.execute(
            insert(interactions),
            [
                {"interaction_id": f"i{k}", "channel": "chat", "source": "sample", "attributes": {}}
                for k in range(n)
            ],
        )
        conn.execute(
            insert(interaction_csat),
            [
                {
                    "interaction_id": f"i{k}",
                    "model_version": "m",
                    "predicted_csat": 3.0 + k / 100,
                    "source": "sample",
                    "scored_at": now,
                }
                for k in range(n)
            ],
        )
        assert "not calibrated" in calibrate(engine)  # no surveys yet
        conn.execute(
            insert(outcomes),
            [
                {
                    "outcome_id": f"o{k}",
                    "kind": "csat",
                    "value": float(1 + k % 5),
                    "interaction_id": f"i{k}",
                    "source": "sample",
                }
                for k in range(n)
            ],
        )
    assert "40 contacts calibrated" in calibrate(engine)
    with engine.connect() as conn:
        got = predicted_csat(conn, ["i0", f"i{n - 1}"])
    assert got["i0"] == pytest.approx(1.0) and got[f"i{n - 1}"] == pytest.approx(5.0)
    with engine.begin() as conn:
        conn.execute(
            update(interaction_csat)
            .values(calibrated_csat=None)
            .where(interaction_csat.c.interaction_id == "i1")
        )
    assert "1 contacts calibrated" in calibrate(engine)  # incremental: only the missing one


# ---------------------------------------------------------------------------- real data


@pytest.mark.skipif(not REAL.exists(), reason="../shared/data/real not present")
def test_real_conversations_get_a_predicted_csat_or_a_reason(tmp_path: Path) -> None:
    from empathos.listen import ingest_file

    engine = make_engine(f"sqlite:///{tmp_path / 'real.db'}")
    init_db(engine)
    for name, mapping in (("abcd_sample.json", "abcd"), ("twcs_kaggle_sample.csv", None)):
        ingest_file(REAL / name, engine, mapping=mapping, rejects_path=tmp_path / f"{name}.rej")
    analyze(engine, "default", "default", progress=False)
    rows = _csat_rows(engine)
    with engine.connect() as conn:
        n_contacts = len(conn.execute(select(interactions.c.interaction_id)).all())
    assert len(rows) == n_contacts > 3
    known = [r["predicted_csat"] for r in rows.values() if r["predicted_csat"] is not None]
    assert known and all(1.0 <= v <= 5.0 for v in known)
    assert all(r["reason"] for r in rows.values() if r["predicted_csat"] is None)
    assert {r["source"] for r in rows.values()} == {"imported"}
    assert len(set(np.round(known, 3))) > 1  # contacts differ
