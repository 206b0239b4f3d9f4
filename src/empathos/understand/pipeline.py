"""``analyze``: annotate every turn not yet annotated by a model version, then score.

The only place in ``understand`` that touches the store (I/O at the edge; everything it
computes comes from the pure modules ``scores``, ``peak_end``, ``effort``, ``journey``).

Steps, each restartable (a crash loses at most one batch, the next run resumes):

1. ``rerun``: delete this version's rows, so everything below recomputes.
2. *Invalidate* the derived rows that new annotations will change: the interaction scores
   of every interaction with an unannotated turn and of every other interaction of the
   same customers (a late-arriving earlier contact changes later re-contact flags), and
   those customers' journeys. Derived rows are recomputed below, so deleting them first
   is what makes the run incremental *and* crash-safe.
3. *Annotate* customer turns with the emotion model and employee turns with the empathy
   model (the seeker text is the customer's turns since the previous employee turn),
   streamed in keyset-paginated batches of ``batch_size`` turns — never all turns in
   memory — one transaction per batch.
4. *Score* every interaction without an ``interaction_scores`` row for this (emotion
   model, empathy model) pair: peak–end, market-convention scores, effort.
5. *Journeys* for every customer with scores but no journey row for this emotion model.

Every row records the model name and version that produced it; other models' rows are
never touched, so several models coexist and can be compared (ConvoKit style).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import Connection, Engine, and_, delete, func, insert, or_, select, tuple_, union

from empathos.store.schema import (
    customer_journeys,
    interaction_scores,
    interactions,
    outcomes,
    turn_emotions,
    turn_empathy,
    turns,
)
from empathos.understand import effort as eff
from empathos.understand import journey as jny
from empathos.understand import peak_end as pe
from empathos.understand.protocols import (
    CX_EMOTIONS,
    EMPATHY_MECHANISMS,
    EmotionModel,
    EmpathyModel,
    get_emotion_model,
    get_empathy_model,
)
from empathos.understand.scores import empathy_levels, top_labels, valence_intensity

# ---------------------------------------------------------------------------- config & report


@dataclass(frozen=True)
class AnalyzeConfig:
    """The parameters of the derived scores; stored with every row (``details``)."""

    weights: pe.PeakEndWeights = pe.DEFAULT_WEIGHTS
    end_window: int = 1
    outcome_threshold: float = pe.OUTCOME_THRESHOLD
    sentiment_event_threshold: float = pe.SENTIMENT_EVENT_THRESHOLD
    #: An employee turn with every mechanism at level 0, answering a customer turn at or
    #: below this valence, is an *unhelpful* turn for the agent empathy score: a missed
    #: empathic opportunity (the customer was upset and the answer ignored it).
    unhelpful_valence: float = -0.25
    #: Customer turns joined into the seeker text of an employee turn, at most.
    seeker_max_turns: int = 3
    effort: eff.EffortConfig = field(default_factory=eff.EffortConfig)
    half_life_days: float = jny.HALF_LIFE_DAYS
    loss_aversion: float = jny.LOSS_AVERSION

    def details(self) -> dict[str, Any]:
        return {
            "peak_end_weights": self.weights.as_dict(),
            "end_window": self.end_window,
            "outcome_threshold": self.outcome_threshold,
            "sentiment_event_threshold": self.sentiment_event_threshold,
            "unhelpful_valence": self.unhelpful_valence,
            "effort": self.effort.as_dict(),
        }


@dataclass
class AnalyzeReport:
    """What one ``analyze`` run did (counts are of rows written by this run)."""

    emotion_model: str
    emotion_version: str
    empathy_model: str
    empathy_version: str
    rerun: bool = False
    turns_emotion: int = 0
    turns_empathy: int = 0
    interactions_scored: int = 0
    customers_updated: int = 0
    seconds: float = 0.0

    @property
    def turns_per_second(self) -> float:
        n = self.turns_emotion + self.turns_empathy
        return n / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "turns_per_second": self.turns_per_second}


# ---------------------------------------------------------------------------- helpers


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _emotion_join(m: str, v: str):
    return and_(
        turn_emotions.c.interaction_id == turns.c.interaction_id,
        turn_emotions.c.seq == turns.c.seq,
        turn_emotions.c.model == m,
        turn_emotions.c.version == v,
    )


def _empathy_join(m: str, v: str):
    return and_(
        turn_empathy.c.interaction_id == turns.c.interaction_id,
        turn_empathy.c.seq == turns.c.seq,
        turn_empathy.c.model == m,
        turn_empathy.c.version == v,
    )


def _speaker(dialect: str):
    """``turns.speaker`` for a filter. On SQLite ``speaker || ''``: an expression no index
    can serve, so its planner (which has no statistics) walks the primary key in keyset
    order instead of the speaker index plus a sort of the whole table on every page.
    PostgreSQL gets the plain column: it has statistics, and the expression would wreck
    its row estimates (measured: seq scan + sort per page instead of a PK range scan)."""
    return turns.c.speaker.concat("") if dialect == "sqlite" else turns.c.speaker


def _pending(kind: str, em: EmotionModel, pm: EmpathyModel, dialect: str, *cols: Any):
    """Turns of ``kind`` (customer or employee) not yet annotated by their model version.

    One query per kind, each a plain anti-join, because an OR across the two joins
    defeats both planners' anti-join estimates."""
    if kind == "customer":
        ann, on = turn_emotions, _emotion_join(em.name, em.version)
    else:
        ann, on = turn_empathy, _empathy_join(pm.name, pm.version)
    return (
        select(*cols)
        .select_from(turns.outerjoin(ann, on))
        .where(_speaker(dialect) == kind, ann.c.seq.is_(None))
    )


