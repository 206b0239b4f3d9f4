"""Ingest on both databases: formats, rejects, idempotency, master-data updates."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from empathos.listen import IngestError, guess_kind, ingest_dir, ingest_file
from empathos.store import schema
from empathos.store.repository import count_rows
from tests.listen.helpers import interaction, read_rejects, write_csv, write_jsonl


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t: count_rows(conn, t)
            for t in ("interactions", "turns", "customers", "outcomes", "transactions")
        }


def test_jsonl_loads_good_records_and_rejects_bad_ones_with_line_and_field(
    engine: Engine, tmp_path: Path
) -> None:
    bad_speaker = interaction(2)
    bad_speaker["turns"][1]["speaker"] = "robot"
    path = write_jsonl(
        tmp_path / "conv.jsonl",
        [
            interaction(1),
            bad_speaker,
            "{not json",
            interaction(3),
            {"interaction_id": "x", "channel": "chat"},
        ],
    )
    rejects = tmp_path / "rejects.jsonl"
    report = ingest_file(path, engine, rejects_path=rejects)
    assert (report.records_read, report.records_accepted, report.records_rejected) == (5, 2, 3)
    found = {(r["line"], r["field"]) for r in read_rejects(rejects)}
    assert found == {(2, "turns[1].speaker"), (3, "(line)"), (5, "turns")}
    assert all(r["file"] == str(path) for r in read_rejects(rejects))
    assert counts(engine)["interactions"] == 2 and counts(engine)["turns"] == 6


def test_reimport_stores_nothing_twice(engine: Engine, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "conv.jsonl", [interaction(i) for i in range(50)])
    ingest_file(path, engine, batch_size=7)
    first = counts(engine)
    ingest_file(path, engine, batch_size=13)
    assert counts(engine) == first == {**first, "interactions": 50, "turns": 150}


def test_interaction_times_default_to_its_turns(engine: Engine, tmp_path: Path) -> None:
    ingest_file(write_jsonl(tmp_path / "c.jsonl", [interaction(4, n_turns=4)]), engine)
    with engine.connect() as conn:
        start, end = conn.execute(
            select(schema.interactions.c.started_at, schema.interactions.c.ended_at)
        ).one()
    assert (start.minute, end.minute) == (0, 3)


def test_csv_turn_rows_build_interactions_across_batches(engine: Engine, tmp_path: Path) -> None:
    header = ["interaction_id", "seq", "speaker", "text", "ts", "customer_id", "channel"]
    rows = [
        ["t-1", 0, "customer", "Where is my parcel?", "2026-01-05T10:00:00", "cu-1", "email"],
        ["t-2", 0, "customer", "Wo ist mein Paket?", "2026-01-06T10:00:00", "cu-2", ""],
        [
            "t-1",
            1,
            "employee",
            "Let me check the tracking for you.",
            "2026-01-05T10:30:00",
            "",
            "email",
        ],
        ["t-1", 2, "customer", "thanks", "2026-01-05T11:00:00", "", "email"],
        ["t-2", 1, "tablet", "??", "2026-01-06T10:05:00", "", ""],
    ]
    path = write_csv(tmp_path / "turns.csv", header, rows)
    report = ingest_file(path, engine, batch_size=2, rejects_path=tmp_path / "r.jsonl")
    assert report.kind == "turns"
    assert [(r["line"], r["field"]) for r in read_rejects(tmp_path / "r.jsonl")] == [(6, "speaker")]
    with engine.connect() as conn:
        got = {r.interaction_id: r for r in conn.execute(select(schema.interactions)).all()}
        langs = dict(conn.execute(select(schema.turns.c.text, schema.turns.c.language)).all())
    assert got["t-1"].channel == "email" and got["t-2"].channel == "chat"
    assert got["t-1"].started_at.hour == 10 and got["t-1"].ended_at.hour == 11
    assert langs["Wo ist mein Paket?"] == "de"
    assert langs["thanks"] == "en"


TWEETS = [
    [
        "tweet_id",
        "author_id",
        "inbound",
        "created_at",
        "text",
        "response_tweet_id",
        "in_response_to_tweet_id",
    ],
    [
        1,
        "115712",
        "True",
        "Tue Oct 31 22:10:47 +0000 2017",
        "@sprintcare my phone has no signal since monday",
        "2",
        "",
    ],
    [
        2,
        "sprintcare",
        "False",
        "Tue Oct 31 22:11:45 +0000 2017",
        "@115712 I understand how frustrating that is. Which area are you in?",
        "3",
        "1",
    ],
    [
        3,
        "115712",
        "True",
        "Tue Oct 31 22:13:00 +0000 2017",
        "@sprintcare downtown, still nothing",
        "",
        "2",
    ],
    [
        10,
        "115713",
        "True",
        "Tue Oct 31 23:00:00 +0000 2017",
        "@AppleSupport battery drains fast after update",
        "",
        "",
    ],
    [
        11,
        "AppleSupport",
        "False",
        "Tue Oct 31 23:05:00 +0000 2017",
        "@115713 Let's look into it together. Which iOS version?",
        "",
        "10",
    ],
    [12, "115713", "maybe", "Tue Oct 31 23:06:00 +0000 2017", "@AppleSupport 17.1", "", "11"],
]


def test_twitter_threads_become_interactions(engine: Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "twcs.csv", TWEETS[0], list(reversed(TWEETS[1:])))
    assert guess_kind(path) == "twitter"
    report = ingest_file(path, engine, rejects_path=tmp_path / "r.jsonl")
    assert report.records_rejected == 1
    assert read_rejects(tmp_path / "r.jsonl")[0]["field"] == "inbound"
    with engine.connect() as conn:
        rows = {r.interaction_id: r for r in conn.execute(select(schema.interactions)).all()}
        turns = conn.execute(
            select(
                schema.turns.c.interaction_id, schema.turns.c.seq, schema.turns.c.speaker
            ).order_by(schema.turns.c.interaction_id, schema.turns.c.seq)
        ).all()
    assert set(rows) == {"tw-1", "tw-10"}
    assert rows["tw-1"].customer_id == "115712" and rows["tw-1"].employee_id == "sprintcare"
    assert rows["tw-1"].channel == "social"
    assert rows["tw-1"].started_at.minute == 10 and rows["tw-1"].ended_at.minute == 13
    assert [(t.interaction_id, t.seq, t.speaker) for t in turns] == [
        ("tw-1", 0, "customer"),
        ("tw-1", 1, "employee"),
        ("tw-1", 2, "customer"),
        ("tw-10", 0, "customer"),
        ("tw-10", 1, "employee"),
    ]


def test_mapping_file_imports_a_foreign_export(engine: Engine, tmp_path: Path) -> None:
    mapping = tmp_path / "zendesk.yaml"
    mapping.write_text(
        "kind: turns\nformat: csv\ndelimiter: ';'\n"
        "columns: {interaction_id: ticket, text: body, speaker: author_type, ts: created, "
        "customer_id: requester}\n"
        "values: {speaker: {end-user: customer, agent: employee}}\n"
        "defaults: {channel: email}\n"
    )
    export = tmp_path / "export.csv"
    export.write_text(
        "ticket;body;author_type;created;requester\n"
        "Z1;Mi factura está mal;end-user;2026-02-01 08:00;r-1\n"
        "Z1;Lo reviso ahora mismo;agent;2026-02-01 08:05;\n"
        "Z2;;end-user;2026-02-01 09:00;r-2\n"
    )
    report = ingest_file(export, engine, mapping=mapping, rejects_path=tmp_path / "r.jsonl")
    assert (report.kind, report.records_accepted, report.records_rejected) == ("turns", 2, 1)
    assert read_rejects(tmp_path / "r.jsonl")[0]["field"] == "body (-> text)"
    with engine.connect() as conn:
        channel, customer = conn.execute(
            select(schema.interactions.c.channel, schema.interactions.c.customer_id)
        ).one()
    assert (channel, customer) == ("email", "r-1")


def test_bad_mapping_fails_before_reading(engine: Engine, tmp_path: Path) -> None:
    mapping = tmp_path / "m.toml"
    mapping.write_text('kind = "tickets"\n[columns]\ntext = "body"\n')
    with pytest.raises(IngestError, match="'kind' must be one of"):
        ingest_file(write_csv(tmp_path / "x.csv", ["body"], [["hi"]]), engine, mapping=mapping)


def test_a_changed_record_is_a_conflict_unless_the_policy_says_update(
    engine: Engine, tmp_path: Path
) -> None:
    """Master data and facts alike: a newer value is never taken silently (the default
    rejects it as a conflict); ``on_conflict="update"`` takes it."""
    customers = tmp_path / "customers.jsonl"
    write_jsonl(customers, [{"customer_id": "cu-1", "segment": "retail"}])
    ingest_file(customers, engine)
    write_jsonl(customers, [{"customer_id": "cu-1", "segment": "premium"}])
    assert ingest_file(customers, engine).conflicts == 1
    tx = tmp_path / "tx.csv"
    write_csv(
        tx,
        ["transaction_id", "customer_id", "ts", "amount"],
        [["t1", "cu-1", "2026-01-01", "10.5"]],
    )
    ingest_file(tx, engine)
    write_csv(
        tx, ["transaction_id", "customer_id", "ts", "amount"], [["t1", "cu-1", "2026-01-01", "99"]]
    )
    assert ingest_file(tx, engine).conflicts == 1
    with engine.connect() as conn:
        assert conn.execute(select(schema.customers.c.segment)).scalar_one() == "retail"
        assert conn.execute(select(schema.transactions.c.amount)).scalar_one() == 10.5
    assert ingest_file(customers, engine, on_conflict="update").updated == 1
    assert ingest_file(tx, engine, on_conflict="update").updated == 1
    with engine.connect() as conn:
        assert conn.execute(select(schema.customers.c.segment)).scalar_one() == "premium"
        assert conn.execute(select(schema.transactions.c.amount)).scalar_one() == 99


def test_folder_import_orders_parents_first(engine: Engine, tmp_path: Path) -> None:
    write_jsonl(
        tmp_path / "a_outcomes.jsonl",
        [{"outcome_id": "o1", "kind": "csat", "value": 4, "interaction_id": "c-1"}],
    )
    write_jsonl(tmp_path / "b_interactions.jsonl", [interaction(1)])
    write_jsonl(
        tmp_path / "c_employees.jsonl",
        [
            {
                "employee_id": "e1",
                "name": "Ana",
                "pod_id": "p1",
                "skills": ["billing"],
                "languages": ["en", "de"],
            }
        ],
    )
    write_jsonl(
        tmp_path / "e_pods.jsonl", [{"pod_id": "p1", "name": "North", "member_ids": ["e1"]}]
    )
    write_csv(tmp_path / "d_customers.csv", ["customer_id", "segment"], [["cu-1", "smb"]])
    reports = ingest_dir(tmp_path, engine)
    assert [r.kind for r in reports] == [
        "customers",
        "employees",
        "pods",
        "interactions",
        "outcomes",
    ]
    with engine.connect() as conn:
        assert conn.execute(select(schema.employees.c.languages)).scalar_one() == ["en", "de"]
    assert counts(engine)["outcomes"] == 1


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"outcome_id": "o", "kind": "csat", "value": "great", "customer_id": "c"}, "value"),
        ({"outcome_id": "o", "kind": "mood", "value": 1, "customer_id": "c"}, "kind"),
        ({"outcome_id": "o", "kind": "nps", "value": 9}, "interaction_id"),
        (
            {"outcome_id": "o", "kind": "nps", "value": 9, "customer_id": "c", "ts": "yesterday"},
            "ts",
        ),
    ],
)
def test_outcome_errors_name_the_field(
    engine: Engine, tmp_path: Path, record: dict, field: str
) -> None:
    path = write_jsonl(tmp_path / "outcomes.jsonl", [record])
    report = ingest_file(path, engine, rejects_path=tmp_path / "r.jsonl")
    assert report.records_rejected == 1
    assert read_rejects(tmp_path / "r.jsonl")[0]["field"] == field


def test_unknown_file_kind_is_a_clear_error(engine: Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "odd.csv", ["foo", "bar"], [[1, 2]])
    with pytest.raises(IngestError, match="cannot tell what this file holds"):
        ingest_file(path, engine)


def test_worker_processes_store_and_reject_exactly_what_one_process_does(tmp_path: Path) -> None:
    from empathos.store import init_db
    from tests.conftest import sqlite_engine

    bad = interaction(5)
    bad["turns"][0]["text"] = ""
    records = (
        [interaction(i) for i in range(3000)]
        + [bad, "{oops"]
        + [interaction(i) for i in range(3000, 4000)]
    )
    path = write_jsonl(tmp_path / "c.jsonl", records)
    dumps = []
    for workers in (0, 2):
        (tmp_path / str(workers)).mkdir()
        engine, _ = sqlite_engine(tmp_path / str(workers))
        init_db(engine)
        report = ingest_file(
            path,
            engine,
            workers=workers,
            batch_size=700,
            rejects_path=tmp_path / f"r{workers}.jsonl",
        )
        with engine.connect() as conn:
            turns = conn.execute(
                select(schema.turns).order_by(schema.turns.c.interaction_id, schema.turns.c.seq)
            ).all()
        dumps.append(
            (
                report.records_accepted,
                report.records_rejected,
                turns,
                read_rejects(tmp_path / f"r{workers}.jsonl"),
            )
        )
        engine.dispose()
    assert dumps[0] == dumps[1]
    assert dumps[0][1] == 2 and [r["line"] for r in dumps[0][3]] == [3001, 3002]
