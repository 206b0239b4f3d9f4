"""The source vocabulary: imported (the default), sample, simulated; the legacy "real"
reads as imported; anything else is a clear error naming the field."""

from __future__ import annotations

import pytest

from empathos.listen.errors import RecordError
from empathos.listen.parse import source_of


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        (None, "imported"),
        ("", "imported"),
        ("imported", "imported"),
        ("sample", "sample"),
        ("simulated", "simulated"),
        ("real", "imported"),  # files written before the vocabulary changed
        ("Real", "imported"),
    ],
)
def test_sources_read_as_the_vocabulary(given: str | None, stored: str) -> None:
    assert source_of({"source": given}) == stored


def test_an_unknown_source_names_the_field() -> None:
    with pytest.raises(RecordError) as err:
        source_of({"source": "production"})
    assert err.value.field == "source" and "imported" in str(err.value)


def test_the_shipped_samples_say_sample() -> None:
    import json

    from empathos.demo import samples_dir

    for name in ("interactions.jsonl", "customers.jsonl", "outcomes.jsonl"):
        for line in (samples_dir() / name).read_text(encoding="utf-8").splitlines():
            assert json.loads(line)["source"] == "sample", name
