"""OODA: observe the KPIs, orient against benchmarks, decide on ranked actions, act by experiment.

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

import csv
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, delete, func, insert, select

from empathos.learn.coaching import source_label
from empathos.store.queries import (
    current_prediction_run,
    current_score_models,
    interaction_conditions,
)
from empathos.store.schema import (
    customer_journeys,
    customer_scores,
    customers,
    interaction_scores,
    interactions,
    outcomes,
)
from empathos.store.tables_feedback import benchmarks


@dataclass(frozen=True)
class Metric:
    description: str
    unit: str
    higher_is_better: bool


METRICS: dict[str, Metric] = {
    "csat": Metric("mean CSAT answer", "the survey's own scale, e.g. 1-5", True),
    "nps": Metric("net promoter score: % promoters (9-10) - % detractors (0-6)", "-100..100", True),
    "churn_rate_monthly": Metric(
        "customers who churned in the last 30 days / customers at its start", "0..1", False
    ),
    "automation_share": Metric(
        "contacts closed without an employee (self-service / bot)", "0..1", True
    ),
    "resolution_rate": Metric(
        "contacts with a positive 'resolved' outcome / contacts with one", "0..1", True
    ),
    "remembered_score": Metric("mean peak-end (remembered) score of contacts", "-1..1", True),
    "experienced_score": Metric("mean experienced (mean valence) score of contacts", "-1..1", True),
    "contacts_per_customer_month": Metric(
        "contacts in 30 days / customers with a contact", "count", False
    ),
}
REQUIRED = ("metric", "value", "source", "period")
CHURN_WINDOW_DAYS = 14.0  # churn counted within 14 days after a contact (as learn.experiments does)


# ---------------------------------------------------------------------------- benchmarks (orient)


class BenchmarkError(ValueError):
    """A benchmark file that cannot be imported; ``errors`` lists (line, field, message)."""

    def __init__(self, path: str, errors: list[tuple[int, str, str]]) -> None:
        self.errors = errors
        super().__init__("\n".join(f"{path}:{line}: {fld}: {msg}" for line, fld, msg in errors))


@dataclass(frozen=True)
class Benchmark:
    metric: str
    value: float
    source: str
    period: str
    segment: str = ""
    line: int = 0


def read_benchmarks(path: str | Path) -> list[Benchmark]:
    """Parse and validate a benchmark CSV; every error names its line and field."""
    path = Path(path)
    errors: list[tuple[int, str, str]] = []
    out: list[Benchmark] = []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = [r for r in csv.reader(fh)]
    header_at = next(
        (k for k, r in enumerate(rows) if r and not r[0].lstrip().startswith("#")), None
    )
    if header_at is None:
        raise BenchmarkError(
            str(path), [(1, "header", f"empty file; expected columns {','.join(REQUIRED)},segment")]
        )
    header = [h.strip() for h in rows[header_at]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise BenchmarkError(str(path), [(header_at + 1, c, "missing column") for c in missing])
    col = {name: header.index(name) for name in header}
    for k, raw in enumerate(rows[header_at + 1 :], start=header_at + 2):
        if not raw or all(not x.strip() for x in raw) or raw[0].lstrip().startswith("#"):
            continue
        get = lambda name: raw[col[name]].strip() if name in col and col[name] < len(raw) else ""  # noqa: E731
        before = len(errors)
        metric = get("metric")
        if metric not in METRICS:
            errors.append((k, "metric", f"{metric!r} is not a known metric ({', '.join(METRICS)})"))
        try:
            value = float(get("value"))
            if not math.isfinite(value):
                raise ValueError
        except ValueError:
            errors.append((k, "value", f"{get('value')!r} is not a number"))
            value = float("nan")
        for name in ("source", "period"):
            if not get(name):
                errors.append((k, name, "empty; say where the figure comes from and for when"))
        if len(errors) == before:
            out.append(Benchmark(metric, value, get("source"), get("period"), get("segment"), k))
    if errors:
        raise BenchmarkError(str(path), errors)
    return out


def import_benchmarks(engine: Engine, path: str | Path) -> int:
    """Store a validated benchmark file (all or nothing); a re-import of the same
    (metric, source, period, segment) replaces the earlier value. Returns rows stored."""
    rows = read_benchmarks(path)
    now = datetime.now(UTC).replace(tzinfo=None)
    b = benchmarks.c
    with engine.begin() as conn:
        for r in rows:
            conn.execute(
                delete(benchmarks).where(
                    b.metric == r.metric,
                    b.source == r.source,
                    b.period == r.period,
                    b.segment == r.segment,
                )
            )
            conn.execute(
                insert(benchmarks).values(
                    metric=r.metric,
                    value=r.value,
                    source=r.source,
                    period=r.period,
                    segment=r.segment,
                    file=str(path),
                    imported_at=now,
                )
            )
    return len(rows)


def stored_benchmarks(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(benchmarks).order_by(
                benchmarks.c.metric, benchmarks.c.segment, benchmarks.c.period
            )
        )
        return [dict(r._mapping) for r in rows]


# ---------------------------------------------------------------------------- KPIs (observe)


def _frame(engine: Engine, query: Any) -> pd.DataFrame:
    with engine.connect() as conn:
        res = conn.execute(query)
        return pd.DataFrame(res.fetchall(), columns=list(res.keys()))


@dataclass
class Kpi:
    value: float | None
    n: int  # the sample the value stands on
    unit: str = ""


@dataclass(frozen=True)
class Slice:
    """Which contacts the report observes: a period (inclusive days; ``None``: the default
    window up to the newest contact under the filters) and the filters every face shares
    (channel, the customer's language, the handling pod, the brand)."""

    start: date | None = None
    end: date | None = None
    channel: str | None = None
    language: str | None = None
    pod: str | None = None
    company: str | None = None

    def conds(self) -> list[Any]:
        """The non-period filters as WHERE conditions on interactions."""
        return interaction_conditions(
            channel=self.channel, language=self.language, pod=self.pod, company=self.company
        )

    def filtered(self) -> bool:
        return any((self.channel, self.language, self.pod, self.company))

    def window(self, engine: Engine, span: timedelta) -> tuple[datetime, datetime] | None:
        """(since, until): the chosen period, else ``span`` up to the newest filtered contact."""
        until = (
            datetime.combine(self.end + timedelta(days=1), datetime.min.time())
            - timedelta(microseconds=1)
            if self.end
            else _latest(engine, self.conds())
        )
        if until is None:
            return None
        since = datetime.combine(self.start, datetime.min.time()) if self.start else until - span
        return since, until


ALL = Slice()


def _slice_customers(engine: Engine, sl: Slice) -> set[str] | None:
    """The customers with a contact in the filtered slice (any time); None: no filter."""
    if not sl.filtered():
        return None
    i = interactions.c
    q = select(i.customer_id).where(i.customer_id.is_not(None), *sl.conds()).distinct()
    with engine.connect() as conn:
        return {str(x) for x in conn.execute(q).scalars()}


def _contacts(
    engine: Engine,
    since: datetime | None,
    until: datetime | None,
    segment: str | None,
    sl: Slice = ALL,
) -> pd.DataFrame:
    i = interactions.c
    q = select(i.interaction_id, i.customer_id, i.started_at, i.employee_id, i.source).where(
        *sl.conds()
    )
    if since is not None:
        q = q.where(i.started_at >= since)
    if until is not None:
        q = q.where(i.started_at <= until)
    if segment:
        q = q.where(
            i.customer_id.in_(select(customers.c.customer_id).where(customers.c.segment == segment))
        )
    df = _frame(engine, q)
    model = current_score_models(engine)
    if model is not None and not df.empty:
        s = interaction_scores.c
        sc = _frame(
            engine,
            select(s.interaction_id, s.remembered, s.experienced).where(
                s.model == model[0],
                s.version == model[1],
                s.empathy_model == model[2],
                s.empathy_version == model[3],
                s.interaction_id.in_(q.with_only_columns(i.interaction_id)),
            ),
        )
        df = df.merge(sc, on="interaction_id", how="left")
    else:
        df = df.assign(remembered=np.nan, experienced=np.nan)
    return df


def _latest(engine: Engine, conds: list[Any] | None = None) -> datetime | None:
    with engine.connect() as conn:
        return conn.execute(
            select(func.max(interactions.c.started_at)).where(*(conds or []))
        ).scalar()


def current_kpis(
    engine: Engine, days: int = 30, segment: str | None = None, sl: Slice = ALL
) -> dict[str, Any]:
    """Our KPIs over the last ``days`` days of data under the slice's filters (or over
    its period when one is chosen; optionally one customer segment)."""
    span = sl.window(engine, timedelta(days=days))
    if span is None:
        return {"window": None, "source": "no data", "kpis": {}}
    since, until = span
    if sl.start or sl.end:
        days = max(1, round((until - since).total_seconds() / 86400))
    c = _contacts(engine, since, until, segment, sl)
    o = outcomes.c
    outs = _frame(
        engine,
        select(o.kind, o.value, o.ts, o.customer_id, o.interaction_id).where(
            o.kind.in_(["csat", "nps", "resolved", "churn"])
        ),
    )
    ids = set(c["interaction_id"])
    by = {
        k: outs[(outs["kind"] == k) & outs["interaction_id"].isin(ids)]["value"].astype(float)
        for k in ("csat", "nps", "resolved")
    }
    churn = outs[outs["kind"] == "churn"]
    in_slice = _slice_customers(engine, sl)
    if in_slice is not None:  # a brand/channel/...: its customers, not the whole book
        churn = churn[churn["customer_id"].isin(in_slice)]
    if segment:
        seg_customers = set(
            _frame(engine, select(customers.c.customer_id).where(customers.c.segment == segment))[
                "customer_id"
            ]
        )
        churn = churn[churn["customer_id"].isin(seg_customers)]
        n_customers = len(seg_customers if in_slice is None else seg_customers & in_slice)
    elif in_slice is not None:
        n_customers = len(in_slice)
    else:
        with engine.connect() as conn:
            n_customers = int(
                conn.execute(select(func.count()).select_from(customers)).scalar() or 0
            )
    churn_ts = pd.to_datetime(churn["ts"])
    churned_before = int((churn_ts < since).sum())
    churned_now = int(((churn_ts >= since) & (churn_ts <= until)).sum())
    at_start = max(n_customers - churned_before, 0)
    nps = by["nps"]
    k: dict[str, Kpi] = {
        "csat": Kpi(_m(by["csat"]), len(by["csat"])),
        "nps": Kpi(
            None if nps.empty else round(100 * float((nps >= 9).mean() - (nps <= 6).mean()), 1),
            len(nps),
        ),
        "churn_rate_monthly": Kpi(
            round(churned_now / at_start * 30 / days, 4) if at_start else None, at_start
        ),
        "automation_share": Kpi(
            round(float(c["employee_id"].isna().mean()), 4) if len(c) else None, len(c)
        ),
        "resolution_rate": Kpi(
            round(float((by["resolved"] > 0).mean()), 4) if len(by["resolved"]) else None,
            len(by["resolved"]),
        ),
        "remembered_score": Kpi(_m(c["remembered"]), int(c["remembered"].notna().sum())),
        "experienced_score": Kpi(_m(c["experienced"]), int(c["experienced"].notna().sum())),
        "contacts_per_customer_month": Kpi(
            round(len(c) / c["customer_id"].nunique() * 30 / days, 3) if len(c) else None,
            int(c["customer_id"].nunique()),
        ),
    }
    for name, kpi in k.items():
        kpi.unit = METRICS[name].unit
    return {
        "window": {
            "from": since.isoformat(),
            "to": until.isoformat(),
            "days": days,
            "chosen": "period" if sl.start or sl.end else f"latest {days} days with data",
        },
        "segment": segment or "",
        "source": source_label(c["source"]),
        "n_contacts": len(c),
        "kpis": {n: asdict(v) for n, v in k.items()},
    }


def _m(x: pd.Series) -> float | None:
    x = pd.to_numeric(x, errors="coerce").dropna()
    return None if x.empty else round(float(x.mean()), 4)


def observe(engine: Engine, weeks: int = 12, sl: Slice = ALL) -> dict[str, Any]:
    """Weekly KPI series over the last ``weeks`` weeks of data under the slice's filters
    (or its chosen period), and value at risk per prediction date."""
    span = sl.window(engine, timedelta(weeks=weeks))
    if span is None:
        return {"source": "no data", "weekly": [], "value_at_risk": []}
    since, until = span
    c = _contacts(engine, since, until, None, sl)
    ts = pd.to_datetime(c["started_at"])
    c["week"] = ts.dt.normalize() - pd.to_timedelta(ts.dt.day_of_week, unit="D")
    o = outcomes.c
    outs = _frame(
        engine,
        select(o.kind, o.value, o.ts, o.interaction_id, o.customer_id).where(
            o.kind.in_(["churn", "csat"]),
            o.ts >= since,
            *([o.ts <= until] if sl.end else []),  # a chosen end bounds outcomes too
        ),
    )
    in_slice = _slice_customers(engine, sl)
    if in_slice is not None:  # csat of the slice's contacts, churn of its customers
        ids = set(c["interaction_id"])
        keep = (outs["kind"] == "csat") & outs["interaction_id"].isin(ids)
        keep |= (outs["kind"] == "churn") & outs["customer_id"].isin(in_slice)
        outs = outs[keep].copy()
    ots = pd.to_datetime(outs["ts"])
    outs["week"] = ots.dt.normalize() - pd.to_timedelta(ots.dt.day_of_week, unit="D")
    weekly = []
    for wk, g in c.groupby("week"):
        ow = outs[outs["week"] == wk]
        weekly.append(
            {
                "week": wk.date().isoformat(),
                "contacts": len(g),
                "automation_share": round(float(g["employee_id"].isna().mean()), 4),
                "remembered_score": _m(g["remembered"]),
                "experienced_score": _m(g["experienced"]),
                "churned_customers": int((ow["kind"] == "churn").sum()),
                "csat": _m(ow[ow["kind"] == "csat"]["value"]),
                "n_csat": int((ow["kind"] == "csat").sum()),
            }
        )
    cs = customer_scores.c
    var = _frame(
        engine,
        select(
            cs.model,
            cs.version,
            cs.as_of,
            func.count().label("customers"),
            # SUM/AVG skip NULLs and give NULL when nothing is known: unknown, not 0
            func.sum(cs.value_at_risk).label("value_at_risk"),
            func.count(cs.value_at_risk).label("customers_with_value"),
            func.avg(cs.p_churn).label("mean_p_churn"),
        )
        .group_by(cs.model, cs.version, cs.as_of)
        .order_by(cs.as_of, cs.model, cs.version),
    )
    run = current_prediction_run(engine)
    history = []
    for r in var.to_dict("records"):
        is_current = run is not None and (r["model"], r["version"], pd.Timestamp(r["as_of"])) == (
            run.model,
            run.version,
            pd.Timestamp(run.as_of),
        )
        history.append({**_no_nan(r), "as_of": str(r["as_of"]), "current": is_current})
    current = next((h for h in history if h["current"]), None)
    return {
        "source": source_label(c["source"]),
        "n_contacts": len(c),
        "window": {"from": since.isoformat(), "to": until.isoformat()},
        "weekly": weekly,
        # every run by date (history); the one every face reads is "prediction_run"
        "value_at_risk": history,
        "prediction_run": None if current is None else {**current, "run": run.label()},
    }


def _no_nan(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}


def orient(engine: Engine, days: int = 30, sl: Slice = ALL) -> list[dict[str, Any]]:
    """Each stored benchmark beside our figure for the same metric and segment."""
    cache: dict[str, dict[str, Any]] = {}
    out = []
    for b in stored_benchmarks(engine):
        seg = b["segment"] or ""
        if seg not in cache:
            cache[seg] = current_kpis(engine, days, seg or None, sl)
        ours = cache[seg]["kpis"].get(b["metric"], {})
        value = ours.get("value")
        gap = None if value is None else round(value - b["value"], 4)
        hib = METRICS[b["metric"]].higher_is_better
        verdict = (
            None
            if gap is None
            else ("level" if gap == 0 else ("ahead" if (gap > 0) == hib else "behind"))
        )
        out.append(
            {
                "metric": b["metric"],
                "segment": seg,
                "ours": value,
                "n": ours.get("n", 0),
                "benchmark": b["value"],
                "benchmark_source": b["source"],
                "period": b["period"],
                "gap": gap,
                "verdict": verdict,
                "our_source": cache[seg]["source"],
            }
        )
    return out


# ---------------------------------------------------------------------------- actions (decide)


@dataclass(frozen=True)
class ActionSpec:
    name: str
    description: str
    target: str  # which customers' value at risk it addresses (a key of _TARGETS)
    policy: str | None = None  # routing policy it switches on (act = start an experiment)
    assumed_shift_sd: float = (
        0.5  # assumed +SD of remembered score, used only without an experiment
    )


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(
        "empathy-routing",
        "route customers with a negative emotional memory to the members who end contacts best "
        "(policy 'empathy')",
        "negative_memory",
        "empathy",
        0.5,
    ),
    ActionSpec(
        "bandit-routing",
        "learn member x customer-state fit online (policy 'bandit', Thompson sampling)",
        "contacted",
        "bandit",
        0.3,
    ),
    ActionSpec(
        "recover-worsened",
        "proactive follow-up within 48 h of a contact that ended worse than it started",
        "last_worsened",
        None,
        0.5,
    ),
    ActionSpec(
        "reduce-effort",
        "no repeat/transfer: call back customers whose last contact was a re-contact or "
        "transferred",
        "high_effort",
        None,
        0.3,
    ),
    ActionSpec(
        "coach-endings",
        "coach the quarter of employees with the lowest end valence on closing well",
        "bottom_enders",
        None,
        0.3,
    ),
)


