"""Replacing what :func:`~empathos.listen.pii.detect.find` finds, in a text, in the rows
an import is about to write, and in its rejects (which keep a record's raw text)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from empathos.listen.errors import Reject
from empathos.listen.pii.detect import KINDS, PLACEHOLDERS, find


def redact(
    text: str, kinds: Iterable[str] = KINDS, language: str | None = None
) -> tuple[str, Counter[str]]:
    """``text`` with each find replaced by its kind's placeholder, and the count per kind
    (never the values). A text with nothing to redact is returned as it was."""
    found = find(text, kinds, language)
    counts: Counter[str] = Counter()
    if not found:
        return text, counts
    out, pos = [], 0
    for f in found:
        out.append(text[pos : f.start])
        out.append(PLACEHOLDERS[f.kind])
        counts[f.kind] += 1
        pos = f.end
    out.append(text[pos:])
    return "".join(out), counts


def _redact_value(value: Any, kinds: tuple[str, ...], counts: Counter[str]) -> Any:
    """Strings anywhere in a JSON value (an ``attributes`` object) are redacted too."""
    if isinstance(value, str):
        new, c = redact(value, kinds)
        counts.update(c)
        return new
    if isinstance(value, dict):
        return {k: _redact_value(v, kinds, counts) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_value(v, kinds, counts) for v in value]
    return value


class Redactor:
    """Redacts with one set of kinds and keeps the counts of everything it replaced."""

    def __init__(self, kinds: Iterable[str] = KINDS) -> None:
        self.kinds = tuple(k for k in KINDS if k in set(kinds))
        self.counts: Counter[str] = Counter()

    def __call__(self, text: str, language: str | None = None) -> str:
        return self.text(text, language)

    def text(self, text: str | None, language: str | None = None) -> str | None:
        if not text:
            return text
        new, c = redact(text, self.kinds, language)
        self.counts.update(c)
        return new

    def value(self, value: Any) -> Any:
        return _redact_value(value, self.kinds, self.counts)


#: The free-text fields of the rows an import writes, per table (JSON ``attributes`` are
#: walked whole). Ids, enums, numbers and dates are never free text.
TEXT_FIELDS: Mapping[str, tuple[str, ...]] = {
    "turns": ("text",),
    "customers": ("name", "attributes"),
    "employees": ("attributes",),
    "interactions": ("attributes",),
}


def redact_rows(rows: Mapping[str, list[dict[str, Any]]], redactor: Redactor) -> None:
    """Redact, in place, the free-text fields of an import batch's rows (turn texts read
    in their detected language)."""
    for table, fields in TEXT_FIELDS.items():
        for row in rows.get(table, ()):
            for name in fields:
                value = row.get(name)
                if value is None:
                    continue
                if isinstance(value, str):
                    lang = row.get("language") if table == "turns" else None
                    row[name] = redactor.text(value, lang)
                else:
                    row[name] = redactor.value(value)


class RedactingRejects:
    """A reject sink that redacts a reject's raw record and message before passing it
    on: rejects go to a file, and the ingest API stores its answer (rejects included)."""

    def __init__(self, inner: Any, redactor: Redactor) -> None:
        self.inner = inner
        self.redactor = redactor

    @property
    def first(self) -> list[str]:
        return self.inner.first

    def write(self, reject: Reject) -> None:
        self.inner.write(
            Reject(
                reject.file,
                reject.line,
                reject.field,
                self.redactor.text(reject.error) or "",
                self.redactor.text(reject.record) or "",
            )
        )

    def close(self) -> None:
        self.inner.close()
