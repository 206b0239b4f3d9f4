"""Reads that several stages need, written once: which model versions and which prediction
run are *current*.

Why here: predict, learn, act, assess and the web dashboard each ask "which annotation is
the one to read?" before they read a figure. When each wrote its own query they drifted
(one had no tie-break, so a tie picked whichever row the database returned first). Every
function here orders its candidates completely, so the answer is the same on SQLite and
PostgreSQL and from one call to the next.
"""

from __future__ import annotations

import weakref
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Connection, Engine, and_, exists, func, literal, select
from sqlalchemy.sql.elements import ColumnElement

from empathos.store.schema import (
    customer_scores,
    customers,
    employee_scores,
    employees,
    interaction_scores,
    interactions,
    turn_empathy,
)

__all__ = [
    "BASES",
    "ESTIMATED_BASES",
    "EmployeeRun",
    "NO_COMPANY",
    "NO_LANGUAGE",
    "NO_POD",
    "PredictionRun",
    "ScoreModels",
    "current_employee_run",
    "current_prediction_run",
    "current_score_models",
    "current_turn_empathy_model",
    "interaction_conditions",
    "predicted_csat",
]

#: The value a filter uses for "not recorded": the dashboard's summary stores these in
#: its key columns (they cannot be NULL), and every face filters with the same words.
NO_LANGUAGE = "(unknown)"  # the customer has no language (or no customer row)
NO_POD = "(none)"  # no employee handled it (bot, self-service), or the employee has no pod
NO_COMPANY = "(none)"  # no brand / company side recorded (interactions.company is NULL)


class ScoreModels(NamedTuple):
    """The (emotion model, version, empathy model, version) pair of an interaction score."""

    model: str
    version: str
    empathy_model: str
    empathy_version: str

    def label(self) -> str:
        return f"{self.model}:{self.version}/{self.empathy_model}:{self.empathy_version}"


# The basis of a stored prediction (``customer_scores.churn_basis`` / ``clv_basis``,
# ``employee_scores.elv_basis``; migration 0011): ``fitted`` by a model fitted on this
# store's data; ``prior`` an assumption or base rate used in place of a fit; ``fallback``
# a fitted model's population value for a subject it cannot score itself; ``unknown``
# the figure is NULL because the data cannot support it. NULL: a row from before 0011.
BASES = ("fitted", "prior", "fallback", "unknown")
ESTIMATED_BASES = frozenset({"prior", "fallback"})


class PredictionRun(NamedTuple):
    """One predict run of ``customer_scores``: its cut-off, the churn model that ran, the
    understand models its features read (``version``) and when it was computed."""

    as_of: datetime
    model: str
    version: str
    computed_at: datetime | None = None

    def label(self) -> str:
        """How every face names the run it shows, e.g. ``predictions as of 2026-02-03
        (run 2026-02-03T10:00 churn.lgbm_platt.v1, default:1/default:1)``."""
        run = f"{self.computed_at:%Y-%m-%dT%H:%M} " if self.computed_at else ""
        return f"predictions as of {self.as_of:%Y-%m-%d} (run {run}{self.model}, {self.version})"

    def where(self) -> Any:
        """The WHERE clause selecting this run's ``customer_scores`` rows."""
        cs = customer_scores.c
        return and_(cs.as_of == self.as_of, cs.model == self.model, cs.version == self.version)


class EmployeeRun(NamedTuple):
    """The ``employee_scores`` rows written by the current prediction run."""

    as_of: datetime
    model: str
    version: str

    def where(self) -> Any:
        """The WHERE clause selecting this run's ``employee_scores`` rows."""
        es = employee_scores.c
        return and_(es.as_of == self.as_of, es.model == self.model, es.version == self.version)


def _run(bind: Engine | Connection, query: Any) -> Any:
    if isinstance(bind, Engine):
        with bind.connect() as conn:
            return conn.execute(query).first()
    return bind.execute(query).first()


def scores_on(model: tuple[str, str, str, str] | None) -> ColumnElement:
    """The join condition of ``interactions`` to the ``interaction_scores`` rows of one
    model pair (``None``: no pair yet — a join that matches nothing, so every contact is
    still counted). The key equality stays in both cases: on a bare ``ON 0`` SQLite loops
    over every score row instead of an index join (hence ``literal(False)``: SQLAlchemy
    folds ``and_(..., false())`` into a bare false)."""
    i, s = interactions.c, interaction_scores.c
    if model is None:
        return and_(s.interaction_id == i.interaction_id, literal(False))
    return and_(
        s.interaction_id == i.interaction_id,
        s.model == model[0],
        s.version == model[1],
        s.empathy_model == model[2],
        s.empathy_version == model[3],
    )


