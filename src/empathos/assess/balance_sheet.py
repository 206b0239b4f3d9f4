"""The empathy balance sheet: customers and employees as assets, and what protecting them earns.

Lines (formulas in docs/assess.md):

* **CLV total** — Σ CLV over the current ``empathos predict`` run
  (``empathos.store.queries.current_prediction_run``, named in ``run``; ``customer_scores``);
* **value at risk** — Σ P(churn) × CLV, and the part of it the avoidable-churn rule says
  an action can change;
* **ELV total** and **ELV at risk** — Σ ELV and Σ attrition risk × max(ELV, 0)
  (``employee_scores`` of the same run, ``current_employee_run``);

A line the data cannot support is ``None`` (unknown) with the reason in ``notes``, never
0; a line resting on prior or fallback values is listed in ``estimated``.
* **value protected by measured actions** — from the newest experiment with a churn lift
  (learn stage): relative churn reduction r = −lift / control rate, protected =
  r × value at risk × coverage (coverage = share of the book the action reaches; 1.0 =
  rolled out to everyone). No measured churn lift → 0, with the note "no measured action
  yet": an assumed effect is never booked;
* **programme cost** — user input; **ROI** = (protected − cost) / cost.

Uncertainty: the lift and the control rate are drawn from normals matching their 95 %
intervals (Monte Carlo, fixed seed), giving the interval and P(ROI > 0). The CLV and
churn models' own uncertainty is *not* propagated (predict stores point estimates) — the
report says so.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import Engine, and_, case, func, or_, select

from empathos.assess.lifts import MeasuredLift, read_experiments
from empathos.store.queries import ESTIMATED_BASES, current_employee_run, current_prediction_run
from empathos.store.schema import customer_scores, customers, employee_scores

__all__ = ["BalanceSheet", "Interval", "balance_sheet", "monte_carlo_protected"]

NO_ACTION_NOTE = "no measured action yet"
N_DRAWS = 20_000


@dataclass(slots=True)
class Interval:
    """A point estimate with its 95 % interval (all None when undefined)."""

    point: float | None
    low: float | None = None
    high: float | None = None


@dataclass(slots=True)
class BalanceSheet:
    as_of: datetime | None
    source: str = field(
        metadata={
            "description": "imported, sample, simulated, mixed or none: where the scored "
            "customers come from"
        }
    )
    sources: dict[str, int]
    n_customers: int = 0
    # None = unknown (the reason is in notes), never a 0 standing for "no data"
    clv_total: float | None = None
    value_at_risk: float | None = None
    avoidable_value_at_risk: float | None = None
    mean_p_churn: float | None = None
    n_employees: int = 0
    elv_total: float | None = None
    elv_at_risk: float | None = None
    churn_model: str | None = None
    run: str | None = field(
        default=None, metadata={"description": "the prediction run read, as every face names it"}
    )
    estimated: list[str] = field(
        default_factory=list,
        metadata={"description": "lines resting on prior or fallback values, not fitted ones"},
    )
    lift_used: MeasuredLift | None = None
    other_lifts: list[MeasuredLift] = field(default_factory=list)
    coverage: float = 1.0
    value_protected: Interval = field(default_factory=lambda: Interval(0.0, 0.0, 0.0))
    programme_cost: float = 0.0
    roi: Interval = field(default_factory=lambda: Interval(None))
    # Why the ROI is unknown (None when it is measured): no cost given, or no action
    # measured against a control group — then the return is unknown, not -100 %.
    roi_note: str | None = None
    p_roi_positive: float | None = None
    draws: int = 0
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["as_of"] = self.as_of.isoformat() if self.as_of else None
        d["lift_used"] = self.lift_used.as_dict() if self.lift_used else None
        d["other_lifts"] = [x.as_dict() for x in self.other_lifts]
        return d


def _customer_lines(conn: Any, bs: BalanceSheet) -> None:
    run = current_prediction_run(conn)
    if run is None:
        bs.notes.append("no customer scores: run `empathos predict` first")
        return
    cs = customer_scores.c
    where = run.where()
    bs.as_of, bs.churn_model, bs.run = run.as_of, f"{run.model} {run.version}", run.label()
    # summed by the database: the book is every customer (a million at 10M contacts) and
    # reading it row by row (JSON drivers decoded per row) took minutes
    est = tuple(ESTIMATED_BASES)
    clv_est = func.coalesce(cs.clv_basis, "fitted").in_(est)
    churn_est = func.coalesce(cs.churn_basis, "fitted").in_(est)
    known_var = cs.value_at_risk.is_not(None)
    avoidable = cs.drivers["avoidable"].as_boolean()
    agg = conn.execute(
        select(
            func.count(),
            func.sum(cs.clv),
            func.sum(cs.value_at_risk),
            func.avg(cs.p_churn),
            func.sum(case((avoidable, cs.value_at_risk), else_=0.0)),
            func.max(case((clv_est, 1), else_=0)),
            func.max(case((and_(known_var, or_(clv_est, churn_est)), 1), else_=0)),
        ).where(where)
    ).one()
    bs.n_customers = int(agg[0])
    bs.clv_total = None if agg[1] is None else float(agg[1])
    bs.value_at_risk = None if agg[2] is None else float(agg[2])
    bs.mean_p_churn = None if agg[3] is None else float(agg[3])
    bs.avoidable_value_at_risk = None if bs.value_at_risk is None else float(agg[4] or 0.0)
    if agg[5]:
        bs.estimated += ["clv_total"]
    if agg[6]:
        bs.estimated += ["value_at_risk", "avoidable_value_at_risk"]
    notes = select(cs.basis_note).where(where, cs.basis_note.is_not(None)).distinct()
    for note in sorted({n for (b,) in conn.execute(notes) if b for n in b.split("; ")}):
        bs.notes.append(note)
    src = (
        select(customers.c.source, func.count())
        .select_from(
            customer_scores.outerjoin(customers, customers.c.customer_id == cs.customer_id)
        )
        .where(where)
        .group_by(customers.c.source)
    )
    bs.sources = {str(k or "unknown"): int(v) for k, v in conn.execute(src)}
    kinds = [k for k, v in bs.sources.items() if v]
    bs.source = kinds[0] if len(kinds) == 1 else ("mixed" if kinds else "none")


def _employee_lines(conn: Any, bs: BalanceSheet) -> None:
    run = current_employee_run(conn)
    if run is None:
        bs.notes.append(
            "no employee scores in the current prediction run: ELV unknown (import employees "
            "and run `empathos predict`)"
        )
        return
    es = employee_scores.c
    rows = conn.execute(
        select(es.attrition_risk, es.elv, es.elv_basis, es.basis_note).where(run.where())
    ).all()
    bs.n_employees = len(rows)
    known = [(float(r), float(e)) for r, e, _, _ in rows if e is not None]
    bs.elv_total = sum(e for _, e in known) if known else None
    # A negative ELV (the employee costs more than the value they protect) is not lost
    # when they leave, so it adds nothing at risk rather than offsetting the others.
    bs.elv_at_risk = sum(r * max(0.0, e) for r, e in known) if known else None
    if any((b or "fitted") in ESTIMATED_BASES for _, e, b, _ in rows if e is not None):
        bs.estimated += ["elv_total", "elv_at_risk"]
    for note in sorted({n for *_, n in rows if n}):
        bs.notes.append(note)
    negative = sum(1 for _, e in known if e < 0)
    if negative:
        bs.notes.append(
            f"{negative} employee(s) with a negative ELV: counted in the ELV total, not at risk"
        )


def monte_carlo_protected(
    lift: MeasuredLift, value_at_risk: float, coverage: float, draws: int = N_DRAWS, seed: int = 0
) -> np.ndarray:
    """Draws of value protected = −lift / control × value at risk × coverage.

    The lift is drawn from N(lift, se) with se from its 95 % CI; the control churn rate
    from N(control, √(c(1−c)/n_control)) (its binomial standard error), floored at a tiny
    positive rate so the ratio stays defined."""
    rng = np.random.default_rng(seed)
    d = rng.normal(lift.lift, lift.se, draws) if lift.se > 0 else np.full(draws, lift.lift)
    c0 = float(lift.control or 0.0)
    n_c = lift.n_control or 0
    c_se = math.sqrt(c0 * (1 - c0) / n_c) if n_c > 0 and 0 < c0 < 1 else 0.0
    c = rng.normal(c0, c_se, draws) if c_se > 0 else np.full(draws, c0)
    c = np.maximum(c, 1e-6)
    return -d / c * value_at_risk * coverage


def _pick_churn_lift(lifts: list[MeasuredLift]) -> MeasuredLift | None:
    """The newest experiment's churn lift (``read_experiments`` lists newest first)."""
    return next((x for x in lifts if x.is_churn and x.control and x.control > 0), None)


