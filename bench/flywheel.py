"""The whole flywheel at a size: simulate N interactions, ingest (store the simulation),
analyse, predict and refresh the dashboard aggregates; wall time, CPU time (this process
plus its worker children) and peak RSS per stage and in total, at each size, as a table
and JSON (issue 19 item 2).

    .venv/bin/python bench/flywheel.py --quick --backend fast,default --workers 1,2
    .venv/bin/python bench/flywheel.py --sizes 100000,300000,1000000

Peak RSS per stage: ``rss_self_mb`` is this process's own peak *during that stage*
(Linux: the high-water mark is reset before each stage through ``/proc/self/clear_refs``
and read from ``VmHWM``; where that is not allowed it is the run's peak so far and
``rss_self_is_stage_peak`` is false); ``rss_children_mb`` is the largest exited worker
process so far (``getrusage`` cannot reset it); ``peak_rss_mb`` is the larger of the two.
Sizes are approximate: the simulator draws contacts (``contacts_per_customer_day`` 0.05
over ``--days``), the interactions stored are counted. ``--keep DIR`` leaves the stores
there (to rerun one stage on them), otherwise they are deleted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

OUT = Path(__file__).resolve().parent / "results" / "flywheel.json"


def _usage() -> tuple[float, float, float]:
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime
    return time.perf_counter(), cpu, c.ru_maxrss / 1024.0


def _reset_peak() -> bool:
    """Reset this process's peak RSS (Linux: ``clear_refs`` 5), so each stage's own peak
    can be read from ``VmHWM``; False where the kernel does not allow it."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _self_peak_mb() -> float:
    """This process's peak RSS since the last reset (``VmHWM``; ``ru_maxrss`` otherwise)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _stage(stages: dict[str, Any], name: str, fn: Any) -> Any:
    reset = _reset_peak()
    w0, c0, _ = _usage()
    out = fn()
    w1, c1, child_rss = _usage()
    own = _self_peak_mb()
    stages[name] = {
        "wall_s": round(w1 - w0, 2),
        "cpu_s": round(c1 - c0, 2),
        # the stage's own peak in this process when the reset worked, else the run's
        "rss_self_mb": round(own),
        "rss_self_is_stage_peak": reset,
        # the largest exited worker child so far (getrusage cannot reset it)
        "rss_children_mb": round(child_rss),
        "peak_rss_mb": round(max(own, child_rss)),
    }
    return out


def run_size(n: int, days: int, backend: str, workers: int, root: Path) -> dict[str, Any]:
    from empathos.predict.pipeline import predict
    from empathos.simulate import preset, run_simulation
    from empathos.simulate.store import store_simulation
    from empathos.store import init_db, make_engine
    from empathos.store.schema import interactions, turns
    from empathos.understand.pipeline import ProcessMapper, SerialMapper, analyze
    from empathos.web.aggregates import refresh_aggregates

    customers = max(20, round(n / (days * 0.05)))
    cfg = preset("small", seed=7, customers=customers, days=days, contacts_per_customer_day=0.05)
    sim = root / f"sim-{n}"
    stages: dict[str, Any] = {}
    load_before = os.getloadavg()
    _stage(stages, "simulate", lambda: run_simulation(cfg, sim, progress=False))
    engine = make_engine(f"sqlite:///{root / f'store-{n}-{backend}-{workers}.db'}")
    init_db(engine)
    _stage(stages, "ingest", lambda: store_simulation(sim, engine))
    mapper = SerialMapper() if workers <= 1 else ProcessMapper(workers)

    def _analyze() -> Any:
        # the workers are closed inside the stage: a child's CPU time reaches
        # RUSAGE_CHILDREN only once it has exited
        try:
            return analyze(engine, backend, backend, progress=False, mapper=mapper)
        finally:
            mapper.close()

    rep = _stage(stages, "analyze", _analyze)
    _stage(stages, "predict", lambda: predict(engine, progress=False))
    _stage(stages, "dashboard", lambda: refresh_aggregates(engine))
    with engine.connect() as conn:
        n_int = conn.execute(select(func.count()).select_from(interactions)).scalar_one()
        n_turns = conn.execute(select(func.count()).select_from(turns)).scalar_one()
    engine.dispose()
    db_size = sum(p.stat().st_size for p in root.glob(f"store-{n}-{backend}-{workers}.db*"))
    total = {
        "wall_s": round(sum(s["wall_s"] for s in stages.values()), 2),
        "cpu_s": round(sum(s["cpu_s"] for s in stages.values()), 2),
        "peak_rss_mb": max(s["peak_rss_mb"] for s in stages.values()),
    }
    return {
        "size": n,
        "interactions": n_int,
        "turns": n_turns,
        "backend": backend,
        "workers": workers,
        "stages": stages,
        "total": total,
        "analyze_csat_s": round(rep.csat_seconds, 2),
        "analyze_qa_s": round(rep.qa_seconds, 2),
        # the machine is shared: the 1/5/15-minute load averages before and after the run
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in os.getloadavg()],
        "db_mb": round(db_size / 2**20),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="100000,300000,1000000")
    ap.add_argument("--quick", action="store_true", help="sizes 2000,6000")
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument(
        "--backend", default="fast", help="comma list of understand backends (fast,default)"
    )
    ap.add_argument("--workers", default="1,2", help="comma list, each run in turn")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--tmp", default=None, help="where the stores go (default: the system tmp)")
    ap.add_argument("--keep", action="store_true", help="keep the stores (the path is printed)")
    a = ap.parse_args()
    sizes = [2000, 6000] if a.quick else [int(x) for x in a.sizes.split(",")]
    results: list[dict[str, Any]] = []
    meta = {
        "command": "python bench/flywheel.py " + " ".join(__import__("sys").argv[1:]),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "note": "wall/cpu in seconds; cpu = this process + its worker children; the "
        "machine is shared with other jobs (see loadavg_before/after per run)",
    }
    root = Path(tempfile.mkdtemp(prefix="flywheel-", dir=a.tmp))
    try:
        for n in sizes:
            for b, w in ((b, int(x)) for b in a.backend.split(",") for x in a.workers.split(",")):
                r = run_size(n, a.days, b, w, root)
                results.append(r)
                st = r["stages"]
                print(
                    f"{r['interactions']:>9,} interactions {r['turns']:>10,} turns "
                    f"{b}/{w}w  "
                    + "  ".join(f"{k} {v['wall_s']:.1f}s/{v['cpu_s']:.1f}c" for k, v in st.items())
                    + f"  total {r['total']['wall_s']:.1f}s wall {r['total']['cpu_s']:.1f}s cpu "
                    f"{r['total']['peak_rss_mb']} MB peak (predict "
                    f"{st['predict']['rss_self_mb']} MB)",
                    flush=True,
                )
                _write(a.out, meta, results)  # after every run: a long run keeps its figures
    finally:
        if a.keep:
            print(f"stores kept in {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    _write(a.out, meta, results)
    print(f"wrote {a.out}")


def _write(out: Path, meta: dict[str, Any], results: list[dict[str, Any]]) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({**meta, "results": results}, indent=2))


if __name__ == "__main__":
    main()
