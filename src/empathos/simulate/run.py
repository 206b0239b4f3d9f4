"""Run a simulation end to end: build the world, stream the records, write the truth.

``run_simulation(config, out_dir)`` is the one call the CLI, the demo and the benchmark
use. The output directory then holds the ingest files of docs/formats.md (every record
``"source": "simulated"``; ``listen.ingest_dir(out_dir, engine)`` loads them),
``truth/interactions.jsonl`` (per-turn true labels, kept out of ingest's way) and
``ground_truth.json`` (effect sizes, per-customer and per-employee latent truths, report).
"""

from __future__ import annotations

import json
import time
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path
from collections.abc import Iterator
from typing import Any

from empathos.act.routing import RoutingPolicy
from empathos.simulate.config import SimulationConfig
from empathos.simulate.engine import Simulation
from empathos.simulate.phrasebank import LANGUAGES, template_count
from empathos.simulate.writer import RecordWriter, dumps


@dataclass(slots=True)
class SimulationReport:
    """What a run produced, for people (``summary()``) and for benchmarks (``to_dict()``)."""

    out_dir: str
    policy: str
    seed: int
    customers: int
    days: int
    employees: int
    pods: int
    contacts: int
    abandoned: int
    transfers: int
    bot_resolved: int
    bot_handoffs: int
    resolved: int
    fell_back: int
    language_mismatches: int
    mean_wait_min: float
    mean_wait_live_min: float
    purchases: int
    churned_experience: int
    churned_dropout: int
    employees_left: int
    hires: int
    seconds: float
    contacts_per_second: float
    records: dict[str, int] = field(default_factory=dict)
    contacts_by_channel: dict[str, int] = field(default_factory=dict)
    distinct_utterances: dict[str, int] = field(default_factory=dict)
    templates_per_language: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def summary(self) -> str:
        c = max(1, self.contacts)
        return (
            f"{self.contacts:,} contacts ({self.contacts_per_second:,.0f}/s) from "
            f"{self.customers:,} customers over "
            f"{self.days} days, {self.employees} employees in {self.pods} pods, policy "
            f"{self.policy}\n"
            f"abandoned {self.abandoned / c:.1%}, resolved {self.resolved / c:.1%}, transfers "
            f"{self.transfers:,}, "
            f"bot resolved {self.bot_resolved:,}, mean wait {self.mean_wait_live_min:.1f} min on "
            "voice/chat "
            f"({self.mean_wait_min:.1f} min over all channels)\n"
            f"purchases {self.purchases:,}; churned: {self.churned_experience:,} after contacts, "
            f"{self.churned_dropout:,} silent dropouts; employees left {self.employees_left}\n"
            f"written to {self.out_dir}"
        )


def run_simulation(
    config: SimulationConfig,
    out_dir: Path,
    progress: bool = True,
    policy: RoutingPolicy | None = None,
    display: Any = None,
) -> SimulationReport:
    """Simulate ``config`` and write everything to ``out_dir``; deterministic for a seed.

    The routing policy is ``get_policy(config.policy)`` unless an instance is passed (e.g. a
    policy built with a model, or a "what if" variant to compare against ``fifo``).
    ``display`` is a progress display with ``rich.progress.Progress``'s ``add_task`` and
    ``update`` (the CLI's also logs lines off a terminal); without one, ``progress``
    draws a Rich bar."""
    out_dir = Path(out_dir)
    started = time.perf_counter()
    bar = display if display is not None else _progress_bar(progress)
    with (
        RecordWriter(out_dir) as writer,
        nullcontext() if display is not None else bar or nullcontext(),
    ):
        task = bar.add_task("simulating", total=config.days, unit="days") if bar else None
        on_day = (lambda d: bar.update(task, completed=d)) if bar else None
        sim = Simulation(config, writer, policy=policy, on_day=on_day)
        _write_customers(sim, writer)
        sim.run()
        if bar:
            bar.update(task, completed=config.days)
        _write_staff(sim, writer)
        elapsed = time.perf_counter() - started
        report = _report(sim, out_dir, elapsed, dict(writer.counts))
    _write_ground_truth(sim, out_dir / "ground_truth.json", report)
    return report


def _progress_bar(enabled: bool) -> Any:
    if not enabled:
        return None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("days"),
        TimeElapsedColumn(),
        transient=False,
    )


def _write_customers(sim: Simulation, writer: RecordWriter) -> None:
    """Customers are master data, known before the period starts: observable fields only."""
    for c in sim.customers:
        writer.write(
            "customers",
            {
                "customer_id": c.customer_id,
                "name": c.name,
                "segment": c.segment,
                "language": c.language,
                "created_at": c.created_at.isoformat(),
                "source": "simulated",
                "attributes": {"pod_id": c.pod_id, "preferred_channel": c.preferred_channel},
            },
        )