def _value_lines(bs: BalanceSheet, lifts: list[MeasuredLift], cost: float, seed: int) -> None:
    bs.lift_used = _pick_churn_lift(lifts)
    bs.other_lifts = [x for x in lifts if x is not bs.lift_used]
    if bs.lift_used is None:
        bs.notes.append(
            NO_ACTION_NOTE + ": value protected is 0 (an effect is booked only once measured "
            "against a control group)"
        )
        draws = np.zeros(N_DRAWS)
    elif bs.value_at_risk is None:
        bs.notes.append("value at risk unknown: the value a measured action protects is unknown")
        bs.value_protected = Interval(None)
        draws = None
    else:
        x = bs.lift_used
        r = -x.lift / float(x.control)  # type: ignore[arg-type]
        draws = monte_carlo_protected(x, bs.value_at_risk, bs.coverage, seed=seed)
        lo, hi = np.quantile(draws, [0.025, 0.975])
        bs.value_protected = Interval(r * bs.value_at_risk * bs.coverage, float(lo), float(hi))
        bs.draws = len(draws)
    if cost > 0 and bs.lift_used is None:
        bs.roi_note = (
            "unknown: no action measured against a control group yet (an experiment with "
            "contacts in both arms and a churn lift), so the return cannot be told"
        )
    elif cost > 0 and draws is None:
        bs.roi_note = "unknown: the value at risk is unknown, so what an action protects is too"
        bs.notes.append("value protected unknown: ROI undefined")
    elif cost > 0:
        roi = (draws - cost) / cost
        point = ((bs.value_protected.point or 0.0) - cost) / cost
        lo, hi = np.quantile(roi, [0.025, 0.975])
        bs.roi = Interval(point, float(lo), float(hi))
        bs.p_roi_positive = float((roi > 0).mean())
    else:
        bs.roi_note = "undefined (no cost given)"
        bs.notes.append("no programme cost given: ROI undefined")
    bs.notes.append(
        "the interval covers the measured lift's uncertainty only; CLV and churn-risk model "
        "uncertainty is not propagated (predict stores point estimates)"
    )


def balance_sheet(
    engine: Engine,
    cost: float = 0.0,
    coverage: float = 1.0,
    lifts: list[MeasuredLift] | None = None,
    seed: int = 0,
) -> BalanceSheet:
    """The balance sheet of the store's latest scores.

    ``lifts`` overrides the learn stage's measured lifts (e.g. to replay a finished
    experiment); by default they are read from the store."""
    if cost < 0:
        raise ValueError("the programme cost cannot be negative")
    if not 0 < coverage <= 1:
        raise ValueError("coverage must be in (0, 1]")
    bs = BalanceSheet(
        as_of=None, source="none", sources={}, programme_cost=float(cost), coverage=coverage
    )
    with engine.connect() as conn:
        _customer_lines(conn, bs)
        _employee_lines(conn, bs)
    if lifts is None:
        exp = read_experiments(engine)
        lifts = exp.lifts
        if exp.note:
            bs.notes.append(exp.note)
    _value_lines(bs, list(lifts), float(cost), seed)
    return bs
