"""The conflict policy: a stored record is never changed silently (issue 14, item 3).

Each case of the issue, on SQLite and PostgreSQL: re-importing is idempotent and says so;
an id stored with different content is a conflict (rejected, updated or skipped, as the
policy says); a duplicate with different content inside one file is rejected naming the
first line; a partial record never erases what it does not carry; ids are trimmed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from empathos.listen import IngestError, ingest_file
from empathos.store import schema
from tests.listen.helpers import interaction, read_rejects, write_csv, write_jsonl


def _turns(engine: Engine, iid: str) -> list[tuple[int, str]]:
    t = schema.turns
    with engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                select(t.c.seq, t.c.text).where(t.c.interaction_id == iid).order_by(t.c.seq)
            )
        ]


def _customer(engine: Engine, cid: str) -> dict:
    c = schema.customers
    with engine.connect() as conn:
        return dict(conn.execute(select(c).where(c.c.customer_id == cid)).mappings().one())


def test_reimport_counts_every_record_unchanged(engine: Engine, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "i.jsonl", [interaction(i) for i in range(8)])
    first = ingest_file(path, engine)
    assert (first.new, first.unchanged, first.records_accepted) == (8, 0, 8)
    again = ingest_file(path, engine)
    assert (again.new, again.unchanged, again.updated, again.conflicts) == (0, 8, 0, 0)
    assert again.records_accepted == 8 and again.turns_stored == 0
    assert len(_turns(engine, "c-1")) == 3


def test_changed_interaction_is_a_conflict_with_file_line_field_and_fields(
    engine: Engine, tmp_path: Path
) -> None:
    path = write_jsonl(tmp_path / "i.jsonl", [interaction(0), interaction(1)])
    ingest_file(path, engine)
    longer = interaction(0, n_turns=4)  # the issue: its turns used to be appended
    renamed = interaction(1, queue="billing")  # fills an empty field: not a conflict
    renamed["interaction_id"] = " c-1 "  # trimmed to the stored key
    renamed["turns"][0]["text"] = "a different first message"
    rejects = tmp_path / "r.jsonl"
    report = ingest_file(
        write_jsonl(tmp_path / "i.jsonl", [longer, renamed]), engine, rejects_path=rejects
    )
    assert (report.conflicts, report.new, report.records_rejected) == (2, 0, 2)
    found = read_rejects(rejects)
    assert [(r["line"], r["field"]) for r in found] == [
        (1, "interaction_id"),
        (2, "interaction_id"),
    ]
    # ended_at follows the turns when the record gives none: it differs too
    assert "stored interaction c-0: ended_at, turns (3 stored, 4 in" in found[0]["error"]
    assert "stored interaction c-1: turns (seq 0: text) differs" in found[1]["error"]
    assert len(_turns(engine, "c-0")) == 3
    assert _turns(engine, "c-1")[0][1] == interaction(1)["turns"][0]["text"]


def test_update_replaces_the_turns_and_skip_keeps_the_stored_ones(
    engine: Engine, tmp_path: Path
) -> None:
    path = write_jsonl(tmp_path / "i.jsonl", [interaction(0, n_turns=4)])
    ingest_file(path, engine)
    shorter = interaction(0, n_turns=2)
    shorter["turns"][1]["text"] = "replaced"
    write_jsonl(path, [shorter])
    skipped = ingest_file(path, engine, on_conflict="skip")
    assert (skipped.skipped, skipped.conflicts, skipped.records_accepted) == (1, 0, 1)
    assert len(_turns(engine, "c-0")) == 4
    updated = ingest_file(path, engine, on_conflict="update")
    assert (updated.updated, updated.conflicts) == (1, 0)
    assert _turns(engine, "c-0") == [(0, shorter["turns"][0]["text"]), (1, "replaced")]
    assert ingest_file(path, engine).unchanged == 1  # and now it is the stored one


def test_duplicate_with_different_content_in_one_file_is_rejected_naming_the_first(
    engine: Engine, tmp_path: Path
) -> None:
    other = interaction(0)
    other["turns"][0]["text"] = "not the same"
    rejects = tmp_path / "r.jsonl"
    path = write_jsonl(
        tmp_path / "i.jsonl", [interaction(0), interaction(1), other, interaction(1)]
    )
    report = ingest_file(path, engine, rejects_path=rejects)
    assert (report.new, report.unchanged, report.conflicts) == (2, 1, 1)
    (found,) = read_rejects(rejects)
    assert (found["line"], found["field"]) == (3, "interaction_id")
    assert "repeats the interaction c-0 of line 1" in found["error"]
    assert _turns(engine, "c-0")[0][1] == interaction(0)["turns"][0]["text"]
    assert len(_turns(engine, "c-1")) == 3


def test_duplicate_customer_in_one_file_is_rejected_under_every_policy(
    engine: Engine, tmp_path: Path
) -> None:
    path = write_jsonl(
        tmp_path / "c.jsonl",
        [{"customer_id": "cu-1", "segment": "retail"}, {"customer_id": "cu-1", "segment": "smb"}],
    )
    for policy in ("reject", "update", "skip"):
        rejects = tmp_path / f"r-{policy}.jsonl"
        report = ingest_file(path, engine, on_conflict=policy, rejects_path=rejects)
        assert report.conflicts == 1, policy
        assert read_rejects(rejects)[0]["line"] == 2
        assert "of line 1" in read_rejects(rejects)[0]["error"]
    assert _customer(engine, "cu-1")["segment"] == "retail"


@pytest.mark.parametrize("policy", ["reject", "update", "skip"])
def test_a_partial_customer_never_erases_what_it_does_not_carry(
    engine: Engine, tmp_path: Path, policy: str
) -> None:
    full = {
        "customer_id": "cu-1",
        "name": "Ada",
        "segment": "retail",
        "language": "en",
        "created_at": "2025-01-02T03:04:05",
        "source": "simulated",
        "attributes": {"pod": "p-1", "region": "north"},
    }
    path = write_jsonl(tmp_path / "c.jsonl", [full])
    ingest_file(path, engine)
    before = _customer(engine, "cu-1")
    write_jsonl(path, [{"customer_id": "cu-1"}, {"customer_id": " cu-1 ", "name": " "}])
    report = ingest_file(path, engine, on_conflict=policy)
    assert (report.unchanged, report.conflicts, report.updated) == (2, 0, 0)
    assert _customer(engine, "cu-1") == before


def test_update_takes_only_the_fields_a_partial_record_carries(
    engine: Engine, tmp_path: Path
) -> None:
    path = write_jsonl(
        tmp_path / "c.jsonl",
        [{"customer_id": "cu-1", "name": "Ada", "segment": "retail", "attributes": {"pod": "p-1"}}],
    )
    ingest_file(path, engine)
    write_jsonl(path, [{"customer_id": "cu-1", "segment": "premium"}])
    assert ingest_file(path, engine, on_conflict="update").updated == 1
    stored = _customer(engine, "cu-1")
    assert (stored["name"], stored["segment"], stored["attributes"]) == (
        "Ada",
        "premium",
        {"pod": "p-1"},
    )


def test_a_record_filling_empty_fields_is_an_update_not_a_conflict(
    engine: Engine, tmp_path: Path
) -> None:
    path = write_jsonl(tmp_path / "c.jsonl", [{"customer_id": "cu-1", "name": "Ada"}])
    ingest_file(path, engine)
    write_jsonl(path, [{"customer_id": "cu-1", "name": "Ada", "segment": "smb"}])
    report = ingest_file(path, engine)
    assert (report.updated, report.conflicts) == (1, 0)
    assert _customer(engine, "cu-1")["segment"] == "smb"


def test_turn_rows_conflict_per_turn_and_may_add_turns(engine: Engine, tmp_path: Path) -> None:
    header = ["interaction_id", "seq", "speaker", "text", "ts"]
    rows = [
        ["c-9", "0", "customer", "hello", "2026-03-01T09:00:00"],
        ["c-9", "1", "employee", "hi, how can I help?", "2026-03-01T09:01:00"],
    ]
    path = write_csv(tmp_path / "t.csv", header, rows)
    ingest_file(path, engine)
    again = ingest_file(path, engine)
    assert (again.new, again.unchanged) == (0, 2)
    rejects = tmp_path / "r.jsonl"
    changed = [
        [" c-9", "1", "employee", "something else", "2026-03-01T09:01:00"],
        ["c-9", "2", "customer", "thanks", "2026-03-01T09:02:00"],
    ]
    report = ingest_file(write_csv(path, header, changed), engine, rejects_path=rejects)
    assert (report.new, report.conflicts) == (1, 1)
    (found,) = read_rejects(rejects)
    assert (found["line"], found["field"]) == (2, "seq")
    assert "conflicts with the stored turn c-9 seq 1: text differs" in found["error"]
    assert _turns(engine, "c-9") == [(0, "hello"), (1, "hi, how can I help?"), (2, "thanks")]


def test_unknown_policy_is_a_clear_error(engine: Engine, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "i.jsonl", [interaction(0)])
    with pytest.raises(IngestError, match="on_conflict must be one of reject, update, skip"):
        ingest_file(path, engine, on_conflict="merge")
