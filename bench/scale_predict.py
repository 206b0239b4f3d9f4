"""``predict``'s scoring and the dashboard summary's rebuild on Ray (1 and 2 workers)
against the local engine, in the same run.

Why in one run: the machine's load changes from minute to minute, so every figure is
measured back to back on copies of one SQLite store (a simulated company, analysed with
the ``fast`` backend). A local Ray instance (``ray.init(num_cpus=2)``) stands in for a
cluster, so the figures show the engine's overhead and the partitioned part (not network
costs). For ``predict`` two times are given: the whole run and its scoring step
(``predict.pipeline._score``, the part the engine runs; timed by wrapping it). Writes
bench/results/scale_predict.json and prints the tables. Figures are from a *simulated*
company.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from empathos.predict import pipeline
from empathos.predict.clv import CLVConfig
from empathos.store import init_db, make_engine
from empathos.understand.pipeline.mapper import SerialMapper
from empathos.web.aggregates import refresh_aggregates

# no token file: a stray ~/.ray/auth_token breaks a later `ray start --address` (tests/scale)
os.environ.setdefault("RAY_AUTH_MODE", "disabled")
RESULTS = Path(__file__).parent / "results" / "scale_predict.json"
SCORE_SECONDS: list[float] = []


def _timed_score(real: Any) -> Any:
    def run(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            SCORE_SECONDS.append(time.perf_counter() - t0)

    return run


def _template(work: Path, customers: int, days: int) -> Path:
    from empathos.simulate import preset, run_simulation
    from empathos.simulate.store import store_simulation
    from empathos.understand.pipeline import analyze

    path = work / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    init_db(engine)
    cfg = preset("small", seed=3, customers=customers, days=days, contacts_per_customer_day=0.05)
    run_simulation(cfg, work / "sim", progress=False)
    store_simulation(work / "sim", engine)
    analyze(engine, "fast", "fast", progress=False)
    engine.dispose()
    return path


def _copy(template: Path, work: Path) -> Any:
    path = work / f"run-{time.monotonic_ns()}.db"
    shutil.copy(template, path)
    return make_engine(f"sqlite:///{path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="300 customers, 30 days")
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--partition", type=int, default=500, help="customers a partition")
    args = parser.parse_args()
    customers, days = (300, 30) if args.quick else (args.customers, args.days)
    import ray

    from empathos.scale import RayMapper

    pipeline._score = _timed_score(pipeline._score)  # type: ignore[method-assign]
    work = Path(tempfile.mkdtemp(prefix="bench-scale-predict-"))
    template = _template(work, customers, days)
    opts = {"progress": False, "effects_boot": 50, "partition_size": args.partition}
    opts["clv_config"] = CLVConfig(pytensor_mode="FAST_COMPILE")

    def one(mapper: Any) -> dict[str, float]:
        engine = _copy(template, work)
        t0 = time.perf_counter()
        rep = pipeline.predict(engine, mapper=mapper, **opts)
        whole = time.perf_counter() - t0
        t0 = time.perf_counter()
        refresh_aggregates(engine, mapper=mapper, partition_days=7)
        summary = time.perf_counter() - t0
        engine.dispose()
        return {
            "customers": rep.customers_scored,
            "predict_s": whole,
            "scoring_s": SCORE_SECONDS[-1],
            "summary_s": summary,
        }

    one(None)  # warm: pymc's import and the CLV fit's compile
    rows = {"local (database summary, in-process scoring)": one(None)}
    rows["local, SerialMapper summary"] = one(SerialMapper())
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    for n in (1, 2):
        mapper = RayMapper(address=None, workers=n)
        one(mapper)  # warm: the actors import the scoring code once
        rows[f"ray {n} worker(s)"] = one(mapper)
        mapper.close()
    ray.shutdown()
    n = next(iter(rows.values()))["customers"]
    print(f"{n:,} simulated customers, {days} days, partitions of {args.partition}")
    print(f"{'engine':<48}{'predict s':>10}{'scoring s':>10}{'summary s':>10}")
    for k, v in rows.items():
        print(f"{k:<48}{v['predict_s']:>10.2f}{v['scoring_s']:>10.2f}{v['summary_s']:>10.2f}")
    one_w, two_w = rows["ray 1 worker(s)"]["scoring_s"], rows["ray 2 worker(s)"]["scoring_s"]
    print(f"scoring speed-up 2 vs 1 Ray worker: {one_w / two_w:.2f}x")
    result = {
        "data": "simulated",
        "customers": n,
        "days": days,
        "partition_size": args.partition,
        "seconds": rows,
        "scoring_speedup_2_vs_1": one_w / two_w,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
