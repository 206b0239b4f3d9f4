"""The read API (``/data``) on a simulated, analysed and predicted store: every figure a
dashboard page shows is in that page's JSON (the dashboard reads nothing the API cannot
give), and the lists page, filter and export (issue 17 item 4)."""

from __future__ import annotations

import html
import io
import re
import shutil
from collections.abc import Iterator
from typing import Any

import orjson
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

from empathos.api import create_app
from empathos.config import Settings
from empathos.store import init_db, make_engine
from empathos.web import format as fmt
from empathos.web.routes import NAV, PAGES
from tests.web.conftest import _build


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    db = _build(tmp_path_factory.getbasetemp() / "web_sim")  # shared with tests/web
    copy = tmp_path_factory.mktemp("read_api") / "store.db"
    shutil.copy(db, copy)
    engine = make_engine(f"sqlite:///{copy}")
    init_db(engine)
    with TestClient(create_app(Settings(emotion_model="lexicon"), engine=engine)) as c:
        yield c
    engine.dispose()


def _vocabulary(value: Any, out: set[str]) -> set[str]:
    """Every way the page's formatters can print a value of the JSON."""
    if isinstance(value, dict):
        out.add(str(len(value)))
        out |= {str(k) for k in value} | {str(k).replace("_", " ") for k in value}
        for v in value.values():
            _vocabulary(v, out)
    elif isinstance(value, list):
        out.add(str(len(value)))
        if value and all(isinstance(v, str) for v in value):
            out.add(", ".join(value))
        for v in value:
            _vocabulary(v, out)
    elif isinstance(value, bool):
        out.add(str(value))
    elif isinstance(value, int | float):
        out |= {str(value), fmt.num(value), fmt.num(value, 2), fmt.score(value), fmt.money(value)}
        out.add(fmt.num(value, 0))
        if -1.5 <= value <= 1.5:
            out.add(fmt.pct(value))
    elif isinstance(value, str):
        # names print with spaces for underscores ("not_applicable" -> "not applicable")
        out |= {value, fmt.when(value), value.replace("_", " ")}
    return out


TAG = re.compile(r"<[^>]+>")


def _cells(page: str) -> list[str]:
    """The figures a page shows: KPI values and data-table cells (not hints, not the
    one-cell 'nothing to list' rows), as the reader sees them."""
    out = []
    for m in re.finditer(r'<dd(?: class="([^"]*)")?>(.*?)</dd>', page, re.S):
        if m.group(1) != "hint":
            out.append(m.group(2))
    for m in re.finditer(r"<td(?P<attrs>[^>]*)>(?P<body>.*?)</td>", page, re.S):
        if "colspan" not in m.group("attrs"):
            out.append(m.group("body"))
    cleaned = []
    for raw in out:
        text = html.unescape(TAG.sub("", raw)).strip()
        text = re.sub(r" \((peak, end|peak|end)\)$", "", text).rstrip("*")
        if text and text != fmt.DASH:
            # "98.0 % of 52" (a rate and how many contacts it is of): two figures, both checked
            both = re.fullmatch(r"(.+) of ([\d,]+)", text)
            cleaned.extend(both.groups() if both else [text])
    return cleaned


def _figures(page: str) -> dict[str, Any]:
    return {
        m.group(1): orjson.loads(html.unescape(m.group(2)))
        for m in re.finditer(
            r'<script type="application/json" id="fig-([^"]+)">(.*?)</script>', page, re.S
        )
    }


def _pages(client: TestClient) -> list[tuple[str, str]]:
    contact = client.get("/data/contacts", params={"limit": 1}).json()["rows"][0]
    out = [(path, "") for path, _ in NAV]
    out += [(f"{PAGES}/scores", "channel=chat"), (f"{PAGES}/overview", "language=de")]
    out += [
        (f"{PAGES}/journeys", f"interaction={contact['interaction_id']}"),
        (f"{PAGES}/journeys", f"customer={contact['customer_id']}"),
        (f"{PAGES}/balance", "cost=10000&coverage=0.5"),
    ]
    return out


def test_every_dashboard_figure_is_in_the_pages_json(client: TestClient) -> None:
    checked = 0
    for path, query in _pages(client):
        name = "overview" if path in ("/", PAGES, f"{PAGES}/overview") else path.rsplit("/", 1)[1]
        page_url = "/" if name == "overview" else path
        page = client.get(f"{page_url}?{query}")
        assert page.status_code == 200, path
        data = client.get(f"/data/pages/{name}?{query}")
        assert data.status_code == 200, (name, data.text[:500])
        body = data.json()
        words = _vocabulary(body, set())
        missing = [c for c in _cells(page.text) if c not in words]
        assert not missing, f"{name}?{query}: on the page, not in /data/pages/{name}: {missing[:8]}"
        for key, fig in _figures(page.text).items():
            if "figures" in body:  # stage pages: the same Plotly figure
                assert body["figures"][key]["data"] == fig["data"], (name, key)
            else:  # the figure's numbers are figures of the JSON
                for trace in fig["data"]:
                    for v in trace.get("y") or []:
                        assert v is None or _vocabulary(v, set()) & words, (name, key, v)
        checked += len(_cells(page.text))
    assert checked > 200  # the simulated store fills the pages: the check has material


