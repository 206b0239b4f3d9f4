"""Reads that several stages need, written once: which model versions and which prediction
run are *current*.

Why here: predict, learn, act, assess and the web dashboard each ask "which annotation is
the one to read?" before they read a figure. When each wrote its own query they drifted
(one had no tie-break, so a tie picked whichever row the database returned first). Every
function here orders its candidates completely, so the answer is the same on SQLite and
PostgreSQL and from one call to the next.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, Engine, func, select

from empathos.store.schema import customer_scores, interaction_scores, turn_empathy

__all__ = [
    "PredictionRun",
    "ScoreModels",
    "current_prediction_run",
    "current_score_models",
    "current_turn_empathy_model",
]


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
