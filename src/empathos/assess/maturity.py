"""Maturity: place a company on transactional → interaction → engagement → empathy.

Two views per pillar, on one 0..3 scale (the stage index):

* the **answers** — the mean option score of the pillar's questions;
* the **data** — a ladder of evidence from the store: a stage counts as reached when
  its requirement *and every requirement below it* are met (a company that runs
  experiments but scores nobody has not reached "empathy" on business value).

The pillar's score is the mean of the two (or whichever exists), and its stage is that
score rounded to the nearest stage. Both views are kept in the result, with a gap note
when the answers claim a stage or more above what the data shows: self-assessments run
high, and saying so is the point of looking at the data at all.

Pure functions over :class:`~empathos.assess.evidence.Evidence`; no I/O here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from empathos.assess.evidence import MIN_EVENTS, Evidence
from empathos.assess.questionnaire import PILLARS, STAGES, Questionnaire, pillar_answer_scores

__all__ = [
    "LADDERS",
    "EvidenceItem",
    "MaturityResult",
    "PillarResult",
    "assess_maturity",
    "stage_of",
]

#: Thresholds of the data ladders (documented in docs/assess.md).
ANALYSED_SOME = 0.10
ANALYSED_MOST = 0.50
ANALYSED_ALL = 0.90
SCORED_SHARE = 0.50
EXPERIMENT_RECENT_DAYS = 90


@dataclass(frozen=True, slots=True)
class Requirement:
    stage: int  # 1..3: the stage this requirement unlocks
    text: str
    check: Callable[[Evidence], tuple[bool, str]]


@dataclass(slots=True)
class EvidenceItem:
    """One requirement of a pillar's ladder, whether the store meets it, and what it shows."""

    stage: str
    requirement: str
    met: bool
    observed: str


@dataclass(slots=True)
class PillarResult:
    pillar: str
    title: str
    stage: str
    score: float | None
    answer_score: float | None
    answered: int
    data_stage: str | None
    evidence: list[EvidenceItem] = field(default_factory=list)
    gap: str | None = None


@dataclass(slots=True)
class MaturityResult:
    overall_stage: str
    overall_score: float | None
    weakest_pillar: str | None
    pillars: dict[str, PillarResult]
    source: str  # where the data evidence comes from: imported, sample, simulated, mixed, none

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def stage_of(score: float | None) -> str:
    """The stage nearest to a 0..3 score (half-way rounds up); ``transactional`` if None."""
    if score is None:
        return STAGES[0]
    return STAGES[max(0, min(len(STAGES) - 1, int(score + 0.5)))]


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _enough(n: int) -> str:
    """The threshold, said in the evidence text when a count is under it."""
    return "" if n >= MIN_EVENTS else f" (fewer than the {MIN_EVENTS} this rung needs)"


def _outcomes_recorded(ev: Evidence) -> tuple[bool, str]:
    kinds = {k: v for k, v in ev.outcome_kinds.items() if k in ("csat", "nps", "churn", "resolved")}
    n = sum(kinds.values())
    return n >= MIN_EVENTS, (
        ", ".join(f"{k} {v:,}" for k, v in sorted(kinds.items())) + _enough(n)
        if kinds
        else "no customer outcomes stored"
    )


def _customers_scored(ev: Evidence) -> tuple[bool, str]:
    share = ev.customers_scored / ev.n_customers if ev.n_customers else 0.0
    ok = ev.customers_with_clv > 0 and share >= SCORED_SHARE
    return ok, (
        f"{ev.customers_scored:,} of {ev.n_customers:,} customers scored ({_pct(share)}), "
        f"{ev.customers_with_clv:,} with CLV"
    )


def _lift_and_elv(ev: Evidence) -> tuple[bool, str]:
    ok = ev.measured_lifts > 0 and ev.employees_scored > 0
    return ok, (
        f"{ev.measured_lifts} measured lift(s) from {ev.experiments_with_data} experiment(s) "
        f"with at least {MIN_EVENTS} contacts in each arm ({ev.experiments} in the store); "
        f"{ev.employees_scored} employees scored (ELV)"
    )


def _analysed(threshold: float) -> Callable[[Evidence], tuple[bool, str]]:
    def check(ev: Evidence) -> tuple[bool, str]:
        return (
            ev.analysed_share >= threshold,
            f"{_pct(ev.analysed_share)} of {ev.n_interactions:,} contacts analysed",
        )

    return check


def _empathy_and_voice(ev: Evidence) -> tuple[bool, str]:
    pulse = ev.outcome_kinds.get("pulse", 0)
    ok = ev.empathy_turn_share >= ANALYSED_MOST and pulse >= MIN_EVENTS
    return (
        ok,
        f"{_pct(ev.empathy_turn_share)} of employee turns scored for empathy; "
        f"{pulse:,} pulse answers{_enough(pulse)}",
    )


def _coached(ev: Evidence) -> tuple[bool, str]:
    return (
        ev.coaching_rows >= MIN_EVENTS,
        f"{ev.coaching_rows:,} coaching records{_enough(ev.coaching_rows)}, "
        f"{ev.feedback_rows:,} label corrections",
    )


def _in_pods(ev: Evidence) -> tuple[bool, str]:
    return (
        ev.employees_in_pods_share >= SCORED_SHARE,
        f"{_pct(ev.employees_in_pods_share)} of employees in a team/pod",
    )


def _cross_functional(ev: Evidence) -> tuple[bool, str]:
    ok = ev.n_pods > 0 and ev.mean_functions_per_pod >= 2
    return ok, f"{ev.n_pods} pods, {ev.mean_functions_per_pod:.1f} functions per pod"


