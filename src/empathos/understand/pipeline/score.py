"""Step 2 of ``analyze``: score interactions.

Each interaction without a score row for the run's (emotion model, empathy model) pair
gets its peak–end scores (experienced, remembered, outcome), the market-convention scores
(sentiment, agent empathy), its effort signals (:func:`score_interaction`, pure) and its
predicted CSAT (``pipeline.csat``: same batch, same transaction, so only contacts scored
now are predicted) and, with ``auto_qa``, its QA card (``pipeline.qa``: from the same
rows read for the scores, same transaction)."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, NamedTuple

import numpy as np
from sqlalchemy import Connection, and_, func, insert, select

from empathos.store.schema import (
    interaction_scores,
    interactions,
    turn_emotions,
    turn_empathy,
    turns,
)
from empathos.understand import effort as eff
from empathos.understand import peak_end as pe
from empathos.understand.pipeline import csat as csat_step
from empathos.understand.pipeline.qa import (
    QAPlan,
    QAResult,
    contact_from,
    plan_for,
    score_cards,
    write_cards,
)
from empathos.understand.pipeline.mapper import BatchMapper, SerialMapper
from empathos.understand.pipeline.run import (
    AnalysisRun,
    AnalyzeConfig,
    StatsKeeper,
    chunks,
    pair,
    read_pages,
    utcnow,
)
from empathos.understand.protocols import EmotionModel, EmpathyModel


def score_interaction(
    turn_rows: Sequence[Any],
    emotions: dict[int, tuple[float, float]],
    empathy: dict[int, tuple[int, int, int]],
    channel: str | None,
    flags: eff.ContactFlags,
    recorded_transfers: int | None,
    cfg: AnalyzeConfig,
) -> dict[str, Any]:
    """All derived numbers of one interaction, as a row of ``interaction_scores`` (without
    keys). ``turn_rows`` have ``seq, speaker, text, ts, author_id`` in seq order;
    ``emotions`` maps a customer seq to (valence, intensity), ``empathy`` an employee seq
    to its three levels. Pure: the pipeline feeds it from the store, tests by hand."""
    cust = [t for t in turn_rows if t.speaker == "customer" and int(t.seq) in emotions]
    row: dict[str, Any] = {
        "n_customer_turns": len(cust),
        "n_employee_turns": sum(1 for t in turn_rows if t.speaker == "employee"),
        "experienced": None,
        "remembered": None,
        "peak_seq": None,
        "peak_valence": None,
        "start_valence": None,
        "end_valence": None,
        "outcome": None,
        "sentiment_score": None,
    }
    if cust:
        seqs = [int(t.seq) for t in cust]
        val = np.array([emotions[s][0] for s in seqs])
        inten = np.array([emotions[s][1] for s in seqs])
        res = pe.analyze_interaction(
            seqs, val, inten, cfg.weights, cfg.end_window, cfg.outcome_threshold
        )
        row.update(
            experienced=res.experienced,
            remembered=res.remembered,
            peak_seq=res.peak_seq,
            peak_valence=res.peak_valence,
            start_valence=res.start_valence,
            end_valence=res.end_valence,
            outcome=str(res.outcome),
            sentiment_score=pe.customer_sentiment_score(val, cfg.sentiment_event_threshold),
        )
    # agent empathy: E = employee turns with any mechanism at level >= 1; U = employee
    # turns with none, answering a customer turn whose valence is <= unhelpful_valence.
    n_emp = n_unh = 0
    last_valence: float | None = None
    for t in turn_rows:
        s = int(t.seq)
        if t.speaker == "customer" and s in emotions:
            last_valence = emotions[s][0]
        elif t.speaker == "employee" and s in empathy:
            if max(empathy[s]) >= 1:
                n_emp += 1
            elif last_valence is not None and last_valence <= cfg.unhelpful_valence:
                n_unh += 1
    row.update(
        n_empathetic=n_emp,
        n_unhelpful=n_unh,
        empathy_score=pe.agent_empathy_score(n_emp, n_unh),
    )
    signals = eff.interaction_effort(
        [eff.TurnView(t.speaker, t.text, t.ts, t.author_id) for t in turn_rows],
        channel,
        flags,
        recorded_transfers,
        cfg.effort,
    )
    row.update(
        repeats=signals.repeats,
        recontact=int(signals.recontact),
        transfers=signals.transfers,
        long_waits=signals.long_waits,
        max_wait_s=signals.max_wait_s,
        channel_switch=int(signals.channel_switch),
        effort_phrases=signals.effort_phrases,
        effort_score=signals.score(cfg.effort.weights),
    )
    return row


def _recorded_transfers(attributes: Any) -> int | None:
    if isinstance(attributes, dict):
        v = attributes.get("transfers")
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return int(v)
    return None


class _Turn(NamedTuple):
    """A turn as the score step reads it (a plain tuple: cheap to pickle to a worker)."""

    interaction_id: str
    seq: int
    speaker: str
    text: str
    ts: Any
    author_id: str | None
    language: str | None  # for the QA card scored beside the row (``pipeline.qa``)


class _Contact(NamedTuple):
    """An interaction row of a score page (the columns the score step reads)."""

    interaction_id: str
    customer_id: str | None
    channel: str | None
    started_at: Any
    attributes: Any
    source: str | None


@dataclass(frozen=True)
class ScoreJob:
    """One page of interactions to score, with everything the pure step needs: their
    turns, the run's annotations of them and the contacts their re-contact flags depend
    on (read by the parent, :func:`_score_inputs`). Picklable, so any
    :class:`~empathos.understand.pipeline.mapper.BatchMapper` can run :func:`score_job`."""

    batch: tuple[_Contact, ...]
    by_turns: dict[str, list[_Turn]]
    emo: dict[str, dict[int, tuple[float, float]]]
    labels: dict[str, dict[int, str]]
    emp: dict[str, dict[int, tuple[int, int, int]]]
    history: tuple[eff.Contact, ...]
    config: AnalyzeConfig
    models: tuple[str, str, str, str]  # emotion name, version, empathy name, version
    csat_model: Any
    csat_version: str
    now: Any
    qa: QAPlan | None = None  # None: no QA cards here (auto_qa off)


@dataclass
class ScoreResult:
    rows: list[dict[str, Any]]
    csat_rows: list[dict[str, Any]]
    csat_seconds: float
    qa: QAResult | None = None
    qa_seconds: float = 0.0


def _score_inputs(
    conn: Connection, batch: Sequence[Any], run: AnalysisRun, plan: QAPlan | None = None
) -> ScoreJob:
    """Read what :func:`score_job` needs for one page (store access only)."""
    em, pm, cfg = run.emotion, run.empathy, run.config
    ids = [r.interaction_id for r in batch]
    by_turns: dict[str, list[_Turn]] = defaultdict(list)
    emo: dict[str, dict[int, tuple[float, float]]] = defaultdict(dict)
    labels: dict[str, dict[int, str]] = defaultdict(dict)
    emp: dict[str, dict[int, tuple[int, int, int]]] = defaultdict(dict)
    for chunk in chunks(ids, 500):
        for t in conn.execute(
            select(
                turns.c.interaction_id,
                turns.c.seq,
                turns.c.speaker,
                turns.c.text,
                turns.c.ts,
                turns.c.author_id,
                turns.c.language,
            )
            .where(turns.c.interaction_id.in_(chunk))
            .order_by(turns.c.interaction_id, turns.c.seq)
        ):
            by_turns[t.interaction_id].append(_Turn(*t))
        for e in conn.execute(
            select(
                turn_emotions.c.interaction_id,
                turn_emotions.c.seq,
                turn_emotions.c.valence,
                turn_emotions.c.intensity,
                turn_emotions.c.label,
            ).where(
                turn_emotions.c.interaction_id.in_(chunk),
                turn_emotions.c.model == em.name,
                turn_emotions.c.version == em.version,
            )
        ):
            emo[e.interaction_id][int(e.seq)] = (float(e.valence), float(e.intensity))
            labels[e.interaction_id][int(e.seq)] = e.label
        for e in conn.execute(
            select(
                turn_empathy.c.interaction_id,
                turn_empathy.c.seq,
                turn_empathy.c.emotional_reaction,
                turn_empathy.c.interpretation,
                turn_empathy.c.exploration,
            ).where(
                turn_empathy.c.interaction_id.in_(chunk),
                turn_empathy.c.model == pm.name,
                turn_empathy.c.version == pm.version,
            )
        ):
            emp[e.interaction_id][int(e.seq)] = (
                int(e.emotional_reaction),
                int(e.interpretation),
                int(e.exploration),
            )
    customers = sorted({r.customer_id for r in batch if r.customer_id is not None})
    history: list[eff.Contact] = []
    # Only earlier contacts inside the look-back window matter, so a customer id with a
    # huge history (a catch-all "anonymous") costs a window, not its whole history.
    starts = [r.started_at for r in batch if r.started_at is not None]
    window = timedelta(days=max(cfg.effort.recontact_days, cfg.effort.channel_switch_days))
    for chunk in chunks(customers, 500):
        q = select(
            interactions.c.interaction_id,
            interactions.c.customer_id,
            interactions.c.channel,
            interactions.c.started_at,
        ).where(
            interactions.c.customer_id.in_(chunk),
            interactions.c.interaction_id.not_in(ids),
        )
        if starts:
            q = q.where(
                interactions.c.started_at >= min(starts) - window,
                interactions.c.started_at <= max(starts),
            )
        history.extend(
            eff.Contact(r.interaction_id, r.customer_id, r.channel, r.started_at)
            for r in conn.execute(q)
        )
    return ScoreJob(
        batch=tuple(_Contact(*r) for r in batch),
        by_turns=dict(by_turns),
        emo=dict(emo),
        labels=dict(labels),
        emp=dict(emp),
        history=tuple(history),
        config=cfg,
        models=(em.name, str(em.version), pm.name, str(pm.version)),
        csat_model=run.csat_model,
        csat_version=csat_step.model_version(run.csat_model, em, pm),
        now=utcnow(),
        qa=plan,
    )


def score_job(job: ScoreJob) -> ScoreResult:
    """The ``interaction_scores`` and ``interaction_csat`` rows of one page: a pure
    function (no store access), so it runs in this process, in worker processes or on a
    cluster, with identical results."""
    cfg, (em_name, em_version, pm_name, pm_version) = job.config, job.models
    batch = job.batch
    contacts = [
        eff.Contact(r.interaction_id, r.customer_id, r.channel, r.started_at) for r in batch
    ]
    contacts.extend(job.history)
    flags = eff.contact_history(contacts, cfg.effort.recontact_days, cfg.effort.channel_switch_days)
    now = job.now
    details = cfg.details()
    rows = []
    csat_rows = []
    csat_seconds = 0.0
    for r in batch:
        row = score_interaction(
            job.by_turns.get(r.interaction_id, []),
            job.emo.get(r.interaction_id, {}),
            job.emp.get(r.interaction_id, {}),
            r.channel,
            flags[r.interaction_id],
            _recorded_transfers(r.attributes),
            cfg,
        )
        row.update(
            interaction_id=r.interaction_id,
            model=em_name,
            version=em_version,
            empathy_model=pm_name,
            empathy_version=pm_version,
            customer_id=r.customer_id,
            details=details,
            computed_at=now,
        )
        rows.append(row)
        if not cfg.predict_csat:
            continue
        t_csat = time.perf_counter()
        iid = r.interaction_id
        e = job.emo.get(iid, {})
        lab = job.labels.get(iid, {})
        view = csat_step.view_from(
            job.by_turns.get(iid, []),
            {s: (v, i, lab.get(s)) for s, (v, i) in e.items()},
            job.emp.get(iid, {}),
            row,
        )
        predicted, reason = csat_step.predict_row(job.csat_model, view)
        csat_rows.append(
            {
                "interaction_id": iid,
                "model_version": job.csat_version,
                "predicted_csat": predicted,
                "calibrated_csat": None,
                "source": r.source or "imported",
                "reason": reason,
                "scored_at": now,
            }
        )
        csat_seconds += time.perf_counter() - t_csat
    qa_res, qa_seconds = _qa_cards(job) if job.qa is not None else (None, 0.0)
    return ScoreResult(rows, csat_rows, csat_seconds, qa_res, qa_seconds)


def _qa_cards(job: ScoreJob) -> tuple[QAResult, float]:
    """The QA cards of the page's contacts, from the turns and annotations already read
    for their scores: the QA step would read the same again, one page later (issue 16
    item 6). Stamped with the score rows' ``computed_at``, so the QA step sees them as
    current and skips them."""
    t0 = time.perf_counter()
    assert job.qa is not None
    contacts = []
    for r in job.batch:
        iid = r.interaction_id
        e, lab, emp = job.emo.get(iid, {}), job.labels.get(iid, {}), job.emp.get(iid, {})
        contacts.append(
            contact_from(
                iid,
                job.by_turns.get(iid, []),
                lambda seq, e=e, lab=lab: (str(lab[seq]), e[seq][0]) if seq in e else None,
                emp.get,
                r.channel,
                r.attributes,
            )
        )
    res = score_cards(job.qa, contacts, job.now)
    return res, time.perf_counter() - t0


def _write(
    conn: Connection,
    result: ScoreResult,
    run: AnalysisRun,
    job_plan: QAPlan | None = None,
) -> int:
    """One page's rows in one transaction (the caller's): scores, predicted CSAT, then
    the QA cards (``job_plan``: the run's QA plan, None when QA is off)."""
    if result.rows:
        conn.execute(insert(interaction_scores), result.rows)
    t_csat = time.perf_counter()
    csat_step.store_rows(conn, result.csat_rows)
    run.report.csat_seconds += time.perf_counter() - t_csat + result.csat_seconds
    if result.qa is not None and job_plan is not None:
        t_qa = time.perf_counter()
        write_cards(conn, job_plan, result.qa)
        run.report.interactions_qa += len(result.qa.heads)
        run.report.qa_seconds += time.perf_counter() - t_qa + result.qa_seconds
    return len(result.rows)


def _unscored(em: EmotionModel, pm: EmpathyModel):
    """Interactions outer-joined to their score row for this model pair (None: unscored)."""
    return interactions.outerjoin(
        interaction_scores,
        and_(interaction_scores.c.interaction_id == interactions.c.interaction_id, pair(em, pm)),
    )


def score(run: AnalysisRun, mapper: BatchMapper | None = None) -> None:
    """Score every interaction without a score row for this run's model pair.

    The parent reads each page and writes its rows (one transaction per page); the pure
    :func:`score_job` runs on ``mapper`` (default: in this process)."""
    engine, em, pm = run.engine, run.emotion, run.empathy
    batch_size, report = run.batch_size, run.report
    joined = _unscored(em, pm)
    with engine.connect() as conn:
        total = int(
            conn.execute(
                select(func.count())
                .select_from(joined)
                .where(interaction_scores.c.interaction_id.is_(None))
            ).scalar_one()
        )
    advance = run.progress("score interactions", total, "interactions")

    def query_for(last: str | None):
        q = (
            select(
                interactions.c.interaction_id,
                interactions.c.customer_id,
                interactions.c.channel,
                interactions.c.started_at,
                interactions.c.attributes,
                interactions.c.source,
            )
            .select_from(joined)
            .where(interaction_scores.c.interaction_id.is_(None))
            .order_by(interactions.c.interaction_id)
        )
        return q if last is None else q.where(interactions.c.interaction_id > last)

    stats = StatsKeeper(engine, interaction_scores)
    plan = plan_for(run) if run.config.auto_qa else None
    run.qa_plan = plan
    pages = read_pages(
        engine,
        query_for,
        "interaction_id",
        batch_size,
        lambda conn, batch: _score_inputs(conn, batch, run, plan),
    )
    for result in (mapper or SerialMapper()).map(score_job, pages):
        with engine.begin() as conn:
            n = _write(conn, result, run, plan)
        report.interactions_scored += n
        advance(len(result.rows))
        stats.wrote(n)
    if stats.written:
        stats.refresh()
