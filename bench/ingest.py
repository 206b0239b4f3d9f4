"""Ingest throughput and memory: turns/s into SQLite and PostgreSQL, peak RSS.

Usage: python bench/ingest.py [--turns 300000] [--pg-url URL] [--no-pg]

Every figure is measured in this run, in a fresh process each (so peak RSS is that
import's own). The baseline is the floor cost of storage alone: Python's sqlite3
``executemany`` of the same turn tuples into a table of the same shape, with no parsing,
validation or language detection. Memory flatness: the same import at 1x and 4x the size.
Writes bench/results/ingest.json and prints a table.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results"
PHRASES = [
    "My internet has been down since yesterday and nobody calls me back",
    "Meine Rechnung ist schon wieder falsch, das ist das dritte Mal",
    "Hola, mi pedido no ha llegado todavía y necesito ayuda",
    "Il pacco non è arrivato e il tracking non funziona",
    "Nie mogę się zalogować do konta od tygodnia",
    "Bonjour, ma commande est en retard depuis deux semaines",
    "I understand how frustrating that must be, let me check your account right now.",
    "Thanks, that solved it!",
]


def make_file(path: Path, turns: int, per_interaction: int = 6, seed: int = 1) -> None:
    rnd = random.Random(seed)
    with path.open("w", encoding="utf-8") as handle:
        for i in range(turns // per_interaction):
            items = [
                {
                    "speaker": "customer" if k % 2 == 0 else "employee",
                    "text": f"{rnd.choice(PHRASES)} (ref {rnd.randint(1000, 99999)})",
                    "ts": f"2026-0{1 + i % 9}-{1 + i % 28:02d}T{k % 24:02d}:{i % 60:02d}:00",
                }
                for k in range(per_interaction)
            ]
            rec = {
                "interaction_id": f"b{i}",
                "customer_id": f"cu{i % 5000}",
                "channel": "chat",
                "turns": items,
            }
            handle.write(json.dumps(rec) + "\n")


def child(args: argparse.Namespace) -> None:
    """Run one import in this (fresh) process and print its figures as JSON."""
    if args.mode == "baseline":
        import sqlite3

        import orjson

        db = sqlite3.connect(args.url)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute(
            "CREATE TABLE t (iid TEXT, seq INT, speaker TEXT, text TEXT, ts TEXT, PRIMARY KEY "
            "(iid, seq))"
        )
        start, rows, n = time.perf_counter(), [], 0
        with open(args.file, "rb") as handle:
            for line in handle:
                rec = orjson.loads(line)
                rows.extend(
                    (rec["interaction_id"], k, t["speaker"], t["text"], t["ts"])
                    for k, t in enumerate(rec["turns"])
                )
                if len(rows) >= 30_000:
                    db.executemany("INSERT OR IGNORE INTO t VALUES (?,?,?,?,?)", rows)
                    db.commit()
                    n += len(rows)
                    rows = []
        db.executemany("INSERT OR IGNORE INTO t VALUES (?,?,?,?,?)", rows)
        db.commit()
        n += len(rows)
        seconds = time.perf_counter() - start
    else:
        from empathos.listen import ingest_file
        from empathos.store import init_db, make_engine

        engine = make_engine(args.url)
        init_db(engine)
        start = time.perf_counter()
        report = ingest_file(
            args.file, engine, detect_language=args.mode == "lang", rejects_path=os.devnull
        )
        seconds = time.perf_counter() - start
        n = report.turns_stored
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"turns": n, "seconds": seconds, "peak_rss_mb": peak_mb}))


def run_child(mode: str, url: str, file: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, "--url", url, "--file", str(file)],
        check=True,
        capture_output=True,
        text=True,
    )
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    figures["turns_per_s"] = figures["turns"] / figures["seconds"]
    return figures


def fresh_pg_schema(pg_url: str) -> tuple[str, str]:
    from sqlalchemy import create_engine, text

    schema = f"bench_{os.getpid()}_{int(time.time())}"
    with create_engine(pg_url).begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in pg_url else "?"
    return f"{pg_url}{sep}options=-csearch_path%3D{schema}", schema


def drop_pg_schema(pg_url: str, schema: str) -> None:
    from sqlalchemy import create_engine, text

    with create_engine(pg_url).begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--turns", type=int, default=300_000)
    parser.add_argument(
        "--pg-url",
        default=os.environ.get(
            "EMPATHOS_TEST_PG_URL", "postgresql+psycopg://root@127.0.0.1:5432/test"
        ),
    )
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--child", choices=["baseline", "nolang", "lang"])
    parser.add_argument("--url")
    parser.add_argument("--file")
    args = parser.parse_args()
    if args.child:
        args.mode = args.child
        child(args)
        return

    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        small, big = tmp_path / "small.jsonl", tmp_path / "big.jsonl"
        make_file(small, args.turns)
        make_file(big, args.turns * 4, seed=2)

        def sqlite(name: str) -> str:
            return str(tmp_path / f"{name}.db")

        base = run_child("baseline", sqlite("base"), small)
        rows.append({"target": "sqlite3 executemany (baseline)", "size": "1x", **base})
        for mode in ("nolang", "lang"):
            r = run_child(mode, f"sqlite:///{sqlite(mode)}", small)
            rows.append(
                {
                    "target": f"empathos -> SQLite ({'with' if mode == 'lang' else 'no'} language)",
                    "size": "1x",
                    **r,
                }
            )
        r = run_child("lang", f"sqlite:///{sqlite('big')}", big)
        rows.append({"target": "empathos -> SQLite (with language)", "size": "4x", **r})
        if not args.no_pg:
            for mode in ("nolang", "lang"):
                url, schema = fresh_pg_schema(args.pg_url)
                try:
                    r = run_child(mode, url, small)
                finally:
                    drop_pg_schema(args.pg_url, schema)
                rows.append(
                    {
                        "target": "empathos -> PostgreSQL "
                        f"({'with' if mode == 'lang' else 'no'} language)",
                        "size": "1x",
                        **r,
                    }
                )
    for r in rows:
        r["ratio_to_baseline"] = r["turns_per_s"] / base["turns_per_s"]
    print(
        f"{'target':<45} {'size':>4} {'turns':>9} {'turns/s':>10} {'x baseline':>10} {'peak MB':>8}"
    )
    for r in rows:
        print(
            f"{r['target']:<45} {r['size']:>4} {r['turns']:>9,} {r['turns_per_s']:>10,.0f} "
            f"{r['ratio_to_baseline']:>10.2f} {r['peak_rss_mb']:>8.0f}"
        )
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "ingest.json"
    out.write_text(
        json.dumps({"turns": args.turns, "cpu_count": os.cpu_count(), "rows": rows}, indent=2)
    )
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