@dataclass
class Effect:
    delta_p: float  # absolute reduction of P(churn) (positive = fewer churns)
    low: float
    high: float
    basis: str
    causal: bool
    n: int
    source: str


@dataclass
class RankedAction:
    rank: int
    name: str
    description: str
    policy: str | None
    n_customers: int
    value_at_risk: float | None  # None: unknown (the current run has no CLV/churn risk)
    expected_value: float | None
    ev_low: float | None
    ev_high: float | None
    effect: dict[str, Any] | None
    note: str = ""


def expected_value(clv: np.ndarray, p: np.ndarray, delta_p: float) -> float:
    """Σ CLV_i × clip(Δp, −(1−p_i), p_i): value kept if P(churn) falls by Δp (never below 0
    nor above 1 per customer)."""
    if len(clv) == 0:
        return 0.0
    return float(np.sum(clv * np.clip(delta_p, -(1.0 - p), p)))


def rank(items: Sequence[RankedAction]) -> list[RankedAction]:
    """Measured actions by expected value (then its lower bound), unmeasured ones last."""
    measured = sorted(
        (a for a in items if a.expected_value is not None),
        key=lambda a: (-a.expected_value, -(a.ev_low or 0.0), a.name),
    )
    rest = sorted(
        (a for a in items if a.expected_value is None),
        key=lambda a: (-(a.value_at_risk or 0.0), a.name),
    )
    out = measured + rest
    for k, a in enumerate(out, start=1):
        a.rank = k
    return out


