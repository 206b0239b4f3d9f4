"""Column mappings on real and realistic exports: the shipped mappings on their fixtures
(tests/listen/fixtures, written by us) and on the real ABCD sample, JSON arrays, nested
turns, date formats and zones, one row -> several turns, survey columns -> outcomes, and
mapping files that fail naming the file and the key."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select

from empathos.listen import IngestError, guess_kind, ingest_file
from empathos.listen.errors import RecordError
from empathos.listen.json_array import iter_json_array
from empathos.listen.mapping import load_mapping, resolve_mapping, shipped_mappings
from empathos.store import schema
from tests.listen.helpers import read_rejects, write_csv

FIXTURES = Path(__file__).parent / "fixtures"
ABCD = Path(__file__).parents[2] / "../shared/data/real/abcd_sample.json"
SHIPPED = shipped_mappings()
CONVERTERS = {name: load_mapping(name).converter() for name in SHIPPED}


def stored(engine: Engine, table: str, order: tuple[str, ...]) -> list:
    t = schema.metadata.tables[table]
    with engine.connect() as conn:
        return conn.execute(select(t).order_by(*(t.c[c] for c in order))).all()


def turns_of(engine: Engine) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for t in stored(engine, "turns", ("interaction_id", "seq")):
        out.setdefault(t.interaction_id, []).append((t.speaker, t.text))
    return out


def element_lines(path: Path) -> list[int]:
    """The lines our fixture's array elements start on (each starts with '{' at column 0
    of its line in these files, or after '[')."""
    return [n for n, line in enumerate(path.read_text().splitlines(), 1) if line.startswith("{")]


# -- the shipped mappings ---------------------------------------------------------------


def test_every_shipped_mapping_loads_and_is_found_by_name() -> None:
    assert set(shipped_mappings()) >= {
        "abcd",
        "zendesk_tickets",
        "freshdesk_tickets",
        "intercom_conversations",
        "generic_tickets",
    }
    for name in shipped_mappings():
        mapping = load_mapping(name)
        assert mapping.kind == "interactions" and mapping.origin.endswith(f"{name}.yaml")
    with pytest.raises(IngestError, match="shipped: abcd, freshdesk_tickets"):
        resolve_mapping("zendesk")


@pytest.mark.skipif(not ABCD.is_file(), reason="../shared/data/real is not here")
def test_abcd_sample_imports_turn_by_turn_as_in_the_file(engine: Engine, tmp_path: Path) -> None:
    source = json.loads(ABCD.read_text())
    report = ingest_file(ABCD, engine, mapping="abcd", rejects_path=tmp_path / "r.jsonl")
    assert (report.records_read, report.records_accepted, report.records_rejected) == (3, 3, 0)
    turns = turns_of(engine)
    interactions = {
        r.interaction_id: r for r in stored(engine, "interactions", ("interaction_id",))
    }
    assert set(interactions) == {str(c["convo_id"]) for c in source}
    speakers = {"agent": "employee", "customer": "customer"}
    for convo in source:
        said = [(speakers[s], text) for s, text in convo["original"] if s != "action"]
        actions = sum(1 for s, _ in convo["original"] if s == "action")
        assert actions > 0, "each sample conversation has action lines, which are left out"
        assert turns[str(convo["convo_id"])] == said  # same order, speakers and text
        row = interactions[str(convo["convo_id"])]
        assert row.need == convo["scenario"]["flow"]
        assert row.attributes["subflow"] == convo["scenario"]["subflow"]
        assert row.attributes["flow"] == convo["scenario"]["flow"]
        assert row.channel == "chat"
    assert [len(turns[str(c["convo_id"])]) for c in source] == [25, 19, 19]
    assert interactions["3592"].customer_id == "cminh730"
    assert interactions["3695"].customer_id is None  # no username nor email in the file
    # the parties exist: each named customer, and the one employee standing for ABCD's agents
    customers = {r.customer_id for r in stored(engine, "customers", ("customer_id",))}
    assert customers == {r.customer_id for r in interactions.values()} - {None}
    assert {r.employee_id for r in stored(engine, "employees", ("employee_id",))} == {"abcd-agent"}
    assert {r.employee_id for r in interactions.values()} == {"abcd-agent"}
    again = ingest_file(ABCD, engine, mapping="abcd", rejects_path=tmp_path / "r2.jsonl")
    assert again.records_rejected == 0
    assert (again.new, again.unchanged) == (0, 3)
    assert sum(map(len, turns_of(engine).values())) == 63  # nothing stored twice


def test_zendesk_export_becomes_tickets_with_csat(sqlite_store: Engine, tmp_path: Path) -> None:
    rejects = tmp_path / "r.jsonl"
    path = FIXTURES / "zendesk_tickets.csv"
    report = ingest_file(path, sqlite_store, mapping="zendesk_tickets", rejects_path=rejects)
    assert (report.records_read, report.records_accepted, report.records_rejected) == (4, 3, 1)
    (reject,) = read_rejects(rejects)
    assert reject["line"] == 6  # the 1042 description spans lines 3-4
    assert reject["field"] == "satisfaction_score (-> outcome csat.value)"
    assert "'Maybe' is not a number" in reject["error"]
    rows = {r.interaction_id: r for r in stored(sqlite_store, "interactions", ("interaction_id",))}
    assert set(rows) == {"1041", "1042", "1043"}
    assert [rows[i].channel for i in ("1041", "1042", "1043")] == ["email", "email", "chat"]
    assert (rows["1041"].customer_id, rows["1041"].employee_id) == ("381122", "90001")
    customers = {r.customer_id for r in stored(sqlite_store, "customers", ("customer_id",))}
    employees = {r.employee_id for r in stored(sqlite_store, "employees", ("employee_id",))}
    assert customers == {r.customer_id for r in rows.values()} - {None}
    assert employees == {r.employee_id for r in rows.values()} - {None}
    assert rows["1042"].employee_id is None and rows["1041"].queue == "Billing"
    assert rows["1041"].attributes == {
        "subject": "Charged twice",
        "status": "solved",
        "priority": "high",
        "tags": "billing refund",
    }
    assert rows["1041"].ended_at == datetime(2026, 3, 2, 11, 40)
    turns = turns_of(sqlite_store)
    assert turns["1042"] == [
        (
            "customer",
            "Since the update the app logs me out every few minutes.\n"
            "It happens on both my phone and tablet.",
        )
    ]
    outcomes = stored(sqlite_store, "outcomes", ("outcome_id",))
    assert [(o.outcome_id, o.kind, o.value) for o in outcomes] == [
        ("1041:csat", "csat", 1.0),
        ("1043:csat", "csat", 0.0),  # "Bad with comment"; 1042 was only "Offered"
    ]
    assert outcomes[0].ts == datetime(2026, 3, 2, 11, 40)  # the ticket's end


def test_freshdesk_export_reads_day_first_dates(sqlite_store: Engine, tmp_path: Path) -> None:
    rejects = tmp_path / "r.jsonl"
    path = FIXTURES / "freshdesk_tickets.csv"
    report = ingest_file(path, sqlite_store, mapping="freshdesk_tickets", rejects_path=rejects)
    assert (report.records_accepted, report.records_rejected) == (3, 1)
    (reject,) = read_rejects(rejects)
    assert reject["line"] == 5
    assert reject["field"] == "Created time (-> started_at)"
    assert "'31-02-2026 08:00' matches none of the date formats" in reject["error"]
    rows = {r.interaction_id: r for r in stored(sqlite_store, "interactions", ("interaction_id",))}
    assert rows["2001"].started_at == datetime(2026, 3, 1, 9, 15)  # 01-03: 1 March
    assert rows["2001"].ended_at == datetime(2026, 3, 2, 16, 5)
    assert rows["2002"].started_at == datetime(2026, 3, 13, 14, 30)
    assert rows["2003"].started_at == datetime(2026, 3, 20, 8, 0)  # ISO still accepted
    assert [rows[i].channel for i in ("2001", "2002", "2003")] == ["email", "self_service", "voice"]
    assert rows["2001"].customer_id == "7001" and rows["2001"].employee_id == "Mia Lang"
    outcomes = stored(sqlite_store, "outcomes", ("outcome_id",))
    assert [(o.interaction_id, o.value) for o in outcomes] == [("2001", 4.0), ("2002", 1.0)]


def test_generic_ticket_row_becomes_three_turns(sqlite_store: Engine, tmp_path: Path) -> None:
    path = FIXTURES / "generic_tickets.csv"
    report = ingest_file(path, sqlite_store, mapping="generic_tickets", rejects_path=tmp_path / "r")
    assert (report.records_accepted, report.records_rejected, report.turns_stored) == (3, 0, 6)
    turns = stored(sqlite_store, "turns", ("interaction_id", "seq"))
    t1 = [(t.seq, t.speaker, t.author_id, t.ts) for t in turns if t.interaction_id == "T-1"]
    # Europe/London is UTC+0 in January: the stored UTC time is the written one.
    assert t1 == [
        (0, "customer", "C-10", datetime(2026, 1, 1, 9, 15)),
        (1, "employee", "A-1", datetime(2026, 1, 1, 9, 40)),
        (2, "employee", "A-1", datetime(2026, 1, 1, 11, 5)),
    ]
    assert [t.speaker for t in turns if t.interaction_id == "T-2"] == ["customer", "employee"]
    assert [t.speaker for t in turns if t.interaction_id == "T-3"] == ["customer"]
    rows = {r.interaction_id: r for r in stored(sqlite_store, "interactions", ("interaction_id",))}
    assert rows["T-1"].ended_at == datetime(2026, 1, 1, 11, 5) and rows["T-2"].channel == "voice"
    outcomes = stored(sqlite_store, "outcomes", ("outcome_id",))
    assert [(o.outcome_id, o.value, o.ts) for o in outcomes] == [
        ("T-1:csat", 5.0, datetime(2026, 1, 1, 11, 5)),
        ("T-3:csat", 2.0, datetime(2026, 1, 3)),  # no resolution time: the ticket's start
    ]
    again = ingest_file(path, sqlite_store, mapping="generic_tickets", rejects_path=tmp_path / "r")
    assert again.records_rejected == 0 and len(stored(sqlite_store, "turns", ("seq",))) == 6


def test_intercom_conversations_json_array(engine: Engine, tmp_path: Path) -> None:
    rejects = tmp_path / "r.jsonl"
    path = FIXTURES / "intercom_conversations.json"
    report = ingest_file(path, engine, mapping="intercom_conversations", rejects_path=rejects)
    assert (report.records_read, report.records_accepted, report.records_rejected) == (3, 2, 1)
    turns = turns_of(engine)
    assert turns["215468972"] == [
        ("customer", "Hi, my order hasn't arrived yet.\nIt was due Friday."),
        ("employee", "Sorry Jo! I can see it is with the courier & arrives tomorrow."),
        ("customer", "Great, thanks!"),
    ]  # the assignment and the internal note are left out
    assert turns["215468973"] == [
        ("customer", "Can I get an invoice with my company name?"),
        ("bot", "Thanks, a teammate will reply soon."),
    ]
    (reject,) = read_rejects(rejects)
    assert reject["line"] == element_lines(path)[2]  # where the third element starts
    assert reject["field"] == "source.author.type (-> turns[0].speaker)"
    assert "'visitor' is not one of" in reject["error"]
    rows = {r.interaction_id: r for r in stored(engine, "interactions", ("interaction_id",))}
    first = rows["215468972"]
    assert (first.customer_id, first.employee_id, first.queue) == ("5bc8f1f0a", "814860", "5017")
    assert first.started_at == datetime(2026, 3, 1, 9, 0)  # Unix 1772355600 in UTC
    outcomes = stored(engine, "outcomes", ("outcome_id",))
    assert [(o.outcome_id, o.kind, o.value) for o in outcomes] == [("215468972:csat", "csat", 4.0)]


# -- JSON arrays ------------------------------------------------------------------------


def test_json_array_of_our_own_records_is_guessed_and_imported(
    sqlite_store: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "conversations.json"
    good = {
        "interaction_id": "j-1",
        "channel": "chat",
        "turns": [{"speaker": "customer", "text": "hi"}],
    }
    bad = {"interaction_id": "j-2", "channel": "chat", "turns": []}
    path.write_text("[\n" + json.dumps(good, indent=1) + ",\n  " + json.dumps(bad) + "\n]\n")
    assert guess_kind(path) == "interactions"
    report = ingest_file(path, sqlite_store, rejects_path=tmp_path / "r.jsonl")
    assert (report.records_accepted, report.records_rejected) == (1, 1)
    (reject,) = read_rejects(tmp_path / "r.jsonl")
    bad_line = len(json.dumps(good, indent=1).splitlines()) + 2
    assert (reject["line"], reject["field"]) == (bad_line, "turns")
    assert reject["record"] == json.dumps(bad)


def test_unknown_json_array_names_its_fields_and_the_shipped_mappings(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('[{"convo_id": 1, "original": []}]')
    with pytest.raises(IngestError, match=r"\['convo_id', 'original'\].*shipped mappings: abcd"):
        guess_kind(path)


def test_json_array_reader_lines_and_broken_json(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    from empathos.listen import json_array

    monkeypatch.setattr(json_array, "CHUNK_CHARS", 5)  # elements cut by the window
    path = tmp_path / "a.json"
    path.write_text(
        '\ufeff[\n {"a": "x\\ny",\n  "b": [1, {"c": "}"}]},\n 7,\n {"d": tru},\n {"e": 1}\n]'
    )
    items = list(iter_json_array(path))
    assert [(line, type(value).__name__) for line, value, _ in items] == [
        (2, "dict"),
        (4, "RecordError"),
        (5, "RecordError"),
    ]
    assert items[0][1] == {"a": "x\ny", "b": [1, {"c": "}"}]}
    assert "must be a JSON object, got int" in str(items[1][1])
    assert "not valid JSON (at line 5)" in str(items[2][1])  # and nothing after it is read
    path.write_text('{"a": 1}')
    ((line, error, _),) = iter_json_array(path)
    assert line == 1 and "must be a JSON array" in str(error)


# -- mapping features on small inline exports --------------------------------------------


def write_mapping(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "m.yaml"
    path.write_text(text)
    return path


def test_timezone_applies_to_naive_times_only(sqlite_store: Engine, tmp_path: Path) -> None:
    mapping = write_mapping(
        tmp_path,
        "kind: turns\ncolumns: {interaction_id: t, text: body, speaker: who, ts: at}\n"
        "date_format: '%d/%m/%Y %H:%M'\ntimezone: Europe/Berlin\n",
    )
    export = write_csv(
        tmp_path / "e.csv",
        ["t", "body", "who", "at"],
        [
            ["1", "Hallo", "customer", "05/07/2026 10:00"],  # CEST, UTC+2
            ["1", "Guten Tag", "employee", "2026-07-05T10:30:00+00:00"],  # aware: kept
        ],
    )
    report = ingest_file(export, sqlite_store, mapping=mapping, rejects_path=tmp_path / "r")
    assert report.records_rejected == 0
    stamps = [t.ts for t in stored(sqlite_store, "turns", ("seq",))]
    assert stamps == [datetime(2026, 7, 5, 8, 0), datetime(2026, 7, 5, 10, 30)]


def test_speaker_values_reach_nested_turns_and_a_missing_column_is_named(tmp_path: Path) -> None:
    mapping = load_mapping(
        write_mapping(
            tmp_path,
            "kind: interactions\nformat: json\ncolumns: {interaction_id: id}\n"
            "defaults: {channel: chat}\n"
            "turns:\n  - each: msgs\n    columns: {speaker: from.role, text: says}\n"
            "values: {speaker: {Client: customer, Agent: employee}}\n",
        )
    )
    convert = mapping.converter()
    rows = convert({"id": 5, "msgs": [{"from": {"role": "client"}, "says": "hi"},
                                     {"from": {"role": "Agent"}, "says": "hello"}]})  # fmt: skip
    assert [t["speaker"] for t in rows["turns"]] == ["customer", "employee"]
    with pytest.raises(Exception, match=r"msgs\[1\]\.from\.role \(-> turns\[1\]\.speaker\)"):
        convert({"id": 6, "msgs": [{"from": {"role": "client"}, "says": "a"}, {"says": "b"}]})
    with pytest.raises(Exception, match=r"no turn has text \(in says\)"):
        convert({"id": 7, "msgs": [{"from": {"role": "client"}, "text": "wrong key"}]})


def test_values_reach_turns_given_in_our_own_shape(tmp_path: Path) -> None:
    mapping = load_mapping(
        write_mapping(
            tmp_path,
            "kind: interactions\nformat: jsonl\ncolumns: {interaction_id: id, turns: messages}\n"
            "defaults: {channel: chat}\nvalues: {speaker: {user: customer, agent: employee, "
            "system: ~}}\n",
        )
    )
    rows = mapping.converter()(
        {
            "id": "x",
            "messages": [
                {"speaker": "user", "text": "hi"},
                {"speaker": "system", "text": "chat started"},
                {"speaker": "AGENT", "text": "hello"},
            ],
        }
    )
    assert [(t["seq"], t["speaker"]) for t in rows["turns"]] == [(0, "customer"), (1, "employee")]


def test_a_row_cut_by_a_line_break_names_that_cause(sqlite_store: Engine, tmp_path: Path) -> None:
    mapping = write_mapping(
        tmp_path,
        "kind: turns\ncolumns: {interaction_id: t, text: body, speaker: who, author_id: by}\n",
    )
    export = tmp_path / "e.csv"
    # A line feed inside an unquoted field ends the row for any CSV reader. (A bare carriage
    # return in a file of \n lines is read as part of its field: tests/listen/test_twitter.py.)
    export.write_bytes(b"t,body,who,by\n1,hello,customer,u-1\n2,line one\nline two,customer,u-2\n")
    ingest_file(export, sqlite_store, mapping=mapping, rejects_path=tmp_path / "r.jsonl")
    first = read_rejects(tmp_path / "r.jsonl")[0]
    assert first["field"] == "who (-> speaker)"
    assert "a line break inside an unquoted field probably cut the record in two" in first["error"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("kind: interactions\ncolumn: {a: b}\n", r"'column' is not a mapping key"),
        (
            "kind: turns\nformat: xml\ncolumns: {text: b}\n",
            r"'format' must be one of csv, jsonl, json",
        ),
        ("kind: turns\ncolumns: {txt: b}\n", r"'columns.txt' is not one of our fields"),
        (
            "kind: turns\ncolumns: {text: b}\ndate_format: '%Y-%Q'\n",
            r"'date_format' '%Y-%Q' is not",
        ),
        ("kind: turns\ncolumns: {text: b}\ntimezone: Mars/Olympus\n", r"'timezone' 'Mars/Olympus'"),
        ("kind: turns\ncolumns: {text: b}\nturns: [{columns: {text: x}}]\n", r"'turns' builds an"),
        (
            "kind: interactions\ncolumns: {interaction_id: i}\nturns: [{columns: {text: x}}]\n",
            r"'turns\[0\]\.columns\.speaker' is required",
        ),
        (
            "kind: interactions\ncolumns: {interaction_id: i}\n"
            "outcomes: [{kind: mood, value: m}]\n",
            r"'outcomes\[0\]\.kind' must be one of",
        ),
        (
            "kind: interactions\ncolumns: {interaction_id: i}\n"
            "outcomes: [{kind: csat, value: m, values: {good: great}}]\n",
            r"'outcomes\[0\]\.values' must map their answers to numbers",
        ),
    ],
)
def test_a_bad_mapping_names_the_file_and_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = write_mapping(tmp_path, text)
    with pytest.raises(IngestError, match=message) as caught:
        load_mapping(path)
    assert str(caught.value).startswith(str(path))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["0", "1", "id", "body", "author", "type"]), inner, max_size=3
        )
    ),
    max_leaves=10,
)
documents = st.dictionaries(
    st.sampled_from(
        [
            "convo_id",
            "id",
            "original",
            "scenario",
            "source",
            "created_at",
            "ticket_id",
            "description",
            "first_reply",
            "created_at",
            "satisfaction_rating",
            "conversation_parts",
            "conversation_rating",
            "contacts",
        ]
    ),  # fmt: skip
    json_values,
    max_size=6,
)


@settings(max_examples=150, deadline=None)
@given(record=documents, name=st.sampled_from(SHIPPED))
def test_any_record_is_converted_or_rejected_by_a_record_error(record: dict, name: str) -> None:
    """Malformed exports never crash a shipped mapping: each record gives rows or a
    RecordError naming a field."""
    try:
        rows = CONVERTERS[name](record)
    except RecordError as exc:
        assert exc.field
    else:
        assert rows["interactions"] and rows["turns"]


def test_a_blank_mapped_seq_is_a_reject_not_a_line_number(
    sqlite_store: Engine, tmp_path: Path
) -> None:
    mapping = write_mapping(
        tmp_path,
        "kind: turns\ncolumns: {interaction_id: t, seq: n, text: body, speaker: who}\n",
    )
    export = tmp_path / "e.csv"
    # Line 3's blank seq would default to its line number, 3: the explicit seq of line 2.
    export.write_text("t,n,body,who\n1,3,first,customer\n1,,second,employee\n", "utf-8")
    report = ingest_file(export, sqlite_store, mapping=mapping, rejects_path=tmp_path / "r.jsonl")
    assert (report.records_accepted, report.records_rejected) == (1, 1)
    (reject,) = read_rejects(tmp_path / "r.jsonl")
    assert reject["line"] == 3 and reject["field"].startswith("n")
    assert "is blank" in reject["error"]
