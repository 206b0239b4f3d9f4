"""The OODA page's observe step and current KPIs from the per-day summaries.

Why: :func:`empathos.learn.ooda.observe.observe` and ``current_kpis`` load every contact of
the window with its scores and predicted CSAT into pandas (OODA at 1M synthetic contacts:
~5 s for these two, linear in the store). Their contact figures are means per ISO week or
over the window: here they are sums of ``web_coach_daily`` (contacts, automated, non-null
remembered / experienced) and ``web_csat_daily`` (predicted CSAT) rows. What is not a sum
of days is still asked of the database, in SQL rather than pandas: the distinct customers
of the window, the outcomes (surveys, churn) of its contacts and customers. Same figures as
the library for a chosen period (tests compare them); without one the page calls the
library.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Engine, func, select

from empathos.learn.coaching import source_label_counts
from empathos.learn.ooda.observe import (
    Kpi,
    Slice,
    kpis_in_order,
    mean_of,
    outcome_kpis,
    value_at_risk_history,
)
from empathos.store.schema import customers, interactions, outcomes
from empathos.store.tables_web import web_csat_daily
from empathos.web import coach_daily as cd


def _span(sl: Slice) -> tuple[datetime, datetime]:
    assert sl.start is not None and sl.end is not None
    since = datetime.combine(sl.start, datetime.min.time())
    until = datetime.combine(sl.end + timedelta(days=1), datetime.min.time()) - timedelta(
        microseconds=1
    )
    return since, until


def _rows(engine: Engine, sl: Slice, *by: str) -> list[dict[str, Any]]:
    conds = cd.conditions(sl.start, sl.end, sl.channel, sl.language, sl.pod, sl.company)
    with engine.connect() as conn:
        return cd.grouped(conn, conds, *by)


def _contact_ids(sl: Slice, since: datetime, until: datetime) -> Any:
    i = interactions.c
    return select(i.interaction_id).where(*sl.conds(), i.started_at >= since, i.started_at <= until)


def _slice_customers(sl: Slice) -> Any:
    i = interactions.c
    return select(i.customer_id).where(i.customer_id.is_not(None), *sl.conds())


def _outcomes(engine: Engine, q: Any) -> pd.DataFrame:
    with engine.connect() as conn:
        res = conn.execute(q)
        return pd.DataFrame([tuple(r) for r in res], columns=list(res.keys()))


def observe_pre(engine: Engine, sl: Slice) -> dict[str, Any]:
    """:func:`empathos.learn.ooda.observe.observe` for ``sl``'s chosen period."""
    since, until = _span(sl)
    rows = _rows(engine, sl, "day", "source")
    o = outcomes.c
    q = select(o.kind, o.value, o.ts).where(
        o.kind.in_(["churn", "csat"]), o.ts >= since, o.ts <= until
    )
    if sl.filtered():  # csat of the slice's contacts, churn of its customers
        q = q.where(
            ((o.kind == "csat") & o.interaction_id.in_(_contact_ids(sl, since, until)))
            | ((o.kind == "churn") & o.customer_id.in_(_slice_customers(sl)))
        )
    outs = _outcomes(engine, q)
    ots = pd.to_datetime(outs["ts"])
    outs["week"] = (ots.dt.normalize() - pd.to_timedelta(ots.dt.day_of_week, unit="D")).dt.date
    by: dict[date, list[dict[str, Any]]] = {}
    for r in rows:
        by.setdefault(cd.monday(r["day"]), []).append(r)
    weekly = []
    for wk in sorted(by):
        s = cd.add(by[wk])
        ow = outs[outs["week"] == wk]
        weekly.append(
            {
                "week": wk.isoformat(),
                "contacts": s["n_interactions"],
                "automation_share": round(s["n_automated"] / s["n_interactions"], 4),
                "remembered_score": cd.mean(s["sum_remembered"], s["n_remembered"]),
                "experienced_score": cd.mean(s["sum_experienced"], s["n_experienced"]),
                "churned_customers": int((ow["kind"] == "churn").sum()),
                "csat": mean_of(ow[ow["kind"] == "csat"]["value"]),
                "n_csat": int((ow["kind"] == "csat").sum()),
            }
        )
    history, current = value_at_risk_history(engine)
    return {
        "source": source_label_counts(cd.source_counts(rows, "n_interactions")),
        "n_contacts": sum(r["n_interactions"] for r in rows),
        "window": {"from": since.isoformat(), "to": until.isoformat()},
        "weekly": weekly,
        "value_at_risk": history,
        "prediction_run": current,
    }


