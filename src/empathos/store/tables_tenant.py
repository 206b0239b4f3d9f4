"""The tenant's own settings (on the store's one ``metadata``; migration branch
tenant_settings, ``0022``).

Each tenant has its own store, so a row here is that tenant's setting: ``tenant_settings``
holds one JSON value per key (``pii`` today: whether text is redacted before it is stored,
and which kinds); a key without a row falls back to the process's ``Settings``.
``ingest_run_redactions``: how many pieces of each kind an import run redacted -- counts
only, never the values.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, Integer, String, Table

from empathos.store.base import metadata

tenant_settings = Table(
    "tenant_settings",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", JSON, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

ingest_run_redactions = Table(
    "ingest_run_redactions",
    metadata,
    Column("run_id", Integer, primary_key=True),  # ingest_runs.run_id
    Column("kind", String(16), primary_key=True),
    Column("count", Integer, nullable=False),
)