def customer_values(engine: Engine) -> pd.DataFrame:
    """The current prediction run's p_churn, clv, value_at_risk per customer
    (:func:`empathos.store.queries.current_prediction_run`)."""
    cs = customer_scores.c
    head = current_prediction_run(engine)
    if head is None:
        return pd.DataFrame(columns=["customer_id", "p_churn", "clv", "value_at_risk"])
    return _frame(
        engine,
        select(cs.customer_id, cs.p_churn, cs.clv, cs.value_at_risk).where(
            cs.model == head.model, cs.version == head.version, cs.as_of == head.as_of
        ),
    )


def _targets(engine: Engine) -> dict[str, set[str]]:
    """Customer ids each action target addresses (from the newest scores of each contact)."""
    model = current_score_models(engine)
    out: dict[str, set[str]] = {
        k: set()
        for k in ("negative_memory", "contacted", "last_worsened", "high_effort", "bottom_enders")
    }
    if model is None:
        return out
    i, s = interactions.c, interaction_scores.c
    c = _frame(
        engine,
        select(
            i.customer_id,
            i.employee_id,
            i.started_at,
            s.outcome,
            s.end_valence,
            s.recontact,
            s.transfers,
        )
        .select_from(interactions.join(interaction_scores, s.interaction_id == i.interaction_id))
        .where(
            s.model == model[0],
            s.version == model[1],
            s.empathy_model == model[2],
            s.empathy_version == model[3],
            i.customer_id.is_not(None),
        ),
    )
    if c.empty:
        return out
    last = c.sort_values("started_at").groupby("customer_id").tail(1)
    out["contacted"] = set(c.loc[c["employee_id"].notna(), "customer_id"])
    out["last_worsened"] = set(last.loc[last["outcome"] == "worsened", "customer_id"])
    out["high_effort"] = set(
        last.loc[(last["recontact"] > 0) | (last["transfers"] > 0), "customer_id"]
    )
    handled = c[c["employee_id"].notna()]
    if not handled.empty:
        by_emp = handled.groupby("employee_id")["end_valence"].mean().dropna()
        if len(by_emp) >= 4:
            bottom = set(by_emp[by_emp <= by_emp.quantile(0.25)].index)
            last_h = handled.sort_values("started_at").groupby("customer_id").tail(1)
            out["bottom_enders"] = set(
                last_h.loc[last_h["employee_id"].isin(bottom), "customer_id"]
            )
    j = customer_journeys.c
    mem = _frame(
        engine, select(j.customer_id, j.memory).where(j.model == model[0], j.version == model[1])
    )
    out["negative_memory"] = set(mem.loc[mem["memory"] < 0, "customer_id"])
    return out


