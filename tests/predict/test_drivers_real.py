"""Topics and drivers on real conversations: TWCS (``../shared/data/real/twcs_5k.csv``,
Kaggle's Customer Support on Twitter), imported, analysed (lexicon backends, the cheap
ones: the drivers only need a remembered score), then ``empathos topics`` and
``empathos drivers`` through the CLI.

What real data must give: every thread with customer words gets a topic; a topic's
first term is more frequent in it than elsewhere; the same store refits to the same
model (stable with a fixed seed); figures TWCS cannot support (churn, value at risk,
predicted CSAT) read unknown with a reason."""

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


def _term_shares(url: str, first_terms: dict[int, str]) -> dict[int, tuple[float, float]]:
    """Per topic: the share of its contacts' openings containing its first term, and the
    share of the other contacts' openings containing it."""
    from sqlalchemy import select

    from empathos.store.tables_topics import interaction_topics
    from empathos.understand.pipeline.topics import openings
    from empathos.understand.topics import TopicConfig

    engine = make_engine(url)
    with engine.connect() as conn:
        topic_of = {
            r.interaction_id: r.topic_id
            for r in conn.execute(
                select(interaction_topics.c.interaction_id, interaction_topics.c.topic_id)
            )
        }
        ops = openings(conn, list(topic_of), TopicConfig())
    engine.dispose()
    out = {}
    for tid, term in first_terms.items():
        hits = {i: term in ops[i].text.casefold() for i in topic_of}
        inside = [h for i, h in hits.items() if topic_of[i] == tid]
        outside = [h for i, h in hits.items() if topic_of[i] != tid]
        out[tid] = (sum(inside) / len(inside), sum(outside) / len(outside))
    return out


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
        assert t["remembered"] is not None and -1 <= t["remembered"] <= 1
        assert t["churn"] is None and t["value_at_risk"] is None  # no predict run: unknown
    assert "no predict run" in rep["churn_note"]
    # analyze predicts CSAT for every contact with customer words, so drivers rank by it
    assert rep["outcome"] == "predicted CSAT" and rep["predicted_csat_note"] == ""
    assert all(1 <= t["predicted_csat"] <= 5 for t in rep["topics"])
    assert any(d["impact_ci"] is not None for d in rep["drivers"])
    assert any("imported" in n for n in rep["notes"])

    # each topic's first term is more frequent in its own openings than in the others'
    shares = _term_shares(twcs, {t["topic_id"]: t["terms"][0] for t in rep["topics"]})
    for tid, (inside, outside) in shares.items():
        assert inside > outside, (tid, inside, outside)

    again = _json(["topics", "--refit", "--db", twcs])  # same store, same seed
    assert again["model_version"] == first["model_version"] and again["assigned"] == 0
