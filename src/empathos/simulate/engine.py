"""The SimPy model of the contact centre: arrivals, purchases, shifts, queue and dispatch.

Time is in minutes since ``config.start``. One SimPy process per *contact* (see
``contact.py``); purchases, arrivals and the daily/hourly bookkeeping are one process each,
so memory grows with the contacts in flight, not with the number of customers or days.
Routing goes through :mod:`empathos.act.routing` — the same interface the live router uses.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import random
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

import simpy

from empathos.act.routing import (
    ContactRequest,
    LearningPolicy,
    MemberState,
    PodState,
    RoutingPolicy,
    get_policy,
)
from empathos.simulate import outcomes as O
from empathos.simulate.config import SimulationConfig
from empathos.simulate.contact import contact_process
from empathos.simulate.population import (
    OPEN_HOURS,
    SimCustomer,
    SimEmployee,
    build_pods,
    make_customers,
    make_employee,
    make_employees,
    pod_count,
    staff_size,
    weighted,
)
from empathos.simulate.protocols import Tally
from empathos.simulate.text import UtteranceCounter
from empathos.simulate.writer import Clock, RecordWriter

DAY = 1440.0
HOUR_WEIGHTS: tuple[float, ...] = (
    0.05,
    0.03,
    0.02,
    0.02,
    0.03,
    0.1,
    0.35,
    0.8,
    1.4,
    1.8,
    1.9,
    1.8,
    1.5,
    1.6,
    1.7,
    1.6,
    1.5,
    1.4,
    1.3,
    1.2,
    1.0,
    0.6,
    0.3,
    0.12,
)
"""Relative contact arrival rate by hour of day (peaks mid-morning and early afternoon)."""
WEEKDAY_WEIGHTS: tuple[float, ...] = (1.25, 1.1, 1.0, 1.0, 0.95, 0.55, 0.35)
"""Relative arrival rate Monday … Sunday."""


@dataclass(slots=True)
class Waiting:
    """A queued contact: its request and the event the dispatcher fires with an employee id."""

    request: ContactRequest
    event: simpy.Event
    since: float


class Simulation:
    """Holds the world and runs it. Build with a config, a writer and (optionally) a policy."""

    def __init__(
        self,
        config: SimulationConfig,
        writer: RecordWriter,
        policy: RoutingPolicy | None = None,
        on_day: Callable[[int], None] | None = None,
    ) -> None:
        self.config = config
        self.eff = config.effects
        self.rng = random.Random(config.seed)
        self.env = simpy.Environment()
        self.writer = writer
        self.clock = Clock(config.start)
        self.policy = policy if policy is not None else get_policy(config.policy)
        self.learn_hook: (
            Callable[[ContactRequest, tuple[str, ...], dict[str, float]], None] | None
        ) = self.policy.learn if isinstance(self.policy, LearningPolicy) else None
        """A :class:`LearningPolicy`'s ``learn(contact, served_by, outcome)``, called when
        each contact ends; ``None`` for a policy that does not learn."""
        self.on_day = on_day
        self.tally = Tally()
        self.utterances = UtteranceCounter()
        self.horizon = config.days * DAY
        self._ids = {k: itertools.count(1) for k in ("c", "o", "t", "e")}
        self.queue: dict[int, Waiting] = {}
        self._start_weekday = config.start.weekday()
        self._qkey = itertools.count()
        n_emp = staff_size(config)
        segments = list(config.segments)
        self.pods = build_pods(pod_count(config, n_emp), segments)
        self.customers: list[SimCustomer] = make_customers(config, self.rng, self.pods)
        self.employees: dict[str, SimEmployee] = {}
        self.state = PodState(now=0.0)
        for pod_id, _, _ in self.pods:
            self.state.pod_members[pod_id] = []
        for emp in make_employees(config, self.rng, self.pods, n_emp):
            self._add_member(emp)
        self._next_emp = n_emp + 1
        self._cum_rate = list(itertools.accumulate(c.contact_rate for c in self.customers))
        self._pmax = max(HOUR_WEIGHTS) * max(WEEKDAY_WEIGHTS)
        self._norm = (sum(HOUR_WEIGHTS) / 24.0) * (sum(WEEKDAY_WEIGHTS) / 7.0)

    # --- ids and time -----------------------------------------------------------------
    def next_id(self, kind: str) -> str:
        n = next(self._ids[kind])
        return f"{kind}-{n:07d}" if kind != "e" else f"e-{n:04d}"

    def weekday_hour(self, t: float) -> tuple[int, int]:
        day = int(t // DAY)
        return (self._start_weekday + day) % 7, int((t - day * DAY) // 60)

    def is_open(self, t: float) -> bool:
        """Are the live channels staffed at minute ``t`` (by the opening hours)?"""
        hour = int((t % DAY) // 60)
        return OPEN_HOURS[0] <= hour < OPEN_HOURS[1]

    # --- staff --------------------------------------------------------------------------
    def _add_member(self, emp: SimEmployee) -> None:
        self.employees[emp.employee_id] = emp
        wd, hour = self.weekday_hour(self.env.now)
        m = MemberState(
            employee_id=emp.employee_id,
            pod_id=emp.pod_id,
            function=emp.function,
            skills=frozenset(emp.skills),
            languages=frozenset(emp.languages),
            capacity=emp.capacity,
            idle_since=self.env.now,
            on_shift=emp.on_shift(wd, hour),
            competence=emp.competence,
            empathy={
                "emotional_reaction": emp.p_er,
                "interpretation": emp.p_ip,
                "exploration": emp.p_ex,
            },
        )
        self.state.members[emp.employee_id] = m
        self.state.pod_members[emp.pod_id].append(emp.employee_id)
        if m.available:
            self.state.free[emp.employee_id] = None

    def assign(self, eid: str) -> None:
        """Give one contact to ``eid`` (the policy chose them)."""
        m = self.state.members[eid]
        m.load += 1
        if m.load >= m.capacity:
            self.state.free.pop(eid, None)

    def release(self, eid: str) -> None:
        """``eid`` finished a contact: free the slot and let the queue take it."""
        m = self.state.members[eid]
        m.load -= 1
        if m.load == 0:
            m.idle_since = self.env.now
        if m.available and eid not in self.state.free:
            self.state.free[eid] = None
        self.dispatch()

    def dispatch(self) -> None:
        """Offer free members to queued contacts in arrival order (the first 64 looked at)."""
        if not self.queue or not self.state.free:
            return
        now = self.env.now
        self.state.now = now
        for key, w in list(itertools.islice(self.queue.items(), 64)):
            if not self.state.free:
                break
            w.request.waited_min = now - w.since
            decision = self.policy.route(w.request, self.state)
            if decision.employee_id is not None:
                del self.queue[key]
                self.state.queue_length = len(self.queue)
                if decision.fell_back:
                    self.tally.fell_back += 1
                self.assign(decision.employee_id)
                w.event.succeed(decision.employee_id)

    def acquire(
        self, req: ContactRequest, patience: float
    ) -> Generator[simpy.Event, Any, tuple[str | None, float]]:
        """Route ``req``; if it must wait, queue it and re-route at growing intervals
        (0.5, 1, 2, 4 … minutes) so time-dependent rules (skill overflow) apply, until an
        employee is dispatched to it or its patience runs out (→ ``None``)."""
        env = self.env
        start = env.now
        self.state.now = start
        req.waited_min = 0.0
        d = self.policy.route(req, self.state)
        if d.employee_id is not None:
            self.tally.fell_back += d.fell_back
            self.assign(d.employee_id)
            return d.employee_id, 0.0
        key = next(self._qkey)
        w = Waiting(req, env.event(), start)
        self.queue[key] = w
        self.state.queue_length = len(self.queue)
        deadline = start + patience
        step = 0.5
        while True:
            wake = min(deadline, env.now + step)
            step *= 2
            yield w.event | env.timeout(wake - env.now)
            if w.event.triggered:
                return w.event.value, env.now - start
            if env.now >= deadline - 1e-9:
                del self.queue[key]
                self.state.queue_length = len(self.queue)
                return None, env.now - start
            self.state.now = env.now
            req.waited_min = env.now - start
            d = self.policy.route(req, self.state)
            if d.employee_id is not None:
                del self.queue[key]
                self.state.queue_length = len(self.queue)
                self.tally.fell_back += d.fell_back
                self.assign(d.employee_id)
                return d.employee_id, env.now - start

    # --- processes ------------------------------------------------------------------
    def start_contact(self, cust: SimCustomer, need: str, channel: str, attempt: int) -> None:
        self.env.process(contact_process(self, cust, need, channel, attempt))

    def later_contact(
        self, delay: float, cust: SimCustomer, need: str, channel: str, attempt: int
    ) -> Generator[simpy.Event, Any, None]:
        yield self.env.timeout(delay)
        if cust.alive and not cust.churn_pending:
            self.start_contact(cust, need, channel, attempt)

    def arrivals(self) -> Generator[simpy.Event, Any, None]:
        """Spontaneous contacts: a non-homogeneous Poisson process by thinning. Candidates
        arrive at the peak rate; one is kept with probability profile(t)/peak and assigned to
        a customer drawn in proportion to their contact rate (dead customers don't call)."""
        rng, env = self.rng, self.env
        total = self._cum_rate[-1] if self._cum_rate else 0.0
        if total <= 0:
            return
        peak_rate = total / DAY * self._pmax / self._norm
        while True:
            yield env.timeout(rng.expovariate(peak_rate))
            wd, hour = self.weekday_hour(env.now)
            if rng.random() * self._pmax >= HOUR_WEIGHTS[hour] * WEEKDAY_WEIGHTS[wd]:
                continue
            cust = self.customers[bisect.bisect_right(self._cum_rate, rng.random() * total)]
            if not cust.alive or cust.churn_pending:
                continue
            need = weighted(rng, self.config.need_mix)
            channel = (
                cust.preferred_channel
                if rng.random() < 0.7
                else weighted(rng, self.config.channels)
            )
            self.start_contact(cust, need, channel, 0)

    def purchases(self) -> Generator[simpy.Event, Any, None]:
        """BG/NBD purchases: while alive, Poisson purchases at λ (scaled by the journey
        memory); after each, the customer drops out silently with probability p."""
        rng, env, eff, cfg = self.rng, self.env, self.eff, self.config
        heap = [(rng.expovariate(c.lam) * DAY, c.idx) for c in self.customers if c.lam > 0]
        heapq.heapify(heap)
        while heap:
            t, idx = heapq.heappop(heap)
            if t >= self.horizon:
                return
            yield env.timeout(t - env.now)
            c = self.customers[idx]
            if not c.alive:
                continue
            amount = round(rng.gammavariate(4.0, c.spend_mean / 4.0), 2)
            qty = 1 + int(rng.random() < 0.2)
            self.writer.write(
                "transactions",
                {
                    "transaction_id": self.next_id("t"),
                    "customer_id": c.customer_id,
                    "ts": self.clock.iso(env.now),
                    "amount": amount,
                    "quantity": qty,
                    "source": "simulated",
                },
            )
            c.n_purchases += 1
            c.revenue += amount
            self.tally.purchases += 1
            if rng.random() < cfg.post_purchase_contact_prob:
                need = weighted(rng, {"delivery": 0.5, "technical": 0.3, "billing": 0.2})
                env.process(
                    self.later_contact(
                        rng.expovariate(1 / 2.5) * DAY, c, need, c.preferred_channel, 0
                    )
                )
            if rng.random() < c.p_dropout:
                self.churn_now(c, "dropout")
                continue
            heapq.heappush(
                heap, (env.now + rng.expovariate(O.purchase_rate(eff, c.lam, c.memory)) * DAY, idx)
            )

    def churn_now(self, c: SimCustomer, cause: str, interaction_id: str | None = None) -> None:
        """The customer leaves. Experience churn is observed (a churn outcome, like a
        cancellation); BG/NBD dropout is silent, as in real non-contractual data."""
        if not c.alive:
            return
        c.alive = False
        c.churn_min = self.env.now
        c.churn_cause = cause
        if cause == "dropout":
            self.tally.churned_dropout += 1
        else:
            self.tally.churned_experience += 1
            self.writer.write(
                "outcomes",
                {
                    "outcome_id": self.next_id("o"),
                    "kind": "churn",
                    "value": 1.0,
                    "ts": self.clock.iso(self.env.now),
                    "interaction_id": interaction_id,
                    "customer_id": c.customer_id,
                    "employee_id": None,
                    "source": "simulated",
                },
            )

    def churn_later(self, c: SimCustomer, delay: float) -> Generator[simpy.Event, Any, None]:
        yield self.env.timeout(delay)
        self.churn_now(c, "experience")

    def shifts(self) -> Generator[simpy.Event, Any, None]:
        """Every hour: who is on shift; newly on-shift members take queued contacts."""
        env = self.env
        while True:
            wd, hour = self.weekday_hour(env.now)
            for eid, m in self.state.members.items():
                on = self.employees[eid].on_shift(wd, hour)
                if on == m.on_shift:
                    continue
                m.on_shift = on
                if m.available:
                    if m.load == 0:
                        m.idle_since = env.now
                    self.state.free[eid] = None
                else:
                    self.state.free.pop(eid, None)
            self.state.now = env.now
            self.dispatch()
            yield env.timeout(60.0)

    def daily(self) -> Generator[simpy.Event, Any, None]:
        """End of each day: employee stress, attrition and replacement, weekly pulse."""
        env, rng, eff, cfg = self.env, self.rng, self.eff, self.config
        day = 0
        while True:
            yield env.timeout(DAY)
            day += 1
            weekday = (self._start_weekday + day - 1) % 7
            for eid in list(self.employees):
                emp = self.employees[eid]
                if emp.left_min is not None:
                    continue
                emp.stress = (
                    eff.stress_retention * emp.stress + (1 - eff.stress_retention) * emp.load_today
                )
                emp.load_today = 0.0
                emp.stress_history.append(round(emp.stress, 4))
                if weekday == 4 and rng.random() < cfg.pulse_response_rate:
                    self.writer.write(
                        "outcomes",
                        {
                            "outcome_id": self.next_id("o"),
                            "kind": "pulse",
                            "value": float(O.pulse_answer(rng, emp.stress)),
                            "ts": self.clock.iso(env.now - 60),
                            "interaction_id": None,
                            "customer_id": None,
                            "employee_id": eid,
                            "source": "simulated",
                        },
                    )
                if rng.random() < O.attrition_probability(eff, emp.stress):
                    self._leave(emp)
            if self.on_day is not None:
                self.on_day(day)

    def _leave(self, emp: SimEmployee) -> None:
        emp.left_min = self.env.now
        m = self.state.members[emp.employee_id]
        m.active = False
        self.state.free.pop(emp.employee_id, None)
        self.tally.employees_left += 1
        self.env.process(self._hire(emp.pod_id, emp.function, self.config.hire_delay_days * DAY))

    def _hire(self, pod_id: str, function: str, delay: float) -> Generator[simpy.Event, Any, None]:
        yield self.env.timeout(delay)
        eid = f"e-{self._next_emp:04d}"
        self._next_emp += 1
        emp = make_employee(
            self.rng, self.config, eid, pod_id, function, self.clock.at(self.env.now)
        )
        emp.competence *= 0.8  # new hires are less experienced
        self._add_member(emp)
        self.tally.hires += 1
        self.dispatch()

    def run(self) -> None:
        env = self.env
        env.process(self.shifts())
        env.process(self.arrivals())
        env.process(self.purchases())
        env.process(self.daily())
        env.run(until=self.horizon)