def _experiment_effects(engine: Engine) -> dict[str, Effect]:
    """Per treatment policy, the churn lift of its newest stored experiment (causal)."""
    from empathos.learn.experiments import experiment_report
    from empathos.store.tables_learn import experiments

    with engine.connect() as conn:
        rows = conn.execute(
            select(experiments.c.name, experiments.c.treatment_policy).order_by(
                experiments.c.started_at
            )
        ).all()
    out: dict[str, Effect] = {}
    for name, policy in rows:
        try:
            rep = experiment_report(engine, name)
        except (KeyError, ValueError):
            continue
        lift = next((x for x in rep.lifts if x.kpi.startswith("churn_")), None)
        if lift is None or lift.diff is None or lift.ci_low is None or lift.ci_high is None:
            continue  # too few observations: no interval, so not a measurement yet
        out[policy] = Effect(
            -lift.diff,
            -lift.ci_high,
            -lift.ci_low,
            f"experiment {name!r}: {lift.kpi} treatment vs control, {lift.test}",
            True,
            lift.n_treatment + lift.n_control,
            lift.source,
        )
    return out


def _association(engine: Engine) -> Effect | None:
    """Churn change per +1 SD of remembered score (``predict.effects``), or None."""
    try:
        from empathos.predict.effects import contact_outcomes, effect_table
    except ImportError:  # the predict stage's effects table is optional
        return None
    frame = contact_outcomes(engine, window_days=CHURN_WINDOW_DAYS)
    if frame is None or frame.empty:
        return None
    rows = [r for r in effect_table(frame, ("churn",), n_boot=200) if r.outcome == "churn"]
    if not rows or not math.isfinite(rows[0].slope_per_sd):
        return None
    r = rows[0]
    src = source_label(_frame(engine, select(interactions.c.source))["source"])
    return Effect(
        -r.slope_per_sd,
        -r.slope_ci[1],
        -r.slope_ci[0],
        "association of remembered score with churn (predict.effects), not causal",
        False,
        r.n_contacts,
        src,
    )


