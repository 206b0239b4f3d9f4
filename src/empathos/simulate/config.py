"""Configuration of a simulation: the company, the customers, and the *true* effect sizes.

The effect sizes are the ground truth later stages are tested against ("does the churn
model recover the effect of the remembered experience?"), so each one is documented with
its unit and written to ``ground_truth.json`` with every run.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class EffectSizes:
    """True effects in the simulated world. Valence is on −1…1, arousal on 0…1."""

    # --- how the customer's state moves during a contact ---------------------------
    wait_valence_per_log_min: float = -0.12
    """Valence change per unit of ln(1 + minutes waited): 2 min → −0.13, 10 min → −0.29."""
    wait_arousal_per_log_min: float = 0.08
    """Arousal change per unit of ln(1 + minutes waited)."""
    wait_valence_cap: float = -0.6
    """Most a wait can lower valence (an email answered next day is not infinitely worse)."""
    transfer_valence: float = -0.18
    """Valence change on each transfer to another employee."""
    recontact_valence: float = -0.15
    """Valence change at the start of a contact per earlier attempt on the same need."""
    bot_handoff_valence: float = -0.12
    """Valence change when the bot fails and the customer must ask for a person."""
    language_mismatch_valence: float = -0.12
    """Valence change when the employee does not speak the customer's language."""
    empathy_valence_per_level: dict[str, float] = field(
        default_factory=lambda: {
            "emotional_reaction": 0.07,
            "interpretation": 0.06,
            "exploration": 0.05,
        }
    )
    """Valence change per mechanism level (weak = 1, strong = 2) when the customer is negative."""
    empathy_arousal_per_level: float = -0.04
    """Arousal change per mechanism level used (being understood calms)."""
    sympathy_only_valence: float = 0.0
    """Valence change of a sympathy-only reply ("sorry for the inconvenience"): none."""
    resolved_valence: float = 0.5
    """Valence change when the need is resolved."""
    unresolved_valence: float = -0.25
    """Valence change when the employee cannot resolve the need."""
    competence_resolution: float = 0.4
    """Resolution probability = base[need] × (1 − c + c·competence), with c this value."""
    unskilled_resolution_factor: float = 0.35
    """Multiplier on resolution probability when the employee lacks the skill for the need."""
    unskilled_transfer_prob: float = 0.6
    """Chance an employee without the skill transfers the contact instead of trying."""

    # --- what the customer remembers ----------------------------------------------
    peak_weight: float = 0.5
    """Remembered score = peak_weight·(valence at the most intense turn) +
    end_weight·(last turn valence)."""
    end_weight: float = 0.5
    """See ``peak_weight``. The two need not sum to 1."""
    memory_retention: float = 0.6
    """Journey memory m ← retention·m + (1 − retention)·w·remembered, per contact."""
    memory_negative_weight: float = 1.5
    """w for a negative remembered score (negative experiences weigh more); 1 for positive."""

    # --- outcomes ---------------------------------------------------------------------
    churn_base: dict[str, float] = field(
        default_factory=lambda: {
            "billing": 0.002,
            "technical": 0.002,
            "sales": 0.001,
            "complaint": 0.01,
            "cancellation": 0.2,
            "delivery": 0.0015,
            "account": 0.001,
        }
    )
    """Churn probability after a contact with a neutral memory (remembered 0, effort 0), per
    need."""
    churn_remembered_logit: float = 1.6
    """Log-odds of churn added per unit of *negative* remembered score (−remembered)."""
    churn_effort_logit: float = 0.25
    """Log-odds of churn added per unit of effort (see ``effort_score``)."""
    churn_memory_logit: float = 0.8
    """Log-odds of churn added per unit of negative journey memory before this contact."""
    churn_delay_days: float = 3.0
    """Mean days between the decision to leave and the (observed) cancellation."""
    purchase_memory_log_rate: float = 0.6
    """ln of the purchase-rate multiplier per unit of journey memory (+1 memory → ×1.82)."""
    csat_per_remembered: float = 1.6
    """CSAT (1–5) = 3.2 + this·remembered + noise, rounded and clipped."""
    nps_per_remembered: float = 3.5
    """NPS answer (0–10) = 7 + this·remembered + 2·memory + noise, rounded and clipped."""
    survey_noise_sd: float = 0.6
    """Noise SD (in CSAT points; ×2 for NPS)."""

    # --- employees --------------------------------------------------------------------
    stress_retention: float = 0.85
    """Daily stress s ← retention·s + (1 − retention)·(emotional load handled that day, the
    sum over contacts of each one's load in 0…1; a calm day ≈ 0.5, a hard one ≈ 4)."""
    attrition_base_daily: float = 0.0006
    """Daily probability an employee leaves at reference stress."""
    attrition_stress_log_rate: float = 0.35
    """ln of the attrition multiplier per unit of stress above ``stress_reference``."""
    stress_reference: float = 4.0
    """Stress level at which attrition is the base rate."""
    stress_empathy_drop: float = 0.1
    """Fractional drop in each mechanism's use per unit of stress (burnout)."""

    def churn_base_for(self, need: str) -> float:
        return self.churn_base.get(need, 0.01)


