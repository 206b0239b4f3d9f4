"""Tables of the auto-QA scorecards (on the store's one ``metadata``; migration branch qa).

Written only by ``empathos.understand.pipeline.qa``. One scorecard per contact, rubric
version and (emotion model, empathy model) pair — the annotations the items read — so a
new rubric or model only *adds* rows, like every annotation table. ``qa_item_scores``
holds one row per item of a scorecard, so scorecards per employee, pod and week are a
GROUP BY; its ``status`` says ``not_applicable``/``unknown`` outright and its ``score`` is
then NULL, never 0. ``evidence`` is the list of quoted turns (seq, speaker, excerpt).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    String,
    Table,
    Text,
)

from empathos.store.base import ID, MODEL, metadata

_KEY = ("interaction_id", "rubric_version", "model", "version", "empathy_model", "empathy_version")

qa_scorecards = Table(
    "qa_scorecards",
    metadata,
    Column(
        "interaction_id",
        ID,
        ForeignKey("interactions.interaction_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("rubric_version", MODEL, primary_key=True),
    Column("model", MODEL, primary_key=True),
    Column("version", MODEL, primary_key=True),
    Column("empathy_model", MODEL, primary_key=True),
    Column("empathy_version", MODEL, primary_key=True),
    Column("rubric", MODEL, nullable=False),
    Column("overall", Float),  # weighted mean of the scored items; NULL: none scored
    Column("n_scored", Integer, nullable=False),
    Column("n_items", Integer, nullable=False),
    Column("computed_at", DateTime, nullable=False),
)

qa_item_scores = Table(
    "qa_item_scores",
    metadata,
    Column("interaction_id", ID, primary_key=True),
    Column("rubric_version", MODEL, primary_key=True),
    Column("model", MODEL, primary_key=True),
    Column("version", MODEL, primary_key=True),
    Column("empathy_model", MODEL, primary_key=True),
    Column("empathy_version", MODEL, primary_key=True),
    Column("item", MODEL, primary_key=True),
    Column("status", String(16), nullable=False),  # pass | fail | not_applicable | unknown
    Column("score", Float),  # 0..1; NULL unless pass/fail
    Column("reason", Text, nullable=False),
    Column("evidence_seq", BigInteger),  # the first quoted turn (for a quick link)
    Column("evidence", JSON, nullable=False),
    Column("details", JSON, nullable=False),
    ForeignKeyConstraint(list(_KEY), [f"qa_scorecards.{c}" for c in _KEY], ondelete="CASCADE"),
)
