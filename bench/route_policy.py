"""In-process cost of one routing decision: the ``empathy`` policy against the ``fifo``
baseline, measured in the same run, on synthetic pod states of 20, 100 and 300 members.

    .venv/bin/python bench/route_policy.py [--repeat N] [--seed S]

What is timed (per call, median of ``--repeat`` rounds of a batch of calls):
``fifo.route``, ``empathy.route`` (fast path: every member's score, only the winner
explained), ``empathy.decide`` (the full explanation: every member's parts and sentence),
``score_members`` (all members, and ``limit=5``) and ``fast_scores``. Each figure is also given as a
ratio to
``fifo.route`` on the same state. Times are CPU time of this process per call. Members and contacts
are drawn at random (languages,
skills, empathy styles, load) — synthetic, not real or simulated contact data. The HTTP
path (server, JSON, store) is measured by ``bench/route_load.py``.

Writes bench/results/route_policy.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from empathos.act.routing import ContactRequest, MemberState, PodState, get_policy
from empathos.act.scoring import fast_scores, score_members

ROOT = Path(__file__).resolve().parents[1]
LANGS = ["en", "de", "fr", "es", "it", "pl"]
NEEDS = ["billing", "technical", "sales", "complaint", "cancellation", "delivery", "account"]
EMOTIONS = ["anger", "frustration", "anxiety", "sadness", "confusion", "neutral", "joy"]


def pod_state(n: int, rng: random.Random) -> PodState:
    """``n`` members in pods of 8, about 60 % free, random skills/languages/styles."""
    s = PodState(now=600.0)
    for i in range(n):
        eid, pod = f"e-{i:04d}", f"pod-{i // 8 + 1}"
        m = MemberState(
            employee_id=eid,
            pod_id=pod,
            function="service",
            skills=frozenset(rng.sample(NEEDS, rng.randint(2, 5))),
            languages=frozenset(rng.sample(LANGS, rng.randint(1, 3))),
            capacity=rng.choice([1, 1, 2]),
            idle_since=rng.uniform(0, 600),
            competence=rng.random(),
            empathy={
                "emotional_reaction": rng.random(),
                "interpretation": rng.random(),
                "exploration": rng.random(),
            },
        )
        m.load = 0 if rng.random() < 0.6 else m.capacity
        s.members[eid] = m
        s.pod_members.setdefault(pod, []).append(eid)
        if m.available:
            s.free[eid] = None
    return s


def contacts(n_pods: int, rng: random.Random, k: int = 64) -> list[ContactRequest]:
    return [
        ContactRequest(
            contact_id=f"c-{j}",
            customer_id=f"cu-{j}",
            channel=rng.choice(["voice", "chat", "email"]),
            need=rng.choice(NEEDS),
            language=rng.choice(LANGS),
            pod_id=f"pod-{rng.randint(1, n_pods)}",
            emotion=rng.choice(EMOTIONS),
            valence=rng.uniform(-1, 0.5),
            intensity=rng.random(),
        )
        for j in range(k)
    ]


def per_call_us(
    fns: dict[str, Callable[[ContactRequest], object]], batch: list[ContactRequest], repeat: int
) -> dict[str, float]:
    """Median over ``repeat`` rounds of the mean CPU µs per call over the batch.

    CPU time of this process (``process_time``), not wall time: on a shared machine a
    longer burst is more likely to be preempted, which inflated slow calls superlinearly
    in wall time here (load average 12 on 2 cores). The calls are interleaved round by
    round so drifts hit all of them alike."""
    rounds: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            t = time.process_time()
            for c in batch:
                fn(c)
            rounds[name].append((time.process_time() - t) / len(batch) * 1e6)
    return {name: statistics.median(v) for name, v in rounds.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=31)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    fifo, empathy = get_policy("fifo"), get_policy("empathy")
    rows = []
    for n in (20, 100, 300):
        s = pod_state(n, rng)
        batch = contacts(len(s.pod_members), rng)
        timings = per_call_us(
            {
                "fifo.route": lambda c, s=s: fifo.route(c, s),
                "empathy.route": lambda c, s=s: empathy.route(c, s),
                "empathy.decide": lambda c, s=s: empathy.decide(c, s),  # type: ignore[attr-defined]
                "score_members": lambda c, s=s: score_members(c, s),
                "score_members[:5]": lambda c, s=s: score_members(c, s, limit=5),
                "fast_scores": lambda c, s=s: fast_scores(c, s),
            },
            batch,
            args.repeat,
        )
        base = timings["fifo.route"]
        for name, us in timings.items():
            rows.append(
                {
                    "members": n,
                    "call": name,
                    "us_per_call": round(us, 1),
                    "x_fifo": round(us / base, 1),
                }
            )
    print(f"{'members':>7}  {'call':<17} {'CPU µs/call':>11} {'× fifo':>7}")
    for r in rows:
        print(f"{r['members']:>7}  {r['call']:<17} {r['us_per_call']:>11.1f} {r['x_fifo']:>7.1f}")
    out = ROOT / "bench" / "results" / "route_policy.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "data": (
                    "synthetic pod states (random members and contacts), not real or simulated "
                    "contacts"
                ),
                "python": platform.python_version(),
                "machine": platform.machine(),
                "repeat": args.repeat,
                "seed": args.seed,
                "clock": "process_time (CPU time of this process)",
                "rows": rows,
            },
            indent=1,
        ),
        encoding="utf-8",
    )
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