def decide(engine: Engine, actions: Sequence[ActionSpec] = ACTIONS) -> list[RankedAction]:
    """The ranked actions with expected value and its interval (see the module docstring)."""
    values = customer_values(engine)
    targets = _targets(engine)
    measured = _experiment_effects(engine)
    assoc = _association(engine)
    known_any = bool(values[["clv", "p_churn"]].notna().all(axis=1).any()) if len(values) else False
    items = []
    for a in actions:
        v = values[values["customer_id"].isin(targets.get(a.target, set()))].dropna(
            subset=["clv", "p_churn"]
        )
        clv, p = v["clv"].to_numpy(float), v["p_churn"].to_numpy(float)
        known_var = v["value_at_risk"].dropna()
        var = float(known_var.sum()) if len(known_var) else 0.0
        eff = measured.get(a.policy) if a.policy else None
        note = ""
        if eff is None and assoc is not None:
            s = a.assumed_shift_sd
            eff = Effect(
                assoc.delta_p * s,
                assoc.low * s,
                assoc.high * s,
                f"{assoc.basis} x assumed +{s} SD remembered score",
                False,
                assoc.n,
                assoc.source,
            )
            note = "assumed shift: start an experiment to measure it"
        if values.empty:
            note = "no stored predictions: run `empathos predict` for value at risk"
        elif not known_any:
            items.append(
                RankedAction(
                    0, a.name, a.description, a.policy, 0, None, None, None, None, None,
                    "value at risk unknown: the current prediction run has no CLV or churn "
                    "risk (see `empathos predict`'s notes)",
                )
            )  # fmt: skip
            continue
        if eff is None:
            items.append(
                RankedAction(
                    0,
                    a.name,
                    a.description,
                    a.policy,
                    len(v),
                    round(var, 2),
                    None,
                    None,
                    None,
                    None,
                    note or "unmeasured: start an experiment",
                )
            )
            continue
        evs = [expected_value(clv, p, d) for d in (eff.delta_p, eff.low, eff.high)]
        items.append(
            RankedAction(
                0,
                a.name,
                a.description,
                a.policy,
                len(v),
                round(var, 2),
                round(evs[0], 2),
                round(min(evs[1:]), 2),
                round(max(evs[1:]), 2),
                asdict(eff),
                note,
            )
        )
    return rank(items)


