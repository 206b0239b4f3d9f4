"""Validate raw records and turn them into rows for the store.

Pure functions: a raw ``dict`` in, row dicts out, or a :class:`RecordError` naming the
field. Keeping them free of I/O lets Hypothesis throw random and truncated records at them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

import orjson
from pydantic import AfterValidator

from empathos.domain import Channel, OutcomeKind, Speaker
from empathos.listen.api_text import NO_NUL, JsonSchema
from empathos.listen.errors import RecordError

CHANNELS = frozenset(c.value for c in Channel)
SPEAKERS = frozenset(s.value for s in Speaker)
OUTCOME_KINDS = frozenset(k.value for k in OutcomeKind)
# Where a record comes from: ``imported`` (a file or API call from a company's systems),
# ``sample`` (the hand-written conversations shipped with Empathos) or ``simulated`` (the
# simulator). Never "real" for text we wrote ourselves.
SOURCES = frozenset({"imported", "sample", "simulated"})
# Files written before the vocabulary changed say "real": read as ``imported`` (migration
# 0013 renamed the stored values the same way).
LEGACY_SOURCES = {"real": "imported"}
DEFAULT_SOURCE = "imported"
# What exports call our channels.
CHANNEL_ALIASES = {
    "phone": "voice",
    "call": "voice",
    "telephone": "voice",
    "ivr": "voice",
    "webchat": "chat",
    "livechat": "chat",
    "messaging": "chat",
    "whatsapp": "chat",
    "sms": "chat",
    "mail": "email",
    "e-mail": "email",
    "twitter": "social",
    "facebook": "social",
    "instagram": "social",
    "selfservice": "self_service",
    "self-service": "self_service",
    "web": "self_service",
}
MAX_ID = 128
#: What both databases can store as an integer (PostgreSQL BIGINT; seq, tweet ids).
INT64_MAX = 2**63 - 1
#: NUL, which PostgreSQL refuses in any text, and lone surrogates, which no UTF-8
#: encoder writes: rejected in every string field so SQLite and PostgreSQL agree.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# Numbers as exports write them, in ASCII only: int() and float() also accept other
# scripts' digits ("²", "١٢") and underscores ("1_000"), which no export means as a number.
_INT = re.compile(r"[+-]?[0-9]+")
_FLOAT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


@dataclass(frozen=True, slots=True)
class Limits:
    """The limits a record must keep (``Settings.ingest_max_depth`` and
    ``ingest_max_record_bytes``): beyond them a record is a reject naming the field,
    never a ``RecursionError`` or a stalled worker. Picklable, so workers receive it."""

    max_depth: int = 32
    max_record_bytes: int = 2**20
    min_year: int = 1  # Settings.ingest_min_year / ingest_max_year: the years a time may
    max_year: int = 9999  # fall in (after UTC conversion); the defaults are the stores' own


DEFAULT_LIMITS = Limits()
_limits: ContextVar[Limits] = ContextVar("ingest_limits", default=DEFAULT_LIMITS)


def current_limits() -> Limits:
    """The limits of the import converting records in this thread (or the defaults)."""
    return _limits.get()


@contextmanager
def using_limits(limits: Limits) -> Iterator[None]:
    """Convert records under ``limits`` (the converters' signature carries only the record,
    so the import's limits travel beside it, per thread)."""
    token = _limits.set(limits)
    try:
        yield
    finally:
        _limits.reset(token)


def nesting_error(record: Mapping[str, Any], max_depth: int) -> RecordError | None:
    """The first top-level field of a parsed record nested deeper than ``max_depth``
    (containers only, no recursion), so nothing downstream ever recurses that deep."""
    for key, value in record.items():
        if not isinstance(value, dict | list):
            continue
        stack = [(value, 1)]
        while stack:
            item, depth = stack.pop()
            if depth > max_depth:
                return RecordError(str(key)[:60], f"is nested deeper than {max_depth} levels")
            subs = item.values() if isinstance(item, dict) else item
            stack.extend((sub, depth + 1) for sub in subs if isinstance(sub, dict | list))
    return None


_NUL_REASON = "contains a NUL character (U+0000), which PostgreSQL cannot store"


def unstorable_reason(text: str) -> str | None:
    """Why ``text`` cannot be stored alike on SQLite and PostgreSQL, or None if it can.
    The one rule for files and the API (see :func:`storable_text`)."""
    if text.isascii():  # O(1) in CPython; ASCII text can only hold the NUL (memchr)
        return _NUL_REASON if "\x00" in text else None
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    char = found.group()
    if char == "\x00":
        return _NUL_REASON
    return f"contains a lone surrogate (U+{ord(char):04X}), which is not valid Unicode text"


def storable_text(text: str, field: str) -> str:
    """``text`` unchanged if both databases can store it, else a :class:`RecordError`.
    (The common case, ASCII without NUL, is decided inline: this runs on every field.)"""
    if text.isascii() and "\x00" not in text:
        return text
    reason = unstorable_reason(text)
    if reason is not None:
        raise RecordError(field, reason)
    return text


def _storable(text: str) -> str:
    reason = unstorable_reason(text)
    if reason is not None:
        raise ValueError(reason)
    return text


#: A string field of an API request model under the same rule as imported files: a NUL
#: or a lone surrogate answers 422 naming the field, before anything is acknowledged.
StorableStr = Annotated[str, AfterValidator(_storable), JsonSchema(pattern=NO_NUL)]


def check_value(value: Any, field: str, max_depth: int) -> None:
    """Walk a parsed JSON value without recursion: nesting at most ``max_depth`` levels,
    every string (keys included) storable, every integer within 64 bits, every float
    finite. The error names the path inside the value (``attributes.a.b``)."""
    stack: list[tuple[Any, str, int]] = [(value, field, 0)]
    while stack:
        item, where, depth = stack.pop()
        if not isinstance(item, dict | list):
            _check_scalar(item, where)
            continue
        if depth >= max_depth:
            raise RecordError(where, f"is nested deeper than {max_depth} levels")
        if isinstance(item, list):
            for i, sub in enumerate(item):
                if isinstance(sub, dict | list):
                    stack.append((sub, f"{where}[{i}]", depth + 1))
                elif not _plain(sub):
                    _check_scalar(sub, f"{where}[{i}]")
            continue
        for key, sub in item.items():
            if not isinstance(key, str):
                raise RecordError(where, "has a key that is not text")
            clean = key.isascii() and "\x00" not in key
            if not clean or isinstance(sub, dict | list) or not _plain(sub):
                path = f"{where}.{key[:40] if clean else _label(key)}"
                storable_text(key, path)
                stack.append((sub, path, depth + 1))


def _plain(item: Any) -> bool:
    """A scalar that needs no closer look: ASCII text without NUL, a 64-bit int, None."""
    kind = type(item)
    if kind is str:
        return item.isascii() and "\x00" not in item
    if kind is int:
        return -INT64_MAX <= item <= INT64_MAX
    return item is None or kind is bool


def _check_scalar(item: Any, where: str) -> None:
    if isinstance(item, str):
        storable_text(item, where)
    elif isinstance(item, bool) or item is None:
        return
    elif isinstance(item, int):
        if abs(item) > INT64_MAX:
            raise RecordError(where, "holds an integer outside the 64-bit range")
    elif isinstance(item, float) and not math.isfinite(item):
        raise RecordError(where, "holds a number that is not finite")


def _label(key: str) -> str:
    """A key as shown in a field path: short, with unstorable characters escaped."""
    return _UNSTORABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", key[:40])


def json_depth(text: str) -> int:
    """The nesting depth of the JSON in ``text``, counted without parsing (brackets
    outside strings), so a cell nested 100,000 deep is measured before any parser
    recurses into it."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def parse_json_text(text: str, field: str, what: str, max_depth: int) -> Any:
    """JSON held in a text cell (CSV lists and attributes): depth checked before parsing,
    parsed by orjson (no NaN/Infinity, which PostgreSQL's JSON refuses), then checked."""
    # Counting brackets is cheap; the exact scan runs only when there are enough of them.
    if text.count("[") + text.count("{") > max_depth and json_depth(text) > max_depth:
        raise RecordError(field, f"is nested deeper than {max_depth} levels")
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise RecordError(field, f"is not a valid JSON {what}") from None
    check_value(value, field, max_depth)
    return value


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def required(record: Mapping[str, Any], field: str) -> Any:
    if field not in record or is_blank(record[field]):
        raise RecordError(field, "is required")
    return record[field]


def as_id(value: Any, field: str) -> str:
    """Ids are strings of the source system; numbers are accepted and kept as text."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise RecordError(field, f"must be a string or integer id, got {type(value).__name__}")
    text = str(value).strip()
    if not text:
        raise RecordError(field, "is empty")
    if len(text) > MAX_ID:
        raise RecordError(field, f"is longer than {MAX_ID} characters")
    if isinstance(value, int) and abs(value) > INT64_MAX:
        raise RecordError(field, "is an integer outside the 64-bit range")
    return storable_text(text, field)


def opt_id(record: Mapping[str, Any], field: str) -> str | None:
    value = record.get(field)
    return None if is_blank(value) else as_id(value, field)


def opt_str(record: Mapping[str, Any], field: str, max_len: int = 256) -> str | None:
    value = record.get(field)
    if is_blank(value):
        return None
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise RecordError(field, f"must be text, got {type(value).__name__}")
    if isinstance(value, int) and value.bit_length() > 4 * max_len:  # str() of it is slow
        raise RecordError(field, f"is longer than {max_len} characters")
    text = str(value).strip()
    if len(text) > max_len:
        raise RecordError(field, f"is longer than {max_len} characters")
    return storable_text(text, field)


def parse_ts(value: Any, field: str) -> datetime:
    """ISO 8601 (date, or date and time, with or without zone) or Unix seconds; aware
    times become naive UTC so both databases store the same thing."""
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise RecordError(field, "is not a finite number")
        try:
            dt = datetime.fromtimestamp(float(value), tz=UTC)
        except (OverflowError, OSError, ValueError) as exc:
            raise RecordError(field, f"is not a valid Unix time ({exc})") from None
    elif isinstance(value, str):
        text = value.strip()
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            dt = _parse_twitter_ts(text, field)
    else:
        raise RecordError(field, f"must be an ISO 8601 time, got {type(value).__name__}")
    if dt.tzinfo is not None:
        try:
            dt = dt.astimezone(UTC).replace(tzinfo=None)
        except OverflowError:  # 0001-01-01T00:00+01:00 is in year 0 in UTC
            raise RecordError(field, "is outside the years 1-9999 once converted to UTC") from None
    limits = current_limits()
    if not limits.min_year <= dt.year <= limits.max_year:
        raise RecordError(
            field,
            f"is in {dt.year}, outside the years {limits.min_year}-{limits.max_year} "
            "(Settings.ingest_min_year / ingest_max_year)",
        )
    return dt


def plain_ts(value: Any) -> datetime | None:
    """The common case of :func:`parse_ts`, decided inline: a naive ISO 8601 text with no
    surrounding blanks, within the import's years. ``None`` for anything else (a zone, a
    ``Z``, a number, a blank, a bad text), which then takes :func:`parse_ts` and gets the
    same value or the same reject as before; this only skips its layers of checks on
    the millions of plain stamps an import reads."""
    if type(value) is not str or not value or not value[-1].isdigit() or value[0].isspace():
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return None
    if dt.tzinfo is not None:
        return None
    limits = _limits.get()
    return dt if limits.min_year <= dt.year <= limits.max_year else None


def _parse_twitter_ts(text: str, field: str) -> datetime:
    """The Twitter export writes ``Tue Oct 31 22:10:47 +0000 2017``."""
    try:
        return datetime.strptime(text, "%a %b %d %H:%M:%S %z %Y")
    except ValueError:
        raise RecordError(field, f"{text[:40]!r} is not an ISO 8601 time") from None


def opt_ts(record: Mapping[str, Any], field: str) -> datetime | None:
    value = record.get(field)
    return None if is_blank(value) else parse_ts(value, field)


def as_float(value: Any, field: str) -> float:
    if isinstance(value, bool):
        raise RecordError(field, "must be a number, got a boolean")
    if isinstance(value, str) and not _FLOAT.fullmatch(value.strip()):
        raise RecordError(field, f"{value[:40]!r} is not a number")
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise RecordError(field, f"{str(value)[:40]!r} is not a number") from None
    if not math.isfinite(number):
        raise RecordError(field, "must be a finite number")
    return number


def as_int(value: Any, field: str, minimum: int | None = None, maximum: int = 2**31 - 1) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _INT.fullmatch(value.strip()):
        if len(value.strip()) > 25:  # far beyond 64 bits; int() of a long text is slow
            raise RecordError(field, "is out of range")
        number = int(value.strip())
    else:
        as_float_value = as_float(value, field)
        if as_float_value != int(as_float_value):
            raise RecordError(field, f"{value!r} is not a whole number")
        number = int(as_float_value)
    if abs(number) > maximum:
        raise RecordError(field, "is out of range")
    if minimum is not None and number < minimum:
        raise RecordError(field, f"must be >= {minimum}")
    return number


def choice(value: Any, field: str, allowed: frozenset[str]) -> str:
    text = str(value).strip().lower() if isinstance(value, str) else None
    if text not in allowed:
        raise RecordError(field, f"{str(value)[:40]!r} is not one of {', '.join(sorted(allowed))}")
    return text


def channel_of(value: Any) -> str:
    if isinstance(value, str):
        value = CHANNEL_ALIASES.get(value.strip().lower(), value)
    return choice(value, "channel", CHANNELS)


def source_of(record: Mapping[str, Any]) -> str:
    """The record's source; none given means ``imported`` (and the legacy "real" too)."""
    value = record.get("source")
    if is_blank(value):
        return DEFAULT_SOURCE
    if isinstance(value, str) and value.strip().lower() in LEGACY_SOURCES:
        return LEGACY_SOURCES[value.strip().lower()]
    return choice(value, "source", SOURCES)


def as_list(value: Any, field: str, limits: Limits | None = None) -> list[str]:
    """Lists come as JSON arrays (JSONL) or ``;``-separated text (CSV)."""
    limits = limits or current_limits()
    if is_blank(value):
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            value = parse_json_text(text, field, "list", limits.max_depth)
        else:
            return [storable_text(p.strip(), field) for p in text.split(";") if p.strip()]
    if not isinstance(value, list) or not all(
        isinstance(v, str | int) and not isinstance(v, bool) for v in value
    ):
        raise RecordError(field, "must be a list of strings")
    return [
        as_id(v, f"{field}[{i}]") if isinstance(v, int) else storable_text(v, field)
        for i, v in enumerate(value)
    ]


def as_mapping(value: Any, field: str, limits: Limits | None = None) -> dict[str, Any]:
    """A JSON object (attributes), from JSONL or a CSV cell, within the nesting limit and
    with storable text throughout."""
    limits = limits or current_limits()
    if is_blank(value):
        return {}
    if isinstance(value, str):
        value = parse_json_text(value, field, "object", limits.max_depth)
    if not isinstance(value, dict):
        raise RecordError(field, "must be an object")
    check_value(value, field, limits.max_depth)
    return value


def text_of(value: Any, field: str) -> str:
    if not isinstance(value, str):
        raise RecordError(field, f"must be text, got {type(value).__name__}")
    if not value.strip():
        raise RecordError(field, "is empty")
    return storable_text(value, field)
