"""Simulator throughput: simulated contacts per second, and what 1M contacts costs.

    .venv/bin/python bench/simulate_speed.py [--sizes demo,50k] [--million] [--keep DIR]

Each size runs ``run_simulation`` end to end (building the world, SimPy, text, writing
every file and the ground truth) into a temporary folder, with the progress bar off.
Reported: contacts, wall seconds, contacts/s (wall), CPU seconds and contacts per CPU
second (less sensitive to other work on a shared machine), MB written, peak RSS. Without
``--million`` the time for 1M contacts is *extrapolated* from the largest run's CPU rate
and labelled as such; with ``--million`` a ~1M-contact run is measured.

Everything here is SIMULATED data (timing only). Writes bench/results/simulate_speed.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from empathos.simulate import SimulationConfig, preset, run_simulation

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"

SIZES: dict[str, SimulationConfig] = {
    "demo": preset("demo", seed=7),
    "50k": SimulationConfig(customers=16_000, days=75, seed=7),
    "200k": SimulationConfig(customers=50_000, days=100, seed=7),
    "1M": SimulationConfig(customers=170_000, days=190, seed=7),
}
"""Named sizes; the label is the approximate number of contacts."""


def _dir_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def measure(name: str, config: SimulationConfig, keep: Path | None) -> dict[str, Any]:
    """Run one size and return its measurements."""
    out = Path(tempfile.mkdtemp(prefix=f"simbench_{name}_")) if keep is None else keep / name
    cpu0 = time.process_time()
    wall0 = time.perf_counter()
    report = run_simulation(config, out, progress=False)
    wall = time.perf_counter() - wall0
    cpu = time.process_time() - cpu0
    row = {
        "size": name,
        "customers": config.customers,
        "days": config.days,
        "employees": report.employees,
        "contacts": report.contacts,
        "turns_distinct_en_customer": report.distinct_utterances.get("en:customer", 0),
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "contacts_per_s": round(report.contacts / wall, 1),
        "contacts_per_cpu_s": round(report.contacts / cpu, 1),
        "mb_written": round(_dir_mb(out), 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "distinct_utterances": report.distinct_utterances,
    }
    if keep is None:
        shutil.rmtree(out, ignore_errors=True)
    return row


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="demo,50k", help=f"comma-separated, from {', '.join(SIZES)}")
    ap.add_argument(
        "--million", action="store_true", help="also measure the ~1M-contact run (minutes)"
    )
    ap.add_argument("--keep", type=Path, default=None, help="keep the outputs under this folder")
    args = ap.parse_args(argv)
    names = [s for s in args.sizes.split(",") if s]
    if args.million and "1M" not in names:
        names.append("1M")
    rows = []
    for name in names:
        print(f"running {name} …", file=sys.stderr, flush=True)
        rows.append(measure(name, SIZES[name], args.keep))
    largest = max(rows, key=lambda r: r["contacts"])
    million = next((r for r in rows if r["size"] == "1M"), None)
    scale = 1e6 / largest["contacts"]
    estimate = {
        "contacts": 1_000_000,
        "measured_near_1m": million is not None,
        "cpu_minutes": round(largest["cpu_s"] * scale / 60, 1),
        "wall_minutes": round(largest["wall_s"] * scale / 60, 1),
        "basis": f"the {largest['size']} run ({largest['contacts']:,} contacts, "
        f"{largest['contacts_per_cpu_s']:,.0f} "
        f"contacts per CPU second) scaled linearly to 1,000,000",
    }
    header = (
        f"{'size':>6} {'customers':>9} {'days':>4} {'staff':>5} {'contacts':>9} {'wall s':>7} "
        f"{'cpu s':>7} {'contacts/s':>10} {'/cpu s':>8} {'MB':>7} {'RSS MB':>7}"
    )
    print(header)
    for r in rows:
        print(
            f"{r['size']:>6} {r['customers']:>9,} {r['days']:>4} {r['employees']:>5} "
            f"{r['contacts']:>9,} {r['wall_s']:>7} "
            f"{r['cpu_s']:>7} {r['contacts_per_s']:>10,.0f} {r['contacts_per_cpu_s']:>8,.0f} "
            f"{r['mb_written']:>7} {r['peak_rss_mb']:>7}"
        )
    print(
        f"1M contacts: {estimate['cpu_minutes']} CPU minutes, {estimate['wall_minutes']} wall "
        "minutes here "
        f"({estimate['basis']}); single-threaded."
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    payload = {
        "benchmark": "simulate_speed",
        "data": "simulated",
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": __import__("os").cpu_count(),
        "rows": rows,
        "one_million": estimate,
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    (RESULTS / "simulate_speed.json").write_text(
        json.dumps(payload, indent=2) + "\n", encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
