"""Step 1 of ``analyze``: annotate turns.

Customer turns get the emotion model's probabilities (and valence, intensity, label),
employee turns the empathy model's mechanism levels, read against their *seeker text*
(the customer's words they answer). Streamed in keyset pages, one transaction each."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Connection, insert, select, tuple_

from empathos.store.schema import turn_emotions, turn_empathy, turns
from empathos.understand.pipeline.mapper import BatchMapper, SerialMapper
from empathos.understand.pipeline.run import KINDS, AnalysisRun, StatsKeeper, chunks, pending_turns
from empathos.understand.protocols import CX_EMOTIONS, EMPATHY_MECHANISMS
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


@dataclass(frozen=True, slots=True)
class BatchWork:
    """One batch's model work, picklable: what a mapper ships to a worker.

    ``cust`` rows are ``(interaction_id, seq, text, language)``; ``empl`` rows
    ``(interaction_id, seq, seeker_text, text, language)``. Models travel by registered
    name and version, not as objects: a worker loads them once (see :func:`_model`)."""

    emotion: tuple[str, str]
    empathy: tuple[str, str]
    cust: list[tuple[str, int, str, str | None]]
    empl: list[tuple[str, int, str, str, str | None]]


#: Models by (kind, name, version): the parent registers the instances it runs, so an
#: in-process mapper uses them as they are; a worker process loads them by name once.
_MODELS: dict[tuple[str, str, str], Any] = {}


def _model(kind: str, name: str, version: str) -> Any:
    key = (kind, name, version)
    if key not in _MODELS:
        from empathos.understand.protocols import get_emotion_model, get_empathy_model

        m = get_emotion_model(name) if kind == "emotion" else get_empathy_model(name)
        if m.version != version:
            raise ValueError(
                f"{kind} model {name} is version {m.version} on this worker, the run uses "
                f"{version}: install the same package version on every worker"
            )
        _MODELS[key] = m
    return _MODELS[key]


def annotate_work(work: BatchWork) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The rows of ``turn_emotions`` and ``turn_empathy`` for one batch: pure (no store),
    top-level and picklable, so any :class:`~empathos.understand.pipeline.mapper.BatchMapper`
    can run it."""
    em = _model("emotion", *work.emotion)
    pm = _model("empathy", *work.empathy)
    emo_rows: list[dict[str, Any]] = []
    emp_rows: list[dict[str, Any]] = []
    cust, empl = work.cust, work.empl
    if cust:
        probs = np.asarray(
            em.predict_proba([r[2] for r in cust], [r[3] for r in cust]), dtype=float
        )
        if probs.shape != (len(cust), len(CX_EMOTIONS)):
            raise ValueError(
                f"emotion model {em.name} {em.version} returned {probs.shape}, "
                f"expected {(len(cust), len(CX_EMOTIONS))}"
            )
        val, inten = valence_intensity(probs)
        labels = top_labels(probs)
        emo_rows = [
            {
                "interaction_id": r[0],
                "seq": int(r[1]),
                "model": em.name,
                "version": em.version,
                "probabilities": [round(float(p), 6) for p in probs[i]],
                "label": labels[i],
                "valence": float(val[i]),
                "intensity": float(inten[i]),
            }
            for i, r in enumerate(cust)
        ]
    if empl:
        probs = np.asarray(
            pm.predict_proba([r[2] for r in empl], [r[3] for r in empl], [r[4] for r in empl]),
            dtype=float,
        )
        expected = (len(empl), len(EMPATHY_MECHANISMS), 3)
        if probs.shape != expected:
            raise ValueError(
                f"empathy model {pm.name} {pm.version} returned {probs.shape}, expected {expected}"
            )
        levels = empathy_levels(probs)
        emp_rows = [
            {
                "interaction_id": r[0],
                "seq": int(r[1]),
                "model": pm.name,
                "version": pm.version,
                **{m: int(levels[i, j]) for j, m in enumerate(EMPATHY_MECHANISMS)},
                "probabilities": [[round(float(p), 6) for p in row] for row in probs[i]],
            }
            for i, r in enumerate(empl)
        ]
    return emo_rows, emp_rows


def _batch_work(conn: Connection, batch: Sequence[Any], run: AnalysisRun) -> BatchWork:
    """Read what one batch's model calls need (the employee turns' seeker texts)."""
    em, pm, cfg = run.emotion, run.empathy, run.config
    cust = [r for r in batch if r.speaker == "customer"]
    empl = [r for r in batch if r.speaker == "employee"]
    seekers: dict[tuple[str, int], str] = {}
    if empl:
        ids = sorted({r.interaction_id for r in empl})
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
        for r in empl:
            wanted[r.interaction_id].append(int(r.seq))
        for iid, seqs in wanted.items():
            for seq, text in seeker_texts(context[iid], seqs, cfg.seeker_max_turns).items():
                seekers[(iid, seq)] = text
    return BatchWork(
        (em.name, em.version),
        (pm.name, pm.version),
        [(r.interaction_id, int(r.seq), r.text, r.language) for r in cust],
        [
            (
                r.interaction_id,
                int(r.seq),
                seekers.get((r.interaction_id, int(r.seq)), ""),
                r.text,
                r.language,
            )
            for r in empl
        ],
    )


def _works(run: AnalysisRun) -> Iterator[BatchWork]:
    """Every pending batch, read lazily in keyset pages over ``(interaction_id, seq)``:
    each page is an index range scan from the last key, so the cost per page does not
    grow with the table. The read connection is closed before the batch is handed on."""
    engine, em, pm, batch_size = run.engine, run.emotion, run.empathy, run.batch_size
    for kind in KINDS:
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
                    break
                work = _batch_work(conn, batch, run)
            last = (batch[-1].interaction_id, int(batch[-1].seq))
            yield work


def annotate(run: AnalysisRun, total: int, mapper: BatchMapper | None = None) -> None:
    """Annotate the ``total`` turns not yet annotated by this run's model versions.

    The parent reads batches (:func:`_works`), ``mapper`` runs :func:`annotate_work` on
    them (in order; default in process) and the parent writes each batch's rows in one
    transaction. A crash loses at most the batches in flight; the next run resumes."""
    engine, em, pm, report = run.engine, run.emotion, run.empathy, run.report
    advance = run.progress(
        f"annotate ({em.name} {em.version} / {pm.name} {pm.version})", total, "turns"
    )
    _MODELS[("emotion", em.name, em.version)] = em
    _MODELS[("empathy", pm.name, pm.version)] = pm
    stats = StatsKeeper(engine, turn_emotions, turn_empathy)
    for emo_rows, emp_rows in (mapper or SerialMapper()).map(annotate_work, _works(run)):
        with engine.begin() as conn:
            if emo_rows:
                conn.execute(insert(turn_emotions), emo_rows)
            if emp_rows:
                conn.execute(insert(turn_empathy), emp_rows)
        n = len(emo_rows) + len(emp_rows)
        report.turns_emotion += len(emo_rows)
        report.turns_empathy += len(emp_rows)
        advance(n)
        stats.wrote(n)
    if stats.written:
        stats.refresh()
