"""Online routing in the simulator: does the Thompson-sampling bandit beat FIFO, and how fast?

    .venv/bin/python bench/learn_curve.py [--preset demo] [--seeds 7,8,9] [--days 60] [--workers 2]
                                         [--store-report 5000,60] [--cache DIR]

For each seed the same simulated company (``preset``, default ``demo``: 5,000 customers,
60 days, ~26k contacts, 30 employees in 5 pods) is run once per policy:

* ``fifo`` — the skills-based FIFO baseline (longest-idle qualified member);
* ``bandit`` — ``empathos.learn.bandit.BanditPolicy`` learning online from the *true*
  remembered score of each contact (the simulator's ground truth, delivered when the
  contact ends);
* ``bandit_noisy`` — the same, but learning from the true score + N(0, 0.3²) noise, a
  stand-in for learning from the understand stage's *estimated* score (its error on the
  simulated text is of that order; see docs/understand.md);
* ``controlled`` — ``ControlledPolicy(bandit, fifo)`` with 20 % of contacts (by hash) in a
  FIFO control arm: the lift as it would be measured in production, inside one run;
* ``empathy`` — the act stage's policy, when it is registered;
* ``competence_oracle`` — reference only: among the same eligible members, the one with
  the highest *true* competence (the simulator exposes it); an upper-ish bound of what
  picking members can gain here, not a deployable policy.

Measured on the simulator's ground truth (every contact's true remembered score, true
churn probability, resolution; customers who churned after a contact): per policy the
means over seeds, the lift over FIFO pooled over seeds with a Welch t CI (two-proportion z
for rates), the learning curve (mean remembered score per block of contacts seen, in the
order contacts end) and the number of contacts after which the bandit's curve stays above
FIFO's. Runs are independent processes (``--workers``). All figures are SIMULATED.

``--store-report CUSTOMERS,DAYS`` adds the production path: one controlled run ingested
into a fresh SQLite store, annotated by the lexicon models, and measured by
``experiment_report`` from the store alone (estimated scores, stored outcomes).
``--cache DIR`` keeps finished runs so an interrupted bench resumes.

Writes bench/results/learn_curve.json and bench/results/learn_curve.png.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
BLOCK = 1000
"""Contacts per learning-curve block."""
ROLL = 2000
"""Window of the rolling mean in the plot."""
CACHE_VERSION = "v2"
"""Bumped when what a run records changes, so a stale cache is not reused."""


TYPICAL_Z = (1.0, 0.3, 0.4)
"""Member features of a typical contact (intercept, negativity, intensity) at which the
bandit's per-member effect is read for the estimate-vs-truth curve."""