NEED_MIX: dict[str, float] = {
    "billing": 0.23,
    "technical": 0.25,
    "sales": 0.12,
    "complaint": 0.07,
    "cancellation": 0.03,
    "delivery": 0.14,
    "account": 0.16,
}
"""Share of spontaneous contacts per need."""

RESOLUTION_BASE: dict[str, float] = {
    "billing": 0.85,
    "technical": 0.7,
    "sales": 0.9,
    "complaint": 0.6,
    "cancellation": 0.8,
    "delivery": 0.8,
    "account": 0.9,
}
"""Resolution probability for a fully competent, skilled employee."""

BOT_RESOLUTION: dict[str, float] = {
    "billing": 0.35,
    "technical": 0.25,
    "sales": 0.2,
    "complaint": 0.05,
    "cancellation": 0.1,
    "delivery": 0.55,
    "account": 0.6,
}
"""Chance the self-service bot resolves a need without a person."""


@dataclass(slots=True)
class SimulationConfig:
    """Everything that defines a run; same config + same seed → byte-identical output."""

    customers: int = 10_000
    days: int = 90
    seed: int = 7
    policy: str = "fifo"
    start: datetime = datetime(2026, 1, 5)  # a Monday
    employees: int | None = None
    """Number of employees; None sizes staff to the expected load (``target_occupancy``)."""
    pods: int | None = None
    """Number of pods; None → about one per 8 employees, 4 to 12."""
    contacts_per_customer_day: float = 0.03
    """Mean spontaneous contact rate per customer (gamma-distributed across customers)."""
    purchases_per_customer_day: float = 0.05
    """Mean BG/NBD purchase rate λ while alive (gamma heterogeneity, shape ``lambda_shape``)."""
    lambda_shape: float = 2.0
    dropout_beta: tuple[float, float] = (1.0, 25.0)
    """Beta(a, b) of the BG/NBD dropout probability p after each purchase."""
    languages: dict[str, float] = field(
        default_factory=lambda: {
            "en": 0.38,
            "de": 0.2,
            "es": 0.12,
            "fr": 0.12,
            "it": 0.1,
            "pl": 0.08,
        }
    )
    segments: dict[str, float] = field(
        default_factory=lambda: {
            "consumer": 0.6,
            "premium": 0.2,
            "small_business": 0.15,
            "enterprise": 0.05,
        }
    )
    channels: dict[str, float] = field(
        default_factory=lambda: {
            "voice": 0.34,
            "chat": 0.3,
            "email": 0.14,
            "social": 0.06,
            "self_service": 0.16,
        }
    )
    need_mix: dict[str, float] = field(default_factory=lambda: dict(NEED_MIX))
    target_occupancy: float = 0.6
    survey_rate: float = 0.25
    """Share of completed contacts that get a CSAT survey (half of those also NPS)."""
    recontact_prob: float = 0.55
    """Chance an unresolved or abandoned contact comes back about the same need."""
    post_purchase_contact_prob: float = 0.06
    """Chance a purchase leads to a contact (delivery, technical, billing) a few days later."""
    pulse_response_rate: float = 0.7
    """Share of employees answering the weekly pulse survey (Fridays)."""
    hire_delay_days: float = 21.0
    """Days until an employee who left is replaced."""
    effects: EffectSizes = field(default_factory=EffectSizes)
    write_truth_interactions: bool = True
    """Also write ``truth_interactions.jsonl``: per-turn true emotion and empathy labels."""

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["start"] = self.start.isoformat()
        return d


PRESETS: dict[str, dict[str, Any]] = {
    "demo": {"customers": 5000, "days": 60, "contacts_per_customer_day": 0.08, "pods": 5},
    "small": {"customers": 600, "days": 30},
    "medium": {"customers": 3000, "days": 60},
    "default": {},
}
"""Named configurations. ``demo`` is "a realistic mid-size company": 5,000 customers who
contact it about twice a month, over 60 days — about 20 employees in 5 pods, ~25k contacts,
some 15 s to simulate on 2 cores."""


def preset(name: str, **overrides: Any) -> SimulationConfig:
    """A named configuration, with keyword overrides (``preset("demo", seed=3)``)."""
    try:
        base = PRESETS[name]
    except KeyError:
        raise ValueError(
            f"unknown preset {name!r}; available: {', '.join(sorted(PRESETS))}"
        ) from None
    return replace(SimulationConfig(), **{**base, **overrides})
