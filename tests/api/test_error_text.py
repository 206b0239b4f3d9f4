"""Health and fallback answers carry no SQL or driver text (issue 18, item 3): with the
customers table gone, a contact still opens (on the fallback record) and its
``fallback_reason`` and ``/live/health`` name the error's class, not the query."""

from __future__ import annotations

from sqlalchemy import text

from tests.api.test_contacts import BILLING, sqlite_client  # noqa: F401 - fixture

LEAKS = ("select", "no such table", "sqlite3", "customers", "from ", "[sql")


def test_a_database_error_answers_a_short_code(sqlite_client) -> None:  # noqa: F811
    engine = sqlite_client.app.state.engine
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE customers RENAME TO customers_gone"))
    r = sqlite_client.post("/contacts", json={"customer_id": "c-hist", "text": BILLING})
    assert r.status_code == 201, r.text
    reason = (r.json()["fallback_reason"] or "").lower()
    assert "operationalerror" in reason, reason
    assert not [w for w in LEAKS if w in reason], reason
    health = sqlite_client.get("/live/health")
    assert health.status_code == 200
    body = health.text.lower()
    assert "operationalerror" in body
    assert not [w for w in LEAKS if w in body], body
