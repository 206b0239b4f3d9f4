"""The Twitter format on the real exports: thread order, customers, the company side.

The expected threads are written out from ``twcs_5k.csv`` by hand (tweet ids in the order
the times give), and the file itself is read back with pandas, a parser independent of
ours (``lineterminator="\\n"``, so the stray carriage return stays inside its tweet), to
check every stored turn against its tweet.
"""

from __future__ import annotations

from datetime import datetime
from itertools import pairwise
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, select

from empathos.listen import ingest_file
from empathos.listen.twitter import signature
from empathos.store import schema
from empathos.understand.train_data import shared_data_dir
from tests.listen.helpers import read_rejects, write_csv

REAL = shared_data_dir() / "real"  # EMPATHOS_SHARED_DATA, else ../shared/data
TWCS_5K = REAL / "twcs_5k.csv"
KAGGLE = REAL / "twcs_kaggle_sample.csv"
needs_data = pytest.mark.skipif(not TWCS_5K.exists(), reason=f"{REAL} is not here")


def tweets_of(path: Path) -> pd.DataFrame:
    """The export as its own rows, keyed by integer tweet id (pandas, not our reader)."""
    crlf = b"\r\n" in path.read_bytes()[:4096]  # the Kaggle sample ends lines in \r\n
    frame = pd.read_csv(
        path, dtype=str, keep_default_na=False, lineterminator=None if crlf else "\n"
    )
    frame = frame.drop(columns=[c for c in frame.columns if c.startswith("Unnamed")])
    frame["id"] = frame["tweet_id"].astype(float).astype(int)
    frame["parent"] = [int(float(p)) if p else -1 for p in frame["in_response_to_tweet_id"]]
    frame["when"] = pd.to_datetime(frame["created_at"], format="%a %b %d %H:%M:%S %z %Y")
    return frame.set_index("id", drop=False)


def stored_turns(engine: Engine) -> dict[str, list]:
    t = schema.turns
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                t.c.interaction_id, t.c.seq, t.c.speaker, t.c.author_id, t.c.ts, t.c.text
            ).order_by(t.c.interaction_id, t.c.seq)
        ).all()
    threads: dict[str, list] = {}
    for row in rows:
        threads.setdefault(row.interaction_id, []).append(row)
    return threads


def in_time_order(turns: list) -> bool:
    return all(a.ts <= b.ts for a, b in pairwise(turns))


def interactions(engine: Engine) -> dict[str, object]:
    with engine.connect() as conn:
        rows = conn.execute(select(schema.interactions)).all()
    return {r.interaction_id: r for r in rows}


def ids_of(engine: Engine, table) -> set[str]:
    key = next(iter(table.primary_key.columns))
    with engine.connect() as conn:
        return set(conn.execute(select(key)).scalars())


# Named threads of twcs_5k.csv: tweet ids in time order, as read off the file.
THREADS = {
    # sprintcare, tweets 1-8: ids run backwards in time; no signature: the brand answers.
    "tw-8": ([8, 6, 5, 4, 3, 1, 2], "115712", "sprintcare", "sprintcare"),
    # ChaseSupport answers with two parts in the same second (1/2 has the larger id), and
    # the customer's thanks replies to part 2/2: parts ordered by their number.
    "tw-1492": ([1492, 1493, 1490, 1491], "116014", "ChaseSupport", "ChaseSupport/BG"),
    # The customer's tweet holds a stray carriage return (pandas wrote it unquoted): it
    # is read whole, not split into a cut tweet and a reject.
    "tw-3399": ([3399, 3398], "116510", "AskPayPal", "AskPayPal/GA"),
    # AskeBay: ids neither ascend nor descend with time (1226, 1224, 1225, 1227).
    "tw-1226": ([1226, 1224, 1225, 1227], "115930", "AskeBay", "AskeBay/GR"),
}


