"""The coaching and OODA pages' per-day summary (``web_coach_daily``) gives the libraries'
figures: ``coach_pod`` and the OODA observe step / current KPIs computed from the summary
equal the same reports computed from the contacts, per pod and under several filter
combinations, on SQLite and PostgreSQL; an incremental refresh equals a full one."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, insert, select, update

from empathos.learn.coaching import CoachingConfig, coach_pod
from empathos.learn.ooda import Slice, current_kpis, observe
from empathos.store import schema
from empathos.store.tables_web import web_coach_daily
from empathos.web import aggregates as ag
from empathos.web.coaching_pre import coach_pod_pre
from empathos.web.ooda_pre import current_kpis_pre, observe_pre
from tests.learn.test_coaching import T0, build_small_store

START, END = date(2026, 3, 2), date(2026, 3, 19)  # the 18 days of the small store
FILTERS = [
    {},
    {"start": date(2026, 3, 9), "end": date(2026, 3, 15)},
    {"channel": "chat"},
    {"channel": "self_service"},
    {"language": "(unknown)"},
    {"language": "de"},
    {"company": "(none)"},
    {"channel": "chat", "start": date(2026, 3, 3), "end": date(2026, 3, 10)},
]


def _close(a: object, b: object, where: str = "") -> None:
    """Equal, floats within one unit of the 4th decimal the reports round to: a mean summed
    in another order (SQL's running sum, numpy's unrolled one) can land on the other side
    of a rounding boundary (seen: -0.2592 vs -0.2593)."""
    if isinstance(a, float) and isinstance(b, float):
        assert abs(a - b) <= 1.01e-4, where
    elif isinstance(a, dict) and isinstance(b, dict):
        assert sorted(map(str, a)) == sorted(map(str, b)), where
        for k in a:
            _close(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, list | tuple) and isinstance(b, list | tuple):
        assert len(a) == len(b), where
        for k, (x, y) in enumerate(zip(a, b, strict=True)):
            _close(x, y, f"{where}[{k}]")
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def _outcomes(engine: Engine) -> None:
    """Surveys on some contacts and churn of some customers, in and before the period."""
    rows = [
        {"outcome_id": f"cs-{k}", "kind": "csat", "value": float(1 + k % 5),
         "ts": T0 + timedelta(days=k, hours=2), "customer_id": f"cu-{k}",
         "interaction_id": f"i-{k:02d}", "source": "simulated"}
        for k in range(0, 18, 2)
    ] + [
        {"outcome_id": f"np-{k}", "kind": "nps", "value": float(k % 11),
         "ts": T0 + timedelta(days=k, hours=3), "customer_id": f"cu-{k}",
         "interaction_id": f"i-{k:02d}", "source": "simulated"}
        for k in range(1, 18, 3)
    ] + [
        {"outcome_id": f"ch-{k}", "kind": "churn", "value": 1.0,
         "ts": T0 + timedelta(days=k - 3), "customer_id": f"cu-{k}", "interaction_id": None,
         "source": "simulated"}
        for k in (1, 4, 8, 13)
    ]  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(schema.outcomes), rows)


def _cfg(f: dict) -> CoachingConfig:
    return CoachingConfig(
        start=f.get("start", START), end=f.get("end", END), channel=f.get("channel"),
        language=f.get("language"), company=f.get("company"), min_contacts=1,
    )  # fmt: skip


def _slice(f: dict, pod: str | None = None) -> Slice:
    return Slice(
        f.get("start", START), f.get("end", END), f.get("channel"), f.get("language"), pod,
        f.get("company"),
    )  # fmt: skip


def _same_everywhere(engine: Engine) -> None:
    for f in FILTERS:
        for pod in ("pod-a", "pod-b"):
            raw, pre = coach_pod(engine, pod, _cfg(f)), coach_pod_pre(engine, pod, _cfg(f))
            _close(pre.to_dict(), raw.to_dict(), f"coaching {pod} {f}")
        for pod in (None, "pod-a", "(none)"):
            sl = _slice(f, pod)
            _close(observe_pre(engine, sl), observe(engine, 12, sl), f"observe {sl}")
            _close(current_kpis_pre(engine, sl), current_kpis(engine, 30, sl=sl), f"kpis {sl}")


def _summary(engine: Engine) -> list[tuple]:
    with engine.connect() as conn:
        return sorted(tuple(map(str, r)) for r in conn.execute(select(web_coach_daily)))


def test_the_summary_gives_the_libraries_figures(engine: Engine) -> None:
    build_small_store(engine)
    _outcomes(engine)
    ag.refresh_aggregates(engine)
    rep = coach_pod_pre(engine, "pod-a", _cfg({}))
    # not a comparison of two empty reports: the pod's contacts, replies and examples
    assert rep.n_contacts == 12 and rep.n_replies == 12 and len(rep.members) == 2
    assert rep.examples["best"] and rep.examples["worst"] and len(rep.trend) == 3
    assert "Kowalczyk" not in str(rep.examples)  # the customers' names masked
    assert observe_pre(engine, _slice({}))["weekly"][0]["contacts"] > 0
    _same_everywhere(engine)

    # a changed score on one day and a new contact on another: incremental == full
    with engine.begin() as conn:
        conn.execute(
            update(schema.interaction_scores)
            .where(schema.interaction_scores.c.interaction_id == "i-03")
            .values(end_valence=-0.9, outcome="worsened")
        )
        at = T0 + timedelta(days=10, hours=3)
        conn.execute(
            insert(schema.interactions),
            [{"interaction_id": "i-new", "customer_id": "cu-2", "channel": "chat",
              "started_at": at, "ended_at": at, "employee_id": "e-other",
              "source": "simulated", "attributes": {}}],
        )  # fmt: skip
    report = ag.refresh_aggregates(engine, incremental=True)
    assert report.details["days_rebuilt"] == ["2026-03-05", "2026-03-12"]
    incremental = _summary(engine)
    _same_everywhere(engine)
    ag.refresh_aggregates(engine)
    assert _summary(engine) == incremental


@pytest.mark.parametrize("path", ["/dashboard/coaching", "/dashboard/ooda"])
def test_the_pages_read_the_summary(engine: Engine, path: str) -> None:
    from fastapi.testclient import TestClient

    from empathos.api.app import create_app
    from empathos.config import Settings

    build_small_store(engine)
    ag.refresh_aggregates(engine)
    query = f"?start={START}&end={END}&channel=chat"
    pre = TestClient(create_app(Settings(auth="off"), engine=engine)).get(path + query).text
    raw = TestClient(create_app(Settings(auth="off", web_pre_aggregate=False), engine=engine))
    raw_html = raw.get(path + query).text
    assert "No data yet" not in pre
    # the same page but for the note saying when the kept decide ranking was computed
    drop = [line for line in pre.splitlines() if "Decide: ranked at" not in line]
    assert "\n".join(drop).replace('</p><p class="note">', "\n") != ""
    assert _strip(pre) == _strip(raw_html)


def _strip(html: str) -> str:
    import re

    return re.sub(r'<p class="note">Decide: ranked at [^<]*</p>', "", html)
