"""Tables owned by the assess stage (on the store's one ``metadata``; migration branch assess).

``assessments``: one row per maturity assessment — the answers given, the whole result
(pillars, evidence, blind spots) as JSON, and the headline columns the dashboard lists
without parsing JSON. Rows are only added, so the history shows the company moving (or
not) from one stage to the next.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, Float, Integer, String, Table

from empathos.store.base import metadata

assessments = Table(
    "assessments",
    metadata,
    Column("assessment_id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", DateTime, nullable=False, index=True),
    Column("questionnaire_version", String(16), nullable=False),
    Column("overall_stage", String(16), nullable=False),
    Column("overall_score", Float),
    # where the data evidence comes from: imported, sample, simulated, mixed, none
    Column("source", String(16), nullable=False),
    Column("answers", JSON, nullable=False),
    Column("result", JSON, nullable=False),
)