@needs_data
def test_named_threads_of_twcs_5k_turn_by_turn(engine: Engine, tmp_path: Path) -> None:
    report = ingest_file(TWCS_5K, engine, rejects_path=tmp_path / "r.jsonl", detect_language=False)
    assert (report.kind, report.records_read, report.records_rejected) == ("twitter", 5000, 0)
    file = tweets_of(TWCS_5K)
    threads, stored = stored_turns(engine), interactions(engine)
    for interaction_id, (tweet_ids, customer, brand, employee) in THREADS.items():
        turns = threads[interaction_id]
        assert [t.seq for t in turns] == list(range(len(tweet_ids)))
        expected = file.loc[tweet_ids]
        assert [t.text for t in turns] == list(expected["text"]), interaction_id
        assert [t.author_id for t in turns] == list(expected["author_id"])
        assert [t.speaker for t in turns] == [
            "customer" if inbound == "True" else "employee" for inbound in expected["inbound"]
        ]
        assert [t.ts for t in turns] == [
            w.tz_convert(None).to_pydatetime() for w in expected["when"]
        ]
        assert in_time_order(turns)
        row = stored[interaction_id]
        assert (row.customer_id, row.company, row.employee_id) == (customer, brand, employee)
        assert (row.started_at, row.ended_at) == (turns[0].ts, turns[-1].ts)
    assert "\r\r" in threads["tw-3399"][0].text
    customers, employees = ids_of(engine, schema.customers), ids_of(engine, schema.employees)
    assert {"115712", "116014", "116510", "115930"} <= customers
    assert {"sprintcare", "ChaseSupport/BG", "AskPayPal/GA", "AskeBay/GR"} <= employees
    with engine.connect() as conn:
        agent = conn.execute(
            select(schema.employees).where(schema.employees.c.employee_id == "ChaseSupport/BG")
        ).one()
    assert (agent.function, agent.attributes["company"], agent.attributes["signature"]) == (
        "service",
        "ChaseSupport",
        "BG",
    )


@needs_data
def test_every_thread_of_twcs_5k_follows_the_files_clock(engine: Engine, tmp_path: Path) -> None:
    ingest_file(TWCS_5K, engine, rejects_path=tmp_path / "r.jsonl", detect_language=False)
    file = tweets_of(TWCS_5K)
    when = {t: w.tz_convert(None).to_pydatetime() for t, w in file["when"].items()}
    parent, text = file["parent"].to_dict(), file["text"].to_dict()
    author, inbound = file["author_id"].to_dict(), (file["inbound"] == "True").to_dict()

    def root(tweet: int) -> int:  # walk the reply links up to the first tweet in the file
        while parent[tweet] in parent:
            tweet = parent[tweet]
        return tweet

    file_threads: dict[str, list[int]] = {}
    for tweet in file.index:
        file_threads.setdefault(f"tw-{root(tweet)}", []).append(tweet)
    threads, stored = stored_turns(engine), interactions(engine)
    assert len(threads) == len(file_threads) == 1312
    assert ids_of(engine, schema.customers) == {author[t] for t in author if inbound[t]}
    against_the_clock = 0
    for interaction_id, tweets in file_threads.items():
        turns = threads[interaction_id]
        assert [t.seq for t in turns] == list(range(len(tweets)))
        assert in_time_order(turns), interaction_id
        by_time = sorted(tweets, key=lambda t: when[t])
        assert [t.ts for t in turns] == [when[t] for t in by_time]
        assert sorted(t.text for t in turns) == sorted(text[t] for t in tweets)
        brands = {author[t] for t in tweets if not inbound[t]}
        row = stored[interaction_id]
        assert row.company in brands if brands else row.company is None
        first_inbound = [author[t] for t in by_time if inbound[t]]
        assert row.customer_id == (first_inbound[0] if first_inbound else None)
        by_id = [when[t] for t in sorted(tweets)]
        against_the_clock += by_id != sorted(by_id)
    # Ids are not the clock: in every thread of this file, ordering by id inverts two
    # turns somewhere (what storing the id as seq did to all 1,312 threads).
    assert against_the_clock == 1312


@needs_data
def test_the_kaggle_sample_layout_imports_in_time_order(engine: Engine, tmp_path: Path) -> None:
    report = ingest_file(KAGGLE, engine, rejects_path=tmp_path / "r.jsonl", detect_language=False)
    assert (report.records_read, report.records_accepted) == (93, 93)
    file = tweets_of(KAGGLE)
    threads, stored = stored_turns(engine), interactions(engine)
    assert len(threads) == 27
    assert sum(len(t) for t in threads.values()) == 93
    for interaction_id, turns in threads.items():
        assert [t.seq for t in turns] == list(range(len(turns)))
        assert in_time_order(turns), interaction_id
    spotify = threads["tw-119256"]
    assert [t.author_id for t in spotify] == [
        "105840",
        *["SpotifyCares", "105840"] * 3,
        "SpotifyCares",
    ]
    assert spotify[0].text == file.at[119256, "text"]
    assert stored["tw-119256"].company == "SpotifyCares"
    assert stored["tw-119256"].customer_id == "105840"
    assert ids_of(engine, schema.customers) == set(file.loc[file["inbound"] == "True", "author_id"])


