"""Routing under load, in one and in N desk processes: the most decisions/s of
``POST /contacts`` against the most ``GET /health``/s of the same address in the same run,
and p50/p99 at half of that maximum.

    python bench/route_load.py [--processes 1,2] [--tenants 4] [--seconds 10]

1. Prepares a temporary SQLite store with ``--tenants`` tenants (``default``, ``acme``,
   ``initech``, ``wayne``, …), each a small simulated company (``--customers`` split over
   them, ``--days``, ``--employees`` in ``--pods`` pods) annotated by ``analyze``
   (lexicon), with an admin API key each. Every member's capacity is raised to
   ``--capacity`` so that every decision scores all members *and* assigns one.
2. For each entry of ``--processes``: starts ``empathos serve --desk-processes N`` (uvicorn,
   127.0.0.1) on a copy-free store of its own (a fresh copy of the prepared one), with
   **auth on** (every request carries its tenant's ``X-API-Key``, /health too) and the
   **per-caller rate limit off** (``EMPATHOS_RATE_LIMIT_PER_S=0``: four callers at
   thousands of requests/s would be refused at 200/s; the limiter's own cost is a dict
   update). With N > 1 each tenant's desk lives in one process (api/partition.py) and a
   decision accepted by another process is handed over a unix socket.
3. Warms the caches (every tenant's desk, customer records, emotions of the message pool),
   then drives it with ``wrk`` (Debian's wrk 4, Lua script for the POST bodies and keys):
   ``GET /health`` unpaced (max), ``POST /contacts`` unpaced (max), then both paced at half
   of that POST maximum. wrk has no rate option and wrk2 is not installed here, so the rate
   is set by pacing: ``C`` connections, each waiting ``C/rate`` seconds between requests;
   the table reports the *achieved* rate. Closed-loop pacing: a stall lowers the rate
   instead of queueing requests (coordinated omission), so p99 is a lower bound of what an
   open-loop client would see during a stall. ``--rates`` adds fixed paced rates.
4. In-process: the same decisions timed directly on a ``LiveDesk`` (no HTTP), and a
   cProfile of them. With ``--profile-server`` (needs ``pip install py-spy``) the
   one-process server is sampled by py-spy during one more POST run.

Bodies: ``--pool`` distinct first messages (the simulator's multilingual openings) for
random customers of random tenants; after the warm-up the emotion cache answers them.
``--unique`` appends a counter to every message (every emotion is a cache miss).

Prints a table, writes ``bench/results/route_load.json``. The machine's load average is
recorded before and after: on a shared machine other processes lower every number, and
more processes than cores cannot be faster than the cores.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "results" / "route_load.json"

LUA = r"""
local bodies = {}
local keys = {}
local n = 0
for line in io.lines("%(bodies)s") do n = n + 1; bodies[n] = line end
local m = 0
for line in io.lines("%(keys)s") do m = m + 1; keys[m] = line end
local i = math.random(n)
local pause = %(pause_ms)d
wrk.method = "%(method)s"
wrk.headers["Content-Type"] = "application/json"
local hdr = {["Content-Type"] = "application/json"}
request = function()
  i = i %% n + 1
  hdr["X-API-Key"] = keys[i]
  if wrk.method == "GET" then return wrk.format("GET", "%(path)s", hdr) end
  local body = bodies[i]
  if %(unique)s then
    counter = (counter or 0) + 1
    body = string.gsub(body, '"text": "', '"text": "#' .. counter .. math.random(1000000) .. ' ', 1)
  end
  return wrk.format("POST", "%(path)s", hdr, body)
end
delay = function() return pause end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('RESULT {"requests": %%d, "duration_us": %%d, "p50_us": %%d, ' ..
    '"p90_us": %%d, "p99_us": %%d, "max_us": %%d, "mean_us": %%f, "errors": %%d, ' ..
    '"non2xx": %%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean,
    e.connect + e.read + e.write + e.timeout, e.status))
