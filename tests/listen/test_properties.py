"""Hypothesis feeds random and truncated records: nothing but a RecordError may come out
of validation, and an import of any mix of good and broken lines stores exactly the good
ones, each once."""

from __future__ import annotations

import json
from datetime import UTC, timedelta, timezone
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from empathos.listen import RecordError, ingest_file
from empathos.listen import formats
from empathos.store.repository import count_rows
from empathos.store import init_db
from tests.conftest import sqlite_engine

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.sampled_from(["chat", "customer", "2026-01-01", "nps", "", " "]),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
field_names = st.sampled_from(
    [
        "interaction_id",
        "customer_id",
        "channel",
        "turns",
        "speaker",
        "text",
        "seq",
        "ts",
        "outcome_id",
        "kind",
        "value",
        "transaction_id",
        "amount",
        "employee_id",
        "skills",
        "attributes",
        "name",
        "pod_id",
    ]
)


# The formats converted record by record (a prepared one needs its file's first pass).
RECORD_KINDS = sorted(k for k in formats.kinds() if formats.get(k).prepare is None)


@given(
    kind=st.sampled_from(RECORD_KINDS),
    record=st.dictionaries(field_names, values, max_size=8),
)
@settings(max_examples=400, deadline=None)
def test_validation_raises_only_record_errors(kind: str, record: dict) -> None:
    try:
        rows = formats.get(kind).converter()(record)
    except RecordError as exc:
        assert exc.field  # every rejection names a field
    else:
        assert rows and all(isinstance(r, dict) for table in rows.values() for r in table)


turn = st.fixed_dictionaries(
    {
        "speaker": st.sampled_from(["customer", "employee", "bot"]),
        "text": st.text(
            st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)),
            min_size=1,
            max_size=40,
        ).filter(str.strip),
    }
)
good = st.builds(
    lambda i, turns: {"interaction_id": f"i{i}", "channel": "chat", "turns": turns},
    st.integers(0, 10_000),
    st.lists(turn, min_size=1, max_size=4),
)


@given(
    records=st.lists(
        st.tuples(good, st.one_of(st.none(), st.floats(0.05, 0.95))), min_size=1, max_size=25
    )
)
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_truncated_lines_are_rejected_and_the_rest_stored_once(tmp_path_factory, records) -> None:
    tmp: Path = tmp_path_factory.mktemp("prop")
    engine: Engine
    engine, _ = sqlite_engine(tmp)
    init_db(engine)
    lines, expected = [], {}
    for rec, cut in records:
        line = json.dumps(rec)
        if cut is not None:
            line = line[: max(1, int(len(line) * cut))]
            try:
                json.loads(line)
                continue  # a cut that is still valid JSON of another shape: leave it out
            except json.JSONDecodeError:
                pass
        else:  # the first copy of a conversation is stored; a later one that differs is a
            # conflict (rejected by the default --on-conflict reject), never merged into it
            expected.setdefault(rec["interaction_id"], len(rec["turns"]))
        lines.append(line)
    path = tmp / "in.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for _ in range(2):  # the second import must change nothing
        report = ingest_file(
            path,
            engine,
            kind="interactions",
            rejects_path=tmp / "r.jsonl",
            batch_size=4,
            detect_language=False,
        )
        assert (
            report.records_accepted + report.records_rejected == report.records_read == len(lines)
        )
        with engine.connect() as conn:
            assert count_rows(conn, "interactions") == len(expected)
            assert count_rows(conn, "turns") == sum(expected.values())
    engine.dispose()


def test_a_lone_surrogate_is_rejected_by_line_and_the_rest_stored(tmp_path: Path) -> None:
    """Valid for Python's json, not Unicode: UTF-8 stores cannot hold it, so it is a reject."""
    engine, _ = sqlite_engine(tmp_path)
    init_db(engine)
    path = tmp_path / "s.jsonl"
    path.write_text(
        '{"interaction_id": "s1", "channel": "chat", "turns": [{"speaker": "customer", "text": "ok '
        '\\udcb9"}]}\n'
        '{"interaction_id": "s2", "channel": "chat", "turns": [{"speaker": "customer", "text": '
        '"fine"}]}\n',
        encoding="utf-8",
    )
    rejects = tmp_path / "r.jsonl"
    report = ingest_file(
        path, engine, kind="interactions", rejects_path=rejects, detect_language=False
    )
    assert (report.records_accepted, report.records_rejected) == (1, 1)
    reject = json.loads(rejects.read_text(encoding="utf-8").splitlines()[0])
    assert reject["line"] == 1 and "surrogate" in json.dumps(reject)
    with engine.connect() as conn:
        assert count_rows(conn, "interactions") == 1
    engine.dispose()


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.tuples(
            st.datetimes(timezones=st.sampled_from([None, UTC, timezone(timedelta(hours=-5))])),
            st.sampled_from(["T", " "]),
        ).map(lambda p: p[0].isoformat(p[1])),
        st.text(alphabet="0123456789-:T .Z+", max_size=30),
        st.text(max_size=12),
        st.integers(),
    )
)
def test_the_inline_stamp_path_agrees_with_parse_ts(value) -> None:
    """``plain_ts`` (the inline common case) gives ``parse_ts``'s value whenever it gives
    one; everything else it declines, and ``parse_ts`` decides as before."""
    from empathos.listen.parse import Limits, parse_ts, plain_ts, using_limits

    with using_limits(Limits(min_year=1990, max_year=2100)):
        fast = plain_ts(value)
        try:
            slow = parse_ts(value, "ts")
        except RecordError:
            slow = None
        assert fast is None or fast == slow
