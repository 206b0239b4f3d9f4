"""OODA: observe the KPIs, orient against benchmarks, decide on ranked actions, act by experiment.

One module per step (``observe`` holds orient too: both read our KPIs), this package the
loop (:func:`ooda_report`) and the names the faces import.

* **Observe** — the KPIs over time (per ISO week): contacts, automation share (contacts
  closed without an employee), mean remembered and experienced score, churned customers,
  CSAT; and the value at risk (Σ P(churn) × CLV) of every stored prediction date.
* **Orient** — competitor / industry figures from a benchmark CSV (format below and in
  docs/learn_loop.md) are stored (table ``benchmarks``) and set beside our current KPIs
  (the last ``days`` days of data), overall or per customer segment.
* **Decide** — a ranked list of actions. Each action targets customers (e.g. those whose
  last contact ended worse than it started) whose value at risk it could address; its
  expected value is ``Σ_targeted CLV_i × clip(Δp, −(1−p_i), p_i)`` with ``Δp`` the
  reduction of the churn probability it is expected to bring, and an interval from Δp's
  confidence interval. Δp comes, in this order of preference, from
  (1) a measured experiment of the action's routing policy (treatment vs control churn
  share, ``learn.experiments.experiment_report``) — a causal estimate; or
  (2) the association between the remembered score and later churn (``predict.effects``,
  slope per +1 SD) times the shift the action is assumed to bring (stated per action) —
  an association, *not* a causal effect, and labelled so; otherwise the action is listed
  as unmeasured. Actions are ranked by expected value, unmeasured ones last.
* **Act** — applying an action that changes the routing policy starts a new measured
  experiment (``learn.experiments.start_experiment``: the new policy as treatment, the
  baseline ``fifo`` as control, a control share by default), so its effect is measured,
  never assumed.

Benchmark CSV: header ``metric,value,source,period,segment`` (``segment`` optional, empty
= all customers); ``metric`` one of :data:`METRICS`; ``value`` a number in the metric's
unit; ``source`` and ``period`` non-empty text. Errors name the file, line and field.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import Engine

from empathos.learn.ooda.act import apply_action
from empathos.learn.ooda.benchmarks import (
    Benchmark,
    BenchmarkError,
    import_benchmarks,
    read_benchmarks,
    stored_benchmarks,
)
from empathos.learn.ooda.decide import (
    ACTIONS,
    ActionSpec,
    Effect,
    RankedAction,
    customer_values,
    decide,
    expected_value,
    rank,
)
from empathos.learn.ooda.metrics import CHURN_WINDOW_DAYS, METRICS, Metric
from empathos.learn.ooda.observe import ALL, Kpi, Slice, current_kpis, observe, orient

__all__ = [
    "ACTIONS",
    "ALL",
    "CHURN_WINDOW_DAYS",
    "METRICS",
    "ActionSpec",
    "Benchmark",
    "BenchmarkError",
    "Effect",
    "Kpi",
    "Metric",
    "OodaReport",
    "RankedAction",
    "Slice",
    "apply_action",
    "current_kpis",
    "customer_values",
    "decide",
    "expected_value",
    "import_benchmarks",
    "observe",
    "ooda_report",
    "orient",
    "rank",
    "read_benchmarks",
    "stored_benchmarks",
]


@dataclass
class OodaReport:
    source: str
    observe: dict[str, Any]
    current: dict[str, Any]
    orient: list[dict[str, Any]]
    decide: list[dict[str, Any]]
    act: str = (
        "apply an action with `empathos ooda --act NAME` (POST /ooda/act): it starts a measured "
        "experiment of its routing policy against fifo"
    )
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def ooda_report(
    engine: Engine,
    weeks: int = 12,
    days: int = 30,
    sl: Slice = ALL,
    decided: list[dict[str, Any]] | None = None,
    observed: dict[str, Any] | None = None,
    current: dict[str, Any] | None = None,
) -> OodaReport:
    """Observe, orient and decide in one report (act is a separate, explicit call).

    ``sl`` narrows observe and orient to a period and the shared filters; decide ranks
    actions over every customer's value at risk (the latest predict run) whatever the
    slice, and says so in the notes when a filter is set. ``decided``: that ranking
    already computed (the dashboard keeps it per predict run, ``empathos.web.ooda_decide``)
    instead of computing it here; likewise ``observed`` and ``current`` (observe's answer
    and the current KPIs, from the dashboard's per-day summaries)."""
    obs = observed if observed is not None else observe(engine, weeks, sl)
    cur = current if current is not None else current_kpis(engine, days, sl=sl)
    notes = []
    if cur.get("source") not in ("imported",):
        notes.append(
            f"data source: {cur.get('source')} — figures are not from imported company data"
            if cur.get("source") != "no data"
            else "the store holds no contacts yet"
        )
    if sl.filtered():
        notes.append(
            "decide ranks actions over every customer's value at risk: the filters apply "
            "to observe and orient only"
        )
    return OodaReport(
        source=cur.get("source", "no data"),
        observe=obs,
        current=cur,
        orient=orient(engine, days, sl, {"": cur}),
        decide=decided if decided is not None else [asdict(a) for a in decide(engine)],
        notes=notes,
    )
