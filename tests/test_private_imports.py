"""No package of ``empathos`` imports another package's private modules or names.

A leading underscore means "free to change without telling anyone"; that only holds if
the other stages stay out (``learn.retrain`` once reached into understand's ``_features``,
``_linear``, ``train._expand_multilabel``; it now uses ``understand.training``)."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "empathos"


def private_imports_across_packages(src: Path = SRC) -> list[str]:
    found = []
    for path in sorted(src.rglob("*.py")):
        package = path.relative_to(src).parts[0].removesuffix(".py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.ImportFrom) and node.module):
                continue
            parts = node.module.split(".")
            if parts[0] != "empathos" or len(parts) < 2 or parts[1] == package:
                continue
            private = [p for p in parts[2:] if p.startswith("_")]
            private += [a.name for a in node.names if a.name.startswith("_")]
            if private:
                where = path.relative_to(src.parent)
                found.append(f"{where}:{node.lineno}: {node.module} {private}")
    return found


def test_no_package_imports_another_packages_private_parts() -> None:
    assert private_imports_across_packages() == []


def test_the_check_sees_a_private_import(tmp_path: Path) -> None:
    stage = tmp_path / "empathos" / "learn"
    stage.mkdir(parents=True)
    (stage / "x.py").write_text("from empathos.understand.backends._linear import LinearHead\n")
    assert private_imports_across_packages(tmp_path / "empathos") == [
        "empathos/learn/x.py:1: empathos.understand.backends._linear ['_linear']"
    ]
