"""The public "Customer Support on Twitter" export: tweets linked by reply ids, rebuilt
into interactions (one per thread).

A thread's root is found in a first pass that keeps only two integers per tweet (its id
and the id it answers) in NumPy arrays, then resolves every tweet's root by pointer
jumping (log-depth vectorised steps). The second pass streams the file again and emits
turns, so memory grows with the number of tweets (16 bytes each), never with their text.

:data:`FORMAT` is the ingest format (registered as ``twitter``): its prepare step is the
first pass, and workers rebuild the converter from the thread index it returns.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from empathos.listen.errors import RecordError
from empathos.listen.formats import IngestExample, IngestFormat
from empathos.listen.parse import INT64_MAX, as_id, opt_str, parse_ts, required, text_of
from empathos.listen.readers import iter_csv
from empathos.listen.records import Rows

COLUMNS = frozenset(
    {
        "tweet_id",
        "author_id",
        "inbound",
        "created_at",
        "text",
        "response_tweet_id",
        "in_response_to_tweet_id",
    }
)


def _as_int(value: Any) -> int | None:
    """A tweet id: a whole number within 0..2**63-1 (a BIGINT seq, an int64 index), as
    digits or as the float text pandas writes (``119237.0``); anything else (``inf``,
    ``1e30``, ``²``) is None, which the converter rejects."""
    text = str(value).strip()
    if not text:
        return None
    try:
        number = int(text) if text.isascii() and text.isdigit() else float(text)
    except (TypeError, ValueError):
        return None
    if isinstance(number, float):
        if not text.isascii() or not math.isfinite(number) or not number.is_integer():
            return None
        number = int(number)
    return number if 0 <= number <= INT64_MAX else None


def thread_roots(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Sorted tweet ids and, aligned with them, the id of each tweet's thread root."""
    ids: list[int] = []
    parents: list[int] = []
    for _, record, _ in iter_csv(path):
        if isinstance(record, RecordError):
            continue
        tweet = _as_int(record.get("tweet_id"))
        if tweet is None:
            continue
        parent = _as_int(record.get("in_response_to_tweet_id"))
        ids.append(tweet)
        parents.append(-1 if parent is None else parent)
    id_arr = np.asarray(ids, dtype=np.int64)
    parent_arr = np.asarray(parents, dtype=np.int64)
    order = np.argsort(id_arr, kind="stable")
    id_arr, parent_arr = id_arr[order], parent_arr[order]
    # Index of each tweet's parent within the file, or itself when the parent is absent.
    pos = np.searchsorted(id_arr, parent_arr)
    pos = np.clip(pos, 0, max(len(id_arr) - 1, 0))
    known = (parent_arr >= 0) & (len(id_arr) > 0) & (id_arr[pos] == parent_arr)
    link = np.where(known, pos, np.arange(len(id_arr)))
    for _ in range(64):  # pointer jumping: depth halves each step
        nxt = link[link]
        if np.array_equal(nxt, link):
            break
        link = nxt
    return id_arr, id_arr[link] if len(id_arr) else id_arr


def converter_from_index(
    index: tuple[np.ndarray, np.ndarray],
) -> Callable[[Mapping[str, Any]], Rows]:
    """The pass-2 converter for a thread index from :func:`thread_roots` (picklable inputs,
    so ingest workers in other processes can rebuild it)."""
    ids, roots = index

    def root_of(tweet: int) -> int:
        i = int(np.searchsorted(ids, tweet))
        return int(roots[i]) if i < len(ids) and ids[i] == tweet else tweet

    def convert(rec: Mapping[str, Any]) -> Rows:
        tweet_raw = required(rec, "tweet_id")
        tweet = _as_int(tweet_raw)
        if tweet is None or tweet < 0:
            raise RecordError("tweet_id", f"{str(tweet_raw)[:40]!r} is not a tweet id")
        author = as_id(required(rec, "author_id"), "author_id")
        inbound = str(required(rec, "inbound")).strip().lower()
        if inbound not in ("true", "false"):
            raise RecordError("inbound", f"{inbound[:20]!r} is not True or False")
        is_customer = inbound == "true"
        ts = parse_ts(required(rec, "created_at"), "created_at")
        root = root_of(tweet)
        interaction_id = f"tw-{root}"
        is_root = root == tweet
        interaction = {
            "interaction_id": interaction_id,
            "customer_id": author if (is_root and is_customer) else None,
            "channel": "social",
            "started_at": ts if is_root else None,
            "ended_at": None,
            "employee_id": None if is_customer else author,
            "queue": None,
            "need": None,
            "company": None,
            "source": "real",
            "attributes": {"platform": "twitter"},
        }
        turn = {
            "interaction_id": interaction_id,
            "seq": tweet,
            "speaker": "customer" if is_customer else "employee",
            "text": text_of(required(rec, "text"), "text"),
            "ts": ts,
            "author_id": author,
            "language": opt_str(rec, "language", 16),
            "language_score": None,
        }
        return {"interactions": [interaction], "turns": [turn]}

    return convert


def _tweet(tweet_id: str, author: str, inbound: str, minute: int, text: str, parent: str) -> dict:
    return {
        "tweet_id": tweet_id,
        "author_id": author,
        "inbound": inbound,
        "created_at": f"Tue Oct 31 22:{minute:02d}:00 +0000 2017",
        "text": text,
        "response_tweet_id": "",
        "in_response_to_tweet_id": parent,
    }


FORMAT = IngestFormat(
    kind="twitter",
    signature=COLUMNS,
    readers=("csv",),  # the Kaggle export is CSV whatever the file is called
    # Its threads are interactions that refer to customers and employees (the handles).
    parents=("customers", "employees"),
    prepare=thread_roots,
    build=converter_from_index,
    widens_bounds=True,
    example=IngestExample(
        records=(
            _tweet("101", "115712", "True", 10, "@sprintcare my phone has no signal", ""),
            _tweet("102", "sprintcare", "False", 11, "@115712 Sorry! Please DM us.", "101"),
        ),
        bad=_tweet("103", "115712", "maybe", 12, "@sprintcare still nothing", "102"),
        bad_field="inbound",
    ),
)
