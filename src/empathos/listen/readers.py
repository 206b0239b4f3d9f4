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

RAW_KEEP = 2000  # characters of a bad record kept in the reject file

Record = tuple[int, dict[str, Any] | RecordError, str]


class ByteCounter:
    """Bytes (or characters, for text) consumed so far, for a progress bar over file size."""

    def __init__(self) -> None:
        self.n = 0


csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def iter_jsonl_lines(path: Path, counter: ByteCounter | None = None) -> Iterator[tuple[int, bytes]]:
    """Non-blank lines with their numbers, unparsed: parsing happens where the record is
    converted, which may be a worker process."""
    counter = counter or ByteCounter()
    with path.open("rb") as handle:
        for line_no, raw in enumerate(handle, start=1):
            counter.n += len(raw)
            if raw.strip():
                yield line_no, raw


def parse_jsonl_line(line_no: int, raw: bytes) -> Record:
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        return line_no, RecordError("(line)", f"not valid JSON: {exc}"), _raw(raw)
    if not isinstance(value, dict):
        return line_no, RecordError("(line)", "must be a JSON object"), _raw(raw)
    return line_no, value, ""


def _raw(raw: bytes) -> str:
    return raw[:RAW_KEEP].decode("utf-8", errors="replace").rstrip("\n")


def iter_csv(
    path: Path, delimiter: str = ",", counter: ByteCounter | None = None
) -> Iterator[Record]:
    """Rows as dicts keyed by the header. Quoted fields may span lines; the line reported
    is the one the row starts on. Undecodable bytes become U+FFFD rather than stopping the file."""
    with path.open("r", encoding="utf-8-sig", errors="replace", newline="") as handle:
        lines = _BareCrJoined(_counted(handle, counter or ByteCounter()))
        reader = csv.reader(lines, delimiter=delimiter)
        try:
            header = next(reader)
        except StopIteration:
            return
        header = [h.strip() for h in header]
        width = len(header)
        previous_end = reader.line_num
        for row in reader:
            line_no, previous_end = previous_end + 1, reader.line_num
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if lines.marked:  # restore the carriage returns kept out of the csv parser
                row, lines.marked = [f.replace(_CR_MARK, "\r") for f in row], False
            raw = _csv_raw(row, delimiter)
            if len(row) > width:
                yield (
                    line_no,
                    RecordError("(row)", f"has {len(row)} fields, the header has {width}"),
                    raw,
                )
                continue
            yield line_no, dict(zip(header, row + [""] * (width - len(row)))), raw


def _counted(lines: Iterator[str], counter: ByteCounter) -> Iterator[str]:
    for line in lines:
        counter.n += len(line)
        yield line


_CR_MARK = "\ue000"  # a private-use character standing in for a bare carriage return


class _BareCrJoined:
    """Physical lines in, logical lines out: a bare carriage return inside a record of a
    file whose lines end in ``\n`` is part of the text, not a line end.

    Python's csv module ends a record at any ``\r`` outside quotes, so a tweet whose text
    holds a stray ``\r`` (pandas writes it unquoted) was split in two: the first half
    stored cut short, the second rejected as "author_id is required". Here such a line is
    joined to the next and its ``\r`` hidden from the parser behind :data:`_CR_MARK`
    (``marked`` tells the reader to put it back). A file whose header ends in a bare
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
            try:
                value = orjson.loads(raw)
            except orjson.JSONDecodeError:
                continue
            if isinstance(value, dict):
                return set(value)
    return set()
