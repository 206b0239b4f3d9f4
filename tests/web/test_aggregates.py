"""The pre-aggregated summary answers exactly what the raw tables answer, on both DBs."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from empathos.store import schema
from empathos.web import aggregates as ag
from tests.web import data

FILTERS = [
    ag.Filters(),
    ag.Filters(channel="chat"),
    ag.Filters(language="de"),
    ag.Filters(pod="pod-a"),
    ag.Filters(pod="(none)"),
    ag.Filters(start=date(2026, 3, 2)),
    ag.Filters(end=date(2026, 3, 1), channel="chat", language="en"),
]


def _same(a: ag.Kpis, b: ag.Kpis) -> None:
    for name in ag.SUM_COLUMNS:
        assert getattr(a, name) == pytest.approx(getattr(b, name)), name


@pytest.fixture
def tiny(engine: Engine) -> Engine:
    data.fill(engine)
    ag.refresh_aggregates(engine)
    return engine


def test_hand_computed_figures(tiny: Engine) -> None:
    k = ag.kpis(tiny, ag.Filters())
    assert (k.n_interactions, k.n_scored, k.n_automated) == (6, 5, 1)
    assert k.remembered == pytest.approx((-0.8 + 0.4 + 0.1 + 0.7 - 0.3) / 5)  # main pair only
    assert k.experienced == pytest.approx((-0.5 + 0.2 + 0.0 + 0.6 - 0.1) / 5)
    assert (k.n_improved, k.n_unchanged, k.n_worsened) == (2, 1, 2)
    assert k.empathy == pytest.approx((20 + 50 + 100 - 20) / 4)  # one contact has none
    assert k.n_transfers == 3 and k.n_recontact == 3
    chat = ag.kpis(tiny, ag.Filters(channel="chat", start=date(2026, 3, 2)))
    assert chat.n_interactions == 2 and chat.remembered == pytest.approx((0.7 - 0.3) / 2)
    assert ag.kpis(tiny, ag.Filters(pod="pod-a")).n_interactions == 3
    assert ag.kpis(tiny, ag.Filters(language="de")).n_interactions == 2
    assert ag.kpis(tiny, ag.Filters(channel="email")).n_interactions == 0


def test_pre_aggregated_equals_raw(tiny: Engine) -> None:
    """One test over every filter combination (a store per case would cost seconds each)."""
    for f in FILTERS:
        _check_paths_agree(tiny, f)


def _check_paths_agree(tiny: Engine, f: ag.Filters) -> None:
    _same(ag.kpis(tiny, f), ag.kpis(tiny, f, pre=False))
    pre, raw = ag.daily(tiny, f), ag.daily(tiny, f, pre=False)
    assert [d.day for d in pre] == [d.day for d in raw]
    for a, b in zip(pre, raw, strict=True):
        _same(a.kpis, b.kpis)
    for dim in ag.DIMENSIONS:
        p, r = ag.breakdown(tiny, f, dim), ag.breakdown(tiny, f, dim, pre=False)
        assert list(p) == list(r)
        for key in p:
            _same(p[key], r[key])


def test_daily_and_breakdown(tiny: Engine) -> None:
    days = ag.daily(tiny, ag.Filters())
    assert [d.day for d in days] == [date(2026, 3, 1), date(2026, 3, 2)]
    assert [d.kpis.n_interactions for d in days] == [3, 3]
    assert {k: v.n_interactions for k, v in ag.breakdown(tiny, ag.Filters(), "pod_id").items()} == {
        "pod-a": 3,
        "pod-b": 2,
        "(none)": 1,
    }
    opts = ag.filter_options(tiny)
    assert opts["channel"] == ["chat", "voice"] and opts["language"] == ["de", "en"]
    assert (opts["first_day"], opts["last_day"]) == (date(2026, 3, 1), date(2026, 3, 2))


def test_predict_summary(tiny: Engine) -> None:
    pre, raw = ag.predict_summary(tiny), ag.predict_summary(tiny, pre=False)
    assert pre == raw
    assert pre["total_value_at_risk"] == pytest.approx(0.5 * 1000 + 0.1 * 200 + 0.2 * 50)
    assert pre["n_avoidable"] == 1 and pre["avoidable"][0]["customer_id"] == "cu-1"


def test_staleness_and_rebuild(tiny: Engine) -> None:
    assert not ag.is_stale(tiny) and ag.ensure_fresh(tiny) is None
    with tiny.begin() as conn:
        conn.execute(
            schema.interactions.insert(),
            [
                {
                    "interaction_id": "i-7",
                    "customer_id": "cu-2",
                    "channel": "email",
                    "started_at": data.DAY2,
                    "source": "simulated",
                    "attributes": {},
                }
            ],
        )
    assert ag.is_stale(tiny)
    report = ag.ensure_fresh(tiny)
    assert report is not None and report.n_interactions == 7
    assert ag.kpis(tiny, ag.Filters(channel="email")).n_interactions == 1
    assert not ag.is_stale(tiny)
    # a rerun that replaces scores (same row count, newer computed_at) is noticed too
    with tiny.begin() as conn:
        conn.execute(
            schema.interaction_scores.update()
            .where(schema.interaction_scores.c.interaction_id == "i-1")
            .values(remembered=0.5, computed_at=data.DAY2)
        )
    assert ag.is_stale(tiny)
    ag.ensure_fresh(tiny)
    assert ag.kpis(tiny, ag.Filters()).sum_remembered == pytest.approx(0.5 + 0.4 + 0.1 + 0.7 - 0.3)


def test_empty_store(engine: Engine) -> None:
    report = ag.refresh_aggregates(engine)
    assert report.rows == 0 and report.details["predict"] is None
    k = ag.kpis(engine, ag.Filters())
    assert k.n_interactions == 0 and k.remembered is None
    assert ag.daily(engine, ag.Filters()) == [] and ag.predict_summary(engine) is None


def test_filter_options_agree(tiny: Engine) -> None:
    assert ag.filter_options(tiny) == ag.filter_options(tiny, pre=False)


def test_brand_dimension_summary_equals_raw(engine: Engine) -> None:
    """The company (brand) dimension of the summary: the same figures as the raw tables
    under every brand combination, on both databases, and the hand-counted totals."""
    data.fill_matrix(engine)
    ag.refresh_aggregates(engine)
    for f in [
        ag.Filters(company="brand-a"),
        ag.Filters(company="brand-b", channel="voice"),
        ag.Filters(company="brand-a", start=date(2026, 1, 1), end=date(2026, 1, 31)),
        ag.Filters(company="(none)"),
        ag.Filters(company="brand-b", language="de", pod="pod-b"),
    ]:
        _check_paths_agree(engine, f)
        want = data.matching(f.start, f.end, f.channel, f.language, f.pod, f.company)
        assert ag.kpis(engine, f).n_interactions == len(want), f
    opts = ag.filter_options(engine)
    assert opts["company"] == ["brand-a", "brand-b"]
    assert opts == ag.filter_options(engine, pre=False)
    assert ag.latest_day(engine, ag.Filters(company="brand-b", channel="voice")) == date(2026, 3, 2)
    assert ag.latest_day(engine, ag.Filters(company="brand-b", channel="voice"), pre=False) == (
        date(2026, 3, 2)
    )
