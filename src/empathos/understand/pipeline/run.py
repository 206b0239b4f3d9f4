"""One ``analyze`` run: its configuration, its report, and what its steps share.

:class:`AnalysisRun` carries the engine, the model pair, the configuration, the batch size,
the progress display and the report's counters through the three steps (annotate, score,
journeys); the queries every step needs (which turns are not annotated yet, which scores
belong to this model pair, keyset pages) live here too, once."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, and_, delete, func, or_, select, union

from empathos.store.schema import (
    customer_journeys,
    interaction_scores,
    interactions,
    turn_emotions,
    turn_empathy,
    turns,
)
from empathos.understand import bands
from empathos.understand import effort as eff
from empathos.understand import journey as jny
from empathos.understand import peak_end as pe
from empathos.understand.protocols import (
    EmotionModel,
    EmpathyModel,
    get_emotion_model,
    get_empathy_model,
)

# ---------------------------------------------------------------------------- config & report


@dataclass(frozen=True)
class AnalyzeConfig:
    """The parameters of the derived scores; stored with every row (``details``)."""

    weights: pe.PeakEndWeights = pe.DEFAULT_WEIGHTS
    end_window: int = 1
    outcome_threshold: float = pe.OUTCOME_THRESHOLD
    #: ``None``: sentiment events are turns in the calibrated valence bands
    #: (``understand/bands.py``); a number: the older symmetric ``|valence| >=`` rule.
    sentiment_event_threshold: float | None = None
    #: An employee turn with every mechanism at level 0, answering a customer turn at or
    #: below this valence, is an *unhelpful* turn for the agent empathy score: a missed
    #: empathic opportunity (the customer was upset and the answer ignored it). Default:
    #: the calibrated negative band (``understand/bands.py``).
    unhelpful_valence: float = bands.NEGATIVE
    #: Customer turns joined into the seeker text of an employee turn, at most.
    seeker_max_turns: int = 3
    effort: eff.EffortConfig = field(default_factory=eff.EffortConfig)
    half_life_days: float = jny.HALF_LIFE_DAYS
    loss_aversion: float = jny.LOSS_AVERSION
    #: The auto-QA rubric YAML (None: the EMPATHOS_QA_RUBRIC setting, else the default).
    qa_rubric: Path | None = None
    #: Predict CSAT for each scored contact (``interaction_csat``); off only to measure
    #: what it costs (bench/understand_csat.py).
    predict_csat: bool = True
    #: Score the auto-QA scorecards (``qa_scorecards``); off only to measure what it costs
    #: (bench/analyze_overhead.py).
    auto_qa: bool = True
    #: Leave the vectors of each contact's opening turns, computed for the emotion model,
    #: in the embedding cache, so ``empathos topics`` assigns without encoding them again
    #: (``pipeline/topics.py``); off only to measure what it costs.
    topic_vectors: bool = True

    def details(self) -> dict[str, Any]:
        return {
            "peak_end_weights": self.weights.as_dict(),
            "end_window": self.end_window,
            "outcome_threshold": self.outcome_threshold,
            "sentiment_event_threshold": self.sentiment_event_threshold,
            "sentiment_event_bands": list(pe.SENTIMENT_EVENT_BANDS),
            "valence_bands_source": bands.BANDS.source,
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
    interactions_qa: int = 0  # QA scorecards written (understand.pipeline.qa)
    qa_seconds: float = 0.0  # of ``seconds``, the QA step's share
    csat_model: str = ""
    csat_calibration: str = ""
    csat_seconds: float = 0.0  # time spent predicting, storing and calibrating CSAT
    workers: int = 1  # how many batches the annotation mapper ran at once
    seconds: float = 0.0

    @property
    def turns_per_second(self) -> float:
        n = self.turns_emotion + self.turns_empathy
        return n / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "turns_per_second": self.turns_per_second}


# ---------------------------------------------------------------------------- the run


@dataclass
class AnalysisRun:
    """What the steps of one ``analyze`` run share: where, with which models, how."""

    engine: Engine
    emotion: EmotionModel
    empathy: EmpathyModel
    config: AnalyzeConfig
    batch_size: int
    report: AnalyzeReport
    bar: Any = None
    """A ``rich.progress.Progress`` (possibly disabled), or None for no progress at all."""
    csat_model: Any = None
    """The predicted-CSAT model (``understand.csat.CsatModel``), None when not installed
    (every contact's figure is then unknown, with that reason)."""
    qa_plan: Any = None
    """The QA plan (``pipeline.qa.QAPlan``: rubric, version, row key) once the score step
    has loaded it, so the QA step does not parse the rubric again."""

    def progress(
        self, description: str, total: int | None, unit: str = ""
    ) -> Callable[[int], None]:
        """A new bar for one step (``unit`` names what it counts); returns its ``advance(n)``."""
        if self.bar is None:
            return lambda n: None
        task = self.bar.add_task(description, total=total, unit=unit)
        return lambda n: self.bar.advance(task, n)

    def prepare(self) -> int:
        """Delete what this run recomputes (everything of this version when ``rerun``, else
        the derived rows new annotations will change) and count the turns to annotate:
        one transaction, so a crash leaves the store as it was."""
        em, pm = self.emotion, self.empathy
        with self.engine.begin() as conn:
            if self.report.rerun:
                rerun_delete(conn, em, pm)
            invalidate(conn, em, pm)
            return count_pending(conn, em, pm)


# ---------------------------------------------------------------------------- shared queries


def utcnow() -> datetime:
    """Naive-UTC "now", as the store keeps times."""
    return datetime.now(UTC).replace(tzinfo=None)


def emotion_join(m: str, v: str):
    return and_(
        turn_emotions.c.interaction_id == turns.c.interaction_id,
        turn_emotions.c.seq == turns.c.seq,
        turn_emotions.c.model == m,
        turn_emotions.c.version == v,
    )


def empathy_join(m: str, v: str):
    return and_(
        turn_empathy.c.interaction_id == turns.c.interaction_id,
        turn_empathy.c.seq == turns.c.seq,
        turn_empathy.c.model == m,
        turn_empathy.c.version == v,
    )


def speaker_column(dialect: str):
    """``turns.speaker`` for a filter. On SQLite ``speaker || ''``: an expression no index
    can serve, so its planner (which has no statistics) walks the primary key in keyset
    order instead of the speaker index plus a sort of the whole table on every page.
    PostgreSQL gets the plain column: it has statistics, and the expression would wreck
    its row estimates (measured: seq scan + sort per page instead of a PK range scan)."""
    return turns.c.speaker.concat("") if dialect == "sqlite" else turns.c.speaker


def pending_turns(kind: str, em: EmotionModel, pm: EmpathyModel, dialect: str, *cols: Any):
    """Turns of ``kind`` (customer or employee) not yet annotated by their model version.

    One query per kind, each a plain anti-join, because an OR across the two joins
    defeats both planners' anti-join estimates."""
    if kind == "customer":
        ann, on = turn_emotions, emotion_join(em.name, em.version)
    else:
        ann, on = turn_empathy, empathy_join(pm.name, pm.version)
    return (
        select(*cols)
        .select_from(turns.outerjoin(ann, on))
        .where(speaker_column(dialect) == kind, ann.c.seq.is_(None))
    )


KINDS = ("customer", "employee")


def pair(em: EmotionModel, pm: EmpathyModel):
    return and_(
        interaction_scores.c.model == em.name,
        interaction_scores.c.version == em.version,
        interaction_scores.c.empathy_model == pm.name,
        interaction_scores.c.empathy_version == pm.version,
    )


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class StatsKeeper:
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


def keyset(
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


def read_pages(
    engine: Engine,
    query_for: Any,
    key: str,
    batch_size: int,
    read: Callable[[Connection, list[Any]], Any],
) -> Iterator[Any]:
    """Yield ``read(conn, batch)`` for each page of ``query_for(last_key)``, each page read
    in one short read transaction that is closed before the value is handed on: the
    steps whose pure work runs on a mapper (score, QA) write their pages while later
    ones are being read, and the writes must never wait on a reader."""
    last: Any = None
    while True:
        with engine.connect() as conn:
            batch = conn.execute(query_for(last).limit(batch_size)).all()
            if not batch:
                return
            value = read(conn, batch)
        last = getattr(batch[-1], key)
        yield value


# ---------------------------------------------------------------------------- preparing a run


def rerun_delete(conn: Connection, em: EmotionModel, pm: EmpathyModel) -> None:
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
    conn.execute(delete(interaction_scores).where(pair(em, pm)))
    conn.execute(
        delete(customer_journeys).where(
            customer_journeys.c.model == em.name, customer_journeys.c.version == em.version
        )
    )


def invalidate(conn: Connection, em: EmotionModel, pm: EmpathyModel) -> None:
    d = conn.dialect.name
    pending_ids = union(
        *(pending_turns(k, em, pm, d, turns.c.interaction_id) for k in KINDS)
    ).subquery()
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
            pair(em, pm),
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


def count_pending(conn: Connection, em: EmotionModel, pm: EmpathyModel) -> int:
    d = conn.dialect.name
    return sum(
        int(
            conn.execute(
                select(func.count()).select_from(
                    pending_turns(k, em, pm, d, turns.c.seq).subquery()
                )
            ).scalar_one()
        )
        for k in KINDS
    )


def resolve_models(
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