def current_score_models(
    bind: Engine | Connection, interaction_ids: Any | None = None
) -> ScoreModels | None:
    """The model pair that scored the most interactions (of ``interaction_ids``, a list or
    a select of ids, when given), or ``None`` when nothing is scored.

    Tie-break: the most interactions, then the newest scores (latest ``computed_at``),
    then the names and versions in alphabetical order — so every page, report and
    feature set reads one model pair, never a mix, and the same one on every database.
    """
    s = interaction_scores.c
    keys = (s.model, s.version, s.empathy_model, s.empathy_version)
    q = select(*keys).group_by(*keys)
    if interaction_ids is not None:
        q = q.where(s.interaction_id.in_(interaction_ids))
    q = q.order_by(func.count().desc(), func.max(s.computed_at).desc(), *keys).limit(1)
    if interaction_ids is not None:
        row = _run(bind, q)
        return None if row is None else ScoreModels(row[0], row[1], row[2], row[3])
    engine = bind if isinstance(bind, Engine) else bind.engine
    # the whole-store answer, memoised per engine on a signature that any write through
    # Empathos changes (scores are only added, or deleted and rewritten with a newer
    # computed_at): a page asks this many times and the GROUP BY reads every score row
    # (seconds at 10M), the signature one index each (``ix_interaction_scores_computed_at``)
    # two statements: SQLite answers count(*) and max() each from an index, not together
    signature = (
        _run(bind, select(func.count()).select_from(interaction_scores))[0],
        _run(bind, select(func.max(s.computed_at)))[0],
    )
    cached = _SCORE_MODELS.get(engine)
    if cached is not None and cached[0] == signature:
        return cached[1]
    row = _run(bind, q)
    out = None if row is None else ScoreModels(row[0], row[1], row[2], row[3])
    _SCORE_MODELS[engine] = (signature, out)
    return out


def remember_score_models(bind: Engine | Connection, models: ScoreModels | None) -> None:
    """Seed :func:`current_score_models`' memo with an answer found another way (the
    dashboard's refresh keeps per-day counts per model pair, so it knows the answer after
    a write without the GROUP BY over every score); keyed on the current signature."""
    s = interaction_scores.c
    engine = bind if isinstance(bind, Engine) else bind.engine
    signature = (
        _run(bind, select(func.count()).select_from(interaction_scores))[0],
        _run(bind, select(func.max(s.computed_at)))[0],
    )
    _SCORE_MODELS[engine] = (signature, models)


#: current_score_models' memo: engine -> (signature, answer); weak, so a disposed
#: tenant engine takes its entry with it.
_SCORE_MODELS: weakref.WeakKeyDictionary[Engine, tuple[tuple, ScoreModels | None]] = (
    weakref.WeakKeyDictionary()
)


def current_turn_empathy_model(bind: Engine | Connection) -> tuple[str, str] | None:
    """The (model, version) of ``turn_empathy`` with the most annotated turns, or ``None``.

    Tie-break: the most turns, then model and version in alphabetical order (turn
    annotations carry no timestamp to call one newer).
    """
    te = turn_empathy.c
    q = (
        select(te.model, te.version)
        .group_by(te.model, te.version)
        .order_by(func.count().desc(), te.model, te.version)
        .limit(1)
    )
    row = _run(bind, q)
    return None if row is None else (row[0], row[1])


def current_prediction_run(bind: Engine | Connection) -> PredictionRun | None:
    """The predict run of ``customer_scores`` to read, or ``None`` when there is none.

    **The rule** (docs/predict.md, "Which run is current"): the newest computed run
    (latest ``computed_at``), then the latest cut-off ``as_of``, then model and version
    in alphabetical order. Re-running predict on an old cut-off makes that run current,
    as the user asked for it last; a run whose churn model could not be fitted
    (``churn.prior.v1``) is current just the same, because it is what predict said last
    — its figures carry their basis instead. Every face (CLI, API, dashboard, balance
    sheet, OODA, coaching, the assist card) reads this run and names it with
    :meth:`PredictionRun.label`.
    """
    cs = customer_scores.c
    # The rule as four seeks of ``ix_customer_scores_run`` (computed_at, as_of, model,
    # version) instead of a GROUP BY over every customer score (a million rows per run
    # at 10M contacts): the runs whose newest score is the newest of all are those with a
    # row at that instant; of those the latest as_of, then the first model, then version.
    newest = _run(bind, select(func.max(cs.computed_at)))[0]
    if newest is None:
        return None
    at = cs.computed_at == newest
    as_of = _run(bind, select(func.max(cs.as_of)).where(at))[0]
    model = _run(bind, select(func.min(cs.model)).where(at, cs.as_of == as_of))[0]
    version = _run(
        bind, select(func.min(cs.version)).where(at, cs.as_of == as_of, cs.model == model)
    )[0]
    return PredictionRun(as_of, model, version, newest)


