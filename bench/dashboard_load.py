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
#: every page under /dashboard (the navigation) plus the journeys page's two other views
ALL_PAGES = [
    "/",
    "/dashboard/journeys",
    "/dashboard/journeys?interaction=i-00000005",
    "/dashboard/journeys?customer=cu-0000001",
    "/dashboard/scores",
    "/dashboard/csat",
    "/dashboard/value",
    "/dashboard/drivers",
    "/dashboard/pods",
    "/dashboard/qa",
    "/dashboard/coaching",
    "/dashboard/experiments",
    "/dashboard/ooda",
    "/dashboard/maturity",
    "/dashboard/balance",
    "/dashboard/pilot",
]


def generate(path: Path, n: int, seed: int = 3, chunk: int = 200_000) -> float:
    """Build a synthetic SQLite store of ``n`` interactions; returns seconds taken.

    The schema comes from the migrations (``init_db``); the rows go in through the raw
    ``sqlite3`` driver as large ``executemany`` batches of tuples generated with numpy, one
    chunk at a time (memory stays flat in ``n``), with the secondary indexes of the two big
    tables dropped during the load and re-created after (a sort instead of 10M random
    B-tree inserts) -- the SQL of each index is read from ``sqlite_master``, so the
    re-created index is exactly the migration's; likewise the change-log triggers
    (migration 0024: a new store's first refresh is a full rebuild, so the load's days
    need no logging). Dates are written in SQLAlchemy's SQLite
    format (``YYYY-MM-DD HH:MM:SS.ffffff``), JSON columns as JSON text.
    """
    import sqlite3

    import numpy as np

    from empathos.store import init_db, make_engine

    url = f"sqlite:///{path}"
    engine = make_engine(url)
    init_db(engine)
    engine.dispose()
    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    n_cust = max(10, n // 10)
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA cache_size=-400000")  # 400 MB page cache for the index builds
    big = ("interactions", "interaction_scores")
    ddl = con.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
        f"AND sql IS NOT NULL AND tbl_name IN {big}"
    ).fetchall()
    for kind, name, _ in ddl:
        con.execute(f'DROP {kind.upper()} "{name}"')
    con.execute("BEGIN")
    con.executemany(
        "INSERT INTO pods (pod_id, name, functions, member_ids, segments) VALUES (?,?,?,?,?)",
        [(f"pod-{p}", f"Pod {p}", '["service"]', "[]", "[]") for p in range(10)],
    )
    employees = [f"e-{k:04d}" for k in range(200)]
    con.executemany(
        "INSERT INTO employees (employee_id, pod_id, skills, languages, capacity, source,"
        " attributes) VALUES (?,?,'[]','[]',3,'simulated','{}')",
        [(e, f"pod-{k % 10}") for k, e in enumerate(employees)],
    )
    for a in range(0, n_cust, chunk):
        m = min(n_cust, a + chunk) - a
        langs = np.array(LANGUAGES)[rng.integers(0, len(LANGUAGES), m)].tolist()
        con.executemany(
            "INSERT INTO customers (customer_id, language, segment, source, attributes)"
            " VALUES (?,?,'consumer','simulated','{}')",
            zip([f"cu-{c:07d}" for c in range(a, a + m)], langs, strict=True),
        )
    con.execute("COMMIT")
    emp_arr = np.array(employees + [None], dtype=object)
    t_start = np.datetime64(START, "us")
    for a in range(0, n, chunk):
        m = min(n, a + chunk) - a
        iids = [f"i-{k:08d}" for k in range(a, a + m)]
        cids = np.char.add("cu-", np.char.zfill(rng.integers(0, n_cust, m).astype(str), 7))
        cids = cids.tolist()
        at = t_start + rng.integers(0, 365 * 86400, m).astype("timedelta64[s]")
        ats = np.char.replace(np.datetime_as_string(at, unit="us"), "T", " ").tolist()
        chan = np.array(CHANNELS)[rng.integers(0, len(CHANNELS), m)].tolist()
        ek = np.where(rng.random(m) < 0.2, len(employees), rng.integers(0, len(employees), m))
        emps = emp_arr[ek].tolist()
        exp = rng.normal(0, 0.3, m)
        rem = (exp + rng.normal(0, 0.2, m)).tolist()
        outc = np.array(OUTCOMES)[rng.integers(0, 3, m)].tolist()
        emp_s = rng.uniform(-100, 100, m).tolist()
        recon = (rng.random(m) < 0.3).astype(int).tolist()
        trans = (rng.random(m) < 0.1).astype(int).tolist()
        eff = rng.random(m).tolist()
        exp = exp.tolist()
        con.execute("BEGIN")
        con.executemany(
            "INSERT INTO interactions (interaction_id, customer_id, channel, started_at,"
            " ended_at, employee_id, source, attributes) VALUES (?,?,?,?,?,?,'simulated','{}')",
            zip(iids, cids, chan, ats, ats, emps, strict=True),
        )
        con.executemany(
            "INSERT INTO interaction_scores (interaction_id, model, version, empathy_model,"
            " empathy_version, customer_id, n_customer_turns, n_employee_turns, experienced,"
            " remembered, peak_seq, peak_valence, start_valence, end_valence, outcome,"
            " empathy_score, n_empathetic, n_unhelpful, repeats, recontact, transfers,"
            " long_waits, channel_switch, effort_phrases, effort_score, details, computed_at)"
            " VALUES (?,'lexicon','1','lexicon','1',?,4,4,?,?,2,?,?,?,?,?,1,0,0,?,?,0,0,0,?,"
            "'{}','2025-01-01 00:00:00.000000')",
            zip(iids, cids, exp, rem, exp, exp, exp, outc, emp_s, recon, trans, eff, strict=True),
        )
        con.execute("COMMIT")
        if (a // chunk) % 10 == 9:
            print(f"  {a + m:,} rows ({time.perf_counter() - t0:.0f} s)", flush=True)
    as_of = f"{(START + timedelta(days=365)):%Y-%m-%d %H:%M:%S}.000000"
    con.execute("BEGIN")
    for a in range(0, n_cust, chunk):
        m = min(n_cust, a + chunk) - a
        p = rng.beta(1, 20, m)
        clv = rng.lognormal(6, 1, m)
        drivers = np.where(
            rng.random(m) < 0.3,
            '{"top": [["remembered_score", 0.1]], "avoidable": true}',
            '{"top": [["remembered_score", 0.1]], "avoidable": false}',
        ).tolist()
        con.executemany(
            "INSERT INTO customer_scores (customer_id, model, version, as_of, p_churn, clv,"
            " value_at_risk, drivers, computed_at) VALUES (?,'churn.bench','1',?,?,?,?,?,?)",
            zip(
                [f"cu-{c:07d}" for c in range(a, a + m)],
                [as_of] * m,
                p.tolist(),
                clv.tolist(),
                (p * clv).tolist(),
                drivers,
                [as_of] * m,
                strict=True,
            ),
        )
    con.execute("COMMIT")
    t_idx = time.perf_counter()
    for _, _, sql in ddl:
        con.execute(sql)
    print(f"  indexes re-created in {time.perf_counter() - t_idx:.0f} s", flush=True)
    con.execute("PRAGMA journal_mode=WAL")
    con.close()
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


def _same_summary(a: list[tuple], b: list[tuple]) -> bool:
    """Equal keys and counts, float sums equal to 1e-9 relative: the incremental rebuild
    reads a day through the ``started_at`` index, the full one in table order, and a float
    sum depends on the order of its terms (last-bit differences, shown means unchanged)."""
    import math

    if len(a) != len(b):
        return False
    for ra, rb in zip(a, b, strict=True):
        for x, y in zip(ra, rb, strict=True):
            if x == y:
                continue
            try:
                if not math.isclose(float(x), float(y), rel_tol=1e-9, abs_tol=1e-9):
                    return False
            except ValueError:
                return False
    return True


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
    same = _same_summary(inc_rows, _summary(url))
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


def add_csat(url: str, days: int) -> int:
    """Give every contact of the last ``days`` days a synthetic predicted-CSAT row (about 1
    in 20 unknown with a reason, 1 in 3 calibrated), as ``analyze`` would; through one
    ``INSERT … SELECT`` with the change-log triggers on (they log the days). Returns rows."""
    import sqlite3

    con = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    hi = con.execute("SELECT max(started_at) FROM interactions").fetchone()[0]
    lo = f"{datetime.fromisoformat(hi[:10]) - timedelta(days=days - 1):%Y-%m-%d}"
    value = "1 + ((i.rowid * 7919) % 4001) / 1000.0"
    con.execute("BEGIN")
    cur = con.execute(
        "INSERT OR IGNORE INTO interaction_csat (interaction_id, model_version, predicted_csat,"
        " calibrated_csat, source, reason, scored_at) SELECT i.interaction_id, 'bench',"
        f" CASE WHEN i.rowid % 20 = 0 THEN NULL ELSE {value} END,"
        f" CASE WHEN i.rowid % 20 <> 0 AND i.rowid % 3 = 0 THEN min(5.0, {value} + 0.1) END,"
        " 'simulated', CASE WHEN i.rowid % 20 = 0 THEN 'no customer turn' END, i.started_at"
        " FROM interactions i WHERE i.started_at >= ?",
        (lo,),
    )
    con.execute("COMMIT")
    con.close()
    return cur.rowcount


def measure_csat(url: str, n: int, days: int, repeats: int, timeout_s: float) -> list[dict]:
    """CSAT rows for the last ``days`` days, an incremental refresh (those days rebuilt),
    then the CSAT figures of the default period from the summary (``pre``) and from
    ``interaction_csat`` itself (``raw``: the page's query before the summary), in
    process; and the page itself (``measure_pages``)."""
    from empathos.config import Settings  # noqa: F401  (the app's settings, as the pages)
    from empathos.store import make_engine
    from empathos.web.aggregates import Filters, refresh_aggregates, with_default_period
    from empathos.web.csat import csat_figures

    t0 = time.perf_counter()
    added = add_csat(url, days)
    add_s = time.perf_counter() - t0
    engine = make_engine(url)
    t0 = time.perf_counter()
    report = refresh_aggregates(engine, incremental=True)
    inc_s = time.perf_counter() - t0
    f = with_default_period(engine, Filters())
    kw = {"start": f.start, "end": f.end}
    timed: dict[bool, float] = {}
    for pre in (True, False):
        times = []
        for _ in range(repeats if pre else 1):
            t0 = time.perf_counter()
            figs = csat_figures(engine, pre=pre, **kw)
            times.append(time.perf_counter() - t0)
        timed[pre] = statistics.median(times)
        if pre:
            pre_figs = figs
    same = pre_figs["overall"]["contacts"] == figs["overall"]["contacts"]
    if not same:
        raise RuntimeError("CSAT summary and raw figures differ")
    engine.dispose()
    rows = [
        {"n": n, "what": f"add {added:,} CSAT rows ({days} days)", "pre_s": add_s,
         "raw_s": None, "speedup": None},
        {"n": n, "what": f"incremental refresh ({len(report.details['days_rebuilt'])} days)",
         "pre_s": inc_s, "raw_s": None, "speedup": None,
         "days_rebuilt": len(report.details["days_rebuilt"])},
        {"n": n, "what": "csat_figures (default 30 days)", "pre_s": timed[True],
         "raw_s": timed[False], "speedup": timed[False] / timed[True],
         "contacts": pre_figs["overall"]["contacts"]},
    ]  # fmt: skip
    for r in rows:
        print(f"  {r['what']:<52} {r['pre_s']:.3f} {r['raw_s'] or ''}", flush=True)
    return rows + measure_pages(
        url, n, repeats, timeout_s, 8.0, ["/dashboard/csat", "/dashboard/scores"]
    )


def _median_get(client, path: str, repeats: int) -> float:  # noqa: ANN001
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        r = client.get(path)
        times.append(time.perf_counter() - t0)
        if r.status_code != 200:
            raise RuntimeError(f"{path}: HTTP {r.status_code}")
    return statistics.median(times)


def measure(url: str, n: int, repeats: int, raw: bool = True, pages: bool = True) -> list[dict]:
    """Refresh once, then (``pages``) time the main pages in process on the summary and on
    the raw tables."""
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
    for path in PAGES if pages else []:
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


def _page_child(url: str, path: str, repeats: int, raw: bool = False) -> None:
    """In a child process: one app on the store, the page once (``first``: a fresh app,
    so it includes the summary's staleness check) then ``repeats`` times; JSON on stdout.
    ``raw``: with ``web_pre_aggregate=False`` (the raw tables: the baseline)."""
    from fastapi.testclient import TestClient

    from empathos.api.app import create_app
    from empathos.config import Settings
    from empathos.store import make_engine

    settings = Settings(auth="off", web_pre_aggregate=not raw)
    client = TestClient(create_app(settings, engine=make_engine(url)))
    t0 = time.perf_counter()
    r = client.get(path)
    first = time.perf_counter() - t0
    if r.status_code != 200:
        raise RuntimeError(f"{path}: HTTP {r.status_code}")
    median = _median_get(client, path, repeats) if first < 20 else first
    print(json.dumps({"first_s": first, "median_s": median, "bytes": len(r.content)}))


def measure_pages(
    url: str,
    n: int,
    repeats: int,
    timeout_s: float,
    mem_gb: float,
    only: list[str] | None = None,
    raw_pages: list[str] | None = None,
) -> list[dict]:
    """Every dashboard page with its default filters (and the 30-day chat filter), each
    in its own process, stopped after ``timeout_s`` or at ``mem_gb`` of address space
    (then the row says so instead of a time). A page slower than 20 s is timed once.
    Pages in ``raw_pages`` are also loaded from the raw tables (``raw_s``, the baseline)."""
    import resource
    import subprocess

    def limit() -> None:
        cap = int(mem_gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    last = START + timedelta(days=364)
    month = f"channel=chat&start={(last - timedelta(days=29)).date()}&end={last.date()}"
    out = []
    for page in [p for p in ALL_PAGES if not only or p in only]:
        for query in ("", month):
            if query and "?" in page:
                continue
            path = page + ("?" + query if query else "")
            what = page + (" (chat, 30 days)" if query else "")
            row = {"n": n, "what": what, "pre_s": None, "raw_s": None, "speedup": None}
            modes = [False] + ([True] if raw_pages and page in raw_pages else [])
            for raw in modes:
                key = "raw_s" if raw else "pre_s"
                try:
                    done = subprocess.run(
                        [sys.executable, __file__, "--page-child", path, "--url", url,
                         "--repeats", str(repeats)] + (["--raw"] if raw else []),
                        capture_output=True, text=True, timeout=timeout_s, preexec_fn=limit,
                    )  # fmt: skip
                    if done.returncode == 0:
                        got = json.loads(done.stdout.strip().splitlines()[-1])
                        row |= {key: got["median_s"]}
                        if not raw:
                            row["first_s"] = got["first_s"]
                    else:
                        tail = (done.stderr.strip().splitlines() or ["?"])[-1]
                        row["failed" if not raw else "raw_failed"] = (
                            f"exit {done.returncode}: {tail[:160]}"
                        )
                except subprocess.TimeoutExpired:
                    row["failed" if not raw else "raw_failed"] = (
                        f"not finished in {timeout_s:.0f} s (stopped)"
                    )
            if row["pre_s"] and row["raw_s"]:
                row["speedup"] = row["raw_s"] / row["pre_s"]
            raw_txt = f" (raw {row['raw_s'] or row.get('raw_failed')})" if len(modes) > 1 else ""
            print(f"  {what:<52} {row['pre_s'] or row.get('failed')}{raw_txt}", flush=True)
            out.append(row)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--interactions", type=int, default=None, help="one size (overrides --sizes)")
    ap.add_argument("--skip-raw", action="store_true", help="no raw-table baseline (big N)")
    ap.add_argument("--add", type=int, default=1000, help="contacts added for the incremental run")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--db-dir", type=Path, default=None)
    ap.add_argument("--out-suffix", default="", help="results file name suffix")
    ap.add_argument("--pages", default=None, help="only these pages of the sweep (comma list)")
    ap.add_argument("--pages-only", action="store_true", help="only the every-page sweep")
    ap.add_argument(
        "--sweep-only",
        action="store_true",
        help="refresh, the every-page sweep and the incremental refresh (no in-process pages)",
    )
    ap.add_argument("--page-timeout", type=float, default=120.0, help="seconds per page")
    ap.add_argument("--page-mem-gb", type=float, default=8.0, help="address space per page")
    ap.add_argument(
        "--csat-days", type=int, default=0, help="then add CSAT rows for the last N days"
    )
    ap.add_argument("--raw-pages", default=None, help="pages also timed on the raw tables")
    ap.add_argument("--raw", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--page-child", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--url", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    if args.page_child:
        _page_child(args.url, args.page_child, args.repeats, raw=args.raw)
        return
    load_before = os.getloadavg()
    out_dir = args.db_dir or Path(tempfile.mkdtemp(prefix="dash_bench_"))
    out_dir.mkdir(parents=True, exist_ok=True)
    rows, gen = [], {}
    sizes = [args.interactions] if args.interactions else [int(x) for x in args.sizes.split(",")]
    for n in sizes:
        db = out_dir / f"dash_{n}.db"
        url = f"sqlite:///{db}"
        if not db.exists():
            gen[n] = generate(db, n)
            print(f"generated {n:,} interactions in {gen[n]:.1f} s", flush=True)
        from empathos.store import init_db, make_engine

        t0 = time.perf_counter()
        init_db(make_engine(url))  # a store built by an older bench: bring it to heads
        print(f"schema up to date in {time.perf_counter() - t0:.1f} s", flush=True)
        if not args.pages_only:
            rows += measure(url, n, args.repeats, raw=not args.skip_raw, pages=not args.sweep_only)
        only = args.pages.split(",") if args.pages else None
        raw_pages = args.raw_pages.split(",") if args.raw_pages else None
        rows += measure_pages(
            url, n, args.repeats, args.page_timeout, args.page_mem_gb, only, raw_pages
        )
        if not args.pages_only:
            rows.append(measure_incremental(url, n, args.add))
        if not args.pages_only:
            print(f"incremental: days rebuilt {rows[-1]['days_rebuilt']}", flush=True)
        if args.csat_days:
            rows += measure_csat(url, n, args.csat_days, args.repeats, args.page_timeout)
    print(f"\n{'N':>9}  {'what':<36} {'pre (s)':>9} {'raw (s)':>9} {'raw/pre':>8}")
    print("(incremental row: pre = incremental, raw = full rebuild of the same store)")
    for r in rows:
        raw = "" if r["raw_s"] is None else f"{r['raw_s']:.3f}"
        sp = "" if r["speedup"] is None else f"{r['speedup']:.0f}x"
        pre = r.get("failed") if r["pre_s"] is None else f"{r['pre_s']:>9.3f}"
        print(f"{r['n']:>9,}  {r['what']:<52} {pre:>9} {raw:>9} {sp:>8}")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"dashboard_load{args.out_suffix}.json"
    out.write_text(
        json.dumps(
            {
                "data": "synthetic (bulk-inserted by bench/dashboard_load.py, not real customers)",
                "database": "sqlite",
                "cpu_count": os.cpu_count(),
                "load_average_before": load_before,
                "load_average_after": os.getloadavg(),
                "repeats": args.repeats,
                "generate_seconds": gen,
                "rows": rows,
            },
            indent=2,
        )
    )
    print(f"load average (1/5/15 min) before {load_before}, after {os.getloadavg()}")
    print(f"\nwrote {out}")


if __name__ == "__main__":
    main()