# ---------------------------------------------------------------------------- act


def apply_action(
    engine: Engine,
    name: str,
    control_share: float = 0.2,
    cycle_minutes: float | None = None,
    started_at: datetime | None = None,
    actions: Sequence[ActionSpec] = ACTIONS,
) -> dict[str, Any]:
    """Switch on an action's routing policy as a new measured experiment (treatment = the
    policy, control = ``fifo`` on ``control_share`` of contacts or time slices)."""
    from empathos.act.routing import available_policies
    from empathos.learn.experiments import ExperimentConfig, start_experiment

    spec = next((a for a in actions if a.name == name), None)
    if spec is None:
        raise KeyError(f"no action {name!r}; known: {', '.join(a.name for a in actions)}")
    if spec.policy is None:
        raise ValueError(
            f"action {name!r} is not a routing policy change; run it as a pilot and measure it there"
        )
    if spec.policy not in available_policies():
        raise ValueError(
            f"policy {spec.policy!r} is not registered; available: {', '.join(available_policies())}"
        )
    when = started_at or datetime.now(UTC).replace(tzinfo=None)
    cfg = ExperimentConfig(
        name=f"ooda-{name}-{when:%Y%m%d%H%M}",
        treatment=spec.policy,
        control="fifo",
        control_share=control_share,
        cycle_minutes=cycle_minutes,
    )
    src = source_label(_frame(engine, select(interactions.c.source))["source"])
    start_experiment(
        engine,
        cfg,
        when,
        source=src if src in ("imported", "sample", "simulated") else "mixed",
        details={"action": name, "started_by": "ooda"},
    )
    return {
        "experiment": cfg.name,
        "treatment": cfg.treatment,
        "control": cfg.control,
        "control_share": cfg.control_share,
        "cycle_minutes": cycle_minutes,
        "started_at": when.isoformat(),
    }


# ---------------------------------------------------------------------------- the loop


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


def ooda_report(engine: Engine, weeks: int = 12, days: int = 30, sl: Slice = ALL) -> OodaReport:
    """Observe, orient and decide in one report (act is a separate, explicit call).

    ``sl`` narrows observe and orient to a period and the shared filters; decide ranks
    actions over every customer's value at risk (the latest predict run) whatever the
    slice, and says so in the notes when a filter is set."""
    obs = observe(engine, weeks, sl)
    cur = current_kpis(engine, days, sl=sl)
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
        orient=orient(engine, days, sl),
        decide=[asdict(a) for a in decide(engine)],
        notes=notes,
    )
