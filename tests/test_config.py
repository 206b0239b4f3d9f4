"""Settings: every field documented in the README (datasette's habit), the environment names
that predate ``EMPATHOS_<FIELD>`` still working, and the switches validated."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from empathos.config import Settings

README = Path(__file__).resolve().parents[1] / "README.md"


def env_name(field: str) -> str:
    """The environment variable that sets ``field``: its alias, else ``EMPATHOS_<FIELD>``."""
    alias = Settings.model_fields[field].validation_alias
    return alias if isinstance(alias, str) else f"EMPATHOS_{field.upper()}"


def readme_settings_rows() -> set[str]:
    """The variables named in the first column of the README's Settings table."""
    section = README.read_text(encoding="utf-8").split("## Settings", 1)[1].split("\n## ", 1)[0]
    return {
        m.group(1)
        for line in section.splitlines()
        if (m := re.match(r"\|\s*`(EMPATHOS_[A-Z_]+)`\s*\|", line))
    }


@pytest.mark.parametrize("field", sorted(Settings.model_fields))
def test_every_setting_is_documented(field: str) -> None:
    assert env_name(field) in readme_settings_rows(), (
        f"Settings.{field} ({env_name(field)}) has no row in README.md's Settings table"
    )
    assert Settings.model_fields[field].description, f"Settings.{field} has no description"


@pytest.mark.parametrize(
    ("variable", "field", "value"),
    [
        ("EMPATHOS_MODELS_DIR", "models_dir", Path("/tmp/promoted")),
        ("EMPATHOS_CACHE", "cache_dir", Path("/tmp/emb-cache")),
        ("EMPATHOS_SHARED_DATA", "shared_data_dir", Path("/tmp/shared-data")),
        ("EMPATHOS_ENCODER_THREADS", "encoder_threads", 3),
        ("EMPATHOS_LIVE_WRITER", "live_writer", "process"),
        ("EMPATHOS_WEB_PRE_AGGREGATE", "web_pre_aggregate", False),
    ],
)
def test_environment_names_set_their_fields(
    monkeypatch: pytest.MonkeyPatch, variable: str, field: str, value: object
) -> None:
    monkeypatch.setenv(variable, str(value).lower() if isinstance(value, bool) else str(value))
    assert getattr(Settings(), field) == value
    assert field in Settings().model_fields_set  # what `empathos serve` checks for live_writer


def test_aliased_fields_take_their_field_name_as_argument() -> None:
    s = Settings(cache_dir="/tmp/a", shared_data_dir="/tmp/b")
    assert (s.cache_dir, s.shared_data_dir) == (Path("/tmp/a"), Path("/tmp/b"))


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for field in Settings.model_fields:
        monkeypatch.delenv(env_name(field), raising=False)
    s = Settings(_env_file=None)
    assert s.models_dir is None and s.shared_data_dir is None
    assert s.cache_dir == Path.home() / ".cache" / "empathos"
    assert (s.encoder_threads, s.live_writer, s.web_pre_aggregate) == (1, "thread", True)


@pytest.mark.parametrize(
    ("field", "value"), [("live_writer", "fork"), ("encoder_threads", 0), ("batch_size", 0)]
)
def test_switches_are_validated(field: str, value: object) -> None:
    with pytest.raises(ValidationError):
        Settings(**{field: value})
