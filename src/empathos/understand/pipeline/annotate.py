"""Step 1 of ``analyze``: annotate turns.

Customer turns get the emotion model's probabilities (and valence, intensity, label),
employee turns the empathy model's mechanism levels, read against their *seeker text*
(the customer's words they answer).

Split so any :class:`~empathos.understand.pipeline.mapper.BatchMapper` can run the model
calls: the parent streams keyset pages of unannotated turns from the store and joins each
employee turn's seeker text (:func:`jobs`, store access only); :func:`annotate_job` is a
pure function of one :class:`AnnotateJob` (rows plus the backends' names) returning the
annotation rows, with no store access, so it runs in this process, in worker processes or
on a cluster; the parent writes each batch's rows in one bulk insert and one transaction
(:func:`annotate`). Killed midway, a rerun finds exactly the turns whose batch was not
written (they are still unannotated) and finishes them: no duplicates, nothing lost."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Connection, Engine, insert, select, tuple_

from empathos.store.schema import turn_emotions, turn_empathy, turns
from empathos.understand.pipeline.mapper import BatchMapper, SerialMapper
from empathos.understand.pipeline.run import KINDS, AnalysisRun, StatsKeeper, chunks, pending_turns
from empathos.understand.protocols import (
    CX_EMOTIONS,
    EMPATHY_MECHANISMS,
    EmotionModel,
    EmpathyModel,
    get_emotion_model,
    get_empathy_model,
)
from empathos.understand.scores import empathy_levels, top_labels, valence_intensity


def seeker_texts(
    turn_rows: Sequence[tuple[int, str, str]], employee_seqs: Sequence[int], max_turns: int = 3
) -> dict[int, str]:
    """The seeker text of each employee turn: the customer turns since the previous employee
    turn (at most ``max_turns``, bot turns skipped); if there are none (the employee speaks
    twice), the last customer turn before it; "" if the customer has not spoken yet.

    ``turn_rows`` are ``(seq, speaker, text)`` of one interaction in seq order.
    """
    out: dict[int, str] = {}
    wanted = set(employee_seqs)
    since_employee: list[str] = []
    last_customer: str = ""
    for seq, speaker, text in turn_rows:
        if speaker == "employee":
            if seq in wanted:
                chosen = since_employee[-max_turns:] if since_employee else [last_customer]
                out[seq] = "\n".join(t for t in chosen if t)
            since_employee = []
        elif speaker == "customer":
            since_employee.append(text)
            last_customer = text
    return out


# ---------------------------------------------------------------------------- the pure step


@dataclass(frozen=True)
class AnnotateJob:
    """One batch of turns of one kind, with what the model call needs and nothing else.

    ``model`` is the backend's registered name when it is installed (a worker builds it
    once and keeps it), else the model instance itself (pickled with the job: a model
    built in code, e.g. in a test). ``version`` is checked against what the worker
    builds, so a worker with another model version installed fails loudly instead of
    storing rows under the wrong version. ``rows`` are ``(interaction_id, seq, text,
    language)`` for customer turns and ``(interaction_id, seq, text, language,
    seeker_text)`` for employee turns."""

    kind: str  # "customer" (emotion) or "employee" (empathy)
    model: Any  # str | EmotionModel | EmpathyModel
    version: str
    rows: tuple[tuple[Any, ...], ...]
    keep_vectors: int = 0
    """Customer jobs: leave the sentence vectors of each contact's first ``keep_vectors``
    non-empty turns in the embedding cache for the topics step (0: none)."""


#: Models built in this process, by (kind, name, version): what makes a worker process
#: load its models once for every batch it is given. The parent primes it with the run's
#: own instances, so a serial run uses exactly the models it was handed.
_MODELS: dict[tuple[str, str, str], Any] = {}


def _model(job: AnnotateJob) -> Any:
    if not isinstance(job.model, str):
        return job.model
    key = (job.kind, job.model, job.version)
    m = _MODELS.get(key)
    if m is None:
        build = get_emotion_model if job.kind == "customer" else get_empathy_model
        m = build(job.model)
        if str(m.version) != job.version:
            raise RuntimeError(
                f"{job.model} is version {m.version} in this worker, the run wants "
                f"{job.version}: install the same model artefacts on every worker"
            )
        _MODELS[key] = m
    return m


def _spec(kind: str, model: EmotionModel | EmpathyModel) -> Any:
    """What a job carries for ``model``: its name when the registry builds the same
    version (primed in this process's cache), else the instance."""
    from empathos import plugins

    group = "emotion_models" if kind == "customer" else "empathy_models"
    if model.name in plugins.names(group):
        _MODELS[(kind, model.name, str(model.version))] = model
        return model.name
    return model


def _emotion_proba(m: Any, rows: Sequence[tuple[Any, ...]], keep: int) -> np.ndarray:
    """The emotion model's probabilities of ``rows``; when ``keep`` and the model encodes
    with a sentence encoder it names (the ``default``/``fast`` family), the vectors are
    computed once here, handed to the model (the same numbers it would compute itself)
    and the contacts' opening turns' vectors left in the embedding cache."""
    from empathos.understand.backends.default import DefaultEmotionModel

    texts, langs = [r[2] for r in rows], [r[3] for r in rows]
    if not keep or not isinstance(m, DefaultEmotionModel):
        return m.predict_proba(texts, langs)
    from empathos.understand import embeddings as emb
    from empathos.understand.backends import _encoder

    vecs = _encoder.get_encoder(m.encoder).encode(texts)
    probs = m.predict_proba(texts, langs, embeddings=vecs)
    seen: dict[Any, int] = defaultdict(int)
    picked = []
    for i, r in enumerate(rows):  # rows are in (interaction, seq) order
        if r[2] and r[2].strip() and seen[r[0]] < keep:
            seen[r[0]] += 1
            picked.append(i)
    emb.remember([texts[i] for i in picked], vecs[picked], m.encoder)
    return probs


def annotate_job(job: AnnotateJob) -> list[dict[str, Any]]:
    """The annotation rows of one job: a pure function (no store access), picklable, so
    every :class:`~empathos.understand.pipeline.mapper.BatchMapper` can run it."""
    m = _model(job)
    rows = job.rows
    if not rows:
        return []
    if job.kind == "customer":
        probs = np.asarray(_emotion_proba(m, rows, job.keep_vectors), dtype=float)
        if probs.shape != (len(rows), len(CX_EMOTIONS)):
            raise ValueError(
                f"emotion model {m.name} {m.version} returned {probs.shape}, "
                f"expected {(len(rows), len(CX_EMOTIONS))}"
            )
        val, inten = valence_intensity(probs)
        labels = top_labels(probs)
        return [
            {
                "interaction_id": r[0],
                "seq": int(r[1]),
                "model": m.name,
                "version": job.version,
                "probabilities": [round(float(p), 6) for p in probs[i]],
                "label": labels[i],
                "valence": float(val[i]),
                "intensity": float(inten[i]),
            }
            for i, r in enumerate(rows)
        ]
    probs = np.asarray(
        m.predict_proba([r[4] for r in rows], [r[2] for r in rows], [r[3] for r in rows]),
        dtype=float,
    )
    expected = (len(rows), len(EMPATHY_MECHANISMS), 3)
    if probs.shape != expected:
        raise ValueError(
            f"empathy model {m.name} {m.version} returned {probs.shape}, expected {expected}"
        )
    levels = empathy_levels(probs)
    return [
        {
            "interaction_id": r[0],
            "seq": int(r[1]),
            "model": m.name,
            "version": job.version,
            **{mech: int(levels[i, j]) for j, mech in enumerate(EMPATHY_MECHANISMS)},
            "probabilities": [[round(float(p), 6) for p in row] for row in probs[i]],
        }
        for i, r in enumerate(rows)
    ]


# ---------------------------------------------------------------------------- store side


def _seekers(conn: Connection, batch: Sequence[Any], max_turns: int) -> dict[tuple[str, int], str]:
    """The seeker text of each employee turn of ``batch``, read from the store."""
    ids = sorted({r.interaction_id for r in batch})
    context: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for ids_chunk in chunks(ids, 500):
        rows = conn.execute(
            # no speaker filter in SQL: it would steer the planner to the speaker
            # index instead of the primary key; bot turns are skipped below
            select(turns.c.interaction_id, turns.c.seq, turns.c.speaker, turns.c.text)
            .where(turns.c.interaction_id.in_(ids_chunk))
            .order_by(turns.c.interaction_id, turns.c.seq)
        )
        for row in rows:
            if row.speaker not in ("customer", "employee"):
                continue
            context[row.interaction_id].append((int(row.seq), row.speaker, row.text))
    wanted: dict[str, list[int]] = defaultdict(list)
    for r in batch:
        wanted[r.interaction_id].append(int(r.seq))
    out: dict[tuple[str, int], str] = {}
    for iid, seqs in wanted.items():
        for seq, text in seeker_texts(context[iid], seqs, max_turns).items():
            out[(iid, seq)] = text
    return out


def jobs(
    engine: Engine,
    kind: str,
    em: EmotionModel,
    pm: EmpathyModel,
    batch_size: int,
    seeker_max_turns: int = 3,
    keep_vectors: int = 0,
) -> Iterator[AnnotateJob]:
    """Keyset pages of the unannotated turns of ``kind`` as jobs, read lazily (one short
    read transaction per page): an index range scan from the last key, so the cost per
    page does not grow with the table, and only the pages in flight are in memory."""
    base = (
        pending_turns(
            kind,
            em,
            pm,
            engine.dialect.name,
            turns.c.interaction_id,
            turns.c.seq,
            turns.c.speaker,
            turns.c.text,
            turns.c.language,
        )
        .order_by(turns.c.interaction_id, turns.c.seq)
        .limit(batch_size)
    )
    model = em if kind == "customer" else pm
    spec, version = _spec(kind, model), str(model.version)
    last: tuple[str, int] | None = None
    while True:
        q = (
            base
            if last is None
            else base.where(tuple_(turns.c.interaction_id, turns.c.seq) > tuple_(*last))
        )
        with engine.connect() as conn:
            batch = conn.execute(q).all()
            if not batch:
                return
            if kind == "customer":
                rows = tuple((r.interaction_id, int(r.seq), r.text, r.language) for r in batch)
            else:
                seekers = _seekers(conn, batch, seeker_max_turns)
                rows = tuple(
                    (
                        r.interaction_id,
                        int(r.seq),
                        r.text,
                        r.language,
                        seekers.get((r.interaction_id, int(r.seq)), ""),
                    )
                    for r in batch
                )
        last = (batch[-1].interaction_id, int(batch[-1].seq))
        yield AnnotateJob(kind, spec, version, rows, keep_vectors if kind == "customer" else 0)


def _keep(run: AnalysisRun) -> int:
    """How many opening turns' vectors a customer job leaves for the topics step."""
    if not run.config.topic_vectors:
        return 0
    from empathos.understand.topics import TopicConfig

    cfg = TopicConfig()
    return 1 if cfg.vectors == "first-turn" else cfg.opening_turns


def annotate(run: AnalysisRun, total: int, mapper: BatchMapper | None = None) -> None:
    """Annotate the ``total`` turns not yet annotated by this run's model versions.

    ``mapper`` runs :func:`annotate_job` over the pages (default: in this process); this
    process writes each page's rows in one bulk insert, one transaction per page."""
    engine, em, pm = run.engine, run.emotion, run.empathy
    batch_size, report = run.batch_size, run.report
    mapper = mapper or SerialMapper()
    advance = run.progress(
        f"annotate ({em.name} {em.version} / {pm.name} {pm.version}, "
        f"{mapper.workers} worker{'s' if mapper.workers != 1 else ''})",
        total,
        "turns",
    )
    stats = StatsKeeper(engine, turn_emotions, turn_empathy)
    for kind in KINDS:
        table = turn_emotions if kind == "customer" else turn_empathy
        source = jobs(engine, kind, em, pm, batch_size, run.config.seeker_max_turns, _keep(run))
        for rows in mapper.map(annotate_job, source):
            if not rows:
                continue
            with engine.begin() as conn:
                conn.execute(insert(table), rows)
            if kind == "customer":
                report.turns_emotion += len(rows)
            else:
                report.turns_empathy += len(rows)
            advance(len(rows))
            stats.wrote(len(rows))
    if stats.written:
        stats.refresh()
