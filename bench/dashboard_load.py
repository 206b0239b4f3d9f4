"""Dashboard page load times on a large store, with vs without the pre-aggregated summary.

Usage: python bench/dashboard_load.py [--interactions N | --sizes 100000,1000000]
       [--repeats 3] [--db-dir DIR] [--add 1000]

For each size N a synthetic SQLite store is generated directly with bulk inserts (N
interactions and N interaction_scores rows, N/10 customers with a customer_scores row
each, 200 employees in 10 pods, 365 days, 5 channels, 6 languages) -- not the full
simulator, which would take hours at 1M contacts. Figures are **synthetic**, not real data.

Measured in this run, in process (FastAPI TestClient: routing + SQL + Jinja rendering, no
network), median of ``--repeats``:

* ``refresh`` -- one rebuild of the summary (``refresh_aggregates``);
* ``incremental refresh`` -- after ``--add`` synthetic contacts (scored) are inserted on
  one day, ``refresh_aggregates(incremental=True)`` (only that day rebuilt), against a
  full rebuild of the same store right after (``raw`` column = full, ratio = full /
  incremental); the two summaries are compared row for row;
* each page with the summary (``pre``) and with every figure computed from the raw tables
  (``raw``: ``Settings(web_pre_aggregate=False)``, the baseline), unfiltered and with
  a channel + 30-day filter; ``speedup`` = raw / pre.

Writes bench/results/dashboard_load.json and prints a table.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

RESULTS = Path(__file__).parent / "results"
CHANNELS = ["chat", "voice", "email", "social", "self_service"]
LANGUAGES = ["en", "de", "fr", "es", "it", "pl"]
OUTCOMES = ["improved", "unchanged", "worsened"]
START = datetime(2025, 1, 1)
PAGES = ["/", "/dashboard/scores", "/dashboard/pods", "/dashboard/value", "/dashboard/journeys"]


def generate(url: str, n: int, seed: int = 3, chunk: int = 50_000) -> float:
    """Bulk-insert a synthetic store of ``n`` interactions; returns seconds taken."""
    from empathos.store import init_db, make_engine
    from empathos.store import schema as s

    rnd = random.Random(seed)
    engine = make_engine(url)
    init_db(engine)
    t0 = time.perf_counter()
    n_cust = max(10, n // 10)
    employees = [(f"e-{k:04d}", f"pod-{k % 10}") for k in range(200)]
    with engine.begin() as conn:
        conn.execute(
            s.pods.insert(),
            [
                {
                    "pod_id": f"pod-{p}",
                    "name": f"Pod {p}",
                    "functions": ["service"],
                    "member_ids": [],
                    "segments": [],
                }
                for p in range(10)
            ],
        )
        conn.execute(
            s.employees.insert(),
            [
                {
                    "employee_id": e,
                    "pod_id": p,
                    "skills": [],
                    "languages": [],
                    "capacity": 3,
                    "source": "simulated",
                    "attributes": {},
                }
                for e, p in employees
            ],
        )
        for a in range(0, n_cust, chunk):
            conn.execute(
                s.customers.insert(),
                [
                    {
                        "customer_id": f"cu-{c:07d}",
                        "language": rnd.choice(LANGUAGES),
                        "segment": "consumer",
                        "source": "simulated",
                        "attributes": {},
                    }
                    for c in range(a, min(n_cust, a + chunk))
                ],
            )
    for a in range(0, n, chunk):
        inter, scores = [], []
        for k in range(a, min(n, a + chunk)):
            iid = f"i-{k:08d}"
            cid = f"cu-{rnd.randrange(n_cust):07d}"
            at = START + timedelta(seconds=rnd.randrange(365 * 86400))
            emp = None if rnd.random() < 0.2 else rnd.choice(employees)[0]
            inter.append(
                {
                    "interaction_id": iid,
                    "customer_id": cid,
                    "channel": rnd.choice(CHANNELS),
                    "started_at": at,
                    "ended_at": at,
                    "employee_id": emp,
                    "source": "simulated",
                    "attributes": {},
                }
            )
            exp = rnd.gauss(0, 0.3)
            scores.append(
                {
                    "interaction_id": iid,
                    "model": "lexicon",
                    "version": "1",
                    "empathy_model": "lexicon",
                    "empathy_version": "1",
                    "customer_id": cid,
                    "n_customer_turns": 4,
                    "n_employee_turns": 4,
                    "experienced": exp,
                    "remembered": exp + rnd.gauss(0, 0.2),
                    "peak_seq": 2,
                    "peak_valence": exp,
                    "start_valence": exp,
                    "end_valence": exp,
                    "outcome": rnd.choice(OUTCOMES),
                    "sentiment_score": None,
                    "empathy_score": rnd.uniform(-100, 100),
                    "n_empathetic": 1,
                    "n_unhelpful": 0,
                    "repeats": 0,
                    "recontact": int(rnd.random() < 0.3),
                    "transfers": int(rnd.random() < 0.1),
                    "long_waits": 0,
                    "max_wait_s": None,
                    "channel_switch": 0,
                    "effort_phrases": 0,
                    "effort_score": rnd.random(),
                    "details": {},
                    "computed_at": START,
                }
            )
        with engine.begin() as conn:
            conn.execute(s.interactions.insert(), inter)
            conn.execute(s.interaction_scores.insert(), scores)
    as_of = START + timedelta(days=365)
    for a in range(0, n_cust, chunk):
        rows = []
        for c in range(a, min(n_cust, a + chunk)):
            p, clv = rnd.betavariate(1, 20), rnd.lognormvariate(6, 1)
            rows.append(
                {
                    "customer_id": f"cu-{c:07d}",
                    "model": "churn.bench",
                    "version": "1",
                    "as_of": as_of,
                    "p_churn": p,
                    "clv": clv,
                    "value_at_risk": p * clv,
                    "drivers": {
                        "top": [["remembered_score", 0.1]],
                        "avoidable": rnd.random() < 0.3,
                    },
                    "computed_at": as_of,
                }
            )
        with engine.begin() as conn:
            conn.execute(s.customer_scores.insert(), rows)
    engine.dispose()
    return time.perf_counter() - t0


def add_day(url: str, n_add: int, day: datetime, seed: int = 5) -> None:
    """Insert ``n_add`` scored synthetic contacts on ``day`` (what a live desk or a day's
    analyze adds between two refreshes)."""
    from empathos.store import make_engine
    from empathos.store import schema as s

    rnd = random.Random(seed)
    engine = make_engine(url)
    with engine.begin() as conn:
        base = int(conn.execute(s.interactions.select().with_only_columns(
            s.interactions.c.interaction_id).order_by(
            s.interactions.c.interaction_id.desc()).limit(1)).scalar()[2:]) + 1  # fmt: skip
        inter, scores = [], []
        for k in range(base, base + n_add):
            iid, at = f"i-{k:08d}", day + timedelta(seconds=rnd.randrange(86400))
            inter.append({"interaction_id": iid, "customer_id": "cu-0000001",
                          "channel": rnd.choice(CHANNELS), "started_at": at, "ended_at": at,
                          "employee_id": "e-0001", "source": "simulated",
                          "attributes": {}})  # fmt: skip
            exp = rnd.gauss(0, 0.3)
            scores.append({"interaction_id": iid, "model": "lexicon", "version": "1",
                           "empathy_model": "lexicon", "empathy_version": "1",
                           "customer_id": "cu-0000001", "n_customer_turns": 4,
                           "n_employee_turns": 4, "experienced": exp, "remembered": exp,
                           "peak_seq": 2, "peak_valence": exp, "start_valence": exp,
                           "end_valence": exp, "outcome": rnd.choice(OUTCOMES),
                           "empathy_score": 10.0, "n_empathetic": 1, "n_unhelpful": 0,
                           "repeats": 0, "recontact": 0, "transfers": 0, "long_waits": 0,
                           "channel_switch": 0, "effort_phrases": 0, "effort_score": 0.5,
                           "details": {}, "computed_at": at})  # fmt: skip
        conn.execute(s.interactions.insert(), inter)
        conn.execute(s.interaction_scores.insert(), scores)
    engine.dispose()


def _summary(url: str) -> list[tuple]:
    from sqlalchemy import select

    from empathos.store import make_engine
    from empathos.store.tables_web import web_daily

    engine = make_engine(url)
    with engine.connect() as conn:
        rows = sorted(tuple(map(str, r)) for r in conn.execute(select(web_daily)))
    engine.dispose()
    return rows


def measure_incremental(url: str, n: int, n_add: int) -> dict:
    """Add ``n_add`` contacts on one day, refresh incrementally, then fully; compare."""
    from empathos.store import make_engine
    from empathos.web.aggregates import refresh_aggregates

    day = START + timedelta(days=200)
    add_day(url, n_add, day)
    engine = make_engine(url)
    t0 = time.perf_counter()
    report = refresh_aggregates(engine, incremental=True)
    inc_s = time.perf_counter() - t0
    engine.dispose()
    inc_rows = _summary(url)
    engine = make_engine(url)
    t0 = time.perf_counter()
    refresh_aggregates(engine)
    full_s = time.perf_counter() - t0
    engine.dispose()
    same = inc_rows == _summary(url)
    if not same:
        raise RuntimeError("incremental summary differs from the full rebuild")
    return {
        "n": n,
        "what": f"incremental refresh (+{n_add:,} on 1 day)",
        "pre_s": inc_s,
        "raw_s": full_s,
        "speedup": full_s / inc_s,
        "days_rebuilt": report.details["days_rebuilt"],
        "equal_to_full": same,
    }


def _median_get(client, path: str, repeats: int) -> float:  # noqa: ANN001
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        r = client.get(path)
        times.append(time.perf_counter() - t0)
        if r.status_code != 200:
            raise RuntimeError(f"{path}: HTTP {r.status_code}")
    return statistics.median(times)


def measure(url: str, n: int, repeats: int, raw: bool = True) -> list[dict]:
    """Refresh once, then time every page on the summary and on the raw tables."""
    from fastapi.testclient import TestClient

    from empathos.api.app import create_app
    from empathos.config import Settings
    from empathos.store import make_engine
    from empathos.web.aggregates import is_stale, refresh_aggregates

    engine = make_engine(url)
    t0 = time.perf_counter()
    report = refresh_aggregates(engine)
    refresh_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    is_stale(engine)
    stale_s = time.perf_counter() - t0
    last = START + timedelta(days=364)
    month = f"?channel=chat&start={(last - timedelta(days=29)).date()}&end={last.date()}"
    # one app per mode on the same store: the switch is a setting, fixed when the app is made
    client_pre = TestClient(create_app(Settings(web_pre_aggregate=True, auth="off"), engine=engine))
    client_raw = TestClient(
        create_app(Settings(web_pre_aggregate=False, auth="off"), engine=engine)
    )
    rows = [
        {
            "n": n,
            "what": "refresh_aggregates",
            "pre_s": refresh_s,
            "raw_s": None,
            "speedup": None,
            "summary_rows": report.rows,
        },
        {"n": n, "what": "staleness check", "pre_s": stale_s, "raw_s": None, "speedup": None},
    ]
    for path in PAGES:
        for query in ("", month):
            client_pre.get(path + query)  # warm (templates compiled, caches)
            pre = _median_get(client_pre, path + query, repeats)
            if raw:
                client_raw.get(path + query)
                raw_s = _median_get(client_raw, path + query, repeats)
            rows.append(
                {
                    "n": n,
                    "what": path + (" (chat, 30 days)" if query else ""),
                    "pre_s": pre,
                    "raw_s": raw_s if raw else None,
                    "speedup": raw_s / pre if raw else None,
                }
            )
    engine.dispose()
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--interactions", type=int, default=None, help="one size (overrides --sizes)")
    ap.add_argument("--skip-raw", action="store_true", help="no raw-table baseline (big N)")
    ap.add_argument("--add", type=int, default=1000, help="contacts added for the incremental run")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--db-dir", type=Path, default=None)
    args = ap.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    out_dir = args.db_dir or Path(tempfile.mkdtemp(prefix="dash_bench_"))
    out_dir.mkdir(parents=True, exist_ok=True)
    rows, gen = [], {}
    sizes = [args.interactions] if args.interactions else [int(x) for x in args.sizes.split(",")]
    for n in sizes:
        db = out_dir / f"dash_{n}.db"
        url = f"sqlite:///{db}"
        if not db.exists():
            gen[n] = generate(url, n)
            print(f"generated {n:,} interactions in {gen[n]:.1f} s", flush=True)
        rows += measure(url, n, args.repeats, raw=not args.skip_raw)
        rows.append(measure_incremental(url, n, args.add))
        print(f"incremental: days rebuilt {rows[-1]['days_rebuilt']}", flush=True)
    print(f"\n{'N':>9}  {'what':<36} {'pre (s)':>9} {'raw (s)':>9} {'raw/pre':>8}")
    print("(incremental row: pre = incremental, raw = full rebuild of the same store)")
    for r in rows:
        raw = "" if r["raw_s"] is None else f"{r['raw_s']:.3f}"
        sp = "" if r["speedup"] is None else f"{r['speedup']:.0f}x"
        print(f"{r['n']:>9,}  {r['what']:<36} {r['pre_s']:>9.3f} {raw:>9} {sp:>8}")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "dashboard_load.json"
    out.write_text(
        json.dumps(
            {
                "data": "synthetic (bulk-inserted by bench/dashboard_load.py, not real customers)",
                "database": "sqlite",
                "cpu_count": os.cpu_count(),
                "repeats": args.repeats,
                "generate_seconds": gen,
                "rows": rows,
            },
            indent=2,
        )
    )
    print(f"\nwrote {out}")


if __name__ == "__main__":
    main()
