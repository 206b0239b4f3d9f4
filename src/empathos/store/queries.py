"""Reads that several stages need, written once: which model versions and which prediction
run are *current*.

Why here: predict, learn, act, assess and the web dashboard each ask "which annotation is
the one to read?" before they read a figure. When each wrote its own query they drifted
(one had no tie-break, so a tie picked whichever row the database returned first). Every
function here orders its candidates completely, so the answer is the same on SQLite and
PostgreSQL and from one call to the next.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Connection, Engine, exists, func, select
from sqlalchemy.sql.elements import ColumnElement

from empathos.store.schema import (
    customer_scores,
    customers,
    employees,
    interaction_scores,
    interactions,
    turn_empathy,
)

__all__ = [
    "NO_COMPANY",
    "NO_LANGUAGE",
    "NO_POD",
    "PredictionRun",
    "ScoreModels",
    "current_prediction_run",
    "current_score_models",
    "current_turn_empathy_model",
    "interaction_conditions",
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


class PredictionRun(NamedTuple):
    """One predict run of ``customer_scores``: its cut-off and the churn model that ran."""

    as_of: datetime
    model: str
    version: str


def _run(bind: Engine | Connection, query: Any) -> Any:
    if isinstance(bind, Engine):
        with bind.connect() as conn:
            return conn.execute(query).first()
    return bind.execute(query).first()


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
    row = _run(bind, q)
    return None if row is None else ScoreModels(row[0], row[1], row[2], row[3])


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

    The newest computed run (latest ``computed_at``), then the latest cut-off ``as_of``,
    then model and version in alphabetical order: re-running predict on an old cut-off
    makes that run current, as the user asked for it last.
    """
    cs = customer_scores.c
    q = (
        select(cs.as_of, cs.model, cs.version)
        .group_by(cs.as_of, cs.model, cs.version)
        .order_by(func.max(cs.computed_at).desc(), cs.as_of.desc(), cs.model, cs.version)
        .limit(1)
    )
    row = _run(bind, q)
    return None if row is None else PredictionRun(row[0], row[1], row[2])


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