@dataclass
class Recorder:
    """Wraps a policy: passes decisions through and records each contact's true outcome
    (in the order contacts end) before handing it to the policy's own ``learn``. For a
    bandit it also records, every ``BLOCK`` contacts, how well its member estimates rank
    the members' true competence (Spearman; the simulator exposes the truth)."""

    inner: Any
    name: str = ""
    rows: list[tuple[str, float, float, float, int]] = field(default_factory=list)
    rank_curve: list[tuple[int, float, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        from empathos.act.routing import LearningPolicy

        self.name = self.inner.name
        self._learn = self.inner.learn if isinstance(self.inner, LearningPolicy) else None
        bandit = getattr(self.inner, "treatment", self.inner)
        self._bandit = bandit if hasattr(bandit, "members") else None
        self._state: Any = None

    def route(self, contact: Any, state: Any) -> Any:
        self._state = state
        return self.inner.route(contact, state)

    def learn(self, contact: Any, served_by: Sequence[str], outcome: Mapping[str, float]) -> None:
        self.rows.append(
            (
                contact.contact_id,
                outcome["remembered"],
                outcome["churn_probability"],
                outcome["resolved"],
                len(served_by),
            )
        )
        if self._learn is not None:
            self._learn(contact, served_by, outcome)
        if self._bandit is not None and len(self.rows) % BLOCK == 0 and self._state is not None:
            self.rank_curve.append((len(self.rows), *self._rank_agreement()))

    def _rank_agreement(self) -> tuple[float, int]:
        from scipy.stats import spearmanr

        z = np.asarray(TYPICAL_Z)
        members = self._state.members
        pairs = [
            (float(z @ m.mean), members[e].competence)
            for e, m in self._bandit.members.items()
            if m.n >= 5 and e in members
        ]
        if len(pairs) < 3:
            return float("nan"), len(pairs)
        est, true = zip(*pairs, strict=True)
        return float(spearmanr(est, true).statistic), len(pairs)


@dataclass
class CompetenceOracle:
    """Reference, not a policy to deploy: fifo's eligible set, highest true competence."""

    name: str = "competence_oracle"

    def __post_init__(self) -> None:
        from empathos.act.routing import FifoSkillsPolicy

        self.fifo = FifoSkillsPolicy()

    def route(self, contact: Any, state: Any) -> Any:
        d = self.fifo.route(contact, state)
        if d.employee_id is None or d.fell_back or len(d.scores) < 2:
            return d
        best = max(d.scores, key=lambda e: state.members[e].competence)
        d.employee_id, d.pod_id = best, state.members[best].pod_id
        d.reason = "highest true competence (oracle)"
        return d


def build_policy(name: str, seed: int) -> Any:
    from empathos.act.routing import get_policy
    from empathos.learn.bandit import BanditPolicy
    from empathos.learn.experiments import ControlledPolicy, ExperimentConfig

    if name == "bandit":
        return BanditPolicy(seed=seed)
    if name == "bandit_noisy":
        noise = random.Random(seed + 1000)
        p = BanditPolicy(seed=seed, reward=lambda o: float(o["remembered"]) + noise.gauss(0.0, 0.3))
        p.name = "bandit_noisy"
        return p
    if name == "controlled":
        cfg = ExperimentConfig(
            name=f"bench-{seed}", treatment="bandit", control="fifo", control_share=0.2
        )
        return ControlledPolicy(BanditPolicy(seed=seed), "fifo", config=cfg)
    if name == "competence_oracle":
        return CompetenceOracle()
    return get_policy(name)


def available(names: list[str]) -> list[str]:
    """Drop names that are neither an installed policy nor one of this bench's variants."""
    from empathos.act.routing import available_policies

    known = set(available_policies()) | {"bandit_noisy", "controlled", "competence_oracle"}
    return [n for n in names if n in known]


def run_one(args: tuple[str, str, int, int | None, str | None]) -> dict[str, Any]:
    """One simulation; returns per-contact outcomes (end order) and the run's report.
    With a cache folder, a finished run is kept there and reused (a long bench that is
    interrupted resumes where it stopped)."""
    policy_name, preset_name, seed, days, cache = args
    cached = (
        Path(cache) / f"{preset_name}_{days}_{policy_name}_{seed}_{CACHE_VERSION}.json"
        if cache
        else None
    )
    if cached is not None and cached.exists():
        return json.loads(cached.read_text())
    result = _simulate(policy_name, preset_name, seed, days)
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps(result))
    print(
        f"  {policy_name} seed {seed}: {result['report']['contacts']:,} contacts, "
        f"{result['wall_s']:.0f} s",
        file=sys.stderr,
        flush=True,
    )
    return result


def _simulate(policy_name: str, preset_name: str, seed: int, days: int | None) -> dict[str, Any]:
    import empathos.learn.bandit  # noqa: F401  registers "bandit"
    from empathos.simulate import preset, run_simulation

    overrides: dict[str, Any] = {"seed": seed}
    if days:
        overrides["days"] = days
    cfg = preset(preset_name, **overrides)
    policy = build_policy(policy_name, seed)
    rec = Recorder(policy)
    out = Path(tempfile.mkdtemp(prefix=f"learncurve_{policy_name}_{seed}_"))
    t0 = time.perf_counter()
    try:
        report = run_simulation(cfg, out, progress=False, policy=rec)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    wall = time.perf_counter() - t0
    arms = policy.arms() if hasattr(policy, "arms") else {}
    inner = getattr(policy, "treatment", policy)
    return {
        "policy": policy_name,
        "seed": seed,
        "wall_s": round(wall, 2),
        "report": report.to_dict(),
        "ids": [r[0] for r in rec.rows],
        "remembered": [r[1] for r in rec.rows],
        "p_churn": [r[2] for r in rec.rows],
        "resolved": [r[3] for r in rec.rows],
        "served": [r[4] for r in rec.rows],
        "arms": [arms.get(r[0], "") for r in rec.rows] if arms else [],
        "bandit_stats": inner.stats() if hasattr(inner, "stats") else None,
        "rank_curve": rec.rank_curve,
    }


def block_means(values: Sequence[float], block: int = BLOCK) -> list[float]:
    a = np.asarray(values, dtype=float)
    n = len(a) // block
    return [float(a[i * block : (i + 1) * block].mean()) for i in range(n)]


def rolling(values: Sequence[float], window: int = ROLL) -> np.ndarray:
    a = np.asarray(values, dtype=float)
    c = np.cumsum(np.insert(a, 0, 0.0))
    return (c[window:] - c[:-window]) / window


def crossover(treat_blocks: list[float], base_blocks: list[float]) -> int | None:
    """Contacts seen after which every later block of the treatment beats the baseline
    (None: it never stays ahead)."""
    n = min(len(treat_blocks), len(base_blocks))
    ahead = [treat_blocks[i] > base_blocks[i] for i in range(n)]
    for i in range(n):
        if all(ahead[i:]):
            return i * BLOCK
    return None


def summarise(runs: list[dict[str, Any]], policies: list[str], seeds: list[int]) -> dict[str, Any]:
    from empathos.learn.lift import proportion_lift, welch_lift

    by = {(r["policy"], r["seed"]): r for r in runs}
    rows = []
    for p in policies:
        rs = [by[(p, s)] for s in seeds]
        rep = [r["report"] for r in rs]
        customers = sum(x["customers"] for x in rep)
        rows.append(
            {
                "policy": p,
                "seeds": len(rs),
                "contacts": int(np.mean([x["contacts"] for x in rep])),
                "remembered": float(np.mean(np.concatenate([r["remembered"] for r in rs]))),
                "p_churn_per_contact": float(np.mean(np.concatenate([r["p_churn"] for r in rs]))),
                "resolved": float(np.mean(np.concatenate([r["resolved"] for r in rs]))),
                "churned_after_contact_share": sum(x["churned_experience"] for x in rep)
                / customers,
                "abandoned_share": sum(x["abandoned"] for x in rep)
                / max(1, sum(x["contacts"] for x in rep)),
                "mean_wait_live_min": float(np.mean([x["mean_wait_live_min"] for x in rep])),
                "employees_left": float(np.mean([x["employees_left"] for x in rep])),
                "wall_s": float(np.mean([r["wall_s"] for r in rs])),
                "explore_rate": (
                    float(np.mean([r["bandit_stats"]["explore_rate"] for r in rs]))
                    if rs[0]["bandit_stats"]
                    else None
                ),
            }
        )
    lifts: dict[str, list[dict[str, Any]]] = {}
    curves: dict[str, Any] = {}
    base = [by[("fifo", s)] for s in seeds]
    nb0 = min(len(r["remembered"]) for r in base) // BLOCK
    base_blocks = np.mean([block_means(r["remembered"])[:nb0] for r in base], axis=0).tolist()
    for p in policies:
        if p == "fifo":
            continue
        rs = [by[(p, s)] for s in seeds]
        cat = lambda runs_, k: np.concatenate([r[k] for r in runs_])  # noqa: E731
        cust_t = [by[(p, s)]["report"] for s in seeds]
        cust_c = [r["report"] for r in base]
        churn_t = np.concatenate(
            [
                np.r_[
                    np.ones(x["churned_experience"]),
                    np.zeros(x["customers"] - x["churned_experience"]),
                ]
                for x in cust_t
            ]
        )
        churn_c = np.concatenate(
            [
                np.r_[
                    np.ones(x["churned_experience"]),
                    np.zeros(x["customers"] - x["churned_experience"]),
                ]
                for x in cust_c
            ]
        )
        lifts[p] = [
            welch_lift(
                "remembered", cat(rs, "remembered"), cat(base, "remembered"), "simulated"
            ).to_dict(),
            welch_lift(
                "p_churn_per_contact", cat(rs, "p_churn"), cat(base, "p_churn"), "simulated"
            ).to_dict(),
            proportion_lift(
                "resolved", cat(rs, "resolved"), cat(base, "resolved"), "simulated"
            ).to_dict(),
            proportion_lift(
                "customers_churned_after_contact", churn_t, churn_c, "simulated"
            ).to_dict(),
        ]
        nb = min(len(block_means(r["remembered"])) for r in rs)
        blocks = np.mean([block_means(r["remembered"])[:nb] for r in rs], axis=0).tolist()
        curves[p] = {"blocks": blocks, "crossover_contacts": crossover(blocks, base_blocks)}
    curves["fifo"] = {"blocks": base_blocks, "crossover_contacts": None}
    for p in policies:
        rc = [by[(p, s)].get("rank_curve") or [] for s in seeds]
        if all(rc):
            n = min(len(x) for x in rc)
            curves[p]["competence_rank_corr"] = [
                {
                    "contacts": rc[0][i][0],
                    "spearman_mean": float(np.nanmean([x[i][1] for x in rc])),
                    "members_min": int(min(x[i][2] for x in rc)),
                }
                for i in range(n)
            ]
    within = (
        within_run_lifts([by[("controlled", s)] for s in seeds])
        if "controlled" in policies
        else None
    )
    return {
        "table": rows,
        "lift_vs_fifo_runs": lifts,
        "curves": curves,
        "controlled_within_run": within,
    }


def within_run_lifts(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Treatment vs control inside the controlled runs (pooled over seeds, and by seed)."""
    from empathos.learn.lift import proportion_lift, welch_lift

    def arms(r: dict[str, Any], key: str) -> tuple[np.ndarray, np.ndarray]:
        v, a = np.asarray(r[key], dtype=float), np.asarray(r["arms"])
        return v[a == "treatment"], v[a == "control"]

    pooled_t = {
        k: np.concatenate([arms(r, k)[0] for r in runs])
        for k in ("remembered", "p_churn", "resolved")
    }
    pooled_c = {
        k: np.concatenate([arms(r, k)[1] for r in runs])
        for k in ("remembered", "p_churn", "resolved")
    }
    out: dict[str, Any] = {
        "control_share_observed": float(
            len(pooled_c["remembered"])
            / (len(pooled_c["remembered"]) + len(pooled_t["remembered"]))
        ),
        "pooled": [
            welch_lift(
                "remembered", pooled_t["remembered"], pooled_c["remembered"], "simulated"
            ).to_dict(),
            welch_lift(
                "p_churn_per_contact", pooled_t["p_churn"], pooled_c["p_churn"], "simulated"
            ).to_dict(),
            proportion_lift(
                "resolved", pooled_t["resolved"], pooled_c["resolved"], "simulated"
            ).to_dict(),
        ],
        "by_seed": [
            {
                "seed": r["seed"],
                **welch_lift("remembered", *arms(r, "remembered"), "simulated").to_dict(),
            }
            for r in runs
        ],
    }
    # after the first half of the contacts (the bandit has learned): the steady-state lift
    late_t, late_c = [], []
    for r in runs:
        half = len(r["remembered"]) // 2
        t, c = arms(
            {**r, "remembered": r["remembered"][half:], "arms": r["arms"][half:]}, "remembered"
        )
        late_t.append(t)
        late_c.append(c)
    out["pooled_second_half"] = welch_lift(
        "remembered", np.concatenate(late_t), np.concatenate(late_c), "simulated"
    ).to_dict()
    out["cumulative"] = cumulative_lift(runs)
    ahead = [c["contacts_per_seed"] for c in out["cumulative"] if c["ci_low"] > 0]
    out["contacts_until_ci_excludes_zero"] = _first_lasting(out["cumulative"])
    out["any_look_significant"] = bool(ahead)
    return out


def cumulative_lift(runs: list[dict[str, Any]], step: int = 2000) -> list[dict[str, Any]]:
    """Treatment − control on the remembered score over the first n contacts of each
    controlled run (pooled over seeds), for growing n: when the measured lift appears."""
    out = []
    n_max = min(len(r["remembered"]) for r in runs)
    for n in range(step, n_max + 1, step):
        t = np.concatenate(
            [
                np.asarray(r["remembered"][:n])[np.asarray(r["arms"][:n]) == "treatment"]
                for r in runs
            ]
        )
        c = np.concatenate(
            [np.asarray(r["remembered"][:n])[np.asarray(r["arms"][:n]) == "control"] for r in runs]
        )
        from empathos.learn.lift import welch_lift

        x = welch_lift("remembered", t, c, "simulated")
        out.append(
            {
                "contacts_per_seed": n,
                "diff": x.diff,
                "ci_low": x.ci_low,
                "ci_high": x.ci_high,
                "p_value": x.p_value,
                "n_treatment": x.n_treatment,
                "n_control": x.n_control,
            }
        )
    return out


def _first_lasting(curve: list[dict[str, Any]]) -> int | None:
    """Contacts per seed from which the cumulative CI excludes zero at every later look."""
    for i, c in enumerate(curve):
        if all(x["ci_low"] > 0 for x in curve[i:]):
            return c["contacts_per_seed"]
    return None


def plot(
    runs: list[dict[str, Any]],
    policies: list[str],
    seeds: list[int],
    summary: dict[str, Any],
    path: Path,
) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    by = {(r["policy"], r["seed"]): r for r in runs}
    fig, (ax, ax2, ax3) = plt.subplots(1, 3, figsize=(17, 5))
    styles = {
        "fifo": "k-",
        "bandit": "C0-",
        "bandit_noisy": "C0--",
        "controlled": "C2-",
        "empathy": "C1-",
        "competence_oracle": "0.6",
    }
    for p in policies:
        curves = [rolling(by[(p, s)]["remembered"]) for s in seeds]
        n = min(len(c) for c in curves)
        mean = np.mean([c[:n] for c in curves], axis=0)
        x = np.arange(n) + ROLL
        ax.plot(x, mean, styles.get(p, "-"), lw=1.4 if p in ("fifo", "bandit") else 1.0, label=p)
    ax.set_xlabel("contacts seen (in the order they end)")
    ax.set_ylabel(f"true remembered score, rolling mean of {ROLL:,} contacts")
    ax.set_title(f"separate runs, mean of {len(seeds)} seeds")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left", fontsize=8)
    w = summary.get("controlled_within_run")
    if w:
        cum = w["cumulative"]
        x = [c["contacts_per_seed"] for c in cum]
        ax2.plot(x, [c["diff"] for c in cum], "C2-", label="treatment − control")
        ax2.fill_between(
            x,
            [c["ci_low"] for c in cum],
            [c["ci_high"] for c in cum],
            color="C2",
            alpha=0.2,
            label="95% Welch CI",
        )
        ax2.axhline(0, color="k", lw=0.8)
        ax2.set_xlabel("first n contacts of each controlled run")
        ax2.set_ylabel("lift in remembered score (pooled over seeds)")
        ax2.set_title("within-run lift: bandit vs 20% FIFO control")
        ax2.grid(alpha=0.3)
        ax2.legend(fontsize=8)
    for p in policies:
        rc = summary["curves"].get(p, {}).get("competence_rank_corr")
        if rc:
            ax3.plot(
                [c["contacts"] for c in rc],
                [c["spearman_mean"] for c in rc],
                styles.get(p, "-"),
                label=p,
            )
    ax3.axhline(0, color="k", lw=0.8)
    ax3.set_ylim(-0.2, 1.0)
    ax3.set_xlabel("contacts seen")
    ax3.set_ylabel("Spearman(member estimate, true competence)")
    ax3.set_title("what the bandit has learned about members")
    ax3.grid(alpha=0.3)
    ax3.legend(fontsize=8)
    fig.suptitle(f"Online routing vs FIFO — SIMULATED (demo company, {len(seeds)} seeds)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def store_report(seed: int, customers: int, days: int) -> dict[str, Any]:
    """The production path on simulated data: a controlled run is ingested into a fresh
    SQLite store, annotated by the lexicon models, and ``experiment_report`` measures the
    lift on the *estimated* scores and the stored outcomes (not the simulator's truth)."""
    from empathos.learn.experiments import ExperimentConfig, experiment_report, simulate_experiment
    from empathos.simulate import preset
    from empathos.store import init_db, make_engine
    from empathos.understand.pipeline import analyze

    tmp = Path(tempfile.mkdtemp(prefix="learncurve_store_"))
    try:
        engine = make_engine(f"sqlite:///{tmp / 'store.db'}")
        init_db(engine)
        cfg = ExperimentConfig(
            name=f"bench-store-{seed}", treatment="bandit", control="fifo", control_share=0.2
        )
        t0 = time.perf_counter()
        simulate_experiment(
            engine, preset("demo", seed=seed, customers=customers, days=days), cfg, tmp / "sim"
        )
        analyze(engine, "lexicon", "lexicon", progress=False)
        rep = experiment_report(engine, cfg.name, churn_window_days=14, bootstrap=True)
        engine.dispose()
        return {
            "seed": seed,
            "customers": customers,
            "days": days,
            "wall_s": round(time.perf_counter() - t0, 1),
            **rep.to_dict(),
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def fmt(x: float | None, spec: str = ".4f") -> str:
    return "—" if x is None else format(x, spec)


def main() -> None:
    from empathos.learn.lift import fmt_figure  # an undefined figure (None) prints as nan

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--preset", default="demo")
    ap.add_argument("--days", type=int, default=None, help="override the preset's days")
    ap.add_argument("--seeds", default="7,8,9")
    ap.add_argument(
        "--policies", default="fifo,bandit,bandit_noisy,controlled,empathy,competence_oracle"
    )
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--no-plot", action="store_true")
    ap.add_argument(
        "--cache", default=None, help="keep each finished run here and reuse it (resumable)"
    )
    ap.add_argument(
        "--store-report",
        default=None,
        metavar="CUSTOMERS,DAYS",
        help="also run one controlled experiment through the store (ingest, lexicon analyze, "
        "experiment_report on estimated scores), e.g. 2000,30; slow",
    )
    args = ap.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    wanted = args.policies.split(",")
    if "fifo" not in wanted:
        wanted.insert(0, "fifo")
    policies = available(wanted)
    jobs = [(p, args.preset, s, args.days, args.cache) for s in seeds for p in policies]
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        runs = list(pool.map(run_one, jobs))
    wall = time.perf_counter() - t0
    summary = summarise(runs, policies, seeds)

    print(
        f"\nOnline routing vs FIFO — SIMULATED ({args.preset}, seeds {args.seeds}; {len(runs)} "
        f"runs, {wall:.0f} s)\n"
    )
    print(
        "| policy | contacts/run | remembered | P(churn)/contact | resolved | churned after "
        "contact | abandoned | live wait min | explore rate | s/run |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in summary["table"]:
        print(
            f"| {r['policy']} | {r['contacts']:,} | {r['remembered']:+.4f} | "
            f"{r['p_churn_per_contact']:.4f} | "
            f"{r['resolved']:.3f} | {r['churned_after_contact_share']:.2%} | "
            f"{r['abandoned_share']:.2%} | "
            f"{r['mean_wait_live_min']:.2f} | {fmt(r['explore_rate'], '.2f')} | {r['wall_s']:.1f} |"
        )
    print("\nLift over FIFO (separate runs, pooled over seeds; 95% CI):\n")
    print(
        "| policy | KPI | diff | 95% CI | test | p | n policy | n fifo | contacts to stay ahead |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for p, ls in summary["lift_vs_fifo_runs"].items():
        cross = summary["curves"][p]["crossover_contacts"]
        for i, x in enumerate(ls):
            c = ("never" if cross is None else f"{cross:,}") if i == 0 else ""
            print(
                f"| {p} | {x['kpi']} | {fmt_figure(x['diff'], '+.4f')} | "
                f"[{fmt_figure(x['ci_low'], '+.4f')}, {fmt_figure(x['ci_high'], '+.4f')}] | "
                f"{x['test']} | "
                f"{fmt_figure(x['p_value'], '.2g')} | {x['n_treatment']:,} | {x['n_control']:,} | "
                f"{c} |"
            )
    w = summary["controlled_within_run"]
    if w:
        print(
            "\nControlled run (bandit, 20% FIFO control by hash; observed control share "
            f"{w['control_share_observed']:.3f}):\n"
        )
        print("| KPI | treatment | control | diff | 95% CI | test | p | n treat | n control |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for x in w["pooled"] + [dict(w["pooled_second_half"], kpi="remembered (2nd half)")]:
            print(
                f"| {x['kpi']} | {fmt_figure(x['treatment_mean'], '+.4f')} | "
                f"{fmt_figure(x['control_mean'], '+.4f')} | {fmt_figure(x['diff'], '+.4f')} | "
                f"[{fmt_figure(x['ci_low'], '+.4f')}, {fmt_figure(x['ci_high'], '+.4f')}] | "
                f"{x['test']} | {fmt_figure(x['p_value'], '.2g')} | "
                f"{x['n_treatment']:,} | {x['n_control']:,} |"
            )

        print(
            "\nCumulative within-run lift (remembered, pooled over seeds) after the first n "
            "contacts of each run:\n"
        )
        print("| n per seed | diff | 95% CI | p | n treat | n control |")
        print("| --- | --- | --- | --- | --- | --- |")
        for c in w["cumulative"][::2]:
            print(
                f"| {c['contacts_per_seed']:,} | {fmt_figure(c['diff'], '+.4f')} | "
                f"[{fmt_figure(c['ci_low'], '+.4f')}, {fmt_figure(c['ci_high'], '+.4f')}] | "
                f"{fmt_figure(c['p_value'], '.2g')} | {c['n_treatment']:,} | {c['n_control']:,} |"
            )
        first = w["contacts_until_ci_excludes_zero"]
        print(
            "\nCI excludes 0 at every later look from: "
            f"{'never' if first is None else f'{first:,} contacts per seed'}"
            " (repeated looks: read as indicative, not as a sequential test)"
        )
    for p, cv in summary["curves"].items():
        rc = cv.get("competence_rank_corr")
        if rc:
            marks = [c for c in rc if c["contacts"] in (1000, 2000, 5000, 10000, 20000)]
            print(
                f"{p}: Spearman(member estimate, true competence) "
                + ", ".join(f"{c['spearman_mean']:.2f} after {c['contacts']:,}" for c in marks)
            )

    stored = None
    if args.store_report:
        n_cust, n_days = (int(x) for x in args.store_report.split(","))
        stored = store_report(seeds[0], n_cust, n_days)
        print(
            f"\nKPI report from the store ({stored['customers']:,} customers, {stored['days']} "
            f"days, seed {stored['seed']};"
            f" scores: {stored['scores_model']}; data: {stored['source']}; {stored['wall_s']:.0f} "
            "s):\n"
        )
        print("| KPI | treatment | control | diff | 95% CI | test | p | n treat | n control |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for x in stored["lifts"]:
            print(
                f"| {x['kpi']} | {fmt_figure(x['treatment_mean'], '+.4f')} | "
                f"{fmt_figure(x['control_mean'], '+.4f')} | {fmt_figure(x['diff'], '+.4f')} | "
                f"[{fmt_figure(x['ci_low'], '+.4f')}, {fmt_figure(x['ci_high'], '+.4f')}] | "
                f"{x['test']} | {fmt_figure(x['p_value'], '.2g')} | "
                f"{x['n_treatment']:,} | {x['n_control']:,} |"
            )

    RESULTS.mkdir(parents=True, exist_ok=True)
    png = RESULTS / "learn_curve.png"
    plotted = False if args.no_plot else plot(runs, policies, seeds, summary, png)
    result = {
        "source": "simulated",
        "preset": args.preset,
        "days": args.days,
        "seeds": seeds,
        "policies": policies,
        "block_contacts": BLOCK,
        "rolling_window": ROLL,
        "wall_s": round(wall, 1),
        "workers": args.workers,
        "python": platform.python_version(),
        **summary,
        "bandit_stats": {
            f"{r['policy']}:{r['seed']}": r["bandit_stats"] for r in runs if r["bandit_stats"]
        },
        "plot": str(png.relative_to(ROOT)) if plotted else None,
        "store_report": stored,
    }
    out = RESULTS / "learn_curve.json"
    out.write_text(json.dumps(result, indent=1))
    print(f"\nwrote {out.relative_to(ROOT)}" + (f" and {png.relative_to(ROOT)}" if plotted else ""))


if __name__ == "__main__":
    main()
