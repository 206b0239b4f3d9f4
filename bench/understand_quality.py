"""Quality of every understand backend on the visible test sets, side by side, in one table.

    python bench/understand_quality.py [--emotion NAME ...] [--empathy NAME ...] [--no-doc]

One row per (test set, figure), one column per backend, the published baseline or target
beside it. Emotion and valence rows: ``bench/_quality_emotion.py`` (GoEmotions, UMSAB in six
languages, TweetEval emotion, real TWCS customer tweets; the previous default from
``bench/baselines/`` and VADER for English next to every registered backend). Empathy rows:
``bench/_quality_empathy.py`` when present (its ``rows(backends) -> list[dict]``), else the
EPITOME test split of ``understand.evaluate``. Writes ``bench/results/understand_quality.json``,
the reliability diagrams ``docs/img/reliability-*.png`` (when matplotlib imports) and the
table into docs/understand.md (between the ``quality`` markers). Backends whose optional
dependencies or artefacts are missing are listed as skipped, with the reason.

Embeddings of the encoder backends come from the shared cache (``EMPATHOS_CACHE``): the
first run embeds every set once (minutes on 2 cores), later runs take seconds per backend.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _quality_emotion as qe  # noqa: E402  (bench/ is not a package)

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "results" / "understand_quality.json"
DOC = ROOT / "docs" / "understand.md"
IMG = ROOT / "docs" / "img"
META = {"set", "metric", "values", "baseline", "target", "source", "unit"}


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


def empathy_rows(names: list[str] | None, skipped: dict[str, str]) -> list[dict]:
    """``bench/_quality_empathy.rows`` when that module exists, else EPITOME test rows."""
    path = Path(__file__).resolve().parent / "_quality_empathy.py"
    from empathos.understand.protocols import available_empathy_models

    backends = names if names is not None else available_empathy_models()
    if path.exists():
        spec = importlib.util.spec_from_file_location("_quality_empathy", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return widen(module.rows(backends))
    from empathos.understand.evaluate import EPITOME_BASELINE, evaluate_empathy

    rows: dict[str, dict] = {}
    for name in backends:
        try:
            r = evaluate_empathy(name)
        except (ImportError, FileNotFoundError) as exc:
            skipped[f"empathy/{name}"] = str(exc)
            continue
        for mech, m in r["mechanisms"].items():
            key = f"macro-F1 {mech}"
            rows.setdefault(
                key,
                {
                    "set": f"EPITOME test ({r['data']})",
                    "metric": key,
                    "values": {},
                    "baseline": f"RoBERTa bi-encoder {EPITOME_BASELINE[mech]['macro_f1']:.3f} "
                    "(their split)",
                },
            )["values"][name] = m["macro_f1"]
    return list(rows.values())


def widen(long_rows: list[dict]) -> list[dict]:
    """``_quality_empathy``'s one-row-per-figure (set, split, mechanism, metric, backend,
    value, baseline, baseline_value) as this table's rows: one per figure, a value per
    backend, the baselines of that figure named beside it."""
    out: dict[tuple, dict] = {}
    for r in long_rows:
        if r.get("metric") == "skipped":
            continue
        key = (r["set"], r["split"], r["mechanism"], r["metric"])
        row = out.setdefault(
            key,
            {
                "set": f"{r['set']} {r['split']}",
                "metric": f"{r['metric']} {r['mechanism']}",
                "values": {},
                "_baselines": {},
            },
        )
        row["values"][r["backend"]] = r["value"]
        if r.get("baseline") and r.get("baseline_value") is not None:
            row["_baselines"][r["baseline"]] = r["baseline_value"]
    for row in out.values():
        row["baseline"] = ", ".join(f"{k} {v:.3f}" for k, v in row.pop("_baselines").items())
    return list(out.values())


def _values(row: dict) -> dict:
    """A row's per-backend values: its ``values`` dict, or every key that is not metadata."""
    if isinstance(row.get("values"), dict):
        return row["values"]
    return {k: v for k, v in row.items() if k not in META}


def _fmt(v: object) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.3f}"
    return str(v)


def markdown(rows: list[dict]) -> str:
    """One Markdown table: set, figure, a column per backend, the baseline."""
    cols: list[str] = []
    for r in rows:
        for k in _values(r):
            if k not in cols:
                cols.append(k)
    lines = [
        "| set | figure | " + " | ".join(cols) + " | baseline / target |",
        "| --- | --- |" + " --- |" * len(cols) + " --- |",
    ]
    last = None
    for r in rows:
        v = _values(r)
        s = r.get("set", "")
        lines.append(
            f"| {s if s != last else ''} | {r.get('metric', '')} | "
            + " | ".join(_fmt(v.get(c)) for c in cols)
            + f" | {r.get('baseline', '')} |"
        )
        last = s
    return "\n".join(lines) + "\n"


def diagrams(details: dict) -> list[str]:
    """Reliability diagrams (PNG) of the calibrated default, uncalibrated, and the v1 head."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return []
    IMG.mkdir(parents=True, exist_ok=True)
    written = []
    for key, title, fname in (
        (
            "umsab_reliability_negative",
            "UMSAB test (6 languages): P(negative) vs share negative",
            "reliability-umsab-negative.png",
        ),
        (
            "goemotions_reliability",
            "GoEmotions test: top CX emotion confidence vs accuracy",
            "reliability-goemotions-cx.png",
        ),
    ):
        fig, ax = plt.subplots(figsize=(5, 5))
        ax.plot([0, 1], [0, 1], color="grey", lw=1, ls="--", label="perfect calibration")
        for name, suffix, style in (
            ("default", "", "o-"),
            ("default", "_uncalibrated", "s--"),
            ("default-v1", "", "^:"),
        ):
            r = details.get(name, {}).get(key + suffix)
            if not r:
                continue
            label = f"{name}{' (T=1)' if suffix else ''}"
            ax.plot(r["confidence"], r["frequency"], style, label=label, ms=4)
        ax.set_xlabel("predicted probability")
        ax.set_ylabel("observed frequency")
        ax.set_title(title, fontsize=9)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(IMG / fname, dpi=110)
        plt.close(fig)
        written.append(str((IMG / fname).relative_to(ROOT)))
    return written


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
    t0 = time.time()
    skipped: dict[str, str] = {}
    backends = qe.backends(args.emotion, skipped)
    rows, details = qe.evaluate(backends)
    rows += empathy_rows(args.empathy, skipped)
    table = markdown(rows)
    if skipped:
        table += "\nSkipped: " + "; ".join(f"`{k}` ({v})" for k, v in skipped.items()) + "\n"
    images = diagrams(details)
    print(table)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps(
            {
                "generated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "python": platform.python_version(),
                "source": "sample: public test splits in ../shared/data (see docs/understand.md)",
                "rows": rows,
                "details": details,
                "images": images,
                "skipped": skipped,
                "seconds": round(time.time() - t0, 1),
            },
            indent=2,
        )
        + "\n"
    )
    if not args.no_doc:
        replace_section(DOC, "quality", table)
    print(f"wrote {OUT} ({time.time() - t0:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
