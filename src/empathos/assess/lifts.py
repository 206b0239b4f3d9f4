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
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import Engine, MetaData, Table, func, inspect, select

from empathos.learn.lift import LiftResult, LiftView, lift_fields

__all__ = ["EXPERIMENTS_TABLE", "ExperimentEvidence", "MeasuredLift", "read_experiments"]

EXPERIMENTS_TABLE = "experiments"


@dataclass(frozen=True, slots=True)
class MeasuredLift(LiftView):
    """One measured difference treatment − control on one KPI: the learn stage's
    :class:`~empathos.learn.lift.LiftResult` and the experiment and policy it came from.

    For churn KPIs (``churn_14d``: share of contacts whose customer left within 14 days)
    the lift is in churn probability (negative = fewer leave) and ``control`` is the
    control arm's rate: the relative reduction −lift/control is what turns it into money."""

    experiment_id: str
    result: LiftResult
    policy: str | None = None

    JSON_KEYS: ClassVar[tuple[tuple[str, str], ...]] = (
        ("metric", "kpi"),
        ("lift", "diff"),
        ("ci_low", "ci_low"),
        ("ci_high", "ci_high"),
        ("control", "control_mean"),
        ("treatment", "treatment_mean"),
        ("n_control", "n_control"),
        ("n_treatment", "n_treatment"),
        ("source", "source"),
        ("test", "test"),
    )
    """The balance sheet's names for the lift's figures (its JSON since it was written)."""

    @property
    def metric(self) -> str:
        return self.result.kpi

    @property
    def se(self) -> float:
        """Standard error implied by a normal 95 % interval (0 without an interval)."""
        if self.ci_low is None or self.ci_high is None:
            return 0.0
        return max(0.0, (self.ci_high - self.ci_low) / (2 * 1.959964))

    @property
    def is_churn(self) -> bool:
        return self.metric.startswith("churn")

    def as_dict(self) -> dict[str, Any]:
        return {
            "experiment_id": self.experiment_id,
            **lift_fields(self.result, self.JSON_KEYS),
            "policy": self.policy,
        }


@dataclass(slots=True)
class ExperimentEvidence:
    """Whether the experiments table exists, how many experiments it holds, the lifts
    that came with a confidence interval, and the newest experiment's date."""

    table: str | None = None
    rows: int = 0
    lifts: list[MeasuredLift] = field(default_factory=list)
    latest_at: datetime | None = None  # the newest experiment *with data* (its start)
    note: str = ""
    with_data: int = 0  # experiments with contacts in both arms
    empty: list[str] = field(default_factory=list)  # "NAME: no contacts yet since START"
    # (name, started_at, n_treatment, n_control) of each experiment with data, newest first
    sizes: list[tuple[str, Any, int, int]] = field(default_factory=list)


def _finite(*xs: float) -> bool:
    return all(x is not None and math.isfinite(x) for x in xs)


def lifts_from_report(report: Any) -> list[MeasuredLift]:
    """The lifts of a learn ``ExperimentReport`` that have a finite CI."""
    out = []
    for x in report.lifts:
        if not _finite(x.diff, x.ci_low, x.ci_high):
            continue
        out.append(MeasuredLift(report.experiment, x, report.treatment_policy))
    return out


def read_experiments(engine: Engine, max_experiments: int = 20) -> ExperimentEvidence:
    """The experiments in this store and their measured lifts (none if learn is absent)."""
    if EXPERIMENTS_TABLE not in inspect(engine).get_table_names():
        return ExperimentEvidence(note="no experiments table in the store (learn stage not set up)")
    table = Table(EXPERIMENTS_TABLE, MetaData(), autoload_with=engine)
    ev = ExperimentEvidence(table=EXPERIMENTS_TABLE)
    with engine.connect() as conn:
        ev.rows = int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)
        named = conn.execute(
            select(table.c.name, table.c.started_at)
            .order_by(table.c.started_at.desc())
            .limit(max_experiments)
        ).all()
    if not named:
        ev.note = "the experiments table holds no experiment yet"
        return ev
    from empathos.learn.experiments import experiment_report

    for name, started_at in named:
        report = experiment_report(engine, name)
        if report.n_treatment == 0 or report.n_control == 0:
            # An experiment without contacts in both arms measured nothing: it is shown as
            # empty and counts as no evidence (not as a lift of 0, not as a test run).
            ev.empty.append(f"experiment {name}: {report.empty_note}")
            continue
        ev.with_data += 1
        ev.sizes.append((name, started_at, report.n_treatment, report.n_control))
        if ev.latest_at is None:
            ev.latest_at = started_at
        ev.lifts.extend(lifts_from_report(report))
    notes = list(ev.empty)
    if not ev.lifts:
        notes.append(
            f"{ev.rows} experiment(s), none with a lift and a finite confidence interval yet"
        )
    ev.note = "; ".join(notes)
    return ev
