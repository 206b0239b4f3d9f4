"""The six blind spots of DESIGN.md, each detected from the answers and from the data.

A blind spot is what keeps a company from the empathy stage without it noticing. Each
rule below looks for *signals* on two sides:

* answers: the questions that probe the blind spot (``blind_spot:`` in the YAML) answered
  at stage 0 or 1;
* data: a pattern in the store (:class:`~empathos.assess.evidence.Evidence`).

A blind spot is reported when at least one signal fires; its severity is ``high`` when
both sides agree and ``medium`` when only one does. Every signal carries its reason, and
every blind spot what to do next, so the finding can be argued with. Pure functions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from empathos.assess.evidence import Evidence
from empathos.assess.maturity import EXPERIMENT_RECENT_DAYS
from empathos.assess.questionnaire import BLIND_SPOTS, Questionnaire

__all__ = ["BlindSpot", "find_blind_spots", "TITLES", "NEXT_STEPS"]

WEAK_ANSWER = 1  # an option scoring this or lower is a signal
AUTOMATION_HEAVY = 0.30
ANALYSED_LOW = 0.10
ANALYSED_MOST = 0.50

TITLES: dict[str, str] = {
    "cost_cutting": "Cost-cutting over revenue",
    "investors_over_customers": "Investors over customers",
    "no_personalisation": "No technology for personalisation at scale",
    "data_unused": "Data not used",
    "static_plans": "Static business plans",
    "static_management": "Static management",
}

NEXT_STEPS: dict[str, list[str]] = {
    "cost_cutting": [
        "Put value at risk next to cost per contact: `empathos predict`, then `empathos "
        "balance-sheet`.",
        "Triage automation by emotion: send calm, simple requests to the bot and emotional ones to "
        "people.",
        "Report revenue kept (value protected) beside cost saved in every CX review.",
    ],
    "investors_over_customers": [
        "Add customer lifetime value and value at risk to the board's scorecard (the balance sheet "
        "report).",
        "Show investors the measured lift of customer-experience actions, with its confidence "
        "interval.",
    ],
    "no_personalisation": [
        "Analyse every contact: `empathos analyze` (emotion, empathy, effort, peak-end).",
        "Score every customer: `empathos predict` (churn, CLV, value at risk).",
        "Define pods that own customers and route by need, emotion and value; plan a pilot: "
        "`empathos pilot`.",
    ],
    "data_unused": [
        "Work the avoidable-churn list every week: `empathos customers --top-risk 20 --avoidable`.",
        "Turn scores into actions that run against a control group (learn stage), so their value "
        "is known.",
    ],
    "static_plans": [
        "Run one measured experiment at a time against a control group; start with a pilot pod: "
        "`empathos pilot`.",
        "Review the plan from the OODA loop (observe KPIs, orient on benchmarks, decide by "
        "expected value, act).",
    ],
    "static_management": [
        "Form cross-functional pods (service, sales, operations, marketing) that own customer "
        "segments.",
        "Let the lead for a customer move to the member best equipped for the current need.",
        "Coach endings from measured end scores, compared with peers.",
    ],
}


@dataclass(slots=True)
class BlindSpot:
    key: str
    title: str
    detected: bool
    severity: str  # none, medium, high
    answer_signals: list[str] = field(default_factory=list)
    data_signals: list[str] = field(default_factory=list)
    next_steps: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _cost_cutting(ev: Evidence) -> list[str]:
    if ev.automation_share >= AUTOMATION_HEAVY and ev.customers_with_clv == 0:
        return [
            f"automation closes {_pct(ev.automation_share)} of contacts alone while no customer "
            "value (CLV) is measured"
        ]
    return []


def _investors(ev: Evidence) -> list[str]:
    voice = {k: v for k, v in ev.outcome_kinds.items() if k in ("csat", "nps")}
    out = []
    if ev.customers_scored == 0:
        out.append(
            "no customer is scored for lifetime value or churn risk: what customers are worth is "
            "unknown"
        )
    if not voice:
        out.append("no CSAT or NPS answers stored: the customer's voice is not measured")
    return out


def _personalisation(ev: Evidence) -> list[str]:
    out = []
    if ev.analysed_share < ANALYSED_MOST:
        out.append(f"only {_pct(ev.analysed_share)} of contacts analysed for emotion and effort")
    if ev.customers_scored == 0:
        out.append("no per-customer scores (churn, CLV) to tailor a contact to")
    if ev.n_pods == 0:
        out.append("no pods own customers, so nobody is set up to know them")
    return out


def _data_unused(ev: Evidence) -> list[str]:
    out = []
    if ev.analysed_share < ANALYSED_LOW:
        out.append(
            f"{ev.n_interactions:,} contacts stored but only {_pct(ev.analysed_share)} analysed"
        )
    if ev.customers_scored > 0 and ev.experiments == 0 and ev.routing_decisions == 0:
        out.append(
            f"{ev.customers_scored:,} customers scored, yet no routing decision or experiment uses "
            "the scores"
        )
    return out


def _static_plans(ev: Evidence) -> list[str]:
    if ev.experiments == 0:
        return ["no experiment in the store: no plan has been tested against a control group"]
    if ev.experiments_with_data == 0:
        return [
            f"{ev.experiments} experiment(s) started but none has measured contacts in both "
            "arms yet: no plan has been tested against a control group"
        ]
    if ev.latest_experiment_at and ev.latest_contact_at:
        age = (ev.latest_contact_at - ev.latest_experiment_at).days
        if age > EXPERIMENT_RECENT_DAYS:
            return [f"the newest experiment is {age} days older than the latest contact"]
    return []


def _static_management(ev: Evidence) -> list[str]:
    if ev.n_pods == 0:
        return ["no pods (teams owning customers) defined"]
    if ev.mean_functions_per_pod < 2:
        return [
            f"pods have {ev.mean_functions_per_pod:.1f} function(s) on average: silos, not "
            "cross-functional teams"
        ]
    return []


DATA_RULES: dict[str, Callable[[Evidence], list[str]]] = {
    "cost_cutting": _cost_cutting,
    "investors_over_customers": _investors,
    "no_personalisation": _personalisation,
    "data_unused": _data_unused,
    "static_plans": _static_plans,
    "static_management": _static_management,
}


def answer_signals(q: Questionnaire, answers: dict[str, str]) -> dict[str, list[str]]:
    """Per blind spot, the probing questions answered at stage ``WEAK_ANSWER`` or below."""
    chosen = q.validate(answers)
    out: dict[str, list[str]] = {k: [] for k in BLIND_SPOTS}
    for question in q.questions:
        option = chosen.get(question.id)
        if question.blind_spot and option is not None and option.score <= WEAK_ANSWER:
            out[question.blind_spot].append(f'{question.text} -> "{option.label}"')
    return out


def find_blind_spots(q: Questionnaire, answers: dict[str, str], ev: Evidence) -> list[BlindSpot]:
    """All six blind spots, detected or not, in DESIGN.md's order."""
    by_answers = answer_signals(q, answers)
    out = []
    for key in BLIND_SPOTS:
        data = DATA_RULES[key](ev) if ev.has_data else []
        said = by_answers[key]
        detected = bool(data or said)
        severity = "high" if data and said else ("medium" if detected else "none")
        out.append(
            BlindSpot(
                key,
                TITLES[key],
                detected,
                severity,
                said,
                data,
                list(NEXT_STEPS[key]) if detected else [],
            )
        )
    return out
