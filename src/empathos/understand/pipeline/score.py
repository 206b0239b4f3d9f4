"""Step 2 of ``analyze``: score interactions.

Each interaction without a score row for the run's (emotion model, empathy model) pair
gets its peak–end scores (experienced, remembered, outcome), the market-convention scores
(sentiment, agent empathy), its effort signals (:func:`score_interaction`, pure) and its
predicted CSAT (``pipeline.csat``: same batch, same transaction, so only contacts scored
now are predicted)."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

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
from empathos.understand.pipeline.run import (
    AnalysisRun,
    AnalyzeConfig,
    StatsKeeper,
    chunks,
    keyset,
    utcnow,
    pair,
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


def _score_batch(conn: Connection, batch: Sequence[Any], run: AnalysisRun) -> int:
    em, pm, cfg = run.emotion, run.empathy, run.config
    ids = [r.interaction_id for r in batch]
    by_turns: dict[str, list[Any]] = defaultdict(list)
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
            )
            .where(turns.c.interaction_id.in_(chunk))
            .order_by(turns.c.interaction_id, turns.c.seq)
        ):
            by_turns[t.interaction_id].append(t)
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
    contacts = [
        eff.Contact(r.interaction_id, r.customer_id, r.channel, r.started_at) for r in batch
    ]
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
        contacts.extend(
            eff.Contact(r.interaction_id, r.customer_id, r.channel, r.started_at)
            for r in conn.execute(q)
        )
    flags = eff.contact_history(contacts, cfg.effort.recontact_days, cfg.effort.channel_switch_days)
    now = utcnow()
    details = cfg.details()
    rows = []
    csat_rows = []
    csat_version = csat_step.model_version(run.csat_model, em, pm)
    for r in batch:
        row = score_interaction(
            by_turns.get(r.interaction_id, []),
            emo.get(r.interaction_id, {}),
            emp.get(r.interaction_id, {}),
            r.channel,
            flags[r.interaction_id],
            _recorded_transfers(r.attributes),
            cfg,
        )
        row.update(
            interaction_id=r.interaction_id,
            model=em.name,
            version=em.version,
            empathy_model=pm.name,
            empathy_version=pm.version,
            customer_id=r.customer_id,
            details=details,
            computed_at=now,
        )
        rows.append(row)
        if not cfg.predict_csat:
            continue
        t_csat = time.perf_counter()
        iid = r.interaction_id
        e = emo.get(iid, {})
        lab = labels.get(iid, {})
        view = csat_step.view_from(
            by_turns.get(iid, []),
            {s: (v, i, lab.get(s)) for s, (v, i) in e.items()},
            emp.get(iid, {}),
            row,
        )
        predicted, reason = csat_step.predict_row(run.csat_model, view)
        csat_rows.append(
            {
                "interaction_id": iid,
                "model_version": csat_version,
                "predicted_csat": predicted,
                "calibrated_csat": None,
                "source": r.source or "imported",
                "reason": reason,
                "scored_at": now,
            }
        )
        run.report.csat_seconds += time.perf_counter() - t_csat
    if rows:
        conn.execute(insert(interaction_scores), rows)
    t_csat = time.perf_counter()
    csat_step.store_rows(conn, csat_rows)
    run.report.csat_seconds += time.perf_counter() - t_csat
    return len(rows)


def _unscored(em: EmotionModel, pm: EmpathyModel):
    """Interactions outer-joined to their score row for this model pair (None: unscored)."""
    return interactions.outerjoin(
        interaction_scores,
        and_(interaction_scores.c.interaction_id == interactions.c.interaction_id, pair(em, pm)),
    )


def score(run: AnalysisRun) -> None:
    """Score every interaction without a score row for this run's model pair."""
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
    for conn, batch in keyset(engine, query_for, "interaction_id", batch_size):
        report.interactions_scored += _score_batch(conn, batch, run)
        advance(len(batch))
        stats.wrote(len(batch))
    if stats.written:
        stats.refresh()
