"""Read a file holding one JSON array of records (``[{...}, {...}]``) element by element.

Exports from APIs and datasets (ABCD, Intercom's conversation list) come as one array
rather than JSON Lines. The file is streamed: a window of text is read, each element is
decoded with the standard library's ``json.JSONDecoder.raw_decode``, which returns where
the element ends, and the window moves on. So memory holds one element (plus a read
chunk), and every record carries the **line its element starts on**, like the JSONL and
CSV readers; the reject's ``record`` is the element's own text.

Why not ijson: it streams as well, but reports no positions, so a reject could only name
the element's index, which no editor can jump to. Why not orjson on the whole file: it
is faster per call, but holds the whole file (and every record) in memory at once.
Measured here (a 56 MB array of 3,000 ABCD conversations, on a shared machine): this
reader 1.8-2.2 s, ``json.loads`` of the whole text 3.4 s, ``orjson.loads`` 2.6 s.

An element that is not valid JSON ends the reading: without a parser that can resync
inside an array, the elements after it cannot be found reliably. It becomes one reject
naming its line and the decoder's message, and everything before it still loads.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from empathos.listen.errors import RecordError
from empathos.listen.readers import RAW_KEEP, ByteCounter, Record

CHUNK_CHARS = 1 << 20  # characters read at a time
#: The largest single element read; a bigger one (or a broken file that never closes its
#: element) is rejected instead of being read into memory whole.
MAX_ELEMENT_CHARS = 64 << 20
_WS = " \t\r\n"
_DECODER = json.JSONDecoder()


def is_json_array(path: Path) -> bool:
    """Whether the file's first non-blank character (after a BOM) opens an array."""
    with path.open("r", encoding="utf-8-sig", errors="replace") as handle:
        while chunk := handle.read(4096):
            text = chunk.lstrip(_WS + "\ufeff")
            if text:
                return text[0] == "["
    return False


def first_array_keys(path: Path) -> set[str]:
    """The keys of the array's first object (to guess the file's kind)."""
    for _, value, _ in iter_json_array(path):
        return set(value) if isinstance(value, dict) else set()
    return set()


class _Window:
    """The unread text of the file, refilled on demand, with the line of its start."""

    def __init__(self, handle, counter: ByteCounter) -> None:  # noqa: ANN001
        self.handle = handle
        self.counter = counter
        self.text = ""
        self.pos = 0
        self.line = 1  # the line of ``text[pos]``
        self.eof = False

    def fill(self) -> bool:
        """Read one more chunk; False at the end of the file."""
        if self.eof:
            return False
        chunk = self.handle.read(CHUNK_CHARS)
        if not chunk:
            self.eof = True
            return False
        self.counter.n += len(chunk)
        self.text = self.text[self.pos :] + chunk
        self.pos = 0
        return True

    def skip_ws(self) -> str:
        """The next non-blank character (empty at the end of the file), not consumed."""
        while True:
            start = self.pos
            while self.pos < len(self.text) and self.text[self.pos] in _WS:
                self.pos += 1
            self.line += self.text.count("\n", start, self.pos)
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self.fill():
                return ""

    def advance(self, end: int) -> None:
        self.line += self.text.count("\n", self.pos, end)
        self.pos = end


def iter_json_array(path: Path, counter: ByteCounter | None = None) -> Iterator[Record]:
    """Each element of the file's top-level array as ``(line, object or RecordError,
    raw)``; the line is where the element starts. An element that is not an object is
    rejected and the reading goes on; broken JSON stops it (see the module docstring)."""
    with path.open("r", encoding="utf-8-sig", errors="replace") as handle:
        window = _Window(handle, counter or ByteCounter())
        first = window.skip_ws()
        if first != "[":
            found = repr(first) if first else "an empty file"
            yield window.line, RecordError("(file)", f"must be a JSON array, found {found}"), ""
            return
        window.advance(window.pos + 1)
        expect_value = True  # right after '[' or ','
        while True:
            char = window.skip_ws()
            if char == "]":
                return  # the end (after '[' an empty array; a trailing comma is tolerated)
            if not char:
                yield window.line, RecordError("(file)", "ends before the array is closed"), ""
                return
            if not expect_value:
                if char != ",":
                    message = f"expected ',' or ']' between elements, found {char!r}"
                    yield window.line, RecordError("(file)", message), ""
                    return
                window.advance(window.pos + 1)
                expect_value = True
                continue
            line = window.line
            decoded = _decode(window)
            if isinstance(decoded, RecordError):
                raw = window.text[window.pos : window.pos + RAW_KEEP]
                yield line, decoded, raw
                return
            value, end = decoded
            raw = window.text[window.pos : min(end, window.pos + RAW_KEEP)]
            window.advance(end)
            expect_value = False
            if isinstance(value, dict):
                yield line, value, raw
            else:
                kind = type(value).__name__
                yield line, RecordError("(line)", f"must be a JSON object, got {kind}"), raw


def _decode(window: _Window) -> tuple[object, int] | RecordError:
    """Decode the element at the window's position, reading more text while it is cut
    off by the window's end."""
    while True:
        try:
            return _DECODER.raw_decode(window.text, window.pos)
        except json.JSONDecodeError as exc:
            # An error well before the window's end is in the element itself, not where
            # the window cut it (a cut literal or escape fails within a few characters of
            # the end; a cut string fails at its start, so that one always reads on).
            cut = exc.msg.startswith("Unterminated string") or exc.pos > len(window.text) - 16
            if not cut:
                return _invalid(window, exc)
            if len(window.text) - window.pos > MAX_ELEMENT_CHARS:
                return RecordError(
                    "(line)", f"an element longer than {MAX_ELEMENT_CHARS:,} characters"
                )
            if not window.fill():
                return _invalid(window, exc)


def _invalid(window: _Window, exc: json.JSONDecodeError) -> RecordError:
    at = window.line + window.text.count("\n", window.pos, exc.pos)
    return RecordError("(line)", f"not valid JSON (at line {at}): {exc.msg}; the rest is not read")
