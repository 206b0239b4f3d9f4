"""The public "Customer Support on Twitter" export: tweets linked by reply ids, rebuilt
into interactions (one per thread), with the customers and the company side they name.

Tweet ids do not run in time order inside a thread (in the Kaggle data a reply often has
a *smaller* id than the tweet it answers), so a turn's ``seq`` is its rank in the thread
ordered by ``created_at``, ties broken by the reply chain (a reply after the tweet it
answers), then by the part number of a reply split over several tweets (``1/2``, ``2/2``,
sent in the same second), then by tweet id: the same file always gives the same order.

That order needs the whole thread, so a first pass (:func:`thread_index`) keeps a few
numbers per tweet -- its id, the id it answers, its time, whether it is inbound, its line
-- in NumPy arrays, resolves every tweet's root and depth by pointer jumping (log-depth
vectorised steps) and ranks the tweets of each thread. The second pass streams the file
again and emits rows, so memory grows with the number of tweets (~45 bytes each), never
with their text.

Who is who: an inbound tweet's author is a customer (one ``customers`` row per author id);
an outbound tweet's author is the brand (its handle, e.g. ``sprintcare``, is the
interaction's ``company``) and its employee is the brand itself, or, where the reply is
signed (``... ^AB``, ``... -Becky``, ``... *JohnWard``), the agent ``<brand>/<signature>``
(``ChaseSupport/RR``). An interaction's customer is the author of its first inbound tweet,
its employee and company those of its first signed outbound tweet (else its first
outbound tweet: the brand); the other tweets leave those
fields empty, which the store's fill rule completes whatever batch each tweet lands in.

:data:`FORMAT` is the ingest format (registered as ``twitter``): its prepare step is the
first pass, and workers rebuild the converter from the thread index it returns.
"""

from __future__ import annotations

import math
import re
from array import array
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from empathos.listen.errors import RecordError
from empathos.listen.formats import IngestExample, IngestFormat
from empathos.listen.parse import INT64_MAX, as_id, opt_str, parse_ts, required, text_of
from empathos.listen.readers import iter_csv
from empathos.listen.records import LINE, Rows

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
SOURCE = "imported"  # an export of real conversations, imported
_EPOCH = datetime(1970, 1, 1)
_NO_TIME = np.iinfo(np.int64).max  # a tweet whose time does not parse sorts last (and is rejected)
#: Trailing links, then a signature: ``^AB``/``*JohnWard`` anywhere, ``-Becky``/``/LO``/
#: ``~KC`` after a space or punctuation (so ``AT&T/DirecTV`` or ``1-6`` are not names).
_TRAILING_LINKS = re.compile(r"(?:\s+https?://\S+)+\s*$")
#: A reply split over tweets numbers its parts: ``@115712 1/2 Hello, ...``.
_PART = re.compile(r"^(?:[@.]\w+\s+)*\(?(\d{1,2})/\d{1,2}\b")
_SIGNATURE = re.compile(
    r"(?:[\^*]\s?|(?:^|(?<=[\s.,!?;:)]))[-–—~/]\s?)([A-Z][A-Za-z]{0,19}|[A-Z]{1,3}\d)$"
)


class ThreadIndex(NamedTuple):
    """What the first pass learns, aligned arrays sorted by tweet id (picklable)."""

    ids: np.ndarray  # int64, unique tweet ids
    lines: np.ndarray  # int64, the line each id is first read on (a repeat is rejected)
    roots: np.ndarray  # int64, the id of the tweet's thread root
    seqs: np.ndarray  # int64, the tweet's rank in its thread: time, reply chain, part, id
    first_in: np.ndarray  # bool, the thread's first inbound tweet (names its customer)
    #: bool, the tweet naming the thread's company and employee: its first signed
    #: outbound tweet (the agent who answered), else its first outbound one (the brand)
    first_out: np.ndarray


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


def _epoch_us(value: Any) -> int:
    try:
        return (parse_ts(value, "created_at") - _EPOCH) // timedelta(microseconds=1)
    except (RecordError, OverflowError):
        return int(_NO_TIME)


def _part(text: Any) -> int:
    match = _PART.match(str(text or ""))
    return int(match.group(1)) if match else 0


def _inbound(value: Any) -> int:
    text = str(value).strip().lower()
    return 1 if text == "true" else 0 if text == "false" else -1


