"""What an imported record means next to what is already stored, and what to do about it.

Before this module, a key met again was merged without a word: an interaction's turns
were appended to the stored ones, a customer re-imported with only its id lost its name,
segment and attributes. Now each record of a batch is compared, field by field, with the
stored row(s) of its key and with the records before it in the same batch, and is:

- **new**: its key is not stored; it is written;
- **unchanged**: every field it carries equals the stored value; nothing is written, so a
  re-import is idempotent and says so ("0 new, 8 unchanged");
- **updated**: it only fills fields the stored row lacks (or the policy is ``update``);
- a **conflict**: a field it carries differs from the stored value. The policy decides:
  ``reject`` (the default) makes it a reject naming the differing fields, ``update``
  replaces the stored fields the record carries (an interaction's turns are replaced as a
  whole), ``skip`` keeps the stored record and counts it skipped.

A record repeating a key of an earlier record *of the same batch* with different content
is always rejected, naming the earlier line. (A repeat in a later batch meets the first
as a stored record and follows the policy: remembering every key of a file would make
memory grow with the file.)

A field a record does not carry -- absent, blank, an empty list or object, or filled by
the converter's default (``source`` "imported", ``capacity`` 1, ...) -- never overwrites a
stored value, under every policy.

Turn-per-row formats (turns CSV, Twitter) carry each interaction again on every row, and
its rows may be spread over batches and files: there the interaction's fields only fill
empty ones (first writer wins) and its bounds are widened by the store, while each turn
(interaction id and ``seq``) is compared like any record.
"""

from __future__ import annotations

import itertools
import os
from operator import itemgetter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import Connection

from empathos.listen.convert import ConverterSpec
from empathos.listen.parse import is_blank
from empathos.listen.readers import RAW_KEEP
from empathos.listen.records import LINE, Rows
from empathos.store.repository import TABLES, WRITE_ORDER, stored_rows

POLICIES = ("reject", "update", "skip")
#: Row fields a converter fills with a default when the record leaves them out: such a
#: value was not *carried* by the record, so it must not overwrite a stored one.
DEFAULTABLE = ("source", "capacity", "quantity", "channel")
_DEFAULTABLE = frozenset(DEFAULTABLE)
#: Tag on a row: which of :data:`DEFAULTABLE` the converter defaulted.
DEFAULTED = "_defaulted"
#: Tag on a row: which record made it, (process id, count), because a line number alone
#: does not tell records apart: every element of a one-line JSON array is on line 1.
RECORD = "_record"
#: Columns the import derives rather than reads (detected language): never compared.
DERIVED = {"turns": frozenset({"language", "language_score"})}
#: An interaction's bounds in turn-per-row formats: widened by the store, not compared.
WIDENED = frozenset({"started_at", "ended_at"})
TURN_FIELDS = ("speaker", "text", "ts", "author_id")
NOUN = {
    "customers": "customer",
    "employees": "employee",
    "pods": "pod",
    "interactions": "interaction",
    "turns": "turn",
    "outcomes": "outcome",
    "transactions": "transaction",
}
KEYS = {name: tuple(c.name for c in t.primary_key.columns) for name, t in TABLES.items()}
COLUMNS = {name: tuple(c.name for c in t.columns) for name, t in TABLES.items()}


@dataclass(frozen=True)
class LineTaggedSpec(ConverterSpec):
    """A converter spec whose rows remember the record they came from: its line (so a
    conflict found at write time names it) and which fields the converter defaulted.
    Built in worker processes like any spec; the tags are not columns and are not stored."""

    def build(self) -> Callable[[Mapping[str, Any]], Rows]:
        convert = super().build()
        given = _given_fields(self)
        made = itertools.count()
        pid = os.getpid()  # workers count apart: (pid, n) is unique in one import

        def tagged(rec: Mapping[str, Any]) -> Rows:
            rows = convert(rec)
            line = rec.get(LINE, 0)
            record = (pid, next(made))
            carried = given(rec)
            for table_rows in rows.values():
                for row in table_rows:
                    row[LINE] = line
                    row[RECORD] = record
                    if _DEFAULTABLE.isdisjoint(row):  # a turn: nothing defaultable
                        continue
                    defaulted = tuple(f for f in DEFAULTABLE if f in row and f not in carried)
                    if defaulted:
                        row[DEFAULTED] = defaulted
            return rows

        return tagged


def _given_fields(spec: ConverterSpec) -> Callable[[Mapping[str, Any]], set[str]]:
    """Which of :data:`DEFAULTABLE` a raw record itself gives (through its mapping's
    columns or defaults when it has one)."""
    mapping = spec.mapping
    if mapping is None:
        return lambda rec: {f for f in DEFAULTABLE if not is_blank(rec.get(f))}
    columns, defaults = dict(mapping.columns), dict(mapping.defaults)
    theirs = set(columns.values())

    def given(rec: Mapping[str, Any]) -> set[str]:
        out = set()
        for f in DEFAULTABLE:
            col = columns.get(f)
            if (
                (col is not None and not is_blank(rec.get(col)))
                or f in defaults
                or (f not in theirs and not is_blank(rec.get(f)))
            ):
                out.add(f)
        return out

    return given


