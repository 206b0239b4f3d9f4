"""A simulator configuration calibrated on the company's own store.

The pilot planner must simulate *this* company, not the demo one, so the parameters the
simulator exposes are read from the store: how many customers, how often they contact
(per customer per day), in which languages, about which needs, on which channels, in
which segments, how often they buy, and how many pods there are. Anything the simulator
cannot represent (a language without a phrase bank, a need it does not know) is dropped
with a note; anything the store lacks keeps the simulator's default, also with a note.

Scaling: the book of customers is scaled down to ``max_customers`` (rates per customer
stay as measured; the staff by the same factor, keeping the company's customers per
employee), so a pilot runs in seconds. Counts per week are scaled back up by the same factor when
turned into pilot
durations.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select

from empathos.simulate.config import NEED_MIX, SimulationConfig, preset
from empathos.store.schema import customers, employees, interactions, pods, transactions

__all__ = ["Calibration", "calibrate"]

SIM_LANGUAGES = ("en", "de", "es", "fr", "it", "pl")
SIM_CHANNELS = ("voice", "chat", "email", "social", "self_service")
SIM_SEGMENTS = ("consumer", "premium", "small_business", "enterprise")
WINDOW_DAYS = 90  # contact and purchase rates over the last 90 days of the store
PROBE_DAYS = 14
PROBE_CUSTOMERS = 1000


@dataclass(slots=True)
class Calibration:
    """The simulator config for the pilot and how it was derived from the store."""

    config: SimulationConfig
    customers_in_store: int
    scale: float  # simulated customers / customers in the store (≤ 1)
    pod_ids: list[
        str
    ]  # the store's pods, in the order they map onto the simulator's pod-1, pod-2, …
    measured: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def sim_pod(self, pod_id: str) -> str:
        """The simulator's pod id standing for the store's ``pod_id``."""
        if pod_id not in self.pod_ids:
            raise ValueError(
                f"unknown pod {pod_id!r}; pods in the store: {', '.join(self.pod_ids) or 'none'}"
            )
        return f"pod-{self.pod_ids.index(pod_id) + 1}"


def _mix(
    rows: list[tuple[Any, int]], allowed: tuple[str, ...], what: str, notes: list[str]
) -> dict[str, float] | None:
    counts = {str(k): int(n) for k, n in rows if k is not None}
    total = sum(counts.values())
    kept = {k: n for k, n in counts.items() if k in allowed}
    if not kept:
        notes.append(f"{what}: nothing the simulator knows in the store; simulator default used")
        return None
    dropped = total - sum(kept.values())
    if dropped:
        notes.append(
            f"{what}: {dropped / total:.0%} of the store is outside the simulator's "
            f"{', '.join(allowed)} and was left out"
        )
    s = sum(kept.values())
    return {k: kept[k] / s for k in allowed if k in kept}


def _pod_order(pod_ids: list[str]) -> list[str]:
    """Store pods in the order that maps onto pod-1, pod-2, …: a store that came from the
    simulator (ids ``pod-N``) keeps its numbering; any other store is sorted by id."""

    def key(p: str) -> tuple[int, str]:
        tail = p.removeprefix("pod-")
        return (int(tail), "") if p.startswith("pod-") and tail.isdigit() else (10**9, p)

    return sorted(pod_ids, key=key)


def _rates(conn: Any, n_customers: int, notes: list[str]) -> dict[str, float]:
    i = interactions.c
    last = conn.execute(select(func.max(i.started_at))).scalar()
    first = conn.execute(select(func.min(i.started_at))).scalar()
    if last is None or n_customers == 0:
        notes.append("no contacts in the store: simulator's default contact rate used")
        return {}
    start = max(first, last - timedelta(days=WINDOW_DAYS))
    days = max(1.0, (last - start).total_seconds() / 86400)
    n = conn.execute(select(func.count()).where(i.started_at >= start)).scalar() or 0
    out = {"contacts_per_customer_day": n / n_customers / days, "window_days": days}
    t = transactions.c
    bought = conn.execute(select(func.count()).where(t.ts >= start, t.ts <= last)).scalar() or 0
    if bought:
        out["purchases_per_customer_day"] = bought / n_customers / days
    else:
        notes.append("no transactions in the window: simulator's default purchase rate used")
    return out


def _match_volume(
    config: SimulationConfig, observed: float, measured: dict[str, Any]
) -> SimulationConfig:
    """Correct the spontaneous contact rate so the simulator's *total* volume matches the store.

    The simulator adds re-contacts and post-purchase contacts on top of the spontaneous
    rate it is given, so giving it the observed rate overshoots. One short probe run
    (14 days, at most ``PROBE_CUSTOMERS`` customers) measures the ratio and the rate is
    divided by it."""
    from empathos.simulate import run_simulation

    probe = replace(
        config,
        days=PROBE_DAYS,
        customers=min(config.customers, PROBE_CUSTOMERS),
        write_truth_interactions=False,
    )
    with tempfile.TemporaryDirectory(prefix="empathos-probe-") as tmp:
        report = run_simulation(probe, Path(tmp), progress=False)
    simulated = report.contacts / probe.customers / probe.days
    if simulated <= 0:
        return config
    ratio = simulated / observed
    measured["volume_ratio_probe"] = ratio
    return replace(config, contacts_per_customer_day=observed / ratio)


def calibrate(
    engine: Engine,
    weeks: int = 6,
    max_customers: int = 3000,
    seed: int = 7,
    match_volume: bool = True,
) -> Calibration:
    """A ``SimulationConfig`` of ``weeks`` weeks on the store's own parameters."""
    notes: list[str] = []
    with engine.connect() as conn:
        n_customers = int(conn.execute(select(func.count()).select_from(customers)).scalar() or 0)
        if n_customers == 0:
            n_customers = int(
                conn.execute(select(func.count(func.distinct(interactions.c.customer_id)))).scalar()
                or 0
            )
        pod_ids = _pod_order([str(p) for p in conn.execute(select(pods.c.pod_id)).scalars()])
        n_staff = int(conn.execute(select(func.count()).select_from(employees)).scalar() or 0)
        rates = _rates(conn, n_customers, notes)
        langs = _mix(
            conn.execute(
                select(customers.c.language, func.count()).group_by(customers.c.language)
            ).all(),
            SIM_LANGUAGES,
            "languages",
            notes,
        )
        needs = _mix(
            conn.execute(
                select(interactions.c.need, func.count()).group_by(interactions.c.need)
            ).all(),
            tuple(NEED_MIX),
            "needs",
            notes,
        )
        started = func.coalesce(
            interactions.c.attributes["started_in"].as_string(), interactions.c.channel
        )
        channels = _mix(
            conn.execute(select(started, func.count()).group_by(started)).all(),
            SIM_CHANNELS,
            "channels (where contacts started)",
            notes,
        )
        segments = _mix(
            conn.execute(
                select(customers.c.segment, func.count()).group_by(customers.c.segment)
            ).all(),
            SIM_SEGMENTS,
            "segments",
            notes,
        )
    if n_customers == 0:
        raise ValueError("the store has no customers or contacts to calibrate a pilot on")
    sim_customers = min(n_customers, max_customers)
    overrides: dict[str, Any] = {
        "customers": sim_customers,
        "days": 7 * weeks,
        "seed": seed,
        "write_truth_interactions": True,
    }
    if "contacts_per_customer_day" in rates:
        overrides["contacts_per_customer_day"] = rates["contacts_per_customer_day"]
    if "purchases_per_customer_day" in rates:
        overrides["purchases_per_customer_day"] = rates["purchases_per_customer_day"]
    for key, value in (
        ("languages", langs),
        ("need_mix", needs),
        ("channels", channels),
        ("segments", segments),
    ):
        if value:
            overrides[key] = value
    scale = sim_customers / n_customers
    if n_staff:
        # The company's own staffing ratio (customers per employee), scaled with the book.
        overrides["employees"] = max(len(pod_ids) or 1, round(n_staff * scale))
        rates["employees_in_store"] = n_staff
    else:
        notes.append("no employees in the store: the simulator sizes staff to the load")
    if pod_ids:
        overrides["pods"] = len(pod_ids)
    else:
        notes.append("no pods in the store: the simulator's default pods are used")
    config = replace(preset("default"), **overrides)
    if "contacts_per_customer_day" in rates and match_volume:
        config = _match_volume(config, rates["contacts_per_customer_day"], rates)
    if scale < 1:
        notes.append(
            f"scaled down: {sim_customers:,} of {n_customers:,} customers and "
            f"{overrides.get('employees', 'load-sized')} employees simulated (x{scale:.3f}); "
            "rates per customer as measured"
        )
    return Calibration(config, n_customers, scale, pod_ids, measured=rates, notes=notes)