def test_page_json_follows_the_pages_filters(client: TestClient) -> None:
    all_ = client.get("/data/pages/overview").json()
    chat = client.get("/data/pages/overview", params={"channel": "chat"}).json()
    assert chat["filters"]["channel"] == "chat"
    assert set(chat["by_channel"]) == {"chat"}
    assert chat["kpis"]["n_interactions"] == all_["by_channel"]["chat"]["n_interactions"]
    assert all_["period"]["chosen"] == "latest with data"
    value = client.get("/data/pages/value", params={"channel": "chat"}).json()
    assert "channel" in value["ignored_filters"]  # named as ignored, as on the page
    assert client.get("/data/pages/nowhere").status_code == 422


def test_contacts_paginate_filter_and_export(client: TestClient) -> None:
    first = client.get("/data/contacts", params={"limit": 5}).json()
    total = first["total"]
    assert total > 5 and first["next_offset"] == 5 and len(first["rows"]) == 5
    second = client.get("/data/contacts", params={"limit": 5, "offset": 5}).json()
    ids = [r["interaction_id"] for r in first["rows"] + second["rows"]]
    assert len(set(ids)) == 10
    assert {"remembered", "experienced", "outcome"} <= set(first["rows"][0])
    email = client.get("/data/contacts", params={"channel": "email", "limit": 10_000}).json()
    assert email["total"] < total and {r["channel"] for r in email["rows"]} <= {"email"}
    cid = first["rows"][0]["customer_id"]
    mine = client.get("/data/contacts", params={"customer_id": cid, "limit": 10_000}).json()
    assert mine["total"] >= 1 and {r["customer_id"] for r in mine["rows"]} == {cid}
    csv = client.get(
        "/data/contacts", params={"channel": "email", "format": "csv", "limit": 10_000}
    )
    assert csv.headers["x-total-count"] == str(email["total"])
    assert len(csv.text.strip().splitlines()) == email["total"] + 1
    parquet = client.get("/data/contacts", params={"limit": 7, "format": "parquet"})
    table = pq.read_table(io.BytesIO(parquet.content))
    assert table.num_rows == 7 and "remembered" in table.column_names


def test_customer_employee_contact_and_stats(client: TestClient) -> None:
    customers = client.get("/data/customers", params={"limit": 3}).json()
    assert customers["prediction_run"] and customers["total"] >= 3
    assert {"p_churn", "clv", "value_at_risk"} <= set(customers["rows"][0])
    cid = customers["rows"][0]["customer_id"]
    one = client.get(f"/data/customers/{cid}").json()
    assert one["customer"]["customer_id"] == cid and one["prediction"]["customer_id"] == cid
    assert one["journey"]["contacts"], "a simulated customer has scored contacts"
    assert client.get("/data/customers/nobody").status_code == 404
    employees = client.get("/data/employees", params={"limit": 500}).json()
    eid = next(r["employee_id"] for r in employees["rows"] if r["pod_id"])
    coach = client.get(f"/data/employees/{eid}").json()
    assert coach["employee"]["employee_id"] == eid
    assert coach["coaching"] is not None or coach["coaching_unavailable"]
    iid = client.get("/data/contacts", params={"limit": 1}).json()["rows"][0]["interaction_id"]
    contact = client.get(f"/data/contacts/{iid}").json()
    assert contact["interaction"]["interaction_id"] == iid and contact["turns"]
    stats = client.get("/data/stats").json()
    assert stats["tables"]["interactions"] == client.get("/data/contacts").json()["total"]
    export = client.get("/data/export/customers", params={"format": "csv"})
    assert export.status_code == 200
    assert len(export.text.strip().splitlines()) == stats["tables"]["customers"] + 1


def test_openapi_documents_the_read_api(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for p in (
        "/data/pages/{page}",
        "/data/contacts",
        "/data/customers/{customer_id}",
        "/data/employees/{employee_id}",
        "/data/stats",
        "/data/export/{table}",
    ):
        assert p in paths, p
    params = {x["name"] for x in paths["/data/contacts"]["get"]["parameters"]}
    assert {"limit", "offset", "format", "channel", "start", "end", "pod"} <= params