end
"""


# ---------------------------------------------------------------------------- the store


#: Tenant slugs in order; CRC-32 mod 2 and mod 4 spread the first four evenly
#: (mod 2: default 1, acme 0, initech 0, wayne 1; mod 4: 3, 2, 0, 1).
TENANT_SLUGS = ["default", "acme", "initech", "wayne", "hooli", "stark", "umbrella", "globex"]


def prepare_store(
    workdir: Path,
    customers: int,
    days: int,
    employees: int,
    pods: int,
    capacity: int,
    seed: int,
    tenants: int = 1,
) -> tuple[str, list[dict]]:
    """Simulate, store, annotate one company per tenant; return the URL and the customers
    (tenant, key, id, language)."""
    from sqlalchemy import select, update

    from empathos.simulate import preset, run_simulation
    from empathos.simulate.store import store_simulation
    from empathos.store import init_db, make_engine
    from empathos.store.auth import create_key, create_tenant
    from empathos.store.schema import customers as customers_t
    from empathos.store.schema import employees as employees_t
    from empathos.store.tenants import forget, tenant_engine
    from empathos.understand.pipeline import analyze

    url = f"sqlite:///{workdir / 'route_load.db'}"
    base = make_engine(url)
    init_db(base)
    custs: list[dict] = []
    for i, tenant in enumerate(TENANT_SLUGS[:tenants]):
        if tenant != "default":
            create_tenant(base, tenant)
        key = create_key(base, tenant, "admin", name="route_load")[1]
        engine = tenant_engine(url, tenant, base=base)
        cfg = preset(
            "small",
            seed=seed + i,
            customers=max(10, customers // tenants),
            days=days,
            employees=employees,
            pods=pods,
        )
        run_simulation(cfg, workdir / f"sim-{tenant}", progress=False)
        store_simulation(workdir / f"sim-{tenant}", engine)
        analyze(engine, "lexicon", "lexicon", progress=False)
        with engine.begin() as conn:
            conn.execute(update(employees_t).values(capacity=capacity))
        with engine.connect() as conn:
            custs += [
                {
                    "tenant": tenant,
                    "key": key,
                    "customer_id": r.customer_id,
                    "language": r.language,
                }
                for r in conn.execute(select(customers_t.c.customer_id, customers_t.c.language))
            ]
    forget(url)
    base.dispose()
    return url, custs


def write_bodies(path: Path, custs: list[dict], pool: int, seed: int) -> list[dict]:
    """``pool`` distinct first messages (simulator openings, customer's language) as JSON
    lines, and beside them (``<path>.keys``) the API key of each body's tenant."""
    from empathos.simulate.phrasebank import BANKS

    rng = random.Random(seed)
    fill = {
        "product": "Router X",
        "order": "A-1042",
        "amount": "49.90",
        "date": "3 May",
        "minutes": 5,
        "agent": "Ann",
        "issue": "it",
    }
    channels = ["chat", "voice", "email", "social", "self_service"]
    texts: dict[str, list[str]] = {}
    for lang, bank in BANKS.items():
        for _need, ts in bank["open"].items():
            texts.setdefault(lang, []).extend(t.format(**fill) for t in ts)
        for emo, ts in bank["feel"].items():
            if emo in ("anger", "frustration", "anxiety"):
                base = texts[lang][: len(ts)]
                texts[lang].extend(
                    f"{b} {t.format(**fill)}" for b, t in zip(base, ts, strict=False)
                )
    bodies, keys = [], []
    for _ in range(pool):
        c = rng.choice(custs)
        lang = c["language"] if c["language"] in texts else "en"
        bodies.append(
            {
                "customer_id": c["customer_id"],
                "channel": rng.choice(channels),
                "text": rng.choice(texts[lang]),
                "language": lang,
            }
        )
        keys.append(c["key"])
    path.write_text(
        "".join(json.dumps(b, ensure_ascii=False) + "\n" for b in bodies), encoding="utf-8"
    )
    keys_path(path).write_text("".join(k + "\n" for k in keys), encoding="utf-8")
    return [{**b, "_key": k} for b, k in zip(bodies, keys, strict=True)]


def keys_path(bodies: Path) -> Path:
    return bodies.with_name(bodies.name + ".keys")


# ---------------------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(
    url: str,
    port: int,
    emotion_model: str,
    log: Path,
    processes: int,
    data_dir: Path,
    auth: str = "on",
) -> subprocess.Popen:
    """``empathos serve --desk-processes N``, auth on, the per-caller rate limit off."""
    env = {
        **os.environ,
        "EMPATHOS_ENCODER_THREADS": "1",
        "EMPATHOS_AUTH": auth,  # on: every request carries its tenant's key
        "EMPATHOS_RATE_LIMIT_PER_S": "0",  # off: a load test is one caller per tenant
        "EMPATHOS_DATA_DIR": str(data_dir),  # the desks' journals
    }
    cmd = [
        sys.executable,
        "-m",
        "empathos",
        "serve",
        "--db",
        url,
        "--port",
        str(port),
        "--emotion-model",
        emotion_model,
        "--log-level",
        "warning",
        "--no-access-log",
        "--desk-processes",
        str(processes),
    ]
    proc = subprocess.Popen(cmd, stdout=log.open("w"), stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    deadline = time.time() + 180
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1):
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("server did not start within 180 s")


