"""QA scorecards from the store: per employee, per pod, per ISO week, and one contact's.

Read by the CLI (``empathos qa``), the API (``/qa/...``), the dashboard's QA page and the
coaching report, so they all say the same numbers. The scorecards read are those of the
current model pair (:func:`empathos.store.queries.current_score_models`) and the rubric
version scored most recently for it. Per item: how many contacts it *scored* (pass or
fail), its mean score and pass rate over those, and how many it found not applicable or
could not judge (unknown) — the last two are counts, never folded into the mean as 0.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import Connection, Engine, and_, func, select

from empathos.store.queries import current_score_models, interaction_conditions
from empathos.store.schema import employees, interactions
from empathos.store.tables_qa import qa_item_scores, qa_scorecards

By = Literal["employee", "pod", "week", "all"]


@dataclass(frozen=True)
class QAScope:
    """Which scorecards: the shared filters of every face (inclusive days, channel, ...)."""

    start: date | None = None
    end: date | None = None
    channel: str | None = None
    language: str | None = None
    pod: str | None = None
    company: str | None = None
    employee_id: str | None = None

    def conditions(self) -> list[Any]:
        c = interaction_conditions(
            start=self.start,
            end=self.end,
            channel=self.channel,
            language=self.language,
            pod=self.pod,
            company=self.company,
        )
        if self.employee_id:
            c.append(interactions.c.employee_id == self.employee_id)
        return c


@dataclass
class ItemFigures:
    n_scored: int = 0
    n_pass: int = 0
    n_not_applicable: int = 0
    n_unknown: int = 0
    sum_score: float = 0.0

    @property
    def mean(self) -> float | None:
        return round(self.sum_score / self.n_scored, 4) if self.n_scored else None

    @property
    def pass_rate(self) -> float | None:
        return round(self.n_pass / self.n_scored, 4) if self.n_scored else None

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "mean": self.mean, "pass_rate": self.pass_rate} | {
            "sum_score": round(self.sum_score, 4)
        }


@dataclass
class ScorecardGroup:
    key: str | None
    n_contacts: int = 0
    n_overall: int = 0
    sum_overall: float = 0.0
    items: dict[str, ItemFigures] = field(default_factory=lambda: defaultdict(ItemFigures))

    @property
    def overall(self) -> float | None:
        return round(self.sum_overall / self.n_overall, 4) if self.n_overall else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "n_contacts": self.n_contacts,
            "overall": self.overall,
            "n_overall": self.n_overall,
            "items": {k: v.as_dict() for k, v in sorted(self.items.items())},
        }


def current_rubric(bind: Engine | Connection, model: tuple[str, str, str, str]) -> str | None:
    """The rubric version scored most recently for ``model`` (None: no scorecard yet)."""
    q = qa_scorecards.c
    stmt = (
        select(q.rubric_version)
        .where(
            q.model == model[0],
            q.version == model[1],
            q.empathy_model == model[2],
            q.empathy_version == model[3],
        )
        .order_by(q.computed_at.desc(), q.rubric_version)
        .limit(1)
    )
    if isinstance(bind, Engine):
        with bind.connect() as conn:
            return conn.execute(stmt).scalar()
    return bind.execute(stmt).scalar()


def _monday(ts: datetime | None) -> str | None:
    if ts is None:
        return None
    d = ts.date() if isinstance(ts, datetime) else ts
    return (d - timedelta(days=d.weekday())).isoformat()


def scorecards(engine: Engine, by: By = "employee", scope: QAScope | None = None) -> dict[str, Any]:
    """Scorecards grouped ``by`` employee, pod, ISO week (Monday) or ``all`` under ``scope``.

    Returns the model pair and rubric read, and one group per key, ordered by key (None —
    no employee, no pod — last). Nothing scored: ``groups`` is empty and ``note`` says why.
    """
    scope = scope or QAScope()
    with engine.connect() as conn:
        model = current_score_models(conn)
        if model is None:
            return {"groups": [], "note": "nothing analysed yet: run `empathos analyze`"}
        rv = current_rubric(conn, tuple(model))
        if rv is None:
            return {"groups": [], "note": "no QA scorecards yet: run `empathos analyze`"}
        # an alias: the pod filter's EXISTS on employees must not correlate with this join
        emp = employees.alias("qa_employee")
        q, it, i, e = qa_scorecards.c, qa_item_scores.c, interactions.c, emp.c
        keyed = and_(
            q.rubric_version == rv,
            q.model == model[0],
            q.version == model[1],
            q.empathy_model == model[2],
            q.empathy_version == model[3],
        )
        base = qa_scorecards.join(interactions, i.interaction_id == q.interaction_id).outerjoin(
            emp, e.employee_id == i.employee_id
        )
        heads = conn.execute(
            select(q.interaction_id, q.overall, q.rubric, i.employee_id, e.pod_id, i.started_at)
            .select_from(base)
            .where(keyed, *scope.conditions())
        ).all()
        items = conn.execute(
            select(it.interaction_id, it.item, it.status, it.score)
            .select_from(
                qa_item_scores.join(
                    qa_scorecards,
                    and_(
                        q.interaction_id == it.interaction_id,
                        q.rubric_version == it.rubric_version,
                        q.model == it.model,
                        q.version == it.version,
                        q.empathy_model == it.empathy_model,
                        q.empathy_version == it.empathy_version,
                    ),
                )
                .join(interactions, i.interaction_id == q.interaction_id)
                .outerjoin(emp, e.employee_id == i.employee_id)
            )
            .where(keyed, *scope.conditions())
        ).all()
        sources = dict(
            conn.execute(
                select(i.source, func.count())
                .select_from(base)
                .where(keyed, *scope.conditions())
                .group_by(i.source)
            ).all()
        )
    key_of = {
        "employee": lambda r: r.employee_id,
        "pod": lambda r: r.pod_id,
        "week": lambda r: _monday(r.started_at),
        "all": lambda r: "all",
    }[by]
    groups: dict[str | None, ScorecardGroup] = {}
    where: dict[str, str | None] = {}
    for r in heads:
        k = key_of(r)
        where[r.interaction_id] = k
        g = groups.setdefault(k, ScorecardGroup(k))
        g.n_contacts += 1
        if r.overall is not None:
            g.n_overall += 1
            g.sum_overall += float(r.overall)
    for r in items:
        g = groups[where[r.interaction_id]]
        f = g.items[r.item]
        if r.status == "not_applicable":
            f.n_not_applicable += 1
        elif r.status == "unknown":
            f.n_unknown += 1
        else:
            f.n_scored += 1
            f.sum_score += float(r.score)
            f.n_pass += r.status == "pass"
    ordered = sorted(groups.values(), key=lambda g: (g.key is None, g.key or ""))
    return {
        "by": by,
        "model": f"{model[0]} v{model[1]} / empathy {model[2]} v{model[3]}",
        "rubric": heads[0].rubric if heads else None,
        "rubric_version": rv,
        "source": {str(k): int(v) for k, v in sources.items()},
        "n_contacts": len(heads),
        "groups": [g.as_dict() for g in ordered],
    }


def contact_scorecard(engine: Engine, interaction_id: str) -> dict[str, Any] | None:
    """One contact's scorecard (current model pair and rubric) with every item's verdict
    and evidence; None when it has none."""
    with engine.connect() as conn:
        model = current_score_models(conn)
        if model is None:
            return None
        rv = current_rubric(conn, tuple(model))
        if rv is None:
            return None
        q, it = qa_scorecards.c, qa_item_scores.c
        key = (rv, *model)
        head = conn.execute(
            select(qa_scorecards).where(
                q.interaction_id == interaction_id,
                q.rubric_version == key[0],
                q.model == key[1],
                q.version == key[2],
                q.empathy_model == key[3],
                q.empathy_version == key[4],
            )
        ).first()
        if head is None:
            return None
        rows = conn.execute(
            select(qa_item_scores)
            .where(
                it.interaction_id == interaction_id,
                it.rubric_version == key[0],
                it.model == key[1],
                it.version == key[2],
                it.empathy_model == key[3],
                it.empathy_version == key[4],
            )
            .order_by(it.item)
        ).all()
    h = head._mapping
    return {
        "interaction_id": interaction_id,
        "rubric": h["rubric"],
        "rubric_version": h["rubric_version"],
        "model": f"{model[0]} v{model[1]} / empathy {model[2]} v{model[3]}",
        "overall": h["overall"],
        "n_scored": h["n_scored"],
        "computed_at": h["computed_at"].isoformat() if h["computed_at"] else None,
        "items": {
            r.item: {
                "status": r.status,
                "score": r.score,
                "reason": r.reason,
                "evidence": r.evidence,
                "details": r.details,
            }
            for r in rows
        },
    }
