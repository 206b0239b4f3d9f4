"""Quality of every understand backend on the shared test sets, next to published baselines.

    python bench/understand_quality.py [--emotion NAME ...] [--empathy NAME ...]

GoEmotions test (threshold tuned on dev per backend) and the EPITOME test split
``epitome-reddit-seed13-80/10/10``. Prints the Markdown tables, writes
``bench/results/understand_quality.json`` and the tables into docs/understand.md (between
the ``quality`` markers). Backends whose optional dependencies or artefacts are missing are
reported as skipped, with the reason.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

from empathos.understand.evaluate import evaluate_emotion, evaluate_empathy, markdown_tables
from empathos.understand.protocols import available_emotion_models, available_empathy_models

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "results" / "understand_quality.json"
DOC = ROOT / "docs" / "understand.md"


def replace_section(doc: Path, name: str, body: str) -> None:
    """Replace the text between ``<!-- name:start -->`` and ``<!-- name:end -->`` in ``doc``."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = doc.read_text() if doc.exists() else ""
    if start in text and end in text:
        head, rest = text.split(start, 1)
        text = head + start + "\n" + body + end + rest.split(end, 1)[1]
    else:
        text += f"\n{start}\n{body}{end}\n"
    doc.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--emotion", nargs="*", default=None, help="emotion backends (default: all)"
    )
    parser.add_argument(
        "--empathy", nargs="*", default=None, help="empathy backends (default: all)"
    )
    parser.add_argument("--no-doc", action="store_true", help="do not rewrite docs/understand.md")
    args = parser.parse_args()
    emotion, empathy, skipped = [], [], {}
    for name in args.emotion if args.emotion is not None else available_emotion_models():
        try:
            emotion.append(evaluate_emotion(name))
            print(
                f"emotion {name}: CX macro-F1 {emotion[-1]['cx']['macro_f1']:.3f}", file=sys.stderr
            )
        except (ImportError, FileNotFoundError) as exc:
            skipped[f"emotion/{name}"] = str(exc)
    for name in args.empathy if args.empathy is not None else available_empathy_models():
        try:
            empathy.append(evaluate_empathy(name))
        except (ImportError, FileNotFoundError) as exc:
            skipped[f"empathy/{name}"] = str(exc)
    tables = markdown_tables(emotion, empathy)
    if skipped:
        tables += "\nSkipped: " + "; ".join(f"{k} ({v})" for k, v in skipped.items()) + "\n"
    print(tables)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps(
            {
                "generated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "python": platform.python_version(),
                "emotion": emotion,
                "empathy": empathy,
                "skipped": skipped,
            },
            indent=2,
        )
        + "\n"
    )
    if not args.no_doc:
        replace_section(DOC, "quality", tables)
    print(f"wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
