"""Adapters from the later stages' library calls (act, learn, assess) to page content.

The dashboard sits on top of every stage, but those stages are built separately; each
adapter asks the stage's library for its figures and, when the stage (or its data) is
not there, returns a :class:`StageResult` that says so plainly — a page never shows a
number the library did not compute.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from sqlalchemy import Engine, select

from empathos.store.schema import employees, pods as pods_table
from empathos.web.aggregates import Filters


@dataclass
class Table:
    """A table for a page: caption, column headings, rows of display values."""

    caption: str
    columns: list[str]
    rows: list[list[Any]]


@dataclass
class StageResult:
    """What a stage page shows: KPIs, tables, figures — or why there is nothing yet."""

    title: str
    intro: str
    available: bool = False
    missing: str = ""
    kpis: list[tuple[str, str]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    figures: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    form: dict[str, Any] | None = None


def load(module: str, name: str) -> Callable[..., Any] | None:
    """``module.name`` if that stage has landed it, else None (never raises ImportError)."""
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return None
    fn = getattr(mod, name, None)
    return fn if callable(fn) else None


def pending(title: str, intro: str, what: str) -> StageResult:
    """The honest empty state: this stage has no data or feature yet."""
    return StageResult(title=title, intro=intro, available=False, missing=what)


# --------------------------------------------------------------------------- act
def act_summary(engine: Engine) -> dict[str, Any] | None:
    """Routing figures of the act stage, when it exposes them (None: not yet)."""
    return None


def pods(engine: Engine) -> list[dict[str, Any]]:
    """The pods in the store with their members' names and functions."""
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(select(pods_table).order_by(
            pods_table.c.pod_id))]
        staff = {r.employee_id: r for r in conn.execute(
            select(employees.c.employee_id, employees.c.name, employees.c.function,
                   employees.c.pod_id))}
    for p in rows:
        p["members"] = [
            {"employee_id": m, "name": getattr(staff.get(m), "name", None),
             "function": getattr(staff.get(m), "function", None)}
            for m in (p.get("member_ids") or [])
        ]
    return rows


def live(request: Request) -> StageResult:
    """Live contacts and their assist cards (the live stage's state), or why none."""
    return pending("Live contacts", "Contacts in progress and the assist card each employee "
                   "sees.", "the live-contacts stage (empathos.act.live) has not landed yet: "
                   "no live contacts or assist cards to show.")


# --------------------------------------------------------------------------- learn
def learn_summary(engine: Engine) -> dict[str, Any] | None:
    """The measured lift of the latest experiment (None: not yet)."""
    return None


def coaching(request: Request, f: Filters) -> StageResult:
    return pending("Coaching", "Per employee: the behaviours to coach (empathy mechanisms, "
                   "how contacts end), from what they do, never what they feel.",
                   "the coaching library (empathos.learn.coaching) has not landed yet.")


def experiments(request: Request, f: Filters) -> StageResult:
    return pending("Experiments", "Every change is measured against a control group: "
                   "treatment vs control with the lift and its confidence interval.",
                   "the experiments library (empathos.learn.experiments) has not landed yet: "
                   "no lift has been measured.")


def ooda(request: Request, f: Filters) -> StageResult:
    return pending("OODA", "Observe (KPIs), orient (benchmarks), decide (ranked actions "
                   "with expected value), act.",
                   "the OODA library (empathos.learn.ooda) has not landed yet.")


# --------------------------------------------------------------------------- assess
def maturity(request: Request) -> StageResult:
    return pending("Maturity assessment", "Where the company stands on transactional → "
                   "interaction → engagement → empathy, per pillar, with the evidence and the "
                   "blind spots.", "the assessment library (empathos.assess) has not landed yet.")


def balance(request: Request) -> StageResult:
    return pending("Empathy balance sheet", "CLV and ELV totals, value at risk, value "
                   "protected by measured actions, programme cost and ROI with its "
                   "uncertainty.", "the balance-sheet library (empathos.assess) has not "
                   "landed yet.")


def pilot(request: Request) -> StageResult:
    return pending("Pilot planner", "Pick a pod and a policy, simulate six weeks on the "
                   "company's own parameters: the expected lift and the sample size needed.",
                   "the pilot planner (empathos.assess) has not landed yet.")
