"""The simulated people: customers with latent traits, employees with styles, pods.

Latent traits (purchase rate, dropout probability, competence, empathy style) are what
the ground truth reports and what later stages try to recover; the records written to
``customers.jsonl``/``employees.jsonl`` carry only what a real CRM/HR system would know.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from empathos.simulate.config import SimulationConfig
from empathos.simulate.phrasebank import BANKS

FUNCTION_SKILLS: dict[str, tuple[str, ...]] = {
    "service": ("billing", "technical", "account", "delivery", "complaint"),
    "sales": ("sales", "cancellation", "billing", "account"),
    "operations": ("delivery", "technical", "billing"),
    "marketing": ("sales", "complaint", "cancellation"),
}
FUNCTION_MIX: dict[str, float] = {"service": 0.5, "sales": 0.2, "operations": 0.2, "marketing": 0.1}
SPEND_BY_SEGMENT: dict[str, float] = {
    "consumer": 40.0,
    "premium": 95.0,
    "small_business": 160.0,
    "enterprise": 650.0,
}
PURCHASE_BOOST: dict[str, float] = {
    "consumer": 1.0,
    "premium": 1.4,
    "small_business": 1.2,
    "enterprise": 1.6,
}
MEAN_HANDLE_MIN: dict[str, float] = {
    "voice": 8.0,
    "chat": 11.0,
    "email": 7.0,
    "social": 6.0,
    "self_service": 10.0,
}
"""Mean minutes an average employee is busy with one contact, per channel (incl. wrap-up)."""
PATIENCE_MIN: dict[str, float] = {
    "voice": 5.0,
    "chat": 8.0,
    "self_service": 8.0,
    "social": 360.0,
    "email": 2880.0,
}
"""Mean minutes a customer waits in the queue before giving up, per channel."""


ROTAS: dict[str, frozenset[int]] = {
    "mon-fri": frozenset({0, 1, 2, 3, 4}),
    "tue-sat": frozenset({1, 2, 3, 4, 5}),
    "thu-mon": frozenset({3, 4, 5, 6, 0}),
    "sun-thu": frozenset({6, 0, 1, 2, 3}),
}
"""Five-day rotas (0 = Monday), so the centre is staffed seven days a week, thinner at weekends."""
ROTA_MIX: dict[str, float] = {"mon-fri": 0.55, "tue-sat": 0.17, "thu-mon": 0.14, "sun-thu": 0.14}
OPEN_HOURS: tuple[int, int] = (7, 21)
"""Hours the live channels are staffed; shifts are 07–15 and 13–21."""


def weighted(rng: random.Random, weights: dict[str, float]) -> str:
    """Draw a key of ``weights`` (need not sum to 1); deterministic iteration order."""
    total = sum(weights.values())
    x = rng.random() * total
    for k, w in weights.items():
        x -= w
        if x < 0:
            return k
    return next(reversed(weights))


@dataclass(slots=True)
class SimCustomer:
    """One customer: observable profile plus latent truths and the running journey state."""

    idx: int
    customer_id: str
    name: str
    segment: str
    language: str
    pod_id: str
    created_at: datetime
    preferred_channel: str
    product_idx: int
    lam: float  # BG/NBD purchase rate per day while alive
    p_dropout: float  # BG/NBD dropout probability after each purchase
    contact_rate: float  # spontaneous contacts per day
    spend_mean: float
    temperament: float  # baseline valence at the start of a contact
    arousal_base: float
    patience: float  # multiplier on the channel's mean patience
    alive: bool = True
    churn_pending: bool = False
    churn_min: float | None = None
    churn_cause: str | None = None
    churn_trigger: str | None = None  # the contact after which the customer decided to leave
    memory: float = 0.0
    n_contacts: int = 0
    n_purchases: int = 0
    revenue: float = 0.0
    sum_remembered: float = 0.0
    sum_experienced: float = 0.0
    sum_effort: float = 0.0
    last_churn_prob: float = 0.0
    sum_churn_prob: float = 0.0


@dataclass(slots=True)
class SimEmployee:
    """One employee: profile, true competence and empathy style, shift, running stress."""

    employee_id: str
    name: str
    pod_id: str
    function: str
    skills: list[str]
    languages: list[str]
    capacity: int
    competence: float
    p_er: float  # chance of an emotional reaction in a reply
    p_ip: float  # chance of an interpretation
    p_ex: float  # chance of an exploration
    p_sym: float  # chance of a sympathy phrase when no mechanism is used
    p_strong: float  # chance a used mechanism is strong rather than weak
    shift_start: int  # hour of day
    shift_end: int
    workdays: frozenset[int]  # 0 = Monday
    hired_at: datetime
    stress: float = 0.0
    load_today: float = 0.0
    handled: int = 0
    total_load: float = 0.0
    left_min: float | None = None
    stress_history: list[float] = field(default_factory=list)

    def on_shift(self, weekday: int, hour: int) -> bool:
        return weekday in self.workdays and self.shift_start <= hour < self.shift_end


def expected_contacts_per_day(config: SimulationConfig) -> float:
    """Rough daily contact volume, used to size staff: spontaneous + re-contacts + post-purchase."""
    spontaneous = config.customers * config.contacts_per_customer_day
    post_purchase = (
        config.customers * config.purchases_per_customer_day * config.post_purchase_contact_prob
    )
    return (spontaneous + post_purchase) * 1.3


def staff_size(config: SimulationConfig) -> int:
    """Employees needed so that occupancy during open hours is about ``target_occupancy``."""
    if config.employees is not None:
        return config.employees
    mean_handle = sum(MEAN_HANDLE_MIN[c] * w for c, w in config.channels.items()) / sum(
        config.channels.values()
    )
    busy_hours = (
        expected_contacts_per_day(config) * mean_handle * 1.5 / 60.0
    )  # 1.5: transfers, slower staff
    hours_per_employee_day = 8 * 5 / 7 * 1.2  # 8h shifts, 5 of 7 days, ~1.2 mean capacity
    return max(8, math.ceil(busy_hours / config.target_occupancy / hours_per_employee_day))


def pod_count(config: SimulationConfig, n_employees: int) -> int:
    if config.pods is not None:
        return config.pods
    return max(4, min(12, round(n_employees / 8)))


def build_pods(n_pods: int, segments: list[str]) -> list[tuple[str, str, list[str]]]:
    """(pod_id, name, owned segments): every segment owned by at least one pod; the biggest
    (first) segment is shared by the pods left over."""
    pods: list[tuple[str, str, list[str]]] = []
    for i in range(n_pods):
        owned = [segments[i]] if 0 < i < len(segments) else [segments[0]]
        pods.append((f"pod-{i + 1}", f"Pod {i + 1} ({', '.join(owned)})", owned))
    if n_pods < len(segments):  # fewer pods than segments: the last pod takes the rest
        pods[-1][2].extend(segments[n_pods:])
    return pods


def make_customers(
    config: SimulationConfig, rng: random.Random, pods: list[tuple[str, str, list[str]]]
) -> list[SimCustomer]:
    """Draw the customer population with BG/NBD-style heterogeneity (gamma λ, beta p)."""
    by_segment: dict[str, list[str]] = {}
    for pod_id, _, segs in pods:
        for s in segs:
            by_segment.setdefault(s, []).append(pod_id)
    a, b = config.dropout_beta
    out: list[SimCustomer] = []
    for i in range(config.customers):
        segment = weighted(rng, config.segments)
        language = weighted(rng, config.languages)
        owners = by_segment[segment]
        names = BANKS[language]["names"]
        out.append(
            SimCustomer(
                idx=i,
                customer_id=f"cu-{i + 1:06d}",
                name=f"{names[rng.randrange(len(names))]} {chr(65 + rng.randrange(26))}.",
                segment=segment,
                language=language,
                pod_id=owners[i % len(owners)],
                created_at=config.start - timedelta(days=rng.randrange(30, 2500)),
                preferred_channel=weighted(rng, config.channels),
                product_idx=rng.randrange(10),
                lam=rng.gammavariate(
                    config.lambda_shape, config.purchases_per_customer_day / config.lambda_shape
                )
                * PURCHASE_BOOST[segment],
                p_dropout=rng.betavariate(a, b),
                contact_rate=rng.gammavariate(1.5, config.contacts_per_customer_day / 1.5),
                spend_mean=SPEND_BY_SEGMENT[segment] * rng.lognormvariate(0.0, 0.4),
                temperament=rng.gauss(0.0, 0.15),
                arousal_base=rng.betavariate(2.0, 3.0),
                patience=rng.lognormvariate(0.0, 0.4),
            )
        )
    return out


def make_employee(
    rng: random.Random,
    config: SimulationConfig,
    eid: str,
    pod_id: str,
    function: str,
    hired_at: datetime,
) -> SimEmployee:
    """One employee of ``function`` in ``pod_id``: skills, languages, style, shift."""
    pool = FUNCTION_SKILLS[function]
    skills = [s for s in pool if rng.random() < 0.75] or [pool[0]]
    native = weighted(rng, config.languages)
    languages = [native]
    if native != "en" and rng.random() < 0.85:
        languages.append("en")
    if rng.random() < 0.3:
        extra = weighted(rng, config.languages)
        if extra not in languages:
            languages.append(extra)
    name_pool = BANKS[native]["names"]
    early = rng.random() < 0.5
    return SimEmployee(
        employee_id=eid,
        name=f"{name_pool[rng.randrange(len(name_pool))]} {chr(65 + rng.randrange(26))}.",
        pod_id=pod_id,
        function=function,
        skills=skills,
        languages=languages,
        capacity=2 if rng.random() < 0.25 else 1,
        competence=rng.betavariate(5.0, 3.0),
        p_er=rng.betavariate(2.0, 3.0),
        p_ip=rng.betavariate(2.0, 4.0),
        p_ex=rng.betavariate(2.0, 4.0),
        p_sym=rng.betavariate(3.0, 2.0),
        p_strong=rng.betavariate(2.0, 2.0),
        shift_start=OPEN_HOURS[0] if early else OPEN_HOURS[1] - 8,
        shift_end=OPEN_HOURS[0] + 8 if early else OPEN_HOURS[1],
        workdays=ROTAS[weighted(rng, ROTA_MIX)],
        hired_at=hired_at,
    )


def make_employees(
    config: SimulationConfig, rng: random.Random, pods: list[tuple[str, str, list[str]]], n: int
) -> list[SimEmployee]:
    """Spread ``n`` employees over the pods, cross-functional, and make sure every pod can
    handle every need in English (so skills-based routing always has someone in principle)."""
    out: list[SimEmployee] = []
    for i in range(n):
        pod_id = pods[i % len(pods)][0]
        function = weighted(rng, FUNCTION_MIX)
        hired = config.start - timedelta(days=rng.randrange(20, 3000))
        out.append(make_employee(rng, config, f"e-{i + 1:04d}", pod_id, function, hired))
    _cover_languages(config, rng, out)
    for pod_id, _, _ in pods:
        members = [e for e in out if e.pod_id == pod_id]
        for need in sorted({s for skills in FUNCTION_SKILLS.values() for s in skills}):
            if members and not any(need in e.skills for e in members):
                members[rng.randrange(len(members))].skills.append(need)
        for e in members:
            e.skills.sort()
    return out


def _cover_languages(
    config: SimulationConfig, rng: random.Random, staff: list[SimEmployee]
) -> None:
    """Hire for languages: each customer language is spoken by at least 3× its share of
    staff (and by 4 people), so both shifts usually have a speaker — as a real multilingual
    centre would staff it."""
    total = sum(config.languages.values())
    for lang, share in config.languages.items():
        need = max(4, math.ceil(3.0 * share / total * len(staff)))
        speakers = sum(lang in e.languages for e in staff)
        others = [e for e in staff if lang not in e.languages]
        while speakers < need and others:
            e = others.pop(rng.randrange(len(others)))
            e.languages.append(lang)
            speakers += 1
