"""Validate raw records and turn them into rows for the store.

Pure functions: a raw ``dict`` in, row dicts out, or a :class:`RecordError` naming the
field. Keeping them free of I/O lets Hypothesis throw random and truncated records at them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from empathos.domain import Channel, OutcomeKind, Speaker
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
    return text


def opt_id(record: Mapping[str, Any], field: str) -> str | None:
    value = record.get(field)
    return None if is_blank(value) else as_id(value, field)


def opt_str(record: Mapping[str, Any], field: str, max_len: int = 256) -> str | None:
    value = record.get(field)
    if is_blank(value):
        return None
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise RecordError(field, f"must be text, got {type(value).__name__}")
    text = str(value).strip()
    if len(text) > max_len:
        raise RecordError(field, f"is longer than {max_len} characters")
    return text


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
        dt = dt.astimezone(UTC).replace(tzinfo=None)
    return dt


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
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise RecordError(field, f"{str(value)[:40]!r} is not a number") from None
    if not math.isfinite(number):
        raise RecordError(field, "must be a finite number")
    return number


def as_int(value: Any, field: str, minimum: int | None = None, maximum: int = 2**31 - 1) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.strip().lstrip("-").isdigit():
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


def as_list(value: Any, field: str) -> list[str]:
    """Lists come as JSON arrays (JSONL) or ``;``-separated text (CSV)."""
    if is_blank(value):
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except json.JSONDecodeError:
                raise RecordError(field, "is not a valid JSON list") from None
        else:
            return [part.strip() for part in text.split(";") if part.strip()]
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        raise RecordError(field, "must be a list of strings")
    return [str(v) for v in value]


def as_mapping(value: Any, field: str) -> dict[str, Any]:
    if is_blank(value):
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            raise RecordError(field, "is not a valid JSON object") from None
    if not isinstance(value, dict):
        raise RecordError(field, "must be an object")
    return value


def text_of(value: Any, field: str) -> str:
    if not isinstance(value, str):
        raise RecordError(field, f"must be text, got {type(value).__name__}")
    if not value.strip():
        raise RecordError(field, "is empty")
    if "\x00" in value:
        raise RecordError(field, "contains a NUL character")
    return value
