"""Stream records out of files one at a time, with the line each started on.

Nothing here holds more than one record, so memory stays flat however large the file.
A line that cannot even be parsed becomes a :class:`RecordError`, not an exception, so
the rest of the file still loads.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from empathos.listen.errors import RecordError
from empathos.listen.parse import DEFAULT_LIMITS, Limits, nesting_error

RAW_KEEP = 2000  # characters of a bad record kept in the reject file

Record = tuple[int, dict[str, Any] | RecordError, str]


class ByteCounter:
    """Bytes (or characters, for text) consumed so far, for a progress bar over file size."""

    def __init__(self) -> None:
        self.n = 0


csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


BOM = b"\xef\xbb\xbf"


def iter_jsonl_lines(path: Path, counter: ByteCounter | None = None) -> Iterator[tuple[int, bytes]]:
    """Non-blank lines with their numbers, unparsed: parsing happens where the record is
    converted, which may be a worker process. A UTF-8 byte order mark is dropped."""
    counter = counter or ByteCounter()
    with path.open("rb") as handle:
        for line_no, raw in enumerate(handle, start=1):
            counter.n += len(raw)
            if line_no == 1 and raw.startswith(BOM):
                raw = raw[len(BOM) :]
            if raw.strip():
                yield line_no, raw


def parse_jsonl_line(line_no: int, raw: bytes, limits: Limits = DEFAULT_LIMITS) -> Record:
    """One JSONL line parsed, or a :class:`RecordError` for the line: longer than
    ``limits.max_record_bytes``, not JSON (orjson stops at 1,024 levels, so nothing
    recurses without bound), not an object, or nested deeper than ``limits.max_depth``."""
    if len(raw) > limits.max_record_bytes:
        return (
            line_no,
            RecordError(
                "(line)",
                f"is {len(raw):,} bytes, more than the limit of {limits.max_record_bytes:,} "
                "(Settings.ingest_max_record_bytes)",
            ),
            _raw(raw),
        )
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        return line_no, RecordError("(line)", f"not valid JSON: {exc}"), _raw(raw)
    if not isinstance(value, dict):
        return line_no, RecordError("(line)", "must be a JSON object"), _raw(raw)
    # Only a line with more brackets than the limit can nest past it (counting is C-fast).
    if raw.count(b"[") + raw.count(b"{") > limits.max_depth:
        deep = nesting_error(value, limits.max_depth)
        if deep is not None:
            return line_no, deep, _raw(raw)
    return line_no, value, ""


def _raw(raw: bytes) -> str:
    return raw[:RAW_KEEP].decode("utf-8", errors="replace").rstrip("\n")


class RowTooLong(Exception):
    """A CSV row grew past the record size limit (most often a quote never closed)."""


class _Lines:
    """The physical lines under a ``csv.reader``: counts them, keeps the lines of the row
    being read (so a broken row's later lines can be read again as rows of their own),
    notices when a row needs the end of the file to finish (an unclosed quote), and stops
    a row that grows past the size limit before it holds the rest of the file."""

    def __init__(self, handle: Iterator[str], counter: ByteCounter, limit: int) -> None:
        self.source = handle
        self.counter = counter
        self.limit = limit
        self.pending: list[str] = []  # lines to read again, in order (reversed stack)
        self.row: list[str] = []
        self.size = 0
        self.line_no = 0  # physical lines handed to the csv reader
        self.hit_eof = False

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.pending:
            line = self.pending.pop()
        else:
            try:
                line = next(self.source)
            except StopIteration:
                self.hit_eof = True
                raise
            self.counter.n += len(line)
        self.line_no += 1
        self.row.append(line)
        self.size += len(line)
        if self.size > self.limit and len(self.row) > 1:
            raise RowTooLong
        return line

    def start_row(self) -> None:
        self.row, self.size = [], 0

    def reread_after_first(self) -> None:
        """Hand the current row's lines after its first back, to be read as rows."""
        rest = self.row[1:]
        self.line_no -= len(rest)
        self.pending.extend(reversed(rest))
        self.start_row()


def iter_csv(
    path: Path,
    delimiter: str = ",",
    counter: ByteCounter | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Iterator[Record]:
    """Rows as dicts keyed by the header. Quoted fields may span lines; the line reported
    is the one the row starts on. Undecodable bytes become U+FFFD rather than stopping the
    file; a UTF-8 byte order mark is dropped.

    A quote that is never closed would swallow every later row into one field: a row
    that only the end of the file ends, or that grows past ``limits.max_record_bytes``
    over several lines, is a reject naming the line it began on, and the lines after
    that one are read again as rows."""
    with path.open("r", encoding="utf-8-sig", errors="replace", newline="") as handle:
        joined = _BareCrJoined(handle)
        lines = _Lines(joined, counter or ByteCounter(), limits.max_record_bytes)
        reader = csv.reader(lines, delimiter=delimiter)
        try:
            header = next(reader)
        except StopIteration:
            return
        except (RowTooLong, csv.Error) as exc:
            yield 1, RecordError("(header)", f"cannot be read: {exc or 'too long'}"), ""
            return
        header = [h.strip() for h in header]
        width = len(header)
        while True:
            lines.start_row()
            line_no = lines.line_no + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except (RowTooLong, csv.Error) as exc:
                first = lines.row[0] if lines.row else ""
                reason = (
                    f"runs over several lines past the limit of {limits.max_record_bytes:,} "
                    "bytes (Settings.ingest_max_record_bytes): is a quote never closed?"
                    if isinstance(exc, RowTooLong)
                    else f"cannot be read as CSV: {exc}"
                )
                lines.reread_after_first()
                reader = csv.reader(lines, delimiter=delimiter)
                yield line_no, RecordError("(row)", reason), first[:RAW_KEEP].rstrip("\r\n")
                continue
            if lines.hit_eof:  # only an open quoted field needs the end of the file
                first = lines.row[0] if lines.row else ""
                lines.reread_after_first()
                lines.hit_eof = False
                reader = csv.reader(lines, delimiter=delimiter)
                yield (
                    line_no,
                    RecordError(
                        "(row)",
                        "has a quote that is never closed (the row ran to the end of the "
                        "file); the lines after it were read as rows of their own",
                    ),
                    first[:RAW_KEEP].rstrip("\r\n"),
                )
                continue
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if lines.size > limits.max_record_bytes:
                yield (
                    line_no,
                    RecordError(
                        "(row)",
                        f"is {lines.size:,} characters, more than the limit of "
                        f"{limits.max_record_bytes:,} (Settings.ingest_max_record_bytes)",
                    ),
                    lines.row[0][:RAW_KEEP].rstrip("\r\n"),
                )
                continue
            if joined.marked:  # restore the carriage returns kept out of the csv parser
                row = [f.replace(_CR_MARK, "\r") if _CR_MARK in f else f for f in row]
            raw = _csv_raw(row, delimiter)
            if len(row) > width:
                yield (
                    line_no,
                    RecordError("(row)", f"has {len(row)} fields, the header has {width}"),
                    raw,
                )
                continue
            yield line_no, dict(zip(header, row + [""] * (width - len(row)), strict=True)), raw


_CR_MARK = "\ue000"  # a private-use character standing in for a bare carriage return


class _BareCrJoined:
    """Physical lines in, logical lines out: a bare carriage return inside a record of a
    file whose lines end in ``\n`` is part of the text, not a line end.

    Python's csv module ends a record at any ``\r`` outside quotes, so a tweet whose text
    holds a stray ``\r`` (pandas writes it unquoted) was split in two: the first half
    stored cut short, the second rejected as "author_id is required". Here such a line is
    joined to the next and its ``\r`` hidden from the parser behind :data:`_CR_MARK`
    (``marked``, once set, tells the reader to put marks back: a row read again after an
    unclosed quote may hold one). A file whose header ends in a bare
    ``\r`` (old Mac line ends) is passed through unchanged."""

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines
        self._cr_ends_lines: bool | None = None
        self.marked = False

    def __iter__(self) -> _BareCrJoined:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        if self._cr_ends_lines is None:  # in newline="" mode only a bare \r ends with "\r"
            self._cr_ends_lines = line.endswith("\r")
        if self._cr_ends_lines or not line.endswith("\r"):
            return line
        parts = [line]
        while parts[-1].endswith("\r"):  # the record goes on after a bare \r
            follow = next(self._lines, None)
            if follow is None:
                break
            parts.append(follow)
        joined = "".join(parts)
        # The line's own end stays (a last line may end in a bare \r: the end of the file).
        end = next((e for e in ("\r\n", "\n", "\r") if joined.endswith(e)), "")
        self.marked = True
        return joined[: len(joined) - len(end)].replace("\r", _CR_MARK) + end


def _csv_raw(row: list[str], delimiter: str) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerow(row)
    return out.getvalue()[:RAW_KEEP].rstrip("\r\n")


def csv_header(path: Path, delimiter: str = ",") -> list[str]:
    with path.open("r", encoding="utf-8-sig", errors="replace", newline="") as handle:
        try:
            return [h.strip() for h in next(csv.reader(handle, delimiter=delimiter))]
        except StopIteration:
            return []


def first_jsonl_keys(path: Path) -> set[str]:
    """The keys of the first parseable object in a JSONL file (to guess its kind)."""
    with path.open("rb") as handle:
        for raw in handle:
            raw = raw.removeprefix(BOM)
            try:
                value = orjson.loads(raw)
            except orjson.JSONDecodeError:
                continue
            if isinstance(value, dict):
                return set(value)
    return set()