def current_employee_run(
    bind: Engine | Connection, run: PredictionRun | None = None
) -> EmployeeRun | None:
    """The ``employee_scores`` (attrition, ELV) of the current prediction run: the same
    ``as_of`` and ``version`` as ``run`` (default :func:`current_prediction_run`), the
    newest computed employee model among them; ``None`` when that run scored no employee.

    Without any customer run (a store with employees but no customers), the newest
    computed employee run by the same order as :func:`current_prediction_run`. So ELV
    never comes from another run than the value at risk beside it.
    """
    run = run if run is not None else current_prediction_run(bind)
    es = employee_scores.c
    q = select(es.as_of, es.model, es.version).group_by(es.as_of, es.model, es.version)
    if run is not None:
        q = q.where(es.as_of == run.as_of, es.version == run.version)
    q = q.order_by(func.max(es.computed_at).desc(), es.as_of.desc(), es.model, es.version).limit(1)
    row = _run(bind, q)
    return None if row is None else EmployeeRun(row[0], row[1], row[2])


def interaction_conditions(
    *,
    start: date | None = None,
    end: date | None = None,
    channel: str | None = None,
    language: str | None = None,
    pod: str | None = None,
    company: str | None = None,
) -> list[ColumnElement]:
    """WHERE conditions on ``interactions`` for the filters every face shares.

    Why one builder: the dashboard, the coaching and OODA reports, the API and the CLI
    must mean the same thing by "language de" or "pod (none)", or their figures drift.
    ``start``/``end`` are inclusive calendar days of ``started_at``; ``language`` is the
    customer's language (:data:`NO_LANGUAGE` for none), ``pod`` the handling employee's
    pod (:data:`NO_POD` for none), ``company`` the brand side (:data:`NO_COMPANY`).
    """
    i, c, e = interactions.c, customers.c, employees.c
    out: list[ColumnElement] = []
    if start is not None:
        out.append(i.started_at >= datetime.combine(start, datetime.min.time()))
    if end is not None:
        out.append(i.started_at < datetime.combine(end + timedelta(days=1), datetime.min.time()))
    if channel:
        out.append(i.channel == channel)
    if language:
        known = exists().where(c.customer_id == i.customer_id, c.language.is_not(None))
        out.append(
            ~known
            if language == NO_LANGUAGE
            else exists().where(c.customer_id == i.customer_id, c.language == language)
        )
    if pod:
        staffed = exists().where(e.employee_id == i.employee_id, e.pod_id.is_not(None))
        out.append(
            ~staffed
            if pod == NO_POD
            else exists().where(e.employee_id == i.employee_id, e.pod_id == pod)
        )
    if company:
        out.append(i.company.is_(None) if company == NO_COMPANY else i.company == company)
    return out


def predicted_csat(conn: Connection, interaction_ids: list[str] | None = None) -> dict[str, float]:
    """Each interaction's predicted CSAT (1–5): the calibrated figure where the company's
    surveys allowed one, else the model's. Interactions whose figure is unknown (no
    customer turn, no model) are absent — never 0. ``interaction_ids`` limits the read."""
    from empathos.store.tables_csat import interaction_csat

    c = interaction_csat.c
    q = select(c.interaction_id, func.coalesce(c.calibrated_csat, c.predicted_csat)).where(
        c.predicted_csat.is_not(None)
    )
    out: dict[str, float] = {}
    if interaction_ids is None:
        return {iid: float(v) for iid, v in conn.execute(q)}
    ids = list(interaction_ids)
    for i in range(0, len(ids), 500):
        out.update(
            (iid, float(v))
            for iid, v in conn.execute(q.where(c.interaction_id.in_(ids[i : i + 500])))
        )
    return out
