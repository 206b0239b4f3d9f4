"""Modules by job: none over ~600 lines without the reason written at its top (issue 12).

A long module is usually several jobs; where it is one (data, one state machine), its
docstring says why, so the next reader does not split it blindly or grow it further."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "empathos"
LIMIT = 620  # "about 600"
REASON = "Why one module of this size"


def test_long_modules_say_why() -> None:
    unexplained = []
    for path in sorted(SRC.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if text.count("\n") <= LIMIT:
            continue
        doc = ast.get_docstring(ast.parse(text)) or ""
        if REASON not in doc:
            unexplained.append(f"{path.relative_to(SRC)} ({text.count(chr(10))} lines)")
    assert unexplained == []
