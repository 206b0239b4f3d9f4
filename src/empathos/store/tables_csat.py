"""The table of predicted CSAT (on the store's one ``metadata``; migration branch csat).

``interaction_csat``: one row per interaction — the predicted CSAT (1–5) of the model
version named in the row, the same figure calibrated to the company's surveys (NULL while
there are too few), where the contact came from (``source``: imported / sample /
simulated, copied from the interaction so a figure always says it), and, when the figure
could not be computed, why (``predicted_csat`` NULL and ``reason`` set — never 0).
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Float, ForeignKey, String, Table, Text

from empathos.store.base import ID, metadata

interaction_csat = Table(
    "interaction_csat",
    metadata,
    Column(
        "interaction_id",
        ID,
        ForeignKey("interactions.interaction_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("model_version", String(128), nullable=False, index=True),
    Column("predicted_csat", Float),
    Column("calibrated_csat", Float),
    Column("source", String(16), nullable=False),
    Column("reason", Text),
    Column("scored_at", DateTime, nullable=False),
)