KINDS = ("customer", "employee")


def _pair(em: EmotionModel, pm: EmpathyModel):
    return and_(
        interaction_scores.c.model == em.name,
        interaction_scores.c.version == em.version,
        interaction_scores.c.empathy_model == pm.name,
        interaction_scores.c.empathy_version == pm.version,
    )


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _f(x: Any) -> float | None:
    return None if x is None else float(x)


# ---------------------------------------------------------------------------- steps


def _rerun_delete(conn: Connection, em: EmotionModel, pm: EmpathyModel) -> None:
    conn.execute(
        delete(turn_emotions).where(
            turn_emotions.c.model == em.name, turn_emotions.c.version == em.version
        )
    )
    conn.execute(
        delete(turn_empathy).where(
            turn_empathy.c.model == pm.name, turn_empathy.c.version == pm.version
        )
    )
    conn.execute(delete(interaction_scores).where(_pair(em, pm)))
    conn.execute(
        delete(customer_journeys).where(
            customer_journeys.c.model == em.name, customer_journeys.c.version == em.version
        )
    )


def _invalidate(conn: Connection, em: EmotionModel, pm: EmpathyModel) -> None:
    d = conn.dialect.name
    pending_ids = union(*(_pending(k, em, pm, d, turns.c.interaction_id) for k in KINDS)).subquery()
    pending_ids = select(pending_ids.c.interaction_id)
    touched_customers = (
        select(interactions.c.customer_id)
        .where(interactions.c.interaction_id.in_(pending_ids))
        .where(interactions.c.customer_id.is_not(None))
        .distinct()
    )
    siblings = select(interactions.c.interaction_id).where(
        interactions.c.customer_id.in_(touched_customers)
    )
    conn.execute(
        delete(interaction_scores).where(
            _pair(em, pm),
            or_(
                interaction_scores.c.interaction_id.in_(pending_ids),
                interaction_scores.c.interaction_id.in_(siblings),
            ),
        )
    )
    conn.execute(
        delete(customer_journeys).where(
            customer_journeys.c.model == em.name,
            customer_journeys.c.version == em.version,
            customer_journeys.c.customer_id.in_(touched_customers),
        )
    )


def _count_pending(conn: Connection, em: EmotionModel, pm: EmpathyModel) -> int:
    d = conn.dialect.name
    return sum(
        int(
            conn.execute(
                select(func.count()).select_from(_pending(k, em, pm, d, turns.c.seq).subquery())
            ).scalar_one()
        )
        for k in KINDS
    )


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


