"""The listen commands say what the library does: ingest, stats and export through Typer."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
from typer.testing import CliRunner

from empathos.cli import app
from empathos.demo import samples_dir

runner = CliRunner()


def test_ingest_stats_export_roundtrip(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    result = runner.invoke(app, ["ingest", str(samples_dir()), "--db", db])
    assert result.exit_code == 0, result.output
    assert "ingest" in result.output  # the summary table
    result = runner.invoke(app, ["stats", "--json", "--db", db])
    assert result.exit_code == 0, result.output
    stats = json.loads(result.output)
    assert stats["tables"]["interactions"] == 8 and stats["tables"]["customers"] == 8
    assert set(stats["by_language"]) == {"en", "de", "es", "it", "pl", "fr"}
    assert stats["by_period"] == {"2026-01": 8}
    out = tmp_path / "turns.parquet"
    result = runner.invoke(app, ["export", "turns", str(out), "--db", db])
    assert result.exit_code == 0, result.output
    table = pq.read_table(out)
    assert table.num_rows == 40 and {"text", "language", "channel", "customer_id"} <= set(
        table.column_names
    )
    csv_out = tmp_path / "customers.csv"
    assert runner.invoke(app, ["export", "customers", str(csv_out), "--db", db]).exit_code == 0
    assert csv_out.read_text().count("\n") == 9


def test_bad_file_is_a_clear_error_not_a_traceback(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    result = runner.invoke(app, ["ingest", str(tmp_path / "missing.jsonl"), "--db", db])
    assert result.exit_code == 2
    assert "no such file" in result.output


def test_rejects_are_reported_with_file_line_and_field(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"interaction_id": "x", "channel": "fax", "turns": [{"speaker": "customer", "text": '
        '"hi"}]}\n'
    )
    result = runner.invoke(
        app, ["ingest", str(bad), "--db", db, "--rejects", str(tmp_path / "r.jsonl")]
    )
    assert result.exit_code == 0, result.output
    assert "bad.jsonl:1: field 'channel'" in result.output


def test_reimport_says_nothing_new_and_conflicts_are_explained(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    path = tmp_path / "customers.jsonl"
    path.write_text(
        "".join(f'{{"customer_id": "cu-{i}", "segment": "retail"}}\n' for i in range(8))
    )
    args = ["ingest", str(path), "--db", db, "--rejects", str(tmp_path / "r.jsonl")]
    assert "accepted 8: 8 new, 0 unchanged" in runner.invoke(app, args).output
    assert "accepted 8: 0 new, 8 unchanged" in runner.invoke(app, args).output
    path.write_text('{"customer_id": "cu-1", "segment": "smb"}\n')
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "accepted 0: 0 new, 0 unchanged; 1 conflict" in result.output
    assert (
        "customers.jsonl:1: field 'customer_id': conflicts with the stored customer cu-1: segment"
        in result.output
    )
    result = runner.invoke(app, [*args, "--on-conflict", "update"])
    assert "accepted 1: 0 new, 0 unchanged, 1 updated" in result.output
    result = runner.invoke(app, [*args, "--on-conflict", "merge"])
    assert result.exit_code == 2 and "--on-conflict must be reject, update or skip" in result.output
