"""Topics and drivers on real conversations: TWCS (``../shared/data/real/twcs_5k.csv``,
Kaggle's Customer Support on Twitter), imported, analysed (lexicon backends, the cheap
ones: the drivers only need a remembered score), then ``empathos topics`` and
``empathos drivers`` through the CLI.

What real data must give: every thread with customer words gets a topic; topics are
named by words that occur in them; the same store refits to the same model (stable with
a fixed seed); figures TWCS cannot support (churn, value at risk, predicted CSAT) read
unknown with a reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from empathos.cli import app
from empathos.store import init_db, make_engine

REAL = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "real"
runner = CliRunner()


def _json(args: list[str]) -> dict:
    res = runner.invoke(app, [*args, "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.output)


@pytest.fixture(scope="module")
def twcs(tmp_path_factory: pytest.TempPathFactory) -> str:
    from empathos.listen import ingest_file
    from empathos.understand.pipeline import analyze

    root = tmp_path_factory.mktemp("twcs_topics")
    url = f"sqlite:///{root / 'twcs.db'}"
    engine = make_engine(url)
    init_db(engine)
    ingest_file(REAL / "twcs_5k.csv", engine, rejects_path=root / "rejects")
    analyze(engine, "lexicon", "lexicon", progress=False)
    engine.dispose()
    return url


def test_topics_and_drivers_on_twcs(twcs: str) -> None:
    first = _json(["topics", "--db", twcs])
    assert first["fitted"] and 6 <= first["k"] <= 20
    assert first["assigned"] > 1000  # threads with customer words
    rep = _json(["drivers", "--boot", "300", "--db", twcs])
    assert rep["available"] and rep["n_contacts"] == first["assigned"]
    assert sum(t["volume"] for t in rep["topics"]) == rep["n_contacts"]
    for t in rep["topics"]:
        assert t["terms"] and t["examples"]
        assert any(w in " ".join(t["examples"]).casefold() for w in t["terms"])
        assert t["remembered"] is not None and -1 <= t["remembered"] <= 1
        assert t["churn"] is None and t["value_at_risk"] is None  # no predict run: unknown
    assert "no predict run" in rep["churn_note"]
    assert rep["outcome"] == "remembered score" and rep["predicted_csat_note"]
    assert any(d["impact_ci"] is not None for d in rep["drivers"])
    assert any("imported" in n for n in rep["notes"])

    again = _json(["topics", "--refit", "--db", twcs])  # same store, same seed
    assert again["model_version"] == first["model_version"] and again["assigned"] == 0