def _write_staff(sim: Simulation, writer: RecordWriter) -> None:
    """Employees (including those who left and their replacements) and pods, at the end."""
    clock = sim.clock
    for e in sim.employees.values():
        attrs: dict[str, Any] = {"shift": f"{e.shift_start:02d}-{e.shift_end:02d}"}
        if e.left_min is not None:
            attrs["left_at"] = clock.iso(e.left_min)
        writer.write(
            "employees",
            {
                "employee_id": e.employee_id,
                "name": e.name,
                "function": e.function,
                "skills": e.skills,
                "languages": e.languages,
                "pod_id": e.pod_id,
                "capacity": e.capacity,
                "hired_at": e.hired_at.isoformat(),
                "source": "simulated",
                "attributes": attrs,
            },
        )
    for pod_id, name, segments in sim.pods:
        members = sim.state.pod_members[pod_id]
        functions = sorted({sim.employees[m].function for m in members})
        writer.write(
            "pods",
            {
                "pod_id": pod_id,
                "name": name,
                "functions": functions,
                "member_ids": members,
                "segments": segments,
                "source": "simulated",
            },
        )


def _report(
    sim: Simulation, out_dir: Path, elapsed: float, records: dict[str, int]
) -> SimulationReport:
    t = sim.tally
    return SimulationReport(
        out_dir=str(out_dir),
        policy=sim.policy.name,
        seed=sim.config.seed,
        customers=sim.config.customers,
        days=sim.config.days,
        employees=len(sim.employees),
        pods=len(sim.pods),
        contacts=t.contacts,
        abandoned=t.abandoned,
        transfers=t.transfers,
        bot_resolved=t.bot_resolved,
        bot_handoffs=t.bot_handoffs,
        resolved=t.resolved,
        fell_back=t.fell_back,
        language_mismatches=t.language_mismatch,
        mean_wait_min=round(t.wait_sum / max(1, t.contacts), 3),
        mean_wait_live_min=round(t.live_wait_sum / max(1, t.live_contacts), 3),
        purchases=t.purchases,
        churned_experience=t.churned_experience,
        churned_dropout=t.churned_dropout,
        employees_left=t.employees_left,
        hires=t.hires,
        seconds=round(elapsed, 3),
        contacts_per_second=round(t.contacts / elapsed, 1) if elapsed > 0 else 0.0,
        records=records,
        contacts_by_channel=dict(sorted(t.by_channel.items())),
        distinct_utterances=sim.utterances.distinct(),
        templates_per_language={lang: template_count(lang) for lang in LANGUAGES},
    )


def _customer_truth(sim: Simulation) -> Iterator[dict[str, Any]]:
    for c in sim.customers:
        n = max(1, c.n_contacts)
        yield {
            "customer_id": c.customer_id,
            "lam_per_day": round(c.lam, 6),
            "p_dropout": round(c.p_dropout, 6),
            "contact_rate_per_day": round(c.contact_rate, 6),
            "spend_mean": round(c.spend_mean, 2),
            "churned": not c.alive,
            "churn_date": sim.clock.iso(c.churn_min) if c.churn_min is not None else None,
            "churn_cause": c.churn_cause,
            "churn_trigger_interaction_id": c.churn_trigger,
            "n_contacts": c.n_contacts,
            "n_purchases": c.n_purchases,
            "revenue": round(c.revenue, 2),
            "memory_final": round(c.memory, 4),
            "mean_remembered": round(c.sum_remembered / n, 4) if c.n_contacts else None,
            "mean_experienced": round(c.sum_experienced / n, 4) if c.n_contacts else None,
            "mean_effort": round(c.sum_effort / n, 4) if c.n_contacts else None,
            "last_contact_churn_probability": round(c.last_churn_prob, 5),
            "mean_contact_churn_probability": round(c.sum_churn_prob / n, 5)
            if c.n_contacts
            else None,
        }


def _employee_truth(sim: Simulation) -> list[dict[str, Any]]:
    return [
        {
            "employee_id": e.employee_id,
            "competence": round(e.competence, 4),
            "empathy_style": {
                "emotional_reaction": round(e.p_er, 4),
                "interpretation": round(e.p_ip, 4),
                "exploration": round(e.p_ex, 4),
                "sympathy_only": round(e.p_sym, 4),
                "strong": round(e.p_strong, 4),
            },
            "handled": e.handled,
            "emotional_load": round(e.total_load, 3),
            "stress_final": round(e.stress, 4),
            "stress_max": max(e.stress_history, default=0.0),
            "left": e.left_min is not None,
            "left_at": sim.clock.iso(e.left_min) if e.left_min is not None else None,
        }
        for e in sim.employees.values()
    ]


def _write_ground_truth(sim: Simulation, path: Path, report: SimulationReport) -> None:
    """Effect sizes, config, latent truths — one JSON object, with one customer or employee
    per line, streamed so a 100k-customer run never holds the whole document. The report's
    timing fields are left out so two runs with the same seed write byte-identical files."""
    rep = report.to_dict()
    for k in ("seconds", "contacts_per_second", "out_dir"):
        rep.pop(k)
    head = {
        "source": "simulated",
        "config": sim.config.to_dict(),
        "effect_sizes": asdict(sim.config.effects),
        "report": rep,
    }
    with path.open("wb") as f:
        f.write(
            json.dumps(head, ensure_ascii=False, indent=1)[:-2].encode("utf-8")
        )  # drop the closing "\n}"
        for key, rows in (
            ("customers", _customer_truth(sim)),
            ("employees", iter(_employee_truth(sim))),
        ):
            f.write(f',\n "{key}": [\n'.encode())
            first = True
            for row in rows:
                if not first:
                    f.write(b",\n")
                f.write(dumps(row))
                first = False
            f.write(b"\n ]")
        f.write(b"\n}\n")
