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
   memory — one bulk insert and one transaction per batch. The model calls are a pure
   function of a batch, run by a :class:`~empathos.understand.pipeline.mapper.BatchMapper`
   (``mapper``): in this process, in worker processes on every core (the default for
   runs of at least ``PARALLEL_MIN_TURNS`` turns), or on a cluster (an engine plug-in).
4. *Score* every interaction without an ``interaction_scores`` row for this (emotion
   model, empathy model) pair: peak–end, market-convention scores, effort.
   Each scored contact also gets its predicted CSAT (``csat``: table ``interaction_csat``),
   and its auto-QA scorecard (``qa``, scored from the same rows in the same transaction),
   then those without a calibrated figure are calibrated to the surveys where there are
   enough; then the QA step scores the cards still missing or older than their score row
   (a new rubric: ``qa``).
5. *Journeys* for every customer with scores but no journey row for this emotion model.

The package, by step around one :class:`~empathos.understand.pipeline.run.AnalysisRun`
(engine, models, configuration, batch size, progress, counters): ``run`` (the run and the
queries the steps share; steps 1–2), ``annotate`` (3), ``score`` (4), ``journeys`` (5);
``fit`` fits the peak–end weights to stored outcomes.

Every row records the model name and version that produced it; other models' rows are
never touched, so several models coexist and can be compared (ConvoKit style).
"""

from __future__ import annotations

import time
from contextlib import nullcontext
from typing import Any

from sqlalchemy import Engine

from empathos.understand.pipeline.annotate import annotate, seeker_texts
from empathos.understand.pipeline.fit import (
    fit_peak_end_from_store,
    fit_remembered_for_company,
    match_outcomes,
)
from empathos.understand.pipeline.journeys import journeys
from empathos.understand.pipeline.mapper import (
    BatchMapper,
    ProcessMapper,
    SerialMapper,
    default_workers,
)
from empathos.understand.pipeline.qa import qa
from empathos.understand.pipeline.run import (
    KINDS,
    AnalysisRun,
    AnalyzeConfig,
    AnalyzeReport,
    resolve_models,
)
from empathos.understand.pipeline.score import score, score_interaction
from empathos.understand.protocols import EmotionModel, EmpathyModel

__all__ = [
    "KINDS",
    "AnalysisRun",
    "AnalyzeConfig",
    "AnalyzeReport",
    "BatchMapper",
    "ProcessMapper",
    "SerialMapper",
    "analyze",
    "default_mapper",
    "fit_peak_end_from_store",
    "fit_remembered_for_company",
    "match_outcomes",
    "score_interaction",
    "seeker_texts",
]


#: Below this many pending turns the default mapper is serial: starting worker processes
#: and loading the models in each costs seconds, more than a small run's model calls.
PARALLEL_MIN_TURNS = 20_000


def default_mapper(n_pending: int, workers: int | None = None) -> BatchMapper:
    """The mapper ``analyze`` uses when given none: every core (``workers``, default all)
    when there are at least ``PARALLEL_MIN_TURNS`` turns to annotate, else serial."""
    n = workers or default_workers()
    if n <= 1 or n_pending < PARALLEL_MIN_TURNS:
        return SerialMapper()
    return ProcessMapper(n)


def analyze(
    engine: Engine,
    emotion_model: EmotionModel | str | None = None,
    empathy_model: EmpathyModel | str | None = None,
    rerun: bool = False,
    batch_size: int = 512,
    progress: bool = True,
    config: AnalyzeConfig | None = None,
    display: Any = None,
    mapper: BatchMapper | None = None,
) -> AnalyzeReport:
    """Annotate what the given model versions have not annotated yet, then rescore.

    Models are instances or registered names (default: the configured ones). The schema
    must be at head (``empathos.store.init_db``). ``rerun=True`` first deletes this
    version's annotations and scores, so everything is recomputed; other models' rows are
    never touched. See the module docstring for the steps. ``display`` is a progress
    display with ``rich.progress.Progress``'s ``add_task``/``advance`` (the CLI passes one
    that also logs lines when not on a terminal); without one, ``progress`` draws a Rich bar.
    ``mapper`` runs the annotation's model calls (default: :func:`default_mapper`; one
    passed in is used as is and not closed — the caller owns it).
    """
    if batch_size < 1:
        raise ValueError("batch_size must be >= 1")
    cfg = config or AnalyzeConfig()
    em, pm = resolve_models(emotion_model, empathy_model)
    report = AnalyzeReport(em.name, em.version, pm.name, pm.version, rerun=rerun)
    t0 = time.perf_counter()
    from empathos.understand.csat import load_model
    from empathos.understand.pipeline import csat as csat_step

    run = AnalysisRun(engine, em, pm, cfg, batch_size, report, csat_model=load_model())
    report.csat_model = csat_step.model_version(run.csat_model, em, pm)
    n_pending = run.prepare()

    with nullcontext(display) if display is not None else _rich_bar(progress) as bar:
        run.bar = bar
        own = mapper is None
        m = default_mapper(n_pending) if own else mapper
        try:
            annotate(run, n_pending, m)
            report.workers = m.workers
            score(run, m)
            if cfg.predict_csat:
                t_csat = time.perf_counter()
                report.csat_calibration = csat_step.calibrate(engine)
                report.csat_seconds += time.perf_counter() - t_csat
            if cfg.auto_qa:
                qa(run, mapper=m)
        finally:
            if own:
                m.close()
        journeys(run)
    report.seconds = time.perf_counter() - t0
    return report


def _rich_bar(enabled: bool) -> Any:
    """The bar ``analyze`` draws on stderr when no display is passed in."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        disable=not enabled,
    )