def _annotate_batch(
    conn: Connection,
    batch: Sequence[Any],
    em: EmotionModel,
    pm: EmpathyModel,
    cfg: AnalyzeConfig,
) -> tuple[int, int]:
    cust = [r for r in batch if r.speaker == "customer"]
    empl = [r for r in batch if r.speaker == "employee"]
    if cust:
        probs = np.asarray(
            em.predict_proba([r.text for r in cust], [r.language for r in cust]), dtype=float
        )
        if probs.shape != (len(cust), len(CX_EMOTIONS)):
            raise ValueError(
                f"emotion model {em.name} {em.version} returned {probs.shape}, "
                f"expected {(len(cust), len(CX_EMOTIONS))}"
            )
        val, inten = valence_intensity(probs)
        labels = top_labels(probs)
        conn.execute(
            insert(turn_emotions),
            [
                {
                    "interaction_id": r.interaction_id,
                    "seq": int(r.seq),
                    "model": em.name,
                    "version": em.version,
                    "probabilities": [round(float(p), 6) for p in probs[i]],
                    "label": labels[i],
                    "valence": float(val[i]),
                    "intensity": float(inten[i]),
                }
                for i, r in enumerate(cust)
            ],
        )
    if empl:
        ids = sorted({r.interaction_id for r in empl})
        context: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
        for ids_chunk in _chunks(ids, 500):
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
        seekers: dict[tuple[str, int], str] = {}
        for iid, seqs in wanted.items():
            for seq, text in seeker_texts(context[iid], seqs, cfg.seeker_max_turns).items():
                seekers[(iid, seq)] = text
        probs = np.asarray(
            pm.predict_proba(
                [seekers.get((r.interaction_id, int(r.seq)), "") for r in empl],
                [r.text for r in empl],
                [r.language for r in empl],
            ),
            dtype=float,
        )
        expected = (len(empl), len(EMPATHY_MECHANISMS), 3)
        if probs.shape != expected:
            raise ValueError(
                f"empathy model {pm.name} {pm.version} returned {probs.shape}, expected {expected}"
            )
        levels = empathy_levels(probs)
        conn.execute(
            insert(turn_empathy),
            [
                {
                    "interaction_id": r.interaction_id,
                    "seq": int(r.seq),
                    "model": pm.name,
                    "version": pm.version,
                    **{m: int(levels[i, j]) for j, m in enumerate(EMPATHY_MECHANISMS)},
                    "probabilities": [[round(float(p), 6) for p in row] for row in probs[i]],
                }
                for i, r in enumerate(empl)
            ],
        )
    return len(cust), len(empl)


def _annotate(
    engine: Engine,
    em: EmotionModel,
    pm: EmpathyModel,
    cfg: AnalyzeConfig,
    batch_size: int,
    report: AnalyzeReport,
    advance: Any,
) -> None:
    """Keyset pages over the primary key ``(interaction_id, seq)``: each page is an index
    range scan from the last key, so the cost per page does not grow with the table."""
    stats = _StatsKeeper(engine, turn_emotions, turn_empathy)
    for kind in KINDS:
        base = (
            _pending(
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
            with engine.begin() as conn:
                batch = conn.execute(q).all()
                if not batch:
                    break
                n_c, n_e = _annotate_batch(conn, batch, em, pm, cfg)
            report.turns_emotion += n_c
            report.turns_empathy += n_e
            last = (batch[-1].interaction_id, int(batch[-1].seq))
            advance(len(batch))
            stats.wrote(len(batch))
    if stats.written:
        stats.refresh()


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


def _score_batch(
    conn: Connection,
    batch: Sequence[Any],
    em: EmotionModel,
    pm: EmpathyModel,
    cfg: AnalyzeConfig,
) -> int:
    ids = [r.interaction_id for r in batch]
    by_turns: dict[str, list[Any]] = defaultdict(list)
    emo: dict[str, dict[int, tuple[float, float]]] = defaultdict(dict)
    emp: dict[str, dict[int, tuple[int, int, int]]] = defaultdict(dict)
    for chunk in _chunks(ids, 500):
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
            ).where(
                turn_emotions.c.interaction_id.in_(chunk),
                turn_emotions.c.model == em.name,
                turn_emotions.c.version == em.version,
            )
        ):
            emo[e.interaction_id][int(e.seq)] = (float(e.valence), float(e.intensity))
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
    for chunk in _chunks(customers, 500):
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
    now = _now()
    details = cfg.details()
    rows = []
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
    if rows:
        conn.execute(insert(interaction_scores), rows)
    return len(rows)


