"""Tables owned by the topics part (on the store's one ``metadata``; migration branch topics).

``topic_models`` names each fitted topic model (its version changes with its centroids),
``topics`` describes its topics (label, top terms, examples, centroid) and
``interaction_topics`` assigns each contact to one topic of a model. The model version is
in every key, so a refit only *adds* rows and several models can be compared (ConvoKit
style); which one is current is the newest fitted (:mod:`empathos.understand.pipeline.topics`).
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, Float, ForeignKey, Integer, String, Table, Text

from empathos.store.base import ID, MODEL, metadata

topic_models = Table(
    "topic_models",
    metadata,
    Column("model_version", MODEL, primary_key=True),
    Column("fitted_at", DateTime, nullable=False),
    Column("encoder", String(64), nullable=False),
    Column("n_fitted", Integer, nullable=False),
    Column("k", Integer, nullable=False),
    Column("source", String(64)),  # the sources of the fitted contacts, e.g. "imported"
    Column("details", JSON, nullable=False),  # the TopicConfig and the silhouette per k
)

topics = Table(
    "topics",
    metadata,
    Column("model_version", MODEL, primary_key=True),
    Column("topic_id", Integer, primary_key=True, autoincrement=False),
    Column("label", Text, nullable=False),
    Column("terms", JSON, nullable=False),
    Column("examples", JSON, nullable=False),
    Column("size", Integer, nullable=False),  # contacts of the fitted sample
    Column("languages", JSON, nullable=False),
    Column("centroid", JSON, nullable=False),
)

interaction_topics = Table(
    "interaction_topics",
    metadata,
    Column(
        "interaction_id",
        ID,
        ForeignKey("interactions.interaction_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("model_version", MODEL, primary_key=True),
    Column("topic_id", Integer, nullable=False),
    Column("similarity", Float, nullable=False),
    Column("assigned_at", DateTime, nullable=False),
)