def thread_index(path: Path) -> ThreadIndex:
    """The first pass: every tweet's thread root and its ``seq`` in that thread."""
    # Typed arrays (8 bytes a number, 1 a flag), not lists of Python ints (~36 bytes).
    ids, parents, stamps, parts, lines = (array("q") for _ in range(5))
    inbound, signed = array("b"), array("b")
    for line_no, record, _ in iter_csv(path):
        if isinstance(record, RecordError):
            continue
        tweet = _as_int(record.get("tweet_id"))
        if tweet is None:
            continue
        parent = _as_int(record.get("in_response_to_tweet_id"))
        ids.append(tweet)
        parents.append(-1 if parent is None else parent)
        stamps.append(_epoch_us(record.get("created_at")))
        inbound.append(_inbound(record.get("inbound")))
        parts.append(_part(record.get("text")))
        signed.append(inbound[-1] == 0 and signature(str(record.get("text") or "")) is not None)
        lines.append(line_no)
    id_arr = np.asarray(ids, dtype=np.int64)
    # The first occurrence of each id (in file order) is the tweet; a repeat is rejected.
    id_arr, first = np.unique(id_arr, return_index=True)
    parent_arr = np.asarray(parents, dtype=np.int64)[first]
    stamp_arr = np.asarray(stamps, dtype=np.int64)[first]
    inbound_arr = np.asarray(inbound, dtype=np.int8)[first]
    part_arr = np.asarray(parts, dtype=np.int64)[first]
    signed_arr = np.asarray(signed, dtype=bool)[first]
    line_arr = np.asarray(lines, dtype=np.int64)[first]
    n = len(id_arr)
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return ThreadIndex(empty, empty, empty, empty, empty.astype(bool), empty.astype(bool))
    # Index of each tweet's parent within the file, or itself when the parent is absent.
    pos = np.clip(np.searchsorted(id_arr, parent_arr), 0, n - 1)
    known = (parent_arr >= 0) & (id_arr[pos] == parent_arr) & (pos != np.arange(n))
    link = np.where(known, pos, np.arange(n))
    depth = known.astype(np.int64)
    for _ in range(64):  # pointer jumping: the distance left halves each step
        nxt = link[link]
        if np.array_equal(nxt, link):
            break
        depth = depth + depth[link]
        link = nxt
    roots = id_arr[link]
    # Rank inside each thread: by time, then depth in the reply chain, then the part
    # number of a reply split over tweets (both parts answer the same tweet in the same
    # second), then id.
    order = np.lexsort((id_arr, part_arr, depth, stamp_arr, roots))
    sorted_roots = roots[order]
    starts = np.r_[0, np.flatnonzero(sorted_roots[1:] != sorted_roots[:-1]) + 1]
    group_start = np.repeat(starts, np.diff(np.r_[starts, n]))
    seqs = np.empty(n, dtype=np.int64)
    seqs[order] = np.arange(n) - group_start
    return ThreadIndex(
        ids=id_arr,
        lines=line_arr,
        roots=roots,
        seqs=seqs,
        first_in=_first_per_thread(order, sorted_roots, inbound_arr[order] == 1),
        first_out=_first_answer(order, sorted_roots, inbound_arr[order] == 0, signed_arr[order]),
    )


def _first_per_thread(order: np.ndarray, sorted_roots: np.ndarray, hit: np.ndarray) -> np.ndarray:
    """Marks, per thread, the earliest tweet (in thread order) where ``hit`` holds."""
    out = np.zeros(len(order), dtype=bool)
    candidates = np.flatnonzero(hit)
    if len(candidates):
        roots = sorted_roots[candidates]
        firsts = candidates[np.r_[True, roots[1:] != roots[:-1]]]
        out[order[firsts]] = True
    return out


def _first_answer(
    order: np.ndarray, sorted_roots: np.ndarray, outbound: np.ndarray, signed: np.ndarray
) -> np.ndarray:
    """Per thread, its first signed outbound tweet, or its first outbound one if none is."""
    by_agent = _first_per_thread(order, sorted_roots, outbound & signed)
    unsigned_threads = ~np.isin(sorted_roots, sorted_roots[by_agent[order]])
    return by_agent | _first_per_thread(order, sorted_roots, outbound & unsigned_threads)


