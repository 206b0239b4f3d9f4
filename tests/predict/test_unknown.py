"""Unknown is never zero, on REAL data: the first 1,000 tweets of Kaggle's "Customer
Support on Twitter" (``../shared/data/real/twcs_5k.csv``) hold conversations only — no
transactions, no churn outcomes — so predict must store CLV and churn risk as unknown
with the reason, print no NaN, raise no RuntimeWarning, and the dashboard must say what
to import instead of showing 0."""

from __future__ import annotations

import csv
import json
import re
import warnings
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from empathos.store import init_db, make_engine
from empathos.store.schema import customer_scores

TWCS = Path(__file__).resolve().parents[3] / "shared" / "data" / "real" / "twcs_5k.csv"
pytestmark = pytest.mark.skipif(not TWCS.exists(), reason="../shared/data/real not present")
runner = CliRunner()


@pytest.fixture(scope="module")
def twcs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Engine, str]:
    """The first 1,000 records of the real file, imported and analysed (lexicon)."""
    from empathos.listen.ingest import ingest_file
    from empathos.understand.pipeline import analyze

    root = tmp_path_factory.mktemp("twcs")
    part = root / "twcs_1000.csv"
    with TWCS.open(newline="", encoding="utf-8") as src, part.open("w", newline="") as out:
        reader, writer = csv.reader(src), csv.writer(out)
        for k, row in enumerate(reader):
            if k > 1000:
                break
            writer.writerow(row)
    url = f"sqlite:///{root / 'store.db'}"
    engine = make_engine(url)
    init_db(engine)
    ingest_file(part, engine)
    analyze(engine, "lexicon", "lexicon", progress=False)
    yield engine, url
    engine.dispose()


def test_predict_on_conversations_only_says_unknown(twcs: tuple[Engine, str]) -> None:
    from empathos.predict.pipeline import predict

    engine, _ = twcs
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        report = predict(engine, progress=False, effects_boot=50)
    assert report.customers_scored > 100
    assert report.total_clv is None and report.total_value_at_risk is None
    assert report.mean_p_churn is None and report.churn_basis == "unknown"
    assert report.clv_bases == {"unknown": report.customers_scored}
    assert "no transactions imported" in report.clv_note
    assert any("no churn outcomes imported" in n for n in report.notes)
    # no effect row of NaN: the outcomes the store lacks are named with the reason
    assert all(all(v == v for v in (e["slope_per_sd"], e["r"])) for e in report.effects)
    assert report.effect_gaps["purchases"] == "no transactions imported"
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                customer_scores.c.p_churn,
                customer_scores.c.clv,
                customer_scores.c.value_at_risk,
                customer_scores.c.churn_basis,
                customer_scores.c.clv_basis,
                customer_scores.c.basis_note,
            )
        ).all()
    assert len(rows) == report.customers_scored
    assert {(r.p_churn, r.clv, r.value_at_risk) for r in rows} == {(None, None, None)}
    assert {(r.churn_basis, r.clv_basis) for r in rows} == {("unknown", "unknown")}
    assert all("no transactions imported" in r.basis_note for r in rows)


def test_cli_and_dashboard_never_show_unknown_as_zero(twcs: tuple[Engine, str]) -> None:
    from fastapi.testclient import TestClient

    from empathos.api.app import create_app
    from empathos.cli import app
    from empathos.config import Settings

    engine, url = twcs
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        out = runner.invoke(app, ["predict", "--db", url])
    assert out.exit_code == 0, out.output
    text = " ".join(out.output.split())
    assert "total CLV unknown" in text and "value at risk unknown" in text
    assert "mean P(churn) unknown" in text
    assert "effect on purchases: unknown (no transactions imported)" in text
    assert "nan" not in text.lower()
    assert re.search(r"predictions as of \d{4}-\d\d-\d\d \(run ", text)

    js = runner.invoke(app, ["predict", "--db", url, "--json"])
    report = json.loads(js.output)
    assert report["total_clv"] is None and report["mean_p_churn"] is None

    client = TestClient(create_app(Settings(database_url=url)))
    panels = {"/dashboard": ("3 · Predict", "4 · Act"), "/dashboard/value": ("<h1", "<table")}
    for page, (start, end) in panels.items():
        html = client.get(page).text
        html = html[html.index(start) : html.index(end, html.index(start))]
        body = " ".join(re.sub(r"<[^>]+>", " ", html).split())
        assert "import transactions to see CLV" in body, page
        assert "import churn outcomes to see churn risk" in body, page
        assert not re.search(r"Value at risk 0\b|Total CLV 0\b|0\.0 %", body), page
        assert "predictions as of" in body, page
    sheet = client.get("/assess/balance-sheet").json()
    assert sheet["clv_total"] is None and sheet["value_at_risk"] is None
    assert any("no transactions imported" in n for n in sheet["notes"])