class _StatsKeeper:
    """Keeps PostgreSQL's planner statistics current while a run fills a table.

    A table that grows from empty inside one run keeps the statistics of an empty table
    until autovacuum notices, and the planner then picks sequential scans for the
    anti-joins that drive each page — quadratic in the table size (measured). So after
    each doubling of the rows written, ``ANALYZE`` the table: O(log n) cheap samples.
    SQLite needs nothing (its planner uses no statistics unless asked to)."""

    def __init__(self, engine: Engine, *tables: Any) -> None:
        self.engine = engine
        self.tables = tables
        self.written = 0
        self.next_at = 1000
        self.active = engine.dialect.name == "postgresql"

    def wrote(self, n: int) -> None:
        self.written += n
        if self.active and self.written >= self.next_at:
            self.refresh()
            self.next_at = 2 * self.written

    def refresh(self) -> None:
        if not self.active:
            return
        from sqlalchemy import text

        with self.engine.begin() as conn:
            for t in self.tables:
                conn.execute(text(f'ANALYZE "{t.name}"'))


def _keyset(
    engine: Engine, query_for: Any, key: str, batch_size: int
) -> Iterator[tuple[Connection, list[Any]]]:
    """Yield ``(connection in a transaction, batch)`` pages of ``query_for(last_key)``."""
    last: Any = None
    while True:
        with engine.begin() as conn:
            batch = conn.execute(query_for(last).limit(batch_size)).all()
            if not batch:
                return
            yield conn, batch
        last = getattr(batch[-1], key)


def _score(
    engine: Engine,
    em: EmotionModel,
    pm: EmpathyModel,
    cfg: AnalyzeConfig,
    batch_size: int,
    report: AnalyzeReport,
    advance: Any,
) -> None:
    joined = interactions.outerjoin(
        interaction_scores,
        and_(interaction_scores.c.interaction_id == interactions.c.interaction_id, _pair(em, pm)),
    )

    def query_for(last: str | None):
        q = (
            select(
                interactions.c.interaction_id,
                interactions.c.customer_id,
                interactions.c.channel,
                interactions.c.started_at,
                interactions.c.attributes,
            )
            .select_from(joined)
            .where(interaction_scores.c.interaction_id.is_(None))
            .order_by(interactions.c.interaction_id)
        )
        return q if last is None else q.where(interactions.c.interaction_id > last)

    stats = _StatsKeeper(engine, interaction_scores)
    for conn, batch in _keyset(engine, query_for, "interaction_id", batch_size):
        report.interactions_scored += _score_batch(conn, batch, em, pm, cfg)
        advance(len(batch))
        stats.wrote(len(batch))
    if stats.written:
        stats.refresh()


