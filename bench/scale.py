"""``analyze`` on Ray with 1 and 2 workers in the same run: speed-up and efficiency.

Why in one run: the machine's load changes from minute to minute, so both figures (and
the in-process baseline) are measured back to back on copies of one SQLite store. A local
Ray instance (``ray.init(num_cpus=workers)``) stands in for a cluster: the workers are
processes on this machine, so the figure shows the engine's overhead and the parallel
part of ``analyze`` (the model calls), not network costs (docs/scale.md says what that
extrapolates to). Writes bench/results/scale.json and prints a table.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from empathos.listen import ingest_file
from empathos.store import init_db, make_engine
from empathos.understand.pipeline import analyze
from empathos.understand.train_data import shared_data_dir

# no token file: a stray ~/.ray/auth_token breaks a later `ray start --address` (tests/scale)
os.environ.setdefault("RAY_AUTH_MODE", "disabled")
RESULTS = Path(__file__).parent / "results" / "scale.json"


def _store(path: Path, source: Path) -> None:
    engine = make_engine(f"sqlite:///{path}")
    init_db(engine)
    ingest_file(source, engine, rejects_path=path.with_suffix(".rej"), detect_language=False)
    engine.dispose()


def _run(template: Path, work: Path, backend: str, mapper: object | None) -> tuple[float, int]:
    path = work / f"run-{time.monotonic_ns()}.db"
    shutil.copy(template, path)
    engine = make_engine(f"sqlite:///{path}")
    t0 = time.perf_counter()
    rep = analyze(engine, backend, backend, batch_size=128, progress=False, mapper=mapper)
    seconds = time.perf_counter() - t0
    engine.dispose()
    return seconds, rep.turns_emotion + rep.turns_empathy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the small TWCS sample, fast model")
    parser.add_argument("--backend", default=None, help="model backend (default: default)")
    args = parser.parse_args()
    import ray

    from empathos.scale import RayMapper

    real = shared_data_dir() / "real"
    source = real / ("twcs_kaggle_sample.csv" if args.quick else "twcs_5k.csv")
    backend = args.backend or ("fast" if args.quick else "default")
    work = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    template = work / "template.db"
    _store(template, source)
    _run(template, work, backend, None)  # warm: the parent loads the models once
    serial_s, turns = _run(template, work, backend, None)
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    rows = {"serial (in process)": serial_s}
    for n in (1, 2):
        mapper = RayMapper(address=None, workers=n)
        _run(template, work, backend, mapper)  # warm: actors load the models once
        rows[f"ray {n} worker(s)"] = _run(template, work, backend, mapper)[0]
        mapper.close()
    ray.shutdown()
    one, two = rows["ray 1 worker(s)"], rows["ray 2 worker(s)"]
    speedup = one / two
    result = {
        "source": source.name,
        "backend": backend,
        "turns": turns,
        "seconds": rows,
        "turns_per_second": {k: turns / v for k, v in rows.items()},
        "speedup_2_vs_1": speedup,
        "efficiency_2": speedup / 2,
        "note": "whole analyze wall time (annotate is on Ray; scoring, QA, journeys in the parent)",
    }
    print(f"{'engine':<22}{'seconds':>9}{'turns/s':>10}")
    for k, v in rows.items():
        print(f"{k:<22}{v:>9.2f}{turns / v:>10.0f}")
    print(f"speed-up 2 vs 1 worker: {speedup:.2f}x, efficiency {speedup / 2:.0%}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
