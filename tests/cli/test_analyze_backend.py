"""``empathos analyze --backend NAME`` runs both stages on one backend (issue 15 item 5:
the fast path one flag away), and without it the settings' default applies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from empathos.cli import app
from empathos.config import DEFAULT_BACKEND, Settings
from empathos.listen import ingest_file
from empathos.store import make_engine
from empathos.store.migrate import init_db
from tests.listen.helpers import interaction, write_jsonl


def test_the_default_backend_is_one_constant() -> None:
    s = Settings()
    assert s.emotion_model == s.empathy_model == DEFAULT_BACKEND


@pytest.mark.slow
def test_analyze_backend_fast_annotates_with_the_fast_models(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'a.db'}"
    engine = make_engine(db)
    init_db(engine)
    ingest_file(write_jsonl(tmp_path / "c.jsonl", [interaction(i) for i in range(3)]), engine)
    result = CliRunner().invoke(app, ["analyze", "--backend", "fast", "--json", "--db", db])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output[result.output.index("{") :])
    assert report["emotion_model"] == "fast" and report["empathy_model"] == "fast"
    assert report["turns_emotion"] == 6 and report["turns_empathy"] == 3
