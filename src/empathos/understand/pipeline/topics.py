"""``empathos topics``: fit topics on the store's contacts, then assign new contacts.

A separate step from ``analyze`` on purpose: fitting needs a sample of the whole store at
once (``analyze`` streams turn batches), and a company fits topics rarely but assigns
every day; assigning is incremental — only contacts without a topic under the current
model are assigned. A contact's vector is its first customer turn's vector
(``TopicConfig.vectors = "first-turn"``), encoded alone by the encoder of the emotion
backend the model was fitted for (:func:`encoder_for`): exactly the vector ``analyze``
computes for the emotion model, which it leaves in the embedding cache
(``AnalyzeConfig.topic_vectors``), so assigning a contact ``analyze`` has seen is a cache
read, not an encoder pass (measured against ``analyze`` in ``bench/analyze_overhead.py``).
Models fitted before (``vectors = "opening"``) are assigned as they were fitted: the joined
opening text encoded once. The pure method is :mod:`empathos.understand.topics`.

Which model is current: the newest fitted (``fitted_at``, then the version name). A refit
adds a model; its contacts are assigned afresh, the old model's rows stay comparable.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import Connection, Engine, and_, func, insert, select

from empathos.store.schema import customers, interactions, turns
from empathos.store.tables_topics import interaction_topics, topic_models, topics
from empathos.understand import embeddings as emb
from empathos.understand.pipeline.run import chunks, utcnow
from empathos.understand.topics import (
    Topic,
    TopicConfig,
    TopicModel,
    fit_topics,
    mean_vectors,
    opening_text,
    opening_turns,
)

__all__ = [
    "Opening",
    "TopicsReport",
    "assign_new",
    "contact_vectors",
    "current_topic_model",
    "encoder_for",
    "fit_from_store",
    "load_topic_model",
    "openings",
    "run_topics",
]


@dataclass(frozen=True)
class Opening:
    """A contact's opening text (its first customer turns) with its language and source."""

    interaction_id: str
    text: str
    language: str | None
    source: str | None
    turns: tuple[str, ...] = ()
    """The opening's turns as stored (what ``"first-turn"``/``"turn-mean"`` vectors read)."""


@dataclass
class TopicsReport:
    """What one ``empathos topics`` run did."""

    model_version: str | None = None
    fitted: bool = False
    k: int = 0
    n_fitted: int = 0
    assigned: int = 0
    without_words: int = 0  # contacts with no customer text: no topic (said, not guessed)
    silhouette: dict[int, float] = field(default_factory=dict)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def openings(
    conn: Connection, interaction_ids: Sequence[str], config: TopicConfig
) -> dict[str, Opening]:
    """The opening of each of ``interaction_ids`` that has customer words."""
    texts: dict[str, list[str]] = defaultdict(list)
    langs: dict[str, str | None] = {}
    meta: dict[str, tuple[str | None, str | None]] = {}
    for chunk in chunks(list(interaction_ids), 500):
        for r in conn.execute(
            select(turns.c.interaction_id, turns.c.text, turns.c.language, turns.c.speaker)
            .where(turns.c.interaction_id.in_(chunk))
            .order_by(turns.c.interaction_id, turns.c.seq)
        ):
            if r.speaker != "customer" or len(texts[r.interaction_id]) >= config.opening_turns:
                continue
            texts[r.interaction_id].append(r.text)
            langs.setdefault(r.interaction_id, r.language)
        for r in conn.execute(
            select(interactions.c.interaction_id, interactions.c.source, customers.c.language)
            .select_from(
                interactions.outerjoin(
                    customers, customers.c.customer_id == interactions.c.customer_id
                )
            )
            .where(interactions.c.interaction_id.in_(chunk))
        ):
            meta[r.interaction_id] = (r.source, r.language)
    out: dict[str, Opening] = {}
    for iid in interaction_ids:
        text = opening_text(texts.get(iid, []), config.opening_turns, config.opening_chars)
        if text:
            source, cust_lang = meta.get(iid, (None, None))
            out[iid] = Opening(
                iid,
                text,
                langs.get(iid) or cust_lang,
                source,
                tuple(opening_turns(texts.get(iid, []), config.opening_turns)),
            )
    return out


