"""What predicted CSAT, auto-QA and topics add to ``analyze`` (issue 16 item 6: at most 20 %).

    python bench/analyze_overhead.py [--customers 300] [--days 20] [--seed 7]
                                     [--backends default,fast] [--reps 3]

One simulated company (``simulate`` preset ``small``; six languages), stored once. A topic
model is fitted once per backend on a copy of that store (a company fits rarely; what
every day costs is *assigning* new contacts, so fitting is not timed). Then, for each
backend and repetition, on a fresh copy of the fitted store, with the same already-loaded
models and a fresh, empty embedding cache:

- **without**: ``analyze`` with ``predict_csat=False``, ``auto_qa=False`` and
  ``topic_vectors=False`` (annotation, scores, journeys only);
- **with**: ``analyze`` with all three on, then ``assign_new`` (``empathos topics`` on a
  store that already has a model: only the new contacts are assigned).

The two alternate in ABBA order across repetitions (a warm-up pair runs first and is not
counted), so drift of the shared machine's load hits both alike. Reported per backend:
the median wall time of each, the added share ``with / without - 1`` of each ABBA pair
(median, min, max over the pairs), the in-run share (the three parts' own seconds over
the rest of the same run, the vectors annotation leaves for topics counted as a part:
less exposed to load drift), the added share in process CPU time (the same pairs; what
other jobs on a shared machine move least), and each part's milliseconds per contact.
Writes ``bench/results/analyze_overhead.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "results" / "analyze_overhead.json"
BUDGET = 0.20


def _store(tmp: Path, customers: int, days: int, seed: int) -> tuple[Path, int, int]:
    from sqlalchemy import func, select

    from empathos.simulate import preset, run_simulation
    from empathos.simulate.store import store_simulation
    from empathos.store import init_db, make_engine
    from empathos.store.schema import interactions, turns

    path = tmp / "pristine.db"
    engine = make_engine(f"sqlite:///{path}")
    init_db(engine)
    cfg = preset("small", seed=seed, customers=customers, days=days)
    run_simulation(cfg, tmp / "sim", progress=False)
    store_simulation(tmp / "sim", engine)
    with engine.connect() as conn:
        n_i = conn.execute(select(func.count()).select_from(interactions)).scalar_one()
        n_t = conn.execute(select(func.count()).select_from(turns)).scalar_one()
    engine.dispose()
    return path, int(n_i), int(n_t)


def _use_cache(path: Path) -> None:
    """Point the embedding cache at ``path`` (a fresh file: cold, as for new contacts)."""
    from empathos.understand import embeddings as emb

    emb.cache_path = lambda: path  # type: ignore[assignment]


def _fitted(tmp: Path, pristine: Path, backend: str) -> Path:
    from empathos.store import make_engine
    from empathos.understand.pipeline.topics import fit_from_store
    from empathos.understand.topics import TopicConfig

    path = tmp / f"fitted-{backend}.db"
    shutil.copy(pristine, path)
    engine = make_engine(f"sqlite:///{path}")
    _use_cache(tmp / f"emb-fit-{backend}.sqlite")
    try:
        fit_from_store(engine, TopicConfig(seed=0), encoder=_encoder_of(backend))
    except ImportError:  # code before encoder_for (--before runs): USE for every backend
        fit_from_store(engine, TopicConfig(seed=0))
    engine.dispose()
    return path


def _encoder_of(backend: str) -> str:
    from empathos.understand.pipeline.topics import encoder_for

    return encoder_for(backend)


from empathos.understand.pipeline import qa as _QA  # noqa: E402 - the real QA step


def _one(tmp: Path, fitted: Path, models: tuple, on: bool, tag: str) -> dict:
    from empathos.store import make_engine
    from empathos.understand.pipeline import AnalyzeConfig, analyze
    from empathos.understand.pipeline.topics import assign_new

    path = tmp / f"run-{tag}.db"
    shutil.copy(fitted, path)
    engine = make_engine(f"sqlite:///{path}")
    _use_cache(tmp / f"emb-{tag}.sqlite")
    import dataclasses

    import empathos.understand.pipeline as pipeline

    fields = {f.name for f in dataclasses.fields(AnalyzeConfig)}
    switches = {k: on for k in ("predict_csat", "auto_qa", "topic_vectors") if k in fields}
    cfg = AnalyzeConfig(**switches)
    if "auto_qa" not in fields:  # code before the switch (--before runs): QA step patched out
        pipeline.qa = _QA if on else (lambda run: None)
    from empathos.understand import embeddings as emb

    kept = [0.0]
    remember = getattr(emb, "remember", None)
    if remember is not None:  # time what annotation spends leaving vectors for topics

        def timed(*a, **k):  # noqa: ANN002, ANN003, ANN202
            t = time.perf_counter()
            remember(*a, **k)
            kept[0] += time.perf_counter() - t

        emb.remember = timed
    c0, t0 = time.process_time(), time.perf_counter()
    rep = analyze(engine, *models, progress=False, config=cfg)
    t1 = time.perf_counter()
    assigned = assign_new(engine)[0] if on else 0
    t2, c2 = time.perf_counter(), time.process_time()
    if remember is not None:
        emb.remember = remember
    engine.dispose()
    path.unlink()
    return {
        "with": on,
        "wall_s": t2 - t0,
        "cpu_s": c2 - c0,  # this process's CPU (annotation is serial below 20k turns)
        "analyze_s": t1 - t0,
        "csat_s": rep.csat_seconds,
        "qa_s": rep.qa_seconds,
        "topics_s": t2 - t1,
        "vectors_kept_s": kept[0],
        "contacts": rep.interactions_scored,
        "turns": rep.turns_emotion + rep.turns_empathy,
        "assigned": assigned,
    }


def _summary(runs: list[dict]) -> dict:
    base = [r for r in runs if not r["with"]]
    full = [r for r in runs if r["with"]]
    pairs = [f["wall_s"] / b["wall_s"] - 1 for b, f in zip(base, full, strict=True)]
    cpu = [f["cpu_s"] / b["cpu_s"] - 1 for b, f in zip(base, full, strict=True) if "cpu_s" in b]
    parts = [r["csat_s"] + r["qa_s"] + r["topics_s"] + r["vectors_kept_s"] for r in full]
    in_run = [p / (r["wall_s"] - p) for p, r in zip(parts, full, strict=True)]
    n = full[0]["contacts"]

    def ms(key: str) -> float:
        return 1000 * statistics.median(r[key] for r in full) / max(1, n)

    med_base = statistics.median(r["wall_s"] for r in base)
    return {
        "contacts": n,
        "turns": full[0]["turns"],
        "without_s_median": med_base,
        "with_s_median": statistics.median(r["wall_s"] for r in full),
        "added_share_wall": {
            "median": statistics.median(pairs),
            "min": min(pairs),
            "max": max(pairs),
            "pairs": pairs,
        },
        "added_share_cpu": {  # the same pairs in process CPU time: what load drift moves least
            "median": statistics.median(cpu) if cpu else None,
            "min": min(cpu, default=None),
            "max": max(cpu, default=None),
        },
        "added_share_in_run": {
            "median": statistics.median(in_run),
            "min": min(in_run),
            "max": max(in_run),
        },
        "ms_per_contact": {
            "analyze_without": 1000 * med_base / max(1, n),
            "predicted_csat": ms("csat_s"),
            "auto_qa": ms("qa_s"),
            "topics_assign": ms("topics_s"),
            "topics_vectors_kept_in_analyze": ms("vectors_kept_s"),
        },
        "budget": BUDGET,
        "met_wall": statistics.median(pairs) <= BUDGET,
        "met_in_run": statistics.median(in_run) <= BUDGET,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--customers", type=int, default=300)
    p.add_argument("--days", type=int, default=20)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--backends", default="default,fast")
    p.add_argument("--reps", type=int, default=3, help="ABBA pairs counted per backend")
    p.add_argument("--out", type=Path, default=OUT, help="JSON to write (e.g. a run on older code)")
    args = p.parse_args(argv)
    from empathos.understand.pipeline.run import resolve_models

    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    load_before = os.getloadavg()
    result: dict = {"backends": {}}
    with tempfile.TemporaryDirectory(prefix="empathos-overhead-") as d:
        tmp = Path(d)
        pristine, n_i, n_t = _store(tmp, args.customers, args.days, args.seed)
        result["data"] = (
            f"simulated (preset small, seed {args.seed}, {args.customers} customers, "
            f"{args.days} days): {n_i} contacts, {n_t} turns"
        )
        models, fitted, runs = {}, {}, {}
        for b in backends:
            em, pm = resolve_models(b, b)
            em.predict_proba(["warm up"])
            pm.predict_proba(["warm up"], ["warm up"])
            models[b] = (em, pm)
            fitted[b] = _fitted(tmp, pristine, b)
            runs[b] = []
            for on in (False, True):  # warm-up pair (word caches, imports): not counted
                _one(tmp, fitted[b], models[b], on, f"{b}-warm-{on}")
        for k in range(args.reps):
            for b in backends:
                order = (False, True) if k % 2 == 0 else (True, False)
                for on in order:
                    r = _one(tmp, fitted[b], models[b], on, f"{b}-{k}-{on}")
                    runs[b].append(r)
                    print(
                        f"{b} rep {k} {'with' if on else 'without'}: {r['wall_s']:.2f}s "
                        f"(csat {r['csat_s']:.3f}, qa {r['qa_s']:.3f}, topics {r['topics_s']:.3f})",
                        flush=True,
                    )
        for b in backends:
            result["backends"][b] = {"summary": _summary(runs[b]), "runs": runs[b]}
    result["machine"] = {
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
    }
    result["reps"] = args.reps
    print(f"\n## Cost of predicted CSAT + auto-QA + topics in `analyze` — {result['data']}")
    print(
        "| backend | analyze without (s) | with (s) | added (wall, median [min, max]) | "
        "added (in-run) | analyze ms/contact | CSAT ms/contact | QA ms/contact | "
        "topics ms/contact (assign + vectors kept) | ≤ 20 % (wall median) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for b, v in result["backends"].items():
        s = v["summary"]
        w, ir, m = s["added_share_wall"], s["added_share_in_run"], s["ms_per_contact"]
        print(
            f"| {b} | {s['without_s_median']:.2f} | {s['with_s_median']:.2f} | "
            f"{w['median']:+.1%} [{w['min']:+.1%}, {w['max']:+.1%}] | {ir['median']:+.1%} | "
            f"{m['analyze_without']:.2f} | {m['predicted_csat']:.3f} | {m['auto_qa']:.3f} | "
            f"{m['topics_assign']:.3f} + {m['topics_vectors_kept_in_analyze']:.3f} | "
            f"{'met' if s['met_wall'] else 'not met'} |"
        )
    for b, v in result["backends"].items():
        c = v["summary"]["added_share_cpu"]
        if c["median"] is not None:
            print(
                f"{b}: added in process CPU time {c['median']:+.1%} "
                f"[{c['min']:+.1%}, {c['max']:+.1%}] (same pairs; less exposed to the load)"
            )
    la = result["machine"]
    print(
        f"{args.reps} ABBA pairs per backend after a warm-up pair; load average "
        f"{la['load_average_before'][0]:.1f} before, {la['load_average_after'][0]:.1f} after"
    )
    import empathos

    result["code"] = str(Path(empathos.__file__).resolve().parent)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
