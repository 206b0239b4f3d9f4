"""The CLI's read commands take the filters every face shares (brand, period, channel,
language; pod for ooda) and their figures match the raw data of a two-brand store."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from empathos.cli import app
from empathos.store import init_db, make_engine
from tests.web import data

runner = CliRunner()


def _store(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'brands.db'}"
    engine = make_engine(url)
    init_db(engine)
    data.fill_matrix(engine)
    engine.dispose()
    return url


def _json(args: list[str]) -> dict:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_stats_by_brand(tmp_path: Path) -> None:
    db = _store(tmp_path)
    whole = _json(["stats", "--json", "--db", db])
    assert whole["by_company"] == {"brand-a": 4, "brand-b": 4}
    b = _json(["stats", "--company", "brand-b", "--json", "--db", db])
    rows = data.matching(company="brand-b")
    assert b["company"] == "brand-b" and b["by_company"] == {"brand-b": len(rows)}
    assert b["by_channel"] == {"voice": 3, "chat": 1}  # i-2, i-6, i-8 voice; i-4 chat
    assert b["by_period"] == {"2026-01": 1, "2026-03": 3}
    assert b["tables"]["interactions"] == 8  # rows per table stay whole-store counts


def test_coach_and_ooda_take_the_filters(tmp_path: Path) -> None:
    db = _store(tmp_path)
    pods = dict(data.EMPLOYEES)
    for args, f in [
        ([], {}),
        (["--company", "brand-b"], {"company": "brand-b"}),
        (["--start", "2026-01-01", "--end", "2026-01-31"], {"start": date(2026, 1, 1)}),
        (["--channel", "voice", "--language", "de"], {"channel": "voice", "language": "de"}),
    ]:
        rep = _json(["coach", "pod-b", "--pod", "--weeks", "52", *args, "--json", "--db", db])
        g = {**f, "end": date(2026, 1, 31)} if "start" in f else f
        want = [
            r for r in data.matching(**g) if r[0] in data.SCORED and r[4] and pods[r[4]] == "pod-b"
        ]
        assert rep["n_contacts"] == len(want), (args, rep["window"])
        ooda = _json(["ooda", "--weeks", "52", *args, "--json", "--db", db])
        weekly = ooda["observe"]["weekly"]
        assert sum(w["contacts"] for w in weekly) == len(data.matching(**g)), args
    # the default window ends at the newest contact under the filters, not at "now"
    rep = _json(["coach", "pod-b", "--pod", "--weeks", "1", "--json", "--db", db])
    assert rep["window"]["to"].startswith("2026-03-02") and rep["n_contacts"] == 2  # i-2, i-5
    bad = runner.invoke(app, ["ooda", "--start", "March", "--db", db])
    assert bad.exit_code != 0 and "--start 'March': not a date" in bad.output