def encoder_for(emotion_model: str | None = None) -> str:
    """The encoder a new topic model uses: that of the emotion backend ``analyze`` runs
    (``emotion_model``, default the configured one) when it has one — its vectors are
    then already in the cache — else USE-multilingual."""
    from empathos.understand.protocols import get_emotion_model

    if emotion_model is None:
        from empathos.config import get_settings

        emotion_model = get_settings().emotion_model
    try:
        name = getattr(get_emotion_model(emotion_model), "encoder", None)
    except Exception:  # noqa: BLE001 - an unbuildable backend: the default encoder
        name = None
    from empathos.understand.backends._encoder import ENCODERS

    return name if isinstance(name, str) and name in ENCODERS else emb.ENCODER_NAME


def contact_vectors(ops: Sequence[Opening], config: TopicConfig, encoder: str) -> np.ndarray:
    """One vector per opening, as ``config.vectors`` says (see the module docstring)."""
    if config.vectors == "opening":
        return emb.embed([o.text for o in ops], encoder=encoder)
    if config.vectors == "first-turn":
        return emb.embed([o.turns[0] for o in ops], encoder=encoder)
    if config.vectors != "turn-mean":
        raise ValueError(f"unknown topic vectors {config.vectors!r}")
    flat = [t for o in ops for t in o.turns]
    return mean_vectors(emb.embed(flat, encoder=encoder), [len(o.turns) for o in ops])


def current_topic_model(bind: Engine | Connection) -> str | None:
    """The newest fitted topic model's version (ties: the version name), or ``None``."""
    q = (
        select(topic_models.c.model_version)
        .order_by(topic_models.c.fitted_at.desc(), topic_models.c.model_version)
        .limit(1)
    )
    if isinstance(bind, Engine):
        with bind.connect() as conn:
            return conn.execute(q).scalar()
    return bind.execute(q).scalar()


def load_topic_model(conn: Connection, version: str) -> TopicModel:
    """A stored topic model, ready to assign."""
    m = conn.execute(select(topic_models).where(topic_models.c.model_version == version)).first()
    if m is None:
        raise LookupError(f"no topic model {version!r}")
    rows = conn.execute(
        select(topics).where(topics.c.model_version == version).order_by(topics.c.topic_id)
    ).all()
    cfg_d = dict(m.details.get("config", {}))
    cfg_d["k_grid"] = tuple(cfg_d.get("k_grid", TopicConfig().k_grid))
    cfg_d.setdefault("vectors", "opening")  # stored before the key existed: fitted so
    cfg = TopicConfig(**cfg_d)
    model = TopicModel(
        centroids=np.array([r.centroid for r in rows], dtype=np.float32),
        topics=[
            Topic(r.topic_id, r.label, list(r.terms), list(r.examples), r.size, dict(r.languages))
            for r in rows
        ],
        config=cfg,
        n_fitted=m.n_fitted,
        silhouette={int(k): v for k, v in m.details.get("silhouette", {}).items()},
        encoder=m.encoder or emb.ENCODER_NAME,
    )
    model.stored_version = version
    return model


def _all_ids(conn: Connection) -> list[str]:
    return list(
        conn.execute(select(interactions.c.interaction_id).order_by(interactions.c.interaction_id))
        .scalars()
        .all()
    )