@dataclass
class Counts:
    new: int = 0
    unchanged: int = 0
    updated: int = 0
    skipped: int = 0
    conflicts: int = 0


@dataclass
class Resolution:
    """What one batch writes, and what it counts and rejects."""

    inserts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    updates: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    replace_turns: set[str] = field(default_factory=set)
    counts: Counts = field(default_factory=Counts)
    rejects: list[tuple[int, str, str, str]] = field(default_factory=list)  # line, field, why, raw
    fresh: bool = False
    """Nothing of the batch was stored when it was read (every row is an insert)."""


@dataclass
class _Seen:
    line: int
    row: dict[str, Any]
    action: str | None  # None (stored, untouched), "insert" or "update"


def _absent(value: Any) -> bool:
    return value is None or value == [] or value == {} or (isinstance(value, str) and not value)


def _carried(table: str, row: Mapping[str, Any], ignore: frozenset[str]) -> dict[str, Any]:
    keys, defaulted = KEYS[table], row.get(DEFAULTED, ())
    skip = ignore | DERIVED.get(table, frozenset())
    return {
        name: row[name]
        for name in COLUMNS[table]
        if name in row
        and name not in keys
        and name not in skip
        and name not in defaulted
        and not _absent(row[name])
    }


def _compare(
    table: str, base: Mapping[str, Any], row: Mapping[str, Any], ignore: frozenset[str]
) -> tuple[list[str], dict[str, Any]]:
    """The fields ``row`` carries that differ from ``base``, and those it fills."""
    differ, fills = [], {}
    for name, value in _carried(table, row, ignore).items():
        stored = base.get(name)
        if _absent(stored):
            fills[name] = value
        elif stored != value:
            differ.append(name)
    return differ, fills


def _turns_differ(
    base: Mapping[Any, Mapping[str, Any]], new: Mapping[Any, Mapping[str, Any]]
) -> str:
    """How two turn lists of one interaction differ ('' when they are the same): the
    seqs, then speaker and text, then times and authors where both have one."""
    if set(base) != set(new):
        return f"turns ({len(base)} stored, {len(new)} in this record)"
    for seq in sorted(new):
        a, b = base[seq], new[seq]
        fields = [
            f
            for f in TURN_FIELDS
            if not (_absent(a.get(f)) or _absent(b.get(f))) and a.get(f) != b.get(f)
        ]
        if fields:
            return f"turns (seq {seq}: {', '.join(fields)})"
    return ""


def _raw(rows: Mapping[str, list[dict[str, Any]]]) -> str:
    first = next(iter(rows.values()))[0]
    clean = {k: v for k, v in first.items() if k not in (LINE, DEFAULTED, RECORD)}
    return orjson.dumps(clean, default=str).decode()[:RAW_KEEP]


def _label(table: str, key: tuple[Any, ...]) -> str:
    return f"{key[0]} seq {key[1]}" if table == "turns" else str(key[0])


