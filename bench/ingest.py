"""Ingest throughput and memory: turns/s into SQLite and PostgreSQL, peak RSS.

Usage: python bench/ingest.py [--turns 300000 | --quick] [--pg-url URL] [--no-pg]

Every figure is measured in this run, in a fresh process each (so peak RSS is that
import's own). The baseline is the floor cost of storage alone: Python's sqlite3
``executemany`` of the same turn tuples into a table of the same shape, with no parsing,
validation or language detection, measured at each size; every row's ``x baseline`` is
against the baseline of its size (PostgreSQL's too: the issue's yardstick is this one
sqlite3 loop). Each import runs as ``empathos ingest`` would (validation on, default
workers and batch size), without and with language detection, at 1x and 4x the size:
the 4x row's peak RSS against the 1x row's shows whether memory stays flat.

The ``Empathos schema (floor)`` row is the baseline's loop into Empathos' own tables
(their indexes, the turns' foreign key): storage alone, the ceiling of any import into
this schema. ``CPU us/turn`` is the process's CPU time (its workers' included), PostgreSQL
server time not included: on a loaded machine it moves less than the wall-clock rate.

The generated texts are 8 phrases with a reference number each; detection remembers
texts by their digit-free key (``listen/language.py``), so there they cost one model
call per phrase. The ``distinct texts`` row is the worst case for that cache: every
text's words shuffled, so nearly every turn is a model call.
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


def _shuffled(rnd: random.Random, phrase: str) -> str:
    words = phrase.split()
    rnd.shuffle(words)
    return " ".join(words)


def make_file(
    path: Path, turns: int, per_interaction: int = 6, seed: int = 1, distinct: bool = False
) -> None:
    rnd = random.Random(seed)
    with path.open("w", encoding="utf-8") as handle:
        for i in range(turns // per_interaction):
            items = [
                {
                    "speaker": "customer" if k % 2 == 0 else "employee",
                    "text": (
                        _shuffled(rnd, rnd.choice(PHRASES)) if distinct else rnd.choice(PHRASES)
                    )
                    + f" (ref {rnd.randint(1000, 99999)})",
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


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the import's workers)."""
    usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    return sum(u.ru_utime + u.ru_stime for u in usage)


_CPU_AT_START = [0.0]


def _start() -> float:
    """The timed part begins (after imports and schema creation): wall clock and CPU."""
    _CPU_AT_START[0] = _cpu()
    return time.perf_counter()


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
        start, rows, n = _start(), [], 0
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
    elif args.mode == "floor":
        seconds, n = _storage_floor(args.url, args.file)
    else:
        from empathos.listen import ingest_file
        from empathos.store import init_db, make_engine

        engine = make_engine(args.url)
        init_db(engine)
        start = _start()
        report = ingest_file(
            args.file, engine, detect_language=args.mode == "lang", rejects_path=os.devnull
        )
        seconds = time.perf_counter() - start
        n = report.turns_stored
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cpu_s = _cpu() - _CPU_AT_START[0]
    print(json.dumps({"turns": n, "seconds": seconds, "peak_rss_mb": peak_mb, "cpu_s": cpu_s}))


def _storage_floor(url: str, file: str) -> tuple[float, int]:
    """The same sqlite3 loop as the baseline, but into Empathos' own ``interactions`` and
    ``turns`` tables (made by ``init_db``: their indexes, the turns' foreign key, the
    conflict clauses): what storing alone costs in this schema, with no parsing,
    validation or detection. The import cannot be faster than this row."""
    import sqlite3

    import orjson

    from empathos.store import init_db, make_engine

    init_db(make_engine(f"sqlite:///{url}"))
    db = sqlite3.connect(url)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON"):
        db.execute(f"PRAGMA {pragma}")
    interactions = (
        "INSERT INTO interactions (interaction_id, customer_id, channel, source, attributes) "
        "VALUES (?,?,?,'imported','{}') ON CONFLICT DO NOTHING"
    )
    turns = (
        "INSERT INTO turns (interaction_id, seq, speaker, text, ts) VALUES (?,?,?,?,?) "
        "ON CONFLICT DO NOTHING"
    )
    start, records, rows, n = _start(), [], [], 0
    with open(file, "rb") as handle:
        for line in handle:
            rec = orjson.loads(line)
            records.append((rec["interaction_id"], rec["customer_id"], rec["channel"]))
            rows.extend(
                (rec["interaction_id"], k, t["speaker"], t["text"], t["ts"])
                for k, t in enumerate(rec["turns"])
            )
            if len(rows) >= 30_000:
                db.executemany(interactions, records)
                db.executemany(turns, rows)
                db.commit()
                n += len(rows)
                records, rows = [], []
    db.executemany(interactions, records)
    db.executemany(turns, rows)
    db.commit()
    n += len(rows)
    return time.perf_counter() - start, n


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


