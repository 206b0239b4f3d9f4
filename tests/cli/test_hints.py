"""Every ``empathos …`` command the dashboard, the code's messages or the docs tell a user
to run exists, with the subcommands and options it names (issue 13: the dashboard told
users to run ``empathos assess balance-sheet --pdf``, which never existed).

The mentions are collected from the text itself, so a new hint is checked without editing
a list: every lowercase ``empathos`` followed by a word, in README.md, docs/*.md and every
source file under src/empathos (templates, messages, docstrings), minus Python imports.
Each mention is walked down the Typer app's click command tree (Typer vendors click, so
the tree is read by duck typing: a group has ``commands``, a parameter its
``param_type_name``).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import pytest
import typer.main

from empathos.cli import app

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [
    ROOT / "README.md",
    *sorted((ROOT / "docs").glob("*.md")),
    *sorted(
        p
        for p in (ROOT / "src" / "empathos").rglob("*")
        if p.suffix in (".py", ".html", ".j2", ".md", ".yaml")
    ),
]
# `empathos` as a command: not part of a path, module or package name, not an import.
MENTION = re.compile(r"(?<![\w./\-\[])(?<!import )(?<!from )(?<!install )empathos((?: +\S+)+)")
# A mention ends where the shell line or the code span ends.
END = re.compile(r"[`'\"<>()|;&#…,{}\\]|\s\s|\.\s|\.$")


def mentions() -> list[tuple[str, str]]:
    """(where, "empathos …" as written) for every mention in the sources."""
    found = []
    for path in SOURCES:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for m in MENTION.finditer(line):
                rest = END.split(m.group(1), maxsplit=1)[0].strip()
                if rest and re.match(r"[a-z]", rest):
                    found.append((f"{path.relative_to(ROOT)}:{n}", f"empathos {rest}"))
    return found


@functools.cache
def command_tree() -> Any:
    return typer.main.get_command(app)


def check(tree: Any, words: list[str]) -> str | None:
    """Why ``words`` (after ``empathos``) is not a command line of ``tree``, or None.
    Usage brackets (``[--json]``) are read as the option inside them."""
    words = [w.strip("[]") for w in words if w.strip("[]")]
    cmd, path = tree, ["empathos"]
    i = 0
    while i < len(words):
        word = words[i]
        if hasattr(cmd, "commands") and not word.startswith("-"):
            sub = cmd.commands.get(word)
            if sub is None:
                known = ", ".join(sorted(cmd.commands))
                return f"`{' '.join(path)}` has no command {word!r} (it has: {known})"
            cmd, path = sub, [*path, word]
        elif word.startswith("-"):
            name = word.split("=", 1)[0]
            opt = next(
                (
                    p
                    for p in cmd.params
                    if p.param_type_name == "option" and name in (*p.opts, *p.secondary_opts)
                ),
                None,
            )
            if opt is None and name != "--help":
                return f"`{' '.join(path)}` has no option {name}"
            if opt is not None and "=" not in word and not opt.is_flag and not opt.count:
                i += 1  # its value
        elif not any(p.param_type_name == "argument" for p in cmd.params):
            return f"`{' '.join(path)}` takes no argument, got {word!r}"
        else:
            pass  # an argument's value
        i += 1
    return None


def test_mentions_are_found() -> None:
    """The collector sees the hints it is meant to check (a regex that matched nothing
    would pass every time)."""
    written = {text for _, text in mentions()}
    assert "empathos predict" in written
    assert any(t.startswith("empathos balance-sheet --cost") for t in written)
    assert any(t.startswith("empathos ooda --benchmarks") for t in written)


def test_check_catches_a_wrong_hint() -> None:
    assert check(command_tree(), ["assess", "balance-sheet", "--pdf"]) == (
        "`empathos assess` takes no argument, got 'balance-sheet'"
    )
    assert check(command_tree(), ["balance-sheet", "--pfd", "x"]) == (
        "`empathos balance-sheet` has no option --pfd"
    )
    assert "no command 'nosuch'" in (check(command_tree(), ["experiment", "nosuch"]) or "")
    assert check(command_tree(), ["balance-sheet", "--pdf", "bs.pdf"]) is None
    assert check(command_tree(), ["experiment", "report", "x"]) is None


@pytest.mark.parametrize("where,text", mentions(), ids=lambda v: v)
def test_every_mentioned_command_exists(where: str, text: str) -> None:
    problem = check(command_tree(), text.split()[1:])
    assert problem is None, f"{where}: {text!r}: {problem}"