def resolve(
    conn: Connection, rows: Mapping[str, list[dict[str, Any]]], policy: str, complete_turns: bool
) -> Resolution:
    """Decide, record by record, what a batch's ``rows`` do to the store (module docstring).

    ``complete_turns``: each record carries all of its interaction's turns (the
    interactions format), rather than one turn per record (turn-per-row formats).
    """
    if policy not in POLICIES:
        raise ValueError(f"on_conflict must be one of {', '.join(POLICIES)}, got {policy!r}")
    out = Resolution()
    stored = {
        table: stored_rows(
            conn,
            table,
            {(iid,) for iid in {r["interaction_id"] for r in table_rows}}
            if table == "turns"
            else {tuple(r[k] for k in KEYS[table]) for r in table_rows},
        )
        for table, table_rows in rows.items()
        if table_rows
    }
    fresh = _all_new(rows, stored)
    if fresh is not None:
        return fresh
    stored_turns: dict[Any, dict[Any, dict[str, Any]]] = {}
    if complete_turns:
        for (iid, seq), turn in stored.get("turns", {}).items():
            stored_turns.setdefault(iid, {})[seq] = turn
    seen: dict[str, dict[tuple[Any, ...], _Seen]] = {t: {} for t in rows}
    seen_turns: dict[Any, tuple[int, dict[Any, dict[str, Any]]]] = {}

    # Records in file order: by line, then (within one line) by the record tag.
    by_record: dict[tuple[int, tuple[int, int]], dict[str, list[dict[str, Any]]]] = {}
    for table in WRITE_ORDER:
        for row in rows.get(table, ()):
            tag = (row.get(LINE, 0), row.get(RECORD, (0, 0)))
            by_record.setdefault(tag, {}).setdefault(table, []).append(row)

    for tag in sorted(by_record):
        line, record = tag[0], by_record[tag]
        steps: list[tuple[str, str, tuple[Any, ...], dict[str, Any], _Seen | None, bool]] = []
        differs: list[tuple[str, tuple[Any, ...], list[str]]] = []
        duplicate: tuple[int, str, tuple[Any, ...], list[str]] | None = None
        for table, table_rows in record.items():
            if table == "turns" and complete_turns:
                continue
            lenient = table == "interactions" and not complete_turns
            ignore = WIDENED if lenient else frozenset()
            for row in table_rows:
                key = tuple(row[k] for k in KEYS[table])
                earlier = seen[table].get(key)
                base = earlier.row if earlier else stored[table].get(key)
                if base is None:
                    steps.append(("insert", table, key, row, None, lenient))
                    continue
                differ, _ = _compare(table, base, row, ignore)
                if differ and not lenient:
                    if earlier is not None:
                        duplicate = duplicate or (earlier.line, table, key, differ)
                    else:
                        differs.append((table, key, differ))
                steps.append(("merge", table, key, row, earlier, lenient))
        turn_step = None
        if complete_turns and record.get("turns"):
            iid = record["turns"][0]["interaction_id"]
            new_turns = {t["seq"]: t for t in record["turns"]}
            earlier_turns = seen_turns.get(iid)
            base_turns = earlier_turns[1] if earlier_turns else stored_turns.get(iid, {})
            if not base_turns:
                turn_step = "insert"
            else:
                how = _turns_differ(base_turns, new_turns)
                turn_step = "replace" if how else "same"
                if how and earlier_turns is not None:
                    duplicate = duplicate or (earlier_turns[0], "interactions", (iid,), [how])
                elif how:
                    differs.append(("interactions", (iid,), [how]))
        if duplicate is not None:
            first_line, table, key, fields = duplicate
            out.counts.conflicts += 1
            out.rejects.append(
                (
                    line,
                    KEYS[table][-1],
                    f"repeats the {NOUN[table]} {_label(table, key)} of line {first_line} "
                    f"with a different {', '.join(fields)}",
                    _raw(record),
                )
            )
            continue
        if differs and policy == "reject":
            out.counts.conflicts += 1
            table, key, _ = differs[0]
            fields = [f for _, _, fs in differs for f in fs]
            out.rejects.append(
                (
                    line,
                    KEYS[table][-1],
                    f"conflicts with the stored {NOUN[table]} {_label(table, key)}: "
                    f"{', '.join(fields)} differ{'s' if len(fields) == 1 else ''} "
                    "(--on-conflict update replaces the stored values, skip keeps them)",
                    _raw(record),
                )
            )
            continue
        if differs and policy == "skip":
            out.counts.skipped += 1
            continue
        new = changed = False
        for action, table, key, row, earlier, lenient in steps:
            if action == "insert":
                out.inserts.setdefault(table, []).append(row)
                seen[table][key] = _Seen(line, row, "insert")
                new = True
                continue
            base = earlier.row if earlier else stored[table][key]
            ignore = WIDENED if lenient else frozenset()
            carried = _carried(table, row, ignore)
            if lenient:  # only fill what is empty
                carried = {k: v for k, v in carried.items() if _absent(base.get(k))}
            merged = {**{c: base.get(c) for c in COLUMNS[table]}, **carried}
            if all(merged[c] == base.get(c) for c in COLUMNS[table]):
                if earlier is None:
                    seen[table][key] = _Seen(line, base, None)
                continue
            changed = True
            if earlier is not None and earlier.action is not None:
                earlier.row.update(carried)  # still to be written: fill it in place
            else:
                out.updates.setdefault(table, []).append(merged)
                seen[table][key] = _Seen(earlier.line if earlier else line, merged, "update")
        if turn_step is not None:
            iid = record["turns"][0]["interaction_id"]
            if turn_step == "same":
                seen_turns.setdefault(iid, (line, stored_turns.get(iid, {})))
            else:
                if turn_step == "replace":
                    out.replace_turns.add(iid)
                out.inserts.setdefault("turns", []).extend(record["turns"])
                seen_turns[iid] = (line, {t["seq"]: t for t in record["turns"]})
                changed = True
        if new:
            out.counts.new += 1
        elif changed:
            out.counts.updated += 1
        else:
            out.counts.unchanged += 1
    return out


def _all_new(
    rows: Mapping[str, list[dict[str, Any]]], stored: Mapping[str, Mapping[Any, Any]]
) -> Resolution | None:
    """The common case of a first import, decided in bulk: nothing of the batch is stored
    and no key repeats inside it, so every record is new and every row is written as it
    is -- what the record-by-record walk of :func:`resolve` would conclude, at a fraction
    of its cost. ``None`` when any key is stored or repeated (the walk decides)."""
    if any(stored.values()):
        return None
    for table, table_rows in rows.items():
        key_of = itemgetter(*KEYS[table])
        if len({key_of(r) for r in table_rows}) != len(table_rows):
            return None
    out = Resolution(fresh=True)
    out.inserts = {table: list(table_rows) for table, table_rows in rows.items() if table_rows}
    out.counts.new = len(
        {
            (r.get(LINE, 0), r.get(RECORD, (0, 0)))
            for table_rows in rows.values()
            for r in table_rows
        }
    )
    return out
