"""A bare carriage return inside a CSV record (pandas writes it unquoted) is text: the
record is read whole, and files that end their lines otherwise read as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from empathos.listen.errors import RecordError
from empathos.listen.readers import iter_csv


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        # \n line ends: a bare \r (unquoted or quoted) stays in its field, lines count \n.
        (
            'a,b\n1,x\r\ry\n2,"p\rq"\n3,r\r',
            [
                (2, {"a": "1", "b": "x\r\ry"}),
                (3, {"a": "2", "b": "p\rq"}),
                (4, {"a": "3", "b": "r"}),
            ],
        ),
        # \r\n line ends: a quoted \r is kept, and is no line end for the line numbers.
        ('a,b\r\n1,"x\ry"\r\n2,z\r\n', [(2, {"a": "1", "b": "x\ry"}), (3, {"a": "2", "b": "z"})]),
        # Old Mac files end lines in a bare \r: still one record a line.
        ('a,b\r1,x\r2,"q\nw"\r', [(2, {"a": "1", "b": "x"}), (3, {"a": "2", "b": "q\nw"})]),
    ],
)
def test_a_bare_carriage_return_is_text_in_a_newline_file(
    tmp_path: Path, data: str, expected: list
) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(data.encode())
    rows = [(line, rec) for line, rec, _ in iter_csv(path)]
    assert not any(isinstance(rec, RecordError) for _, rec in rows)
    assert rows == expected