SIZES = ("1x", "4x")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--turns", type=int, default=300_000)
    parser.add_argument("--quick", action="store_true", help="20,000 turns (a smoke run)")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get(
            "EMPATHOS_TEST_PG_URL", "postgresql+psycopg://root@127.0.0.1:5432/test"
        ),
    )
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--child", choices=["baseline", "floor", "nolang", "lang"])
    parser.add_argument("--url")
    parser.add_argument("--file")
    args = parser.parse_args()
    if args.child:
        args.mode = args.child
        child(args)
        return
    if args.quick:
        args.turns = 20_000

    rows: list[dict] = []
    base: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        files = {"1x": tmp_path / "small.jsonl", "4x": tmp_path / "big.jsonl"}
        make_file(files["1x"], args.turns)
        make_file(files["4x"], args.turns * 4, seed=2)
        distinct = tmp_path / "distinct.jsonl"
        make_file(distinct, args.turns, seed=3, distinct=True)
        n = iter(range(1000))

        def sqlite() -> str:
            return str(tmp_path / f"db{next(n)}.db")

        def label(mode: str) -> str:
            return "with" if mode == "lang" else "no"

        for size in SIZES:
            base[size] = run_child("baseline", sqlite(), files[size])
            rows.append({"target": "sqlite3 executemany (baseline)", "size": size, **base[size]})
        for size in SIZES:
            r = run_child("floor", sqlite(), files[size])
            rows.append(
                {"target": "sqlite3 executemany, Empathos schema (floor)", "size": size, **r}
            )
        for mode in ("nolang", "lang"):
            for size in SIZES:
                r = run_child(mode, f"sqlite:///{sqlite()}", files[size])
                rows.append(
                    {"target": f"empathos -> SQLite ({label(mode)} language)", "size": size, **r}
                )
        r = run_child("lang", f"sqlite:///{sqlite()}", distinct)
        rows.append(
            {"target": "empathos -> SQLite (with language, distinct texts)", "size": "1x", **r}
        )
        if not args.no_pg:
            for mode in ("nolang", "lang"):
                for size in SIZES:
                    url, schema = fresh_pg_schema(args.pg_url)
                    try:
                        r = run_child(mode, url, files[size])
                    finally:
                        drop_pg_schema(args.pg_url, schema)
                    rows.append(
                        {
                            "target": f"empathos -> PostgreSQL ({label(mode)} language)",
                            "size": size,
                            **r,
                        }
                    )
    for r in rows:
        r["ratio_to_baseline"] = r["turns_per_s"] / base[r["size"]]["turns_per_s"]
        r["cpu_us_per_turn"] = r["cpu_s"] / r["turns"] * 1e6
    print(
        f"{'target':<52} {'size':>4} {'turns':>9} {'turns/s':>10} {'x baseline':>10} "
        f"{'CPU us/turn':>11} {'peak MB':>8}"
    )
    for r in rows:
        print(
            f"{r['target']:<52} {r['size']:>4} {r['turns']:>9,} {r['turns_per_s']:>10,.0f} "
            f"{r['ratio_to_baseline']:>10.2f} {r['cpu_us_per_turn']:>11.1f} "
            f"{r['peak_rss_mb']:>8.0f}"
        )
    flat = {}
    for r in rows:
        if r["size"] == "4x":
            one = next(o for o in rows if o["target"] == r["target"] and o["size"] == "1x")
            flat[r["target"]] = r["peak_rss_mb"] / one["peak_rss_mb"]
    print("peak RSS 4x / 1x: " + ", ".join(f"{t}: {v:.2f}" for t, v in flat.items()))
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "ingest.json"
    out.write_text(
        json.dumps(
            {
                "turns": args.turns,
                "cpu_count": os.cpu_count(),
                "rows": rows,
                "peak_rss_4x_over_1x": flat,
            },
            indent=2,
        )
    )
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