HEADER = [
    "tweet_id",
    "author_id",
    "inbound",
    "created_at",
    "text",
    "response_tweet_id",
    "in_response_to_tweet_id",
]


def at(second: int) -> str:
    return f"Tue Oct 31 22:10:{second:02d} +0000 2017"


def test_ties_in_time_follow_the_reply_chain_and_reimport_is_stable(
    engine: Engine, tmp_path: Path
) -> None:
    rows = [
        # The reply (id 5) carries the same second as the tweet it answers (id 9).
        [5, "AppleSupport", "False", at(1), "@700 Which iOS version? -Ann", "", "9"],
        [9, "700", "True", at(1), "@AppleSupport my battery drains", "5", ""],
        [3, "700", "True", at(1), "@AppleSupport 17.1", "", "5"],
        [7, "AppleSupport", "False", at(4), "@700 Thanks, one moment.", "", "3"],
        [7, "AppleSupport", "False", at(5), "@700 a second tweet 7", "", "3"],
    ]
    path = write_csv(tmp_path / "tw.csv", HEADER, rows)
    report = ingest_file(path, engine, rejects_path=tmp_path / "r.jsonl", detect_language=False)
    assert (report.records_accepted, report.records_rejected) == (4, 1)
    reject = read_rejects(tmp_path / "r.jsonl")[0]
    assert (reject["line"], reject["field"]) == (6, "tweet_id")
    assert "appears twice (first on line 5)" in reject["error"]
    first = stored_turns(engine)["tw-9"]
    assert [t.text for t in first] == [
        "@AppleSupport my battery drains",
        "@700 Which iOS version? -Ann",
        "@AppleSupport 17.1",
        "@700 Thanks, one moment.",
    ]
    row = interactions(engine)["tw-9"]
    assert (row.customer_id, row.company, row.employee_id) == (
        "700",
        "AppleSupport",
        "AppleSupport/Ann",
    )
    assert row.started_at == datetime(2017, 10, 31, 22, 10, 1)
    ingest_file(path, engine, rejects_path=tmp_path / "r2.jsonl", detect_language=False)
    assert stored_turns(engine)["tw-9"] == first


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@115712 Please DM us. ^KC", "KC"),
        ("@1 Your business means a lot. ^RR https://t.co/znUu1VJn9r", "RR"),
        ("@1 Learn more: https://t.co/Ax7W1Dx3Y9 -Becky", "Becky"),
        ("@1 Happy Halloween *PatrickUllmann", "PatrickUllmann"),
        ("@1 get support from other users /LO", "LO"),
        ("@1 Thank you- Mariya", None),  # no space or punctuation before the dash
        ("@1 Please check again, Thank you! - Mariya", "Mariya"),
        ("@1 buy a SOU - Zones 1-6", None),
        ("@1 we sell AT&T/DirecTV", None),
        ("@1 more in a second 1/2", None),
        ("@1 Which store is it?", None),
    ],
)
def test_signature_names_the_agent_who_signed_a_reply(text: str, expected: str | None) -> None:
    assert signature(text) == expected


def test_a_tweet_id_out_of_range_is_rejected_not_a_crash(engine: Engine, tmp_path: Path) -> None:
    rows = [
        [1, "700", "True", at(1), "@AppleSupport my battery drains", "", ""],
        ["1e30", "700", "True", at(2), "@AppleSupport hello?", "", "1"],
        [2, "AppleSupport", "False", at(3), "@700 Which iOS version?", "", "1e30"],
    ]
    path = write_csv(tmp_path / "tw.csv", HEADER, rows)
    report = ingest_file(path, engine, rejects_path=tmp_path / "r.jsonl", detect_language=False)
    assert (report.records_accepted, report.records_rejected) == (2, 1)
    reject = read_rejects(tmp_path / "r.jsonl")[0]
    assert (reject["line"], reject["field"]) == (3, "tweet_id")
    # The reply to the unknown tweet starts its own thread.
    assert sorted(stored_turns(engine)) == ["tw-1", "tw-2"]
