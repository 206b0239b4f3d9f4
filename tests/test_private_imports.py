"""No package of ``empathos`` imports another package's private modules or names.

A leading underscore means "free to change without telling anyone"; that only holds if
the other stages stay out (``learn.retrain`` once reached into understand's ``_features``,
``_linear``, ``train._expand_multilabel``; it now uses ``understand.training``)."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "empathos"


# ``from empathos.x.y import a, b`` or ``from empathos.x.y import (a, b)``. A regular
# expression rather than ``ast``: CPython 3.11.7's ast.parse raises "AST constructor
# recursion depth mismatch" once a library has changed the recursion limit (gh-106905).
FROM_IMPORT = re.compile(
    r"^[ \t]*from[ \t]+(empathos(?:\.\w+)+)[ \t]+import[ \t]+(\([^)]*\)|.*)", re.M
)


def private_imports_across_packages(src: Path = SRC) -> list[str]:
    found = []
    for path in sorted(src.rglob("*.py")):
        package = path.relative_to(src).parts[0].removesuffix(".py")
        text = path.read_text(encoding="utf-8")
        for m in FROM_IMPORT.finditer(text):
            parts = m.group(1).split(".")
            if parts[1] == package:
                continue
            body = re.sub(r"#[^\n]*", "", m.group(2)).strip("() \n")
            names = [n.split(" as ")[0].strip() for n in body.split(",")]
            private = [p for p in parts[2:] if p.startswith("_")]
            private += [n for n in names if n.startswith("_")]
            if private:
                line = text.count("\n", 0, m.start()) + 1
                where = path.relative_to(src.parent)
                found.append(f"{where}:{line}: {m.group(1)} {private}")
    return found


def test_no_package_imports_another_packages_private_parts() -> None:
    assert private_imports_across_packages() == []


def test_the_check_sees_a_private_import(tmp_path: Path) -> None:
    stage = tmp_path / "empathos" / "learn"
    stage.mkdir(parents=True)
    (stage / "x.py").write_text(
        "from empathos.learn.feedback import _mine  # same package: fine\n"
        "from empathos.understand.backends._linear import LinearHead\n"
        "def f():\n"
        "    from empathos.understand.train import (\n"
        "        SEED,  # a comment\n"
        "        _expand_multilabel as expand,\n"
        "    )\n"
    )
    assert private_imports_across_packages(tmp_path / "empathos") == [
        "empathos/learn/x.py:2: empathos.understand.backends._linear ['_linear']",
        "empathos/learn/x.py:4: empathos.understand.train ['_expand_multilabel']",
    ]