def signature(text: str) -> str | None:
    """The agent's signature that ends a brand's reply (``^AB``, ``-Becky``), if any."""
    match = _SIGNATURE.search(_TRAILING_LINKS.sub("", text.strip()).rstrip())
    return match.group(1) if match else None


def employee_of(brand: str, text: str) -> tuple[str, str | None]:
    """The employee id of a brand's reply: ``<brand>/<signature>``, or the brand's handle."""
    sig = signature(text)
    return (f"{brand}/{sig}" if sig else brand), sig


def converter_from_index(index: ThreadIndex) -> Callable[[Mapping[str, Any]], Rows]:
    """The pass-2 converter for a :class:`ThreadIndex` (picklable, so ingest workers in
    other processes can rebuild it)."""
    ids = index.ids

    def position(tweet: int, line: Any) -> int:
        i = int(np.searchsorted(ids, tweet))
        if i >= len(ids) or ids[i] != tweet:
            raise RecordError("tweet_id", f"{tweet} was not seen by the first pass over the file")
        first_line = int(index.lines[i])
        if line is not None and int(line) != first_line:
            raise RecordError("tweet_id", f"{tweet} appears twice (first on line {first_line})")
        return i

    def convert(rec: Mapping[str, Any]) -> Rows:
        tweet_raw = required(rec, "tweet_id")
        tweet = _as_int(tweet_raw)
        if tweet is None:
            raise RecordError("tweet_id", f"{str(tweet_raw)[:40]!r} is not a tweet id")
        author = as_id(required(rec, "author_id"), "author_id")
        inbound = str(required(rec, "inbound")).strip().lower()
        if inbound not in ("true", "false"):
            raise RecordError("inbound", f"{inbound[:20]!r} is not True or False")
        is_customer = inbound == "true"
        ts = parse_ts(required(rec, "created_at"), "created_at")
        text = text_of(required(rec, "text"), "text")
        i = position(tweet, rec.get(LINE))
        seq = int(index.seqs[i])
        interaction_id = f"tw-{int(index.roots[i])}"
        rows: Rows = {}
        employee_id: str | None = None
        if is_customer:
            rows["customers"] = [_customer(author)]
        else:
            employee_id, sig = employee_of(author, text)
            rows["employees"] = [_employee(employee_id, author, sig)]
        names_customer = is_customer and bool(index.first_in[i])
        names_company = not is_customer and bool(index.first_out[i])
        rows["interactions"] = [
            {
                "interaction_id": interaction_id,
                "customer_id": author if names_customer else None,
                "channel": "social",
                "started_at": ts if seq == 0 else None,
                "ended_at": None,
                "employee_id": employee_id if names_company else None,
                "queue": None,
                "need": None,
                "company": author[:128] if names_company else None,
                "source": SOURCE,
                "attributes": {"platform": "twitter"},
            }
        ]
        rows["turns"] = [
            {
                "interaction_id": interaction_id,
                "seq": seq,
                "speaker": "customer" if is_customer else "employee",
                "text": text,
                "ts": ts,
                "author_id": author,
                "language": opt_str(rec, "language", 16),
                "language_score": None,
            }
        ]
        return rows

    return convert


def _customer(author: str) -> dict[str, Any]:
    return {
        "customer_id": author,
        "name": None,
        "segment": None,
        "language": None,
        "created_at": None,
        "source": SOURCE,
        "attributes": {"platform": "twitter"},
    }


def _employee(employee_id: str, brand: str, sig: str | None) -> dict[str, Any]:
    return {
        "employee_id": employee_id,
        "name": f"{brand} {sig}" if sig else brand,
        "function": "service",
        "skills": [],
        "languages": [],
        "pod_id": None,
        "capacity": 1,
        "hired_at": None,
        "source": SOURCE,
        "attributes": {"platform": "twitter", "company": brand, "signature": sig},
    }


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
    prepare=thread_index,
    build=converter_from_index,
    widens_bounds=True,
    example=IngestExample(
        records=(
            # As in the real export, the reply has the smaller id: seq follows the time.
            _tweet("102", "115712", "True", 10, "@sprintcare my phone has no signal", ""),
            _tweet("101", "sprintcare", "False", 11, "@115712 Sorry! Please DM us. ^KC", "102"),
        ),
        bad=_tweet("103", "115712", "maybe", 12, "@sprintcare still nothing", "101"),
        bad_field="inbound",
    ),
)