def _journeys(
    engine: Engine,
    em: EmotionModel,
    pm: EmpathyModel,
    cfg: AnalyzeConfig,
    batch_size: int,
    report: AnalyzeReport,
) -> None:
    joined = interaction_scores.outerjoin(
        customer_journeys,
        and_(
            customer_journeys.c.customer_id == interaction_scores.c.customer_id,
            customer_journeys.c.model == em.name,
            customer_journeys.c.version == em.version,
        ),
    )

    def query_for(last: str | None):
        q = (
            select(interaction_scores.c.customer_id)
            .select_from(joined)
            .where(
                _pair(em, pm),
                interaction_scores.c.customer_id.is_not(None),
                customer_journeys.c.customer_id.is_(None),
            )
            .group_by(interaction_scores.c.customer_id)
            .order_by(interaction_scores.c.customer_id)
        )
        return q if last is None else q.where(interaction_scores.c.customer_id > last)

    details = {"half_life_days": cfg.half_life_days, "loss_aversion": cfg.loss_aversion}
    stats = _StatsKeeper(engine, customer_journeys)
    for conn, batch in _keyset(engine, query_for, "customer_id", batch_size):
        customers = [r.customer_id for r in batch]
        events: dict[str, list[jny.JourneyEvent]] = defaultdict(list)
        rows = conn.execute(
            select(
                interaction_scores.c.customer_id,
                interaction_scores.c.remembered,
                interactions.c.started_at,
            )
            .select_from(
                interaction_scores.join(
                    interactions,
                    interactions.c.interaction_id == interaction_scores.c.interaction_id,
                )
            )
            .where(
                _pair(em, pm),
                interaction_scores.c.customer_id.in_(customers),
                interaction_scores.c.remembered.is_not(None),
            )
        )
        for r in rows:
            events[r.customer_id].append(jny.JourneyEvent(r.started_at, float(r.remembered)))
        now = _now()
        out = []
        for c in customers:
            mem = jny.emotional_memory(
                events.get(c, []), None, cfg.half_life_days, cfg.loss_aversion
            )
            out.append(
                {
                    "customer_id": c,
                    "model": em.name,
                    "version": em.version,
                    "memory": mem.memory,
                    "balance": mem.balance,
                    "n_interactions": mem.n_interactions,
                    "n_negative": mem.n_negative,
                    "last_at": mem.last_at,
                    "details": {**details, "as_of": mem.as_of.isoformat() if mem.as_of else None},
                    "computed_at": now,
                }
            )
        conn.execute(insert(customer_journeys), out)
        report.customers_updated += len(out)
        stats.wrote(len(out))


# ---------------------------------------------------------------------------- entry point


def _resolve_models(
    emotion_model: EmotionModel | str | None, empathy_model: EmpathyModel | str | None
) -> tuple[EmotionModel, EmpathyModel]:
    if emotion_model is None or empathy_model is None:
        from empathos.config import get_settings

        s = get_settings()
        emotion_model = s.emotion_model if emotion_model is None else emotion_model
        empathy_model = s.empathy_model if empathy_model is None else empathy_model
    em = get_emotion_model(emotion_model) if isinstance(emotion_model, str) else emotion_model
    pm = get_empathy_model(empathy_model) if isinstance(empathy_model, str) else empathy_model
    return em, pm


