"""Observe (KPIs per week, over a slice of the contacts) and orient (our KPIs beside the
benchmarks)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, func, select

from empathos.learn.coaching import source_label
from empathos.learn.ooda.benchmarks import stored_benchmarks
from empathos.learn.ooda.metrics import METRICS
from empathos.store.queries import (
    current_prediction_run,
    current_score_models,
    interaction_conditions,
    predicted_csat,
)
from empathos.store.schema import (
    customer_scores,
    customers,
    interaction_scores,
    interactions,
    outcomes,
)


def read_frame(engine: Engine, query: Any) -> pd.DataFrame:
    """The rows of ``query`` as a frame (the OODA steps all read the store this way)."""
    with engine.connect() as conn:
        res = conn.execute(query)
        # plain tuples: given Rows, pandas probes each one's attributes (10x slower)
        return pd.DataFrame([tuple(r) for r in res], columns=list(res.keys()))


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
    df = read_frame(engine, q)
    model = current_score_models(engine)
    if model is not None and not df.empty:
        s = interaction_scores.c
        sc = read_frame(
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
    with engine.connect() as conn:  # calibrated where surveys allow, else the model's
        pc = predicted_csat(conn, list(df["interaction_id"])) if not df.empty else {}
    return df.assign(predicted_csat=df["interaction_id"].map(pc).astype(float))


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
    outs = read_frame(
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
            read_frame(
                engine, select(customers.c.customer_id).where(customers.c.segment == segment)
            )["customer_id"]
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
    k = kpis_in_order(
        outcome_kpis(by, pd.to_datetime(churn["ts"]), n_customers, since, until, days)
        | {
            "automation_share": Kpi(
                round(float(c["employee_id"].isna().mean()), 4) if len(c) else None, len(c)
            ),
            "remembered_score": Kpi(mean_of(c["remembered"]), int(c["remembered"].notna().sum())),
            "experienced_score": Kpi(
                mean_of(c["experienced"]), int(c["experienced"].notna().sum())
            ),
            "predicted_csat": Kpi(
                mean_of(c["predicted_csat"]), int(c["predicted_csat"].notna().sum())
            ),
            "contacts_per_customer_month": Kpi(
                round(len(c) / c["customer_id"].nunique() * 30 / days, 3) if len(c) else None,
                int(c["customer_id"].nunique()),
            ),
        }
    )
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


def outcome_kpis(
    by: dict[str, pd.Series],
    churn_ts: pd.Series,
    n_customers: int,
    since: datetime,
    until: datetime,
    days: int,
) -> dict[str, Kpi]:
    """The KPIs read from outcomes (survey answers, resolution, churn events): one formula
    for the library's per-contact path and the dashboard's per-day-summary path
    (:mod:`empathos.web.ooda_pre`), so the two cannot drift apart."""
    churned_before = int((churn_ts < since).sum())
    churned_now = int(((churn_ts >= since) & (churn_ts <= until)).sum())
    at_start = max(n_customers - churned_before, 0)
    nps = by["nps"]
    return {
        "csat": Kpi(mean_of(by["csat"]), len(by["csat"])),
        "nps": Kpi(
            None if nps.empty else round(100 * float((nps >= 9).mean() - (nps <= 6).mean()), 1),
            len(nps),
        ),
        "churn_rate_monthly": Kpi(
            round(churned_now / at_start * 30 / days, 4) if at_start else None, at_start
        ),
        "resolution_rate": Kpi(
            round(float((by["resolved"] > 0).mean()), 4) if len(by["resolved"]) else None,
            len(by["resolved"]),
        ),
    }


def kpis_in_order(k: dict[str, Kpi]) -> dict[str, Kpi]:
    """Every KPI of :data:`METRICS`, in its order, each with its unit (pages and the API
    list them in that order)."""
    out = {name: k[name] for name in METRICS}
    for name, kpi in out.items():
        kpi.unit = METRICS[name].unit
    return out


def mean_of(x: pd.Series) -> float | None:
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
    outs = read_frame(
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
                "remembered_score": mean_of(g["remembered"]),
                "experienced_score": mean_of(g["experienced"]),
                "churned_customers": int((ow["kind"] == "churn").sum()),
                "csat": mean_of(ow[ow["kind"] == "csat"]["value"]),
                "n_csat": int((ow["kind"] == "csat").sum()),
            }
        )
    history, current = value_at_risk_history(engine)
    return {
        "source": source_label(c["source"]),
        "n_contacts": len(c),
        "window": {"from": since.isoformat(), "to": until.isoformat()},
        "weekly": weekly,
        # every run by date (history); the one every face reads is "prediction_run"
        "value_at_risk": history,
        "prediction_run": current,
    }


def value_at_risk_history(
    engine: Engine,
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """The value at risk of every stored prediction run by date, and the current run's
    (the one every face reads, with its label) or None."""
    cs = customer_scores.c
    var = read_frame(
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
    return history, None if current is None else {**current, "run": run.label()}


def _no_nan(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}


def orient(
    engine: Engine,
    days: int = 30,
    sl: Slice = ALL,
    known: dict[str, dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Each stored benchmark beside our figure for the same metric and segment
    (``known``: the current KPIs already computed, by segment, "" for all customers)."""
    cache: dict[str, dict[str, Any]] = dict(known or {})
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
