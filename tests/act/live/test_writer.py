"""The write-behind on the store's one upsert, on both databases."""

from __future__ import annotations

from sqlalchemy import Engine, select

from empathos.act.live import LiveConfig
from empathos.act.live.writer import ThreadWriter
from empathos.store.repository import COPY_THRESHOLD
from empathos.store.tables_live import live_contacts
from tests.act.live_store import NOW


def contact_row(k: int, status: str | None = "open") -> dict:
    return {
        "contact_id": f"lc{k}",
        "customer_id": "cu-1",
        "channel": "chat",
        "language": "en",
        "need": "billing",
        "mood": "calm",
        "status": status,
        "to_automation": False,
        "pod_id": None,
        "lead_id": "e1",
        "handovers": 0,
        "n_turns": 1,
        "opened_at": NOW,
        "updated_at": NOW,
        "closed_at": None,
        "state": {"attempt": 0},
    }


def test_a_bad_contact_row_in_a_large_batch_is_rejected_not_retried(engine: Engine) -> None:
    """A batch large enough for PostgreSQL's COPY path (whose driver errors come unwrapped)
    with one bad row: that row is rejected and counted, the others are written, and the
    latest state of each contact wins."""
    n = COPY_THRESHOLD + 50
    writer = ThreadWriter(engine, LiveConfig(write_batch=10 * n, write_interval_s=0.2))
    try:
        for k in range(n):
            writer.put(live_contacts, contact_row(k))
        writer.put(live_contacts, contact_row(0, status="closed"))
        writer.put(live_contacts, contact_row(n, status=None))  # NOT NULL: a bad row
        assert writer.flush(timeout=20)
        assert writer.rejected == 1 and writer.pending == 0
    finally:
        writer.close()
    with engine.connect() as conn:
        stored = dict(
            conn.execute(select(live_contacts.c.contact_id, live_contacts.c.status)).all()
        )
    assert len(stored) == n and stored["lc0"] == "closed" and stored["lc1"] == "open"
