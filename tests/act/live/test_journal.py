"""The live desk's write-ahead journal on both databases: rows are journaled before the
writer sees them, segments go once stored, a replay of rows already stored duplicates
nothing, and a torn last record is skipped."""

from __future__ import annotations

import pickle
import struct
from datetime import datetime

import pytest
from sqlalchemy import func, select

from empathos.act.live import LiveConfig
from empathos.act.live.journal import JournaledWriter, read_segment
from empathos.act.live.writer import ThreadWriter
from empathos.store.tables_live import lead_changes, live_turns, routing_decisions

T = datetime(2026, 3, 1, 12, 0)


def _rows(cid: str) -> list[tuple]:
    turn = {
        "contact_id": cid, "seq": 1, "speaker": "customer", "text": "hi", "ts": T,
        "emotion": None, "valence": None, "intensity": None, "model": None, "need": None,
    }  # fmt: skip
    decision = {
        "contact_id": cid, "seq": 1, "kind": "open", "at": T, "policy": "fifo",
        "to_automation": False, "pod_id": None, "employee_id": None, "rule": None,
        "reason": "r", "fell_back": False, "fallback_reason": None, "inputs": {},
        "scores": [], "latency_ms": 1.0, "_explain": None,
    }  # fmt: skip
    change = {
        "contact_id": cid, "seq": 1, "at": T, "from_id": None, "to_id": "e", "trigger": [],
        "reason": "r", "note_language": "en", "note": "n",
    }  # fmt: skip
    return [(live_turns, turn), (routing_decisions, decision), (lead_changes, change)]


def _counts(engine) -> tuple[int, ...]:
    with engine.connect() as conn:
        return tuple(
            int(conn.execute(select(func.count()).select_from(t)).scalar_one())
            for t in (live_turns, routing_decisions, lead_changes)
        )


def test_journal_replay_never_duplicates(engine, tmp_path) -> None:
    folder = tmp_path / "journal"
    j = JournaledWriter(ThreadWriter(engine, LiveConfig()), folder)
    with pytest.raises(RuntimeError):  # one desk per journal folder
        JournaledWriter(ThreadWriter(engine, LiveConfig()), folder)
    for table, row in _rows("c1"):
        j.put(table, dict(row))
    assert j.flush(30.0)
    j.prune()
    assert j.pending_in_journal == 0
    j.close()
    assert not [p for p in folder.glob("*.wal") if p.stat().st_size]
    assert _counts(engine) == (1, 1, 1)
    # a segment left by a crash: c1's rows (already stored) and c2's (not yet)
    blob = b""
    for table, row in _rows("c1") + _rows("c2"):
        data = pickle.dumps((table.name, row))
        blob += struct.pack("<I", len(data)) + data
    (folder / "00000007.wal").write_bytes(blob + struct.pack("<I", 999) + b"torn")
    assert len(list(read_segment(folder / "00000007.wal"))) == 6  # the torn tail skipped
    j = JournaledWriter(ThreadWriter(engine, LiveConfig()), folder)
    assert j.replayed == 6
    assert j.flush(30.0)
    j.prune()
    j.close()
    assert _counts(engine) == (2, 2, 2)
    assert not (folder / "00000007.wal").exists()


@pytest.mark.parametrize("writer", ["thread", "process"])
def test_put_many_journals_each_row_before_the_writer(engine, tmp_path, writer) -> None:
    """One desk call's rows in one ``put_many``: the segment holds the same records as one
    ``put`` each (readable one by one, in order) before the writer stores them; a desk
    that died before its writer stored anything gets them back from the journal."""
    from empathos.act.live.writer import ProcessWriter

    if writer == "process" and engine.dialect.name != "sqlite":
        pytest.skip("the child opens the URL; the PostgreSQL fixture's schema is per engine")
    folder = tmp_path / "journal"
    url = engine.url.render_as_string(hide_password=False)

    def inner() -> object:
        if writer == "process":
            return ProcessWriter(url, LiveConfig())
        return ThreadWriter(engine, LiveConfig())

    rows = _rows("m1")
    j = JournaledWriter(inner(), folder)
    j.put_many([(t, dict(r)) for t, r in rows])
    segment = j._path  # the open segment, before the writer may let it go
    records = list(read_segment(segment))
    assert [name for name, _ in records] == [t.name for t, _ in rows]
    assert records[0][1]["contact_id"] == "m1" and j.seq == 3
    assert j.flush(30.0)
    assert _counts(engine) == (1, 1, 1)
    j.close()
    # the journal of a desk whose writer stored nothing (a crash): replayed once, no dupes
    blob = segment.with_name("00000009.wal")
    data = b"".join(
        struct.pack("<I", len(p)) + p
        for p in (pickle.dumps((t.name, r)) for t, r in _rows("m1") + _rows("m2"))
    )
    blob.write_bytes(data)
    j = JournaledWriter(inner(), folder)
    assert j.replayed == 6
    assert j.flush(30.0)
    j.close()
    assert _counts(engine) == (2, 2, 2)