def analyze(
    engine: Engine,
    emotion_model: EmotionModel | str | None = None,
    empathy_model: EmpathyModel | str | None = None,
    rerun: bool = False,
    batch_size: int = 512,
    progress: bool = True,
    config: AnalyzeConfig | None = None,
) -> AnalyzeReport:
    """Annotate what the given model versions have not annotated yet, then rescore.

    Models are instances or registered names (default: the configured ones). The schema
    must be at head (``empathos.store.init_db``). ``rerun=True`` first deletes this
    version's annotations and scores, so everything is recomputed; other models' rows are
    never touched. See the module docstring for the steps.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be >= 1")
    cfg = config or AnalyzeConfig()
    em, pm = _resolve_models(emotion_model, empathy_model)
    report = AnalyzeReport(em.name, em.version, pm.name, pm.version, rerun=rerun)
    t0 = time.perf_counter()
    with engine.begin() as conn:
        if rerun:
            _rerun_delete(conn, em, pm)
        _invalidate(conn, em, pm)
        n_pending = _count_pending(conn, em, pm)

    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        disable=not progress,
    ) as bar:
        task = bar.add_task(
            f"annotate ({em.name} {em.version} / {pm.name} {pm.version})", total=n_pending
        )
        _annotate(engine, em, pm, cfg, batch_size, report, lambda n: bar.advance(task, n))
        with engine.connect() as conn:
            n_unscored = int(
                conn.execute(
                    select(func.count())
                    .select_from(
                        interactions.outerjoin(
                            interaction_scores,
                            and_(
                                interaction_scores.c.interaction_id
                                == interactions.c.interaction_id,
                                _pair(em, pm),
                            ),
                        )
                    )
                    .where(interaction_scores.c.interaction_id.is_(None))
                ).scalar_one()
            )
        task2 = bar.add_task("score interactions", total=n_unscored)
        _score(engine, em, pm, cfg, batch_size, report, lambda n: bar.advance(task2, n))
        _journeys(engine, em, pm, cfg, batch_size, report)
    report.seconds = time.perf_counter() - t0
    return report


# ---------------------------------------------------------------------------- fitting from the store


def match_outcomes(scored: Sequence[Any], outs: Sequence[Any]) -> list[tuple[Any, float]]:
    """Pair each outcome with the scored interaction it judges.

    ``scored`` rows have ``interaction_id, customer_id, started_at``; ``outs`` rows
    ``interaction_id, customer_id, ts, value``. An outcome naming an interaction goes to
    it; one naming only a customer goes to that customer's latest interaction that started
    at or before the outcome (no information from the future; undated interactions count
    as possible, dated ones first). Outcomes with no match are dropped.
    """
    by_id = {r.interaction_id: r for r in scored}
    by_customer: dict[str, list[Any]] = defaultdict(list)
    for r in scored:
        if r.customer_id is not None:
            by_customer[r.customer_id].append(r)
    pairs: list[tuple[Any, float]] = []
    for o in outs:
        row = by_id.get(o.interaction_id) if o.interaction_id is not None else None
        if o.interaction_id is None and o.customer_id in by_customer:
            cands = [
                r
                for r in by_customer[o.customer_id]
                if o.ts is None or r.started_at is None or r.started_at <= o.ts
            ]
            if cands:
                row = max(cands, key=lambda r: (r.started_at or datetime.min, r.interaction_id))
        if row is not None:
            pairs.append((row, float(o.value)))
    return pairs


def fit_peak_end_from_store(
    engine: Engine,
    emotion_model: str,
    emotion_version: str,
    outcome_kind: str = "csat",
    terms: Sequence[str] = pe.TERMS_DEFAULT,
    higher_is_better: bool | None = None,
    n_boot: int = 500,
    seed: int = 0,
) -> pe.PeakEndFit:
    """Fit the peak–end weights to the outcomes stored for scored interactions.

    Outcomes tied to an interaction (CSAT, NPS, CES, resolved) are matched to it. Outcomes
    tied only to a customer (churn, complaint) are matched to that customer's *latest*
    scored interaction that started at or before the outcome — no information from the
    future. ``higher_is_better`` defaults to False for churn, complaint and CES (where a
    high value is bad) and True otherwise.
    """
    if higher_is_better is None:
        higher_is_better = outcome_kind not in ("churn", "complaint", "ces")
    cols = {
        "peak": interaction_scores.c.peak_valence,
        "end": interaction_scores.c.end_valence,
        "mean": interaction_scores.c.experienced,
    }
    unknown = [t for t in terms if t not in cols]
    if unknown:
        raise ValueError(f"terms {unknown} are not stored; use peak, end, mean")
    base = (
        select(
            interaction_scores.c.interaction_id,
            interaction_scores.c.customer_id,
            interactions.c.started_at,
            *[cols[t].label(t) for t in terms],
        )
        .select_from(
            interaction_scores.join(
                interactions, interactions.c.interaction_id == interaction_scores.c.interaction_id
            )
        )
        .where(
            interaction_scores.c.model == emotion_model,
            interaction_scores.c.version == emotion_version,
            interaction_scores.c.experienced.is_not(None),
        )
        .distinct()
    )
    with engine.connect() as conn:
        scored = {r.interaction_id: r for r in conn.execute(base)}
        outs = conn.execute(
            select(
                outcomes.c.interaction_id, outcomes.c.customer_id, outcomes.c.ts, outcomes.c.value
            ).where(outcomes.c.kind == outcome_kind)
        ).all()
    pairs = match_outcomes(list(scored.values()), outs)
    x = [[float(getattr(row, t)) for t in terms] for row, _ in pairs]
    y = [value for _, value in pairs]
    return pe.fit_peak_end_weights(
        np.array(x).reshape(len(x), len(terms)),
        y,
        terms=terms,
        higher_is_better=higher_is_better,
        n_boot=n_boot,
        seed=seed,
    )
