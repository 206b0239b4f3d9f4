"""One converter per importable kind: a raw record in, the rows for the store out.

The ingest formats (``listen/formats.py``) pair each with its signature, readers and
parents. Each returns ``{table name: [row, ...]}`` so a record that spans tables (an interaction
with its turns) is accepted or rejected as a whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from empathos.listen.errors import RecordError
from empathos.listen.parse import (
    CHANNELS,
    DEFAULT_SOURCE,
    INT64_MAX,
    OUTCOME_KINDS,
    SPEAKERS,
    as_float,
    as_id,
    as_int,
    as_list,
    as_mapping,
    channel_of,
    choice,
    is_blank,
    opt_id,
    opt_str,
    opt_ts,
    parse_ts,
    plain_ts,
    required,
    source_of,
    storable_text,
    text_of,
)

Rows = dict[str, list[dict[str, Any]]]
LINE = "_line"  # the reader's line number, passed along for defaults that depend on it


def interaction_record(rec: Mapping[str, Any]) -> Rows:
    """A JSONL interaction with its nested turns."""
    interaction_id = as_id(required(rec, "interaction_id"), "interaction_id")
    raw_turns = required(rec, "turns")
    if not isinstance(raw_turns, list) or not raw_turns:
        raise RecordError("turns", "must be a non-empty list")
    turns = []
    for position, raw in enumerate(raw_turns):
        if type(raw) is not dict:
            turns.append(_nested_turn(interaction_id, position, raw))
            continue
        try:
            turns.append(turn_row(raw, interaction_id, default_seq=position))
        except RecordError as exc:
            raise RecordError(f"turns[{position}].{exc.field}", exc.message) from None
    seqs = [t["seq"] for t in turns]
    if len(set(seqs)) != len(seqs):
        raise RecordError("turns", "has two turns with the same seq")
    stamps = [t["ts"] for t in turns if t["ts"] is not None]
    row = _interaction_row(rec, interaction_id, default_channel=None)
    row["started_at"] = row["started_at"] or (min(stamps) if stamps else None)
    row["ended_at"] = row["ended_at"] or (max(stamps) if stamps else None)
    return {"interactions": [row], "turns": turns}


def _nested_turn(interaction_id: str, position: int, raw: Any) -> dict[str, Any]:
    where = f"turns[{position}]"
    if not isinstance(raw, dict):
        raise RecordError(where, "must be an object")
    try:
        return turn_row(raw, interaction_id, default_seq=position)
    except RecordError as exc:
        raise RecordError(f"{where}.{exc.field}", exc.message) from None


def turn_row(
    rec: Mapping[str, Any], interaction_id: str, default_seq: int | None
) -> dict[str, Any]:
    """One turn's row. Ingest validates every turn, so the common case of each field (a
    plain int seq, a speaker spelled as stored, non-blank text, a field left out) is
    accepted inline; anything else takes the general check, which raises the same
    errors in the same order as before."""
    seq_raw = rec.get("seq")
    if seq_raw is None and default_seq is not None:
        seq = default_seq
    elif type(seq_raw) is int and 0 <= seq_raw <= INT64_MAX:
        seq = seq_raw
    elif is_blank(seq_raw):
        if default_seq is None:
            raise RecordError("seq", "is required")
        seq = default_seq
    else:
        seq = as_int(seq_raw, "seq", minimum=0, maximum=INT64_MAX)
    speaker = rec.get("speaker")
    if type(speaker) is not str or speaker not in SPEAKERS:
        speaker = choice(required(rec, "speaker"), "speaker", SPEAKERS)
    text = rec.get("text")
    if type(text) is str and text and not text.isspace():
        text = storable_text(text, "text")
    else:
        text = text_of(required(rec, "text"), "text")
    ts = rec.get("ts")
    if ts is not None:
        ts = plain_ts(ts) or opt_ts(rec, "ts")
    author_id = rec.get("author_id")
    language = rec.get("language")
    return {
        "interaction_id": interaction_id,
        "seq": seq,
        "speaker": speaker,
        "text": text,
        "ts": ts,
        "author_id": None if author_id is None else opt_id(rec, "author_id"),
        "language": None if language is None else opt_str(rec, "language", 16),
        "language_score": None,
    }


def _interaction_row(
    rec: Mapping[str, Any], interaction_id: str, default_channel: str | None
) -> dict[str, Any]:
    """A field the record leaves out (``None``) is decided inline, as in :func:`turn_row`;
    any other value takes its check, so the row and the rejects are the same as before."""
    channel = rec.get("channel")
    if type(channel) is not str or channel not in CHANNELS:
        if is_blank(channel):
            if default_channel is None:
                raise RecordError("channel", "is required")
            channel = default_channel
        channel = channel_of(channel)
    get = rec.get
    attributes = get("attributes")
    return {
        "interaction_id": interaction_id,
        "customer_id": None if get("customer_id") is None else opt_id(rec, "customer_id"),
        "channel": channel,
        "started_at": None if get("started_at") is None else opt_ts(rec, "started_at"),
        "ended_at": None if get("ended_at") is None else opt_ts(rec, "ended_at"),
        "employee_id": None if get("employee_id") is None else opt_id(rec, "employee_id"),
        "queue": None if get("queue") is None else opt_str(rec, "queue", 64),
        "need": None if get("need") is None else opt_str(rec, "need", 64),
        "company": None if get("company") is None else opt_str(rec, "company", 128),
        "source": DEFAULT_SOURCE if get("source") is None else source_of(rec),
        "attributes": {} if attributes is None else as_mapping(attributes, "attributes"),
    }


def turn_record(rec: Mapping[str, Any]) -> Rows:
    """A CSV row holding one turn; it also carries (and creates) its interaction. Without a
    ``seq`` column the row's line number orders the turns (exports are chronological), which
    is stable across re-imports of the same file; with one, a blank seq is a reject."""
    interaction_id = as_id(required(rec, "interaction_id"), "interaction_id")
    if "seq" in rec and is_blank(rec["seq"]):
        # A line number could equal another row's explicit seq and drop a turn.
        raise RecordError(
            "seq",
            "is blank; give every row a seq, or leave the seq column out "
            "(the line number then orders the turns)",
        )
    turn = turn_row(rec, interaction_id, default_seq=rec.get(LINE))
    interaction = _interaction_row(rec, interaction_id, default_channel="chat")
    interaction["started_at"] = interaction["started_at"] or turn["ts"]
    return {"interactions": [interaction], "turns": [turn]}


def customer_record(rec: Mapping[str, Any]) -> Rows:
    return {
        "customers": [
            {
                "customer_id": as_id(required(rec, "customer_id"), "customer_id"),
                "name": opt_str(rec, "name"),
                "segment": opt_str(rec, "segment", 64),
                "language": opt_str(rec, "language", 16),
                "created_at": opt_ts(rec, "created_at"),
                "source": source_of(rec),
                "attributes": as_mapping(rec.get("attributes"), "attributes"),
            }
        ]
    }


def employee_record(rec: Mapping[str, Any]) -> Rows:
    capacity = rec.get("capacity")
    return {
        "employees": [
            {
                "employee_id": as_id(required(rec, "employee_id"), "employee_id"),
                "name": opt_str(rec, "name"),
                "function": opt_str(rec, "function", 64),
                "skills": as_list(rec.get("skills"), "skills"),
                "languages": as_list(rec.get("languages"), "languages"),
                "pod_id": opt_id(rec, "pod_id"),
                "capacity": 1 if is_blank(capacity) else as_int(capacity, "capacity", minimum=1),
                "hired_at": opt_ts(rec, "hired_at"),
                "source": source_of(rec),
                "attributes": as_mapping(rec.get("attributes"), "attributes"),
            }
        ]
    }


def pod_record(rec: Mapping[str, Any]) -> Rows:
    required(rec, "name")
    return {
        "pods": [
            {
                "pod_id": as_id(required(rec, "pod_id"), "pod_id"),
                "name": opt_str(rec, "name"),
                "functions": as_list(rec.get("functions"), "functions"),
                "member_ids": as_list(rec.get("member_ids"), "member_ids"),
                "segments": as_list(rec.get("segments"), "segments"),
            }
        ]
    }


def outcome_record(rec: Mapping[str, Any]) -> Rows:
    row = {
        "outcome_id": as_id(required(rec, "outcome_id"), "outcome_id"),
        "kind": choice(required(rec, "kind"), "kind", OUTCOME_KINDS),
        "value": as_float(required(rec, "value"), "value"),
        "ts": opt_ts(rec, "ts"),
        "interaction_id": opt_id(rec, "interaction_id"),
        "customer_id": opt_id(rec, "customer_id"),
        "employee_id": opt_id(rec, "employee_id"),
        "source": source_of(rec),
    }
    if not (row["interaction_id"] or row["customer_id"] or row["employee_id"]):
        raise RecordError(
            "interaction_id", "an outcome needs interaction_id, customer_id or employee_id"
        )
    return {"outcomes": [row]}


def transaction_record(rec: Mapping[str, Any]) -> Rows:
    quantity = rec.get("quantity")
    return {
        "transactions": [
            {
                "transaction_id": as_id(required(rec, "transaction_id"), "transaction_id"),
                "customer_id": as_id(required(rec, "customer_id"), "customer_id"),
                "ts": parse_ts(required(rec, "ts"), "ts"),
                "amount": as_float(required(rec, "amount"), "amount"),
                "quantity": 1 if is_blank(quantity) else as_int(quantity, "quantity", minimum=0),
                "source": source_of(rec),
            }
        ]
    }


#: Every field the converters here read: a column mapping passes columns already named
#: like one of these through as they are.
KNOWN_FIELDS = frozenset(
    {
        "interaction_id",
        "customer_id",
        "channel",
        "started_at",
        "ended_at",
        "employee_id",
        "queue",
        "need",
        "company",
        "source",
        "attributes",
        "seq",
        "speaker",
        "text",
        "ts",
        "author_id",
        "language",
        "name",
        "segment",
        "created_at",
        "function",
        "skills",
        "languages",
        "pod_id",
        "capacity",
        "hired_at",
        "functions",
        "member_ids",
        "segments",
        "outcome_id",
        "kind",
        "value",
        "transaction_id",
        "amount",
        "quantity",
        LINE,
    }
)