def fit_from_store(
    engine: Engine, config: TopicConfig | None = None, encoder: str | None = None
) -> TopicModel:
    """Fit topics on a seeded sample of the store's contacts with customer words, store
    the model and its topics, and return it (its version names it in the store).
    ``encoder``: default :func:`encoder_for` the configured emotion backend."""
    cfg = config or TopicConfig()
    encoder = encoder or encoder_for()
    with engine.connect() as conn:
        ids = _all_ids(conn)
        rng = np.random.default_rng(cfg.seed)
        # oversample: some contacts have no customer words
        want = min(len(ids), int(cfg.sample * 1.25) + 10)
        picked = ids if want >= len(ids) else sorted(rng.choice(ids, want, replace=False).tolist())
        ops = list(openings(conn, picked, cfg).values())[: cfg.sample]
    if len(ops) < 2:
        raise ValueError(
            f"need at least 2 contacts with customer words to find topics, found {len(ops)}"
        )
    texts = [o.text for o in ops]
    model = fit_topics(texts, contact_vectors(ops, cfg, encoder), [o.language for o in ops], cfg)
    model.encoder = encoder
    version = model.version
    sources = ",".join(sorted({o.source or "unknown" for o in ops}))
    now = utcnow()
    with engine.begin() as conn:
        exists = conn.execute(
            select(func.count())
            .select_from(topic_models)
            .where(topic_models.c.model_version == version)
        ).scalar_one()
        if not exists:
            conn.execute(
                insert(topic_models),
                {
                    "model_version": version,
                    "fitted_at": now,
                    "encoder": encoder,
                    "n_fitted": model.n_fitted,
                    "k": model.k,
                    "source": sources[:64],
                    "details": {
                        "config": cfg.as_dict(),
                        "silhouette": {str(k): v for k, v in model.silhouette.items()},
                    },
                },
            )
            conn.execute(
                insert(topics),
                [
                    {
                        "model_version": version,
                        "topic_id": t.topic_id,
                        "label": t.label,
                        "terms": t.terms,
                        "examples": t.examples,
                        "size": t.size,
                        "languages": t.languages,
                        "centroid": [round(float(v), 6) for v in model.centroids[t.topic_id]],
                    }
                    for t in model.topics
                ],
            )
        else:  # the same data and seed: the same model; make it current again
            conn.execute(
                topic_models.update()
                .where(topic_models.c.model_version == version)
                .values(fitted_at=now)
            )
    model.stored_version = version
    return model


def _unassigned(version: str, batch_size: int) -> Any:
    def query_for(last: str | None) -> Any:
        q = (
            select(interactions.c.interaction_id)
            .select_from(
                interactions.outerjoin(
                    interaction_topics,
                    and_(
                        interaction_topics.c.interaction_id == interactions.c.interaction_id,
                        interaction_topics.c.model_version == version,
                    ),
                )
            )
            .where(interaction_topics.c.interaction_id.is_(None))
            .order_by(interactions.c.interaction_id)
            .limit(batch_size)
        )
        return q if last is None else q.where(interactions.c.interaction_id > last)

    return query_for


def _pages(engine: Engine, version: str, batch_size: int) -> Iterator[list[str]]:
    query_for = _unassigned(version, batch_size)
    last: str | None = None
    while True:
        with engine.connect() as conn:
            ids = list(conn.execute(query_for(last)).scalars().all())
        if not ids:
            return
        yield ids
        last = ids[-1]


def assign_new(
    engine: Engine, version: str | None = None, batch_size: int = 1000
) -> tuple[int, int]:
    """Assign every contact without a topic under ``version`` (default: the current
    model). Returns ``(assigned, without customer words)``."""
    version = version or current_topic_model(engine)
    if version is None:
        raise LookupError("no topic model yet: run `empathos topics` to fit one")
    with engine.connect() as conn:
        model = load_topic_model(conn, version)
    assigned = skipped = 0
    for ids in _pages(engine, version, batch_size):
        with engine.connect() as conn:
            ops = openings(conn, ids, model.config)
        skipped += len(ids) - len(ops)
        if not ops:
            continue
        keys = sorted(ops)
        vecs = contact_vectors([ops[k] for k in keys], model.config, model.encoder)
        tid, sim = model.assign(vecs)
        now = utcnow()
        with engine.begin() as conn:
            conn.execute(
                insert(interaction_topics),
                [
                    {
                        "interaction_id": k,
                        "model_version": version,
                        "topic_id": int(tid[i]),
                        "similarity": round(float(sim[i]), 6),
                        "assigned_at": now,
                    }
                    for i, k in enumerate(keys)
                ],
            )
        assigned += len(keys)
    return assigned, skipped


def run_topics(
    engine: Engine, refit: bool = False, config: TopicConfig | None = None
) -> TopicsReport:
    """Fit a topic model when there is none (or ``refit``), then assign new contacts."""
    t0 = time.perf_counter()
    report = TopicsReport()
    version = None if refit else current_topic_model(engine)
    if version is None:
        model = fit_from_store(engine, config)
        version = model.stored_version
        report.fitted = True
    else:
        with engine.connect() as conn:
            model = load_topic_model(conn, version)
    report.model_version = version
    report.k, report.n_fitted, report.silhouette = model.k, model.n_fitted, model.silhouette
    report.assigned, report.without_words = assign_new(engine, version)
    report.seconds = time.perf_counter() - t0
    return report
