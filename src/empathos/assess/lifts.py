"""Measured lifts: what the learn stage's experiments showed, treatment vs control.

assess sits above learn, but a given store may not have the learn stage's tables (an old
database, a deployment without it). So this module first asks the database (SQLAlchemy
``inspect``) whether the ``experiments`` table exists, and only then imports
``empathos.learn.experiments`` to compute each experiment's report — the same lifts,
intervals and tests the learn stage prints, never a second estimate of our own.

Used by the maturity evidence ("is lift measured?") and the balance sheet ("value
protected by measured actions").
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, MetaData, Table, func, inspect, select

__all__ = ["EXPERIMENTS_TABLE", "ExperimentEvidence", "MeasuredLift", "read_experiments"]

EXPERIMENTS_TABLE = "experiments"


@dataclass(frozen=True, slots=True)
class MeasuredLift:
    """One measured difference treatment − control on one KPI, with its 95 % CI.

    For churn KPIs (``churn_14d``: share of contacts whose customer left within 14 days)
    the lift is in churn probability (negative = fewer leave) and ``control`` is the
    control arm's rate: the relative reduction −lift/control is what turns it into money."""

    experiment_id: str
    metric: str
    lift: float
    ci_low: float
    ci_high: float
    control: float | None = None
    treatment: float | None = None
    n_control: int | None = None
    n_treatment: int | None = None
    policy: str | None = None
    source: str | None = None
    test: str | None = None

    @property
    def se(self) -> float:
        """Standard error implied by a normal 95 % interval."""
        return max(0.0, (self.ci_high - self.ci_low) / (2 * 1.959964))

    @property
    def is_churn(self) -> bool:
        return self.metric.startswith("churn")

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class ExperimentEvidence:
    """Whether the experiments table exists, how many experiments it holds, the lifts
    that came with a confidence interval, and the newest experiment's date."""

    table: str | None = None
    rows: int = 0
    lifts: list[MeasuredLift] = field(default_factory=list)
    latest_at: datetime | None = None
    note: str = ""


def _finite(*xs: float) -> bool:
    return all(x is not None and math.isfinite(x) for x in xs)


def lifts_from_report(report: Any) -> list[MeasuredLift]:
    """The lifts of a learn ``ExperimentReport`` that have a finite CI."""
    out = []
    for x in report.lifts:
        if not _finite(x.diff, x.ci_low, x.ci_high):
            continue
        out.append(
            MeasuredLift(
                experiment_id=report.experiment,
                metric=x.kpi,
                lift=float(x.diff),
                ci_low=float(x.ci_low),
                ci_high=float(x.ci_high),
                control=float(x.control_mean),
                treatment=float(x.treatment_mean),
                n_control=int(x.n_control),
                n_treatment=int(x.n_treatment),
                policy=report.treatment_policy,
                source=x.source,
                test=x.test,
            )
        )
    return out


def read_experiments(engine: Engine, max_experiments: int = 20) -> ExperimentEvidence:
    """The experiments in this store and their measured lifts (none if learn is absent)."""
    if EXPERIMENTS_TABLE not in inspect(engine).get_table_names():
        return ExperimentEvidence(note="no experiments table in the store (learn stage not set up)")
    table = Table(EXPERIMENTS_TABLE, MetaData(), autoload_with=engine)
    ev = ExperimentEvidence(table=EXPERIMENTS_TABLE)
    with engine.connect() as conn:
        ev.rows = int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)
        ev.latest_at = conn.execute(select(func.max(table.c.started_at))).scalar()
        names = list(
            conn.execute(
                select(table.c.name).order_by(table.c.started_at.desc()).limit(max_experiments)
            ).scalars()
        )
    if not names:
        ev.note = "the experiments table holds no experiment yet"
        return ev
    from empathos.learn.experiments import experiment_report

    for name in names:
        ev.lifts.extend(lifts_from_report(experiment_report(engine, name)))
    if not ev.lifts:
        ev.note = f"{ev.rows} experiment(s), none with a lift and a finite confidence interval yet"
    return ev