def _recent_experiments(ev: Evidence) -> tuple[bool, str]:
    if ev.experiments == 0:
        return False, "no experiment in the store"
    n = ev.experiments_with_data
    if n == 0:
        return False, (
            f"{ev.experiments} experiment(s), none with at least {MIN_EVENTS} contacts in "
            "each arm: an empty experiment tests nothing"
        )
    if ev.latest_experiment_at is None or ev.latest_contact_at is None:
        return True, f"{n} experiment(s) with data"
    age = (ev.latest_contact_at - ev.latest_experiment_at).days
    return (
        age <= EXPERIMENT_RECENT_DAYS,
        f"{n} experiment(s) with data, the newest {max(0, age)} days before the last contact",
    )


def _joined(ev: Evidence) -> tuple[bool, str]:
    return ev.n_interactions > 0 and bool(ev.outcome_kinds), (
        f"{ev.n_interactions:,} contacts and {sum(ev.outcome_kinds.values()):,} outcomes in one "
        "store"
    )


def _analysed_and_scored(ev: Evidence) -> tuple[bool, str]:
    ok, text = _analysed(ANALYSED_MOST)(ev)
    return ok and ev.customers_scored > 0, f"{text}; {ev.customers_scored:,} customers scored"


def _live_routing(ev: Evidence) -> tuple[bool, str]:
    ok, text = _analysed(ANALYSED_ALL)(ev)
    n = ev.routing_decisions
    return (
        ok and n >= MIN_EVENTS,
        f"{text}; {n:,} routing decisions stored{_enough(n)}",
    )


LADDERS: dict[str, tuple[Requirement, ...]] = {
    "business_value": (
        Requirement(
            1,
            f"customer outcomes (CSAT, NPS, churn, resolution) are recorded "
            f"(at least {MIN_EVENTS})",
            _outcomes_recorded,
        ),
        Requirement(
            2,
            f"CLV and churn risk scored for at least {_pct(SCORED_SHARE)} of customers",
            _customers_scored,
        ),
        Requirement(
            3,
            f"a lift measured against a control group (at least {MIN_EVENTS} contacts in "
            "each arm), and employee value (ELV) scored",
            _lift_and_elv,
        ),
    ),
    "culture": (
        Requirement(
            1,
            f"at least {_pct(ANALYSED_SOME)} of contacts analysed for emotion",
            _analysed(ANALYSED_SOME),
        ),
        Requirement(
            2,
            f"empathy measured on at least {_pct(ANALYSED_MOST)} of employee turns, and employees "
            f"heard (at least {MIN_EVENTS} pulse answers)",
            _empathy_and_voice,
        ),
        Requirement(
            3,
            f"endings are coached (at least {MIN_EVENTS} coaching records in the store)",
            _coached,
        ),
    ),
    "leadership": (
        Requirement(1, f"at least {_pct(SCORED_SHARE)} of employees work in a team/pod", _in_pods),
        Requirement(2, "pods are cross-functional (2+ functions on average)", _cross_functional),
        Requirement(
            3,
            f"decisions are tested: an experiment with at least {MIN_EVENTS} contacts in each "
            f"arm within {EXPERIMENT_RECENT_DAYS} days",
            _recent_experiments,
        ),
    ),
    "technology": (
        Requirement(1, "conversations and outcomes joined in one store", _joined),
        Requirement(
            2,
            f"at least {_pct(ANALYSED_MOST)} of contacts analysed and customers scored",
            _analysed_and_scored,
        ),
        Requirement(
            3,
            f"at least {_pct(ANALYSED_ALL)} analysed and contacts routed live (at least "
            f"{MIN_EVENTS} routing decisions stored)",
            _live_routing,
        ),
    ),
}


def data_ladder(pillar: str, ev: Evidence) -> tuple[int | None, list[EvidenceItem]]:
    """The highest stage whose requirement and all lower ones hold (None: no data)."""
    items: list[EvidenceItem] = []
    reached = 0
    climbing = True
    for req in LADDERS[pillar]:
        met, observed = req.check(ev)
        items.append(EvidenceItem(STAGES[req.stage], req.text, met, observed))
        if climbing and met:
            reached = req.stage
        else:
            climbing = False
    return (reached if ev.has_data else None), items


def _combine(answer: float | None, data: int | None) -> float | None:
    parts = [x for x in (answer, data) if x is not None]
    return sum(parts) / len(parts) if parts else None


def assess_pillar(
    q: Questionnaire, pillar: str, answer: float | None, answered: int, ev: Evidence
) -> PillarResult:
    data, items = data_ladder(pillar, ev)
    score = _combine(answer, data)
    gap = None
    if answer is not None and data is not None and answer - data >= 1:
        gap = (
            f"the answers place {q.pillars[pillar].lower()} at {stage_of(answer)}, "
            f"the data only at {STAGES[data]}"
        )
    return PillarResult(
        pillar,
        q.pillars[pillar],
        stage_of(score),
        score,
        answer,
        answered,
        None if data is None else STAGES[data],
        items,
        gap,
    )


def assess_maturity(q: Questionnaire, answers: dict[str, str], ev: Evidence) -> MaturityResult:
    """Each pillar's stage from answers and evidence, and the overall stage (mean score)."""
    answer_scores = pillar_answer_scores(q, answers)
    counts = {p: sum(1 for x in q.questions if x.pillar == p and x.id in answers) for p in PILLARS}
    pillars = {p: assess_pillar(q, p, answer_scores[p], counts[p], ev) for p in PILLARS}
    scored = {p: r.score for p, r in pillars.items() if r.score is not None}
    overall = sum(scored.values()) / len(scored) if scored else None
    weakest = min(scored, key=lambda p: (scored[p], PILLARS.index(p))) if scored else None
    return MaturityResult(stage_of(overall), overall, weakest, pillars, ev.source)