def stop_server(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGINT)  # the supervisor stops its desk processes
    try:
        proc.wait(60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


def _request(port: int, path: str, key: str, body: dict | None = None) -> dict:
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "X-API-Key": key},
    )
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def wait_emotion_ready(port: int, keys: list[str], timeout: float = 300.0) -> dict:
    """Every tenant's desk started (``/live/health`` builds it in its owner process) with
    its emotion model loaded; the last tenant's health."""
    t0 = time.time()
    pending = list(dict.fromkeys(keys))
    health: dict = {}
    while pending and time.time() - t0 < timeout:
        health = _request(port, "/live/health", pending[0])
        if health["emotion"]["ready"]:
            pending.pop(0)
        else:
            time.sleep(0.5)
    if pending:
        raise RuntimeError("emotion model did not load")
    return health


def warm(port: int, bodies: list[dict]) -> None:
    """One sequential pass over the bodies: every customer record and message emotion is
    computed once (what a running desk has after its first minutes)."""
    for b in bodies:
        _request(port, "/contacts", b["_key"], {k: v for k, v in b.items() if k != "_key"})


# ---------------------------------------------------------------------------- wrk


def run_wrk(
    port: int,
    method: str,
    path: str,
    bodies: Path,
    rate: float | None,
    seconds: float,
    workdir: Path,
    unique: bool = False,
) -> dict:
    """One wrk run; ``rate`` None = unpaced (as fast as the server answers)."""
    if rate is None:
        conns, pause = 16, 0
    else:
        conns = max(2, math.ceil(rate / 100))  # each connection paced at ~100 req/s
        pause = max(0, int(round(conns * 1000 / rate)) - 1)  # minus ~1 ms service time
    script = workdir / f"wrk_{method}_{rate}.lua"
    script.write_text(
        LUA
        % {
            "bodies": bodies,
            "keys": keys_path(bodies),
            "pause_ms": pause,
            "method": method,
            "path": path,
            "unique": "true" if unique else "false",
        }
    )
    cmd = [
        "wrk",
        "-t2" if conns >= 4 else "-t1",
        f"-c{conns}",
        f"-d{max(1, int(round(seconds)))}s",
        "--timeout",
        "5s",
        "-s",
        str(script),
        f"http://127.0.0.1:{port}{path}",
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    line = next((x for x in out.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed: {out.stdout}\n{out.stderr}")
    r = json.loads(line[len("RESULT ") :])
    dur = r["duration_us"] / 1e6
    return {
        "method": method,
        "path": path,
        "target_rate": rate,
        "connections": conns,
        "pause_ms": pause,
        "achieved_rate": r["requests"] / dur if dur else 0.0,
        "requests": r["requests"],
        "p50_ms": r["p50_us"] / 1000,
        "p90_ms": r["p90_us"] / 1000,
        "p99_ms": r["p99_us"] / 1000,
        "max_ms": r["max_us"] / 1000,
        "mean_ms": r["mean_us"] / 1000,
        "errors": r["errors"],
        "non2xx": r["non2xx"],
        "unique_texts": unique,
    }


def spy_summary(raw: Path) -> dict:
    """Share of py-spy samples per server thread, and inside the store writer per step."""
    from collections import Counter

    threads: Counter = Counter()
    writer: Counter = Counter()
    total = 0
    steps = (
        "materialise",
        "Connection.execute",
        "_upsert_contacts",
        "JSONEncoder.iterencode",
        "do_commit",
    )
    for line in raw.read_text().splitlines():
        stack, n = line.rsplit(" ", 1)
        parts = stack.split(";")
        total += int(n)
        name = parts[0].split(": ", 1)[-1].strip(") ")
        threads[name] += int(n)
        if "live-writer" in parts[0]:
            for step in steps:
                if any(step in f for f in parts[1:]):
                    writer[step] += int(n)
    wt = sum(v for k, v in threads.items() if "live-writer" in k) or 1
    return {
        "samples": total,
        "threads": {k: v / total for k, v in threads.most_common(10)},
        "writer_steps": {k: v / wt for k, v in writer.items()},
    }


def py_spy() -> str | None:
    for cand in (Path(sys.executable).with_name("py-spy"), shutil.which("py-spy")):
        if cand and Path(cand).exists():
            return str(cand)
    return None


# ---------------------------------------------------------------------------- in-process


def in_process(url: str, bodies: list[dict], emotion_model: str, n: int) -> dict:
    """The same decisions on a LiveDesk without HTTP: latency percentiles and a profile."""
    import cProfile
    import io
    import pstats

    import numpy as np

    from empathos.act.live import LiveDesk
    from empathos.store import make_engine

    engine = make_engine(url)
    desk = LiveDesk(engine, emotion_model=emotion_model)
    for _ in range(600):  # wait for the model (loads in the background)
        if desk.emotions.stats()["ready"]:
            break
        time.sleep(0.3)
    for b in bodies:  # warm: records and emotions
        desk.open_contact(b["customer_id"], b["channel"], b["text"], b["language"])
    times = []
    for i in range(n):
        b = bodies[i % len(bodies)]
        t0 = time.perf_counter()
        desk.open_contact(b["customer_id"], b["channel"], b["text"], b["language"])
        times.append((time.perf_counter() - t0) * 1000)
    prof = cProfile.Profile()
    prof.enable()
    for i in range(n):
        b = bodies[i % len(bodies)]
        desk.open_contact(b["customer_id"], b["channel"], b["text"], b["language"])
    prof.disable()
    s = io.StringIO()
    stats = pstats.Stats(prof, stream=s).sort_stats("tottime")
    top = []
    for (file, line, fn), (_cc, nc, tt, ct, _callers) in sorted(
        stats.stats.items(), key=lambda kv: -kv[1][2]
    )[:12]:
        top.append(
            {
                "function": f"{Path(file).name}:{line}({fn})",
                "calls_per_decision": nc / n,
                "own_us_per_decision": tt / n * 1e6,
                "cum_us_per_decision": ct / n * 1e6,
            }
        )
    health = desk.health()
    desk.close()
    engine.dispose()
    a = np.array(times)
    return {
        "decisions": n,
        "p50_ms": float(np.percentile(a, 50)),
        "p99_ms": float(np.percentile(a, 99)),
        "mean_ms": float(a.mean()),
        "profile_top_own_time": top,
        "members": health["members"],
        "emotion_cache": health["emotion"],
    }


# ---------------------------------------------------------------------------- main


def measure(
    args: argparse.Namespace,
    store: Path,
    workdir: Path,
    bodies: list[dict],
    bodies_path: Path,
    processes: int,
    rates: list[float],
) -> dict:
    """One server with ``processes`` desk processes on a fresh copy of the store: /health
    and POST /contacts at their maxima, then both at half the POST maximum."""
    run = workdir / f"run-{processes}"
    shutil.copytree(store, run)
    url = f"sqlite:///{run / 'route_load.db'}"
    port = free_port()
    keys = [b["_key"] for b in bodies]
    load_before = os.getloadavg()
    t0 = time.time()
    proc = start_server(
        url,
        port,
        args.emotion_model,
        workdir / f"server-{processes}.log",
        processes,
        run,
        args.auth,
    )
    rows: list[dict] = []
    profile: dict | None = None
    try:
        wait_emotion_ready(port, keys)
        start_s = time.time() - t0
        warm(port, bodies)
        run_wrk(port, "POST", "/contacts", bodies_path, None, args.warmup, workdir)
        run_wrk(port, "GET", "/health", bodies_path, None, 2, workdir)

        def one(method: str, path: str, rate: float | None, label: str, **kw: bool) -> dict:
            r = run_wrk(port, method, path, bodies_path, rate, args.seconds, workdir, **kw)
            r.update(processes=processes, label=label)
            rows.append(r)
            print(
                f"  N={processes} {label:<9} {method} {path}: achieved {r['achieved_rate']:.0f}/s, "
                f"p50 {r['p50_ms']:.2f} ms, p99 {r['p99_ms']:.2f} ms, "
                f"errors {r['errors'] + r['non2xx']}",
                flush=True,
            )
            return r

        health_max = one("GET", "/health", None, "max")
        post_max = one("POST", "/contacts", None, "max")
        half = max(10.0, post_max["achieved_rate"] / 2)
        post_half = one("POST", "/contacts", half, "half-max")
        health_half = one("GET", "/health", half, "half-max")
        for rate in rates:
            one("POST", "/contacts", rate, f"{rate:.0f}/s")
            one("GET", "/health", rate, f"{rate:.0f}/s")
        if args.unique:
            one("POST", "/contacts", half, "unique", unique=True)
        if args.profile_server and processes == 1 and py_spy():
            profile = profile_server(proc.pid, port, bodies_path, half, args, workdir)
        live = _request(port, "/live/health", keys[0])
    finally:
        stop_server(proc)
    ratio = (
        post_max["achieved_rate"] / health_max["achieved_rate"]
        if health_max["achieved_rate"]
        else float("nan")
    )
    return {
        "processes": processes,
        "start_to_ready_s": start_s,
        "loadavg_before": load_before,
        "loadavg_after": os.getloadavg(),
        "health_max_per_s": health_max["achieved_rate"],
        "decisions_max_per_s": post_max["achieved_rate"],
        "decisions_vs_health": ratio,
        "half_max_rate": half,
        "decisions_p50_ms_at_half": post_half["p50_ms"],
        "decisions_p99_ms_at_half": post_half["p99_ms"],
        "health_p99_ms_at_half": health_half["p99_ms"],
        "achieved_at_half": post_half["achieved_rate"],
        "errors": sum(r["errors"] + r["non2xx"] for r in rows),
        "rows": rows,
        "server_live_health_first_tenant": live,
        "server_profile_py_spy": profile,
        "url": url,
    }


def profile_server(
    pid: int, port: int, bodies_path: Path, rate: float, args: argparse.Namespace, workdir: Path
) -> dict | None:
    spy = subprocess.Popen(
        [
            str(py_spy()),
            "record",
            "-p",
            str(pid),
            "-d",
            str(int(args.seconds) + 2),
            "-r",
            "200",
            "-f",
            "raw",
            "--threads",
            "-o",
            str(workdir / "spy.txt"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    run_wrk(port, "POST", "/contacts", bodies_path, rate, args.seconds, workdir)
    spy.wait(timeout=args.seconds + 60)
    return spy_summary(workdir / "spy.txt") if (workdir / "spy.txt").exists() else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--processes", default="1,2", help="desk process counts to run, e.g. 1,2")
    ap.add_argument("--tenants", type=int, default=4)
    ap.add_argument(
        "--auth",
        choices=["on", "off"],
        default="on",
        help="off: every request is the default tenant's (keys ignored): the cost of auth",
    )
    ap.add_argument("--rates", default="", help="extra fixed paced rates, e.g. 200,500")
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--warmup", type=float, default=5.0)
    ap.add_argument("--customers", type=int, default=400, help="over all tenants")
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--employees", type=int, default=24, help="per tenant")
    ap.add_argument("--pods", type=int, default=4)
    ap.add_argument("--capacity", type=int, default=1_000_000)
    ap.add_argument("--pool", type=int, default=500)
    ap.add_argument("--emotion-model", default="default")
    ap.add_argument(
        "--unique", action="store_true", help="also a run with a unique text per request"
    )
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    ap.add_argument(
        "--profile-server",
        action="store_true",
        help="sample the one-process server with py-spy (if installed) during one more run",
    )
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (apt-get install wrk)")
    rates = [float(r) for r in args.rates.split(",") if r]
    counts = [int(n) for n in args.processes.split(",")]
    workdir = Path(tempfile.mkdtemp(prefix="route_load_"))
    t0 = time.time()
    print(f"preparing the store ({args.tenants} tenants) in {workdir} …", flush=True)
    store = workdir / "store"
    store.mkdir()
    url, custs = prepare_store(
        store,
        args.customers,
        args.days,
        args.employees,
        args.pods,
        args.capacity,
        args.seed,
        args.tenants,
    )
    bodies_path = workdir / "bodies.jsonl"
    bodies = write_bodies(bodies_path, custs, args.pool, args.seed)
    prep_s = time.time() - t0
    runs = [measure(args, store, workdir, bodies, bodies_path, n, rates) for n in counts]
    print("in-process decisions (no HTTP, default tenant) …", flush=True)
    mine = [b for b in bodies if b["_key"] == custs[0]["key"]] or bodies
    inproc = in_process(runs[0]["url"], mine, args.emotion_model, 3000)

    base = runs[0]
    print()
    print(
        f"{'N':>2} {'/health max/s':>13} {'decisions max/s':>15} {'× /health':>9} "
        f"{'× N=' + str(base['processes']):>7} {'half-max/s':>10} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'/health p99':>11} {'errors':>6} {'load before→after':>18}"
    )
    for r in runs:
        r["decisions_vs_first_run"] = r["decisions_max_per_s"] / base["decisions_max_per_s"]
        print(
            f"{r['processes']:>2} {r['health_max_per_s']:>13.0f} {r['decisions_max_per_s']:>15.0f} "
            f"{r['decisions_vs_health']:>9.2f} {r['decisions_vs_first_run']:>7.2f} "
            f"{r['achieved_at_half']:>10.0f} {r['decisions_p50_ms_at_half']:>7.2f} "
            f"{r['decisions_p99_ms_at_half']:>7.2f} {r['health_p99_ms_at_half']:>11.2f} "
            f"{r['errors']:>6} {r['loadavg_before'][0]:>8.1f}→{r['loadavg_after'][0]:<8.1f}"
        )
    prof = base["server_profile_py_spy"]
    if prof:
        print(
            "server threads (py-spy share of samples, N=1): "
            + ", ".join(f"{k} {v:.0%}" for k, v in list(prof["threads"].items())[:5])
        )
    print(
        f"\nin-process LiveDesk.open_contact: p50 {inproc['p50_ms']:.3f} ms, p99 "
        f"{inproc['p99_ms']:.3f} ms ({inproc['members']} members scored per decision)"
    )
    print("top own time per decision (cProfile):")
    for t in inproc["profile_top_own_time"][:8]:
        print(f"  {t['own_us_per_decision']:7.1f} µs  {t['function']}")
    goals = [
        {
            "processes": r["processes"],
            "decisions_vs_health": r["decisions_vs_health"],
            "ratio_goal": 0.8,
            "ratio_met": r["decisions_vs_health"] >= 0.8,
            "p99_ms_at_half_max": r["decisions_p99_ms_at_half"],
            "p99_goal_ms": 5.0,
            "p99_met": r["decisions_p99_ms_at_half"] <= 5.0,
        }
        for r in runs
    ]
    for g in goals:
        print(
            f"goal N={g['processes']}: decisions/health {g['decisions_vs_health']:.2f} "
            f"(≥ 0.8: {'met' if g['ratio_met'] else 'NOT met'}), p99 at half max "
            f"{g['p99_ms_at_half_max']:.2f} ms (≤ 5: {'met' if g['p99_met'] else 'NOT met'})"
        )
    result = {
        "benchmark": "route_load",
        "data": f"simulated (empathos.simulate, seed {args.seed}+tenant): {args.tenants} "
        f"tenants, {args.customers} customers in all, {args.days} days, {args.employees} "
        f"employees in {args.pods} pods per tenant",
        "server": f"empathos serve --desk-processes N, auth {args.auth} (X-API-Key per "
        "tenant, on /health too), rate limit off (EMPATHOS_RATE_LIMIT_PER_S=0), SQLite",
        "emotion_model": args.emotion_model,
        "machine": {
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "loadavg_end": os.getloadavg(),
            "note": "shared machine: other processes' load is in every number",
        },
        "tool": "wrk 4 (Debian) with Lua pacing (closed loop; no wrk2 here)",
        "prepare_seconds": prep_s,
        "runs": [{k: v for k, v in r.items() if k != "url"} for r in runs],
        "goals": goals,
        "in_process": inproc,
        "args": vars(args),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
    print(f"\nwrote {OUT.relative_to(ROOT)}")
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
