"""Every dashboard page either honours each filter (period, channel, language, pod, brand)
with figures that match the raw data, or says on the page that it ignores it.

The store is :func:`tests.web.data.fill_matrix`: two brands, two channels, two languages,
two pods and two periods (January and March 2026). The expected figures come from the
Python lists in tests/web/data.py (:func:`data.matching`), not from a query.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from empathos.api.app import create_app
from empathos.config import Settings
from empathos.web.routes import IGNORES, NAV
from tests.web import data

FILTERS: dict[str, dict] = {
    "none": {},
    "period": {"start": date(2026, 1, 1), "end": date(2026, 1, 31)},
    "channel": {"channel": "voice"},
    "language": {"language": "de"},
    "pod": {"pod": "pod-b"},
    "brand": {"company": "brand-b"},
}
PARAM = {"start": "start", "end": "end", "channel": "channel", "language": "language"}


def _query(f: dict) -> str:
    return "&".join(f"{k}={v}" for k, v in f.items())


def _with_default_period(f: dict) -> dict:
    """The page's period when none is chosen: 30 days up to the latest day with data
    under the other filters (the oracle's own computation)."""
    if "start" in f or "end" in f:
        return f
    rows = data.matching(**f)
    if not rows:
        return f
    last = max(r[3].date() for r in rows)
    return {**f, "start": last - timedelta(days=29), "end": last}


def _kpi(html: str, label: str) -> str | None:
    m = re.search(rf"<dt>{re.escape(label)}</dt><dd>([^<]*)</dd>", html)
    return None if m is None else m.group(1)


def _ignores(html: str, name: str) -> bool:
    m = re.search(r'id="ignored-note"[^>]*>(.*?)</p>', html, re.S)
    return m is not None and re.search(rf"\b{name}\b", m.group(1)) is not None


def _check_page(html: str, path: str, name: str, f: dict) -> None:
    """The page's figures under filter ``name`` agree with the oracle (or it says it
    ignores the filter)."""
    if name != "none" and name in IGNORES[path]:
        assert _ignores(html, name), (path, name)
        return
    assert not _ignores(html, name), (path, name)
    g = _with_default_period(f)
    rows = data.matching(**g)
    scored = [r for r in rows if r[0] in data.SCORED]
    pods = dict(data.EMPLOYEES)
    if path == "/":
        listen = html.split("1 · Listen")[1].split("2 · Understand")[0]
        assert _kpi(listen, "Contacts") == str(len(rows)), (name, g)
    elif path == "/dashboard/scores":
        assert _kpi(html, "Contacts scored") == str(len(scored)), (name, g)
    elif path == "/dashboard/journeys":
        picked = set(re.findall(r'journeys\?interaction=([^"&]+)"', html))
        assert picked == {r[0] for r in scored}, (name, g)
    elif path == "/dashboard/pods":
        table = html.split("<caption>Contacts by pod</caption>")[1].split("</table>")[0]
        shown = dict(re.findall(r'<tr><td>([^<]+)</td><td class="n">(\d+)</td>', table))
        want: dict[str, int] = {}
        for r in rows:
            want[pods.get(r[4], "(none)")] = want.get(pods.get(r[4], "(none)"), 0) + 1
        assert {k: int(v) for k, v in shown.items()} == want, (name, g)
    elif path == "/dashboard/coaching":
        pod = f.get("pod", "pod-a")
        assert f"Coaching · Pod {pod[-1].upper()}" in html
        mine = [r for r in scored if r[4] is not None and pods[r[4]] == pod]
        assert _kpi(html, "Contacts") == str(len(mine)), (name, g)
    elif path == "/dashboard/ooda":
        table = html.split("<caption>Observe: weekly KPIs</caption>")[1].split("</table>")[0]
        weekly = [int(n) for n in re.findall(r"<tr><td>[\d-]+</td><td>(\d+)</td>", table)]
        assert sum(weekly) == len(rows), (name, g)
    elif path == "/dashboard/value":
        # customer-level list: only the language filter applies (cu-1, avoidable, is en)
        assert ("cu-1</a>" in html) is (f.get("language") in (None, "en")), name
    if "start" in g and "start" not in f and "period" not in IGNORES[path]:
        assert f"Period: {g['start']} – {g['end']} (latest with data" in html, (path, name)


@pytest.mark.parametrize("name", list(FILTERS))
def test_every_page_honours_or_names_each_filter(sqlite_store: Engine, name: str) -> None:
    data.fill_matrix(sqlite_store)
    client = TestClient(create_app(engine=sqlite_store))
    f = FILTERS[name]
    for path, _ in NAV:
        r = client.get(f"{path}?{_query(f)}")
        assert r.status_code == 200, (path, r.text[:1000])
        _check_page(r.text, path, name, f)


def test_every_page_has_its_filter_declaration() -> None:
    """A new page must say which filters it ignores (an empty dict: none)."""
    assert {p for p, _ in NAV} <= set(IGNORES)
    names = {"period", "channel", "language", "pod", "brand"}
    for path, ignored in IGNORES.items():
        assert set(ignored) <= names, path
        assert all(why.strip() for why in ignored.values()), path


@pytest.mark.parametrize("pre", [True, False], ids=["pre-aggregated", "raw"])
def test_brand_filter_on_both_databases(engine: Engine, pre: bool) -> None:
    """The brand select lists the store's brands; picking one narrows every contact
    figure, from the summary and from the raw tables alike (SQLite and PostgreSQL)."""
    data.fill_matrix(engine)
    client = TestClient(create_app(Settings(web_pre_aggregate=pre), engine=engine))
    html = client.get("/").text
    assert '<label for="f-company">Brand</label>' in html
    assert '<option value="brand-a">' in html and '<option value="brand-b">' in html
    for brand in ("brand-a", "brand-b"):
        f = {"company": brand, "start": date(2026, 1, 1), "end": date(2026, 3, 31)}
        html = client.get(f"/?{_query(f)}").text
        assert f'option value="{brand}" selected' in html
        listen = html.split("1 · Listen")[1].split("2 · Understand")[0]
        assert _kpi(listen, "Contacts") == str(len(data.matching(**f)))
        html = client.get(f"/dashboard/scores?{_query(f)}").text
        scored = [r for r in data.matching(**f) if r[0] in data.SCORED]
        assert _kpi(html, "Contacts scored") == str(len(scored))


def test_one_brand_or_none_hides_the_select(sqlite_store: Engine) -> None:
    data.fill(sqlite_store)  # no brand recorded
    client = TestClient(create_app(engine=sqlite_store))
    html = client.get("/").text
    assert 'id="f-company"' not in html and "Brand: none recorded" in html
    with sqlite_store.begin() as conn:
        from empathos.store import schema

        conn.execute(schema.interactions.update().values(company="acme"))
    from empathos.web.aggregates import refresh_aggregates

    refresh_aggregates(sqlite_store)  # an edit in SQL, not an ingest: rebuild by hand
    client = TestClient(create_app(engine=sqlite_store))
    html = client.get("/").text
    assert 'id="f-company"' not in html and "Brand: acme (the only one" in html


def test_default_window_is_the_latest_period_with_data(sqlite_store: Engine) -> None:
    """All data sits in March 2026 (months before today): every page that honours the
    period shows the 30 days up to 2026-03-02 with its contacts, never an empty 'last
    day' or a window ending now; a brand whose data is all in January shows January."""
    data.fill_matrix(sqlite_store)
    client = TestClient(create_app(engine=sqlite_store))
    note = "Period: 2026-02-01 – 2026-03-02 (latest with data"
    html = client.get("/").text
    assert note in html
    assert _kpi(html.split("1 · Listen")[1], "Contacts") == "6"
    assert "(latest period with data)" in client.get("/dashboard/journeys").text
    coaching = client.get("/dashboard/coaching").text
    assert (
        note in coaching and _kpi(coaching, "Contacts") == "2"
    )  # i-1, i-4 (i-6 unscored, i-7 in Jan)
    # move brand-b's contacts to January only: its default period follows them
    from empathos.store import schema

    with sqlite_store.begin() as conn:
        conn.execute(
            schema.interactions.update()
            .where(schema.interactions.c.interaction_id.in_(["i-2", "i-4", "i-6"]))
            .values(company="brand-a")
        )
    from empathos.web.aggregates import refresh_aggregates

    refresh_aggregates(sqlite_store)
    client = TestClient(create_app(engine=sqlite_store))
    html = client.get("/?company=brand-b").text
    assert "Period: 2025-12-14 – 2026-01-12 (latest with data" in html
    assert _kpi(html.split("1 · Listen")[1], "Contacts") == "1"  # i-8, not an empty page
    ooda = client.get("/dashboard/ooda?company=brand-b").text
    assert "Observed: 2025-12-14 – 2026-01-12 (latest period with data)" in ooda
