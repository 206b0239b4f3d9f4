"""The JSON array reader against the standard library: every element comes back equal,
with the line it starts on, however the read window cuts the text."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from empathos.listen import json_array
from empathos.listen.json_array import iter_json_array

scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=12)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
objects = st.dictionaries(st.text(max_size=6), values, max_size=4)


@settings(max_examples=60, deadline=None)
@given(
    elements=st.lists(objects, max_size=6),
    indent=st.sampled_from([None, 1, 2]),
    separators=st.lists(st.sampled_from([",", ",\n", " ,\n\n  ", "\n,"]), min_size=6, max_size=6),
    chunk=st.integers(min_value=1, max_value=40),
)
def test_elements_and_their_start_lines(
    elements: list[dict], indent: int | None, separators: list[str], chunk: int
) -> None:
    parts, lines, text = [], [], "[\n"
    for i, element in enumerate(elements):
        if i:
            text += separators[i]
        lines.append(text.count("\n") + 1)
        text += json.dumps(element, indent=indent)
    text += "\n]\n"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "a.json"
        path.write_text(text, encoding="utf-8")
        old = json_array.CHUNK_CHARS
        json_array.CHUNK_CHARS = chunk
        try:
            parts = list(iter_json_array(path))
        finally:
            json_array.CHUNK_CHARS = old
    assert [value for _, value, _ in parts] == elements
    assert [line for line, _, _ in parts] == lines


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "must be a JSON array, found an empty file"),
        ('[{"a": 1}', "ends before the array is closed"),
        ('[{"a": 1} {"b": 2}]', "expected ',' or ']' between elements"),
        ('[{"a": "never closed', "not valid JSON (at line 1)"),
    ],
)
def test_a_broken_array_is_one_reject_after_the_good_elements(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "b.json"
    path.write_text(text)
    items = list(iter_json_array(path))
    good = [v for _, v, _ in items if isinstance(v, dict)]
    assert good == ([{"a": 1}] if text.startswith('[{"a": 1}') else [])
    assert message in str(items[-1][1])
