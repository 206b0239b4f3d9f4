"""The CSAT page's summary (``web_csat_daily``) gives the same figures as the raw rows,
under every filter, after a full and after an incremental refresh, on SQLite and
PostgreSQL; and the change log that drives the refresh holds days, not contacts."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Engine, func, select

from empathos.store import schema
from empathos.store.tables_csat import interaction_csat
from empathos.store.tables_web import web_changes, web_csat_daily
from empathos.web import aggregates as ag
from empathos.web.csat import csat_figures
from tests.web import data

# id, predicted, calibrated, reason
CSAT = [
    ("i-1", 2.0, 2.5, None),
    ("i-2", 4.0, None, None),
    ("i-3", None, None, "no customer turn"),
    ("i-4", 5.0, None, None),
    ("i-5", None, None, None),  # unknown, no reason recorded
]
FILTERS = [
    {},
    {"start": date(2026, 3, 2), "end": date(2026, 3, 2)},
    {"channel": "chat"},
    {"language": "de"},
    {"pod": "pod-a"},
    {"pod": "(none)"},
    {"company": "(none)"},
    {"channel": "voice", "language": "en"},
]


def _csat(engine: Engine, rows: list[tuple]) -> None:
    with engine.begin() as conn:
        conn.execute(
            interaction_csat.insert(),
            [
                {"interaction_id": i, "model_version": "t1", "predicted_csat": p,
                 "calibrated_csat": c, "source": "simulated", "reason": why,
                 "scored_at": data.T0}
                for i, p, c, why in rows
            ],
        )  # fmt: skip


def _same(engine: Engine) -> None:
    for f in FILTERS:
        raw, pre = csat_figures(engine, **f), csat_figures(engine, pre=True, **f)
        assert _rounded(pre) == _rounded(raw), f


def _rounded(v: object) -> object:
    if isinstance(v, float):
        return round(v, 9)
    if isinstance(v, dict):
        return {str(k): _rounded(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_rounded(x) for x in v]
    return v


def _summary(engine: Engine) -> list[tuple]:
    with engine.connect() as conn:
        return sorted(tuple(map(str, r)) for r in conn.execute(select(web_csat_daily)))


def test_csat_summary_equals_the_raw_rows(engine: Engine) -> None:
    data.fill(engine)
    _csat(engine, CSAT)
    ag.refresh_aggregates(engine)
    _same(engine)
    figs = csat_figures(engine, pre=True)
    o = figs["overall"]  # by hand: 4 of 5 contacts... 3 known, mean (2.5 + 4 + 5) / 3
    assert (o["contacts"], o["predicted"], o["unknown"], o["calibrated"]) == (5, 3, 2, 1)
    assert abs(o["mean_csat"] - 11.5 / 3) < 1e-12
    assert figs["unknown_reasons"] == {"None": 1, "no customer turn": 1}  # never 0-averaged
    assert [t["day"] for t in figs["trend"]] == ["2026-03-01", "2026-03-02"]

    # one more contact with a figure on day 2, one changed figure on day 1: incremental
    at = data.DAY2.replace(hour=15)
    with engine.begin() as conn:
        conn.execute(
            schema.interactions.insert(),
            [{"interaction_id": "i-30", "customer_id": "cu-1", "channel": "chat",
              "started_at": at, "employee_id": "e-2", "source": "simulated",
              "attributes": {}}],
        )  # fmt: skip
    _csat(engine, [("i-6", 3.0, None, None), ("i-30", 1.0, None, None)])
    assert ag.is_stale(engine)
    report = ag.refresh_aggregates(engine, incremental=True)
    assert report.details["days_rebuilt"] == ["2026-03-02"]
    assert not ag.is_stale(engine)
    _same(engine)
    incremental = _summary(engine)
    ag.refresh_aggregates(engine)
    assert _summary(engine) == incremental


def test_the_log_holds_days_not_contacts(engine: Engine) -> None:
    data.fill(engine)
    ag.refresh_aggregates(engine)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(web_changes)).scalar_one() == 0
    day = datetime(2026, 3, 9, 8, 0)
    rows = [
        {"interaction_id": f"i-b{k}", "customer_id": "cu-1", "channel": "chat",
         "started_at": day.replace(minute=k % 60), "employee_id": "e-1",
         "source": "simulated", "attributes": {}}
        for k in range(300)
    ]  # fmt: skip
    with engine.begin() as conn:
        conn.execute(schema.interactions.insert(), rows)
    with engine.connect() as conn:
        logged = conn.execute(select(web_changes.c.day)).scalars().all()
    # one row per day (SQLite: a day already logged is not logged again; PostgreSQL: not
    # again by the same transaction)
    assert {ag._as_date(d) for d in logged} == {day.date()} and len(logged) == 1
    report = ag.refresh_aggregates(engine, incremental=True)
    assert report.details["days_rebuilt"] == ["2026-03-09"]
    assert ag.kpis(engine, ag.Filters(start=day.date(), end=day.date())).n_interactions == 300