def current_kpis_pre(engine: Engine, sl: Slice) -> dict[str, Any]:
    """:func:`empathos.learn.ooda.observe.current_kpis` (no segment) for ``sl``'s period."""
    since, until = _span(sl)
    days = max(1, round((until - since).total_seconds() / 86400))
    rows = _rows(engine, sl, "source")
    s = cd.add(rows)
    i, o = interactions.c, outcomes.c
    ids = _contact_ids(sl, since, until)
    with engine.connect() as conn:
        n_unique = int(
            conn.execute(
                select(func.count(func.distinct(i.customer_id))).where(
                    *sl.conds(), i.started_at >= since, i.started_at <= until
                )
            ).scalar_one()
        )
        if sl.filtered():
            n_customers = int(
                conn.execute(
                    select(func.count(func.distinct(i.customer_id))).where(
                        i.customer_id.is_not(None), *sl.conds()
                    )
                ).scalar_one()
            )
        else:
            n_customers = int(
                conn.execute(select(func.count()).select_from(customers)).scalar() or 0
            )
        csat = conn.execute(
            select(func.sum(web_csat_daily.c.n_known), func.sum(web_csat_daily.c.total)).where(
                *_csat_conds(sl)
            )
        ).one()
    surveys = _outcomes(
        engine,
        select(o.kind, o.value).where(
            o.kind.in_(["csat", "nps", "resolved"]), o.interaction_id.in_(ids)
        ),
    )
    by = {
        k: surveys[surveys["kind"] == k]["value"].astype(float) for k in ("csat", "nps", "resolved")
    }
    churn_q = select(o.ts).where(o.kind == "churn")
    if sl.filtered():
        churn_q = churn_q.where(o.customer_id.in_(_slice_customers(sl)))
    churn_ts = pd.to_datetime(_outcomes(engine, churn_q)["ts"])
    n = s["n_interactions"]
    n_csat = int(csat[0] or 0)
    k = kpis_in_order(
        outcome_kpis(by, churn_ts, n_customers, since, until, days)
        | {
            "automation_share": Kpi(round(s["n_automated"] / n, 4) if n else None, n),
            "remembered_score": Kpi(
                cd.mean(s["sum_remembered"], s["n_remembered"]), s["n_remembered"]
            ),
            "experienced_score": Kpi(
                cd.mean(s["sum_experienced"], s["n_experienced"]), s["n_experienced"]
            ),
            "predicted_csat": Kpi(cd.mean(float(csat[1] or 0.0), n_csat), n_csat),
            "contacts_per_customer_month": Kpi(
                round(n / n_unique * 30 / days, 3) if n else None, n_unique
            ),
        }
    )
    return {
        "window": {
            "from": since.isoformat(),
            "to": until.isoformat(),
            "days": days,
            "chosen": "period",
        },
        "segment": "",
        "source": source_label_counts(cd.source_counts(rows, "n_interactions"))
        if rows
        else "no data",
        "n_contacts": n,
        "kpis": {name: asdict(v) for name, v in k.items()},
    }


def _csat_conds(sl: Slice) -> list[Any]:
    w = web_csat_daily.c
    out: list[Any] = [w.day >= sl.start, w.day <= sl.end]
    for col, v in ((w.channel, sl.channel), (w.language, sl.language), (w.pod_id, sl.pod),
                   (w.company, sl.company)):  # fmt: skip
        if v:
            out.append(col == v)
    return out
