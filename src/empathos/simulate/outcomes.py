"""The ground-truth outcome model: pure functions from experience to churn, purchases,
surveys and employee attrition. Every coefficient comes from :class:`EffectSizes`."""

from __future__ import annotations

import math
import random

from empathos.simulate.config import EffectSizes
from empathos.simulate.emotion import clamp, logit, sigmoid


def effort_score(
    transfers: int, attempt: int, bot_handoff: bool, waited_min: float, abandoned: bool
) -> float:
    """Customer effort of one contact: transfers + earlier attempts + bot hand-off +
    waiting (one unit per 10 minutes, at most 3) + 1 if they gave up."""
    return (
        transfers
        + attempt
        + (1.0 if bot_handoff else 0.0)
        + min(waited_min / 10.0, 3.0)
        + (1.0 if abandoned else 0.0)
    )


def churn_probability(
    eff: EffectSizes, need: str, remembered: float, effort: float, memory_before: float
) -> float:
    """True probability that this contact makes the customer leave.

    logit p = logit(base[need]) + β_rem·(−remembered) + β_effort·effort + β_mem·max(0, −memory).
    """
    z = (
        logit(eff.churn_base_for(need))
        + eff.churn_remembered_logit * (-remembered)
        + eff.churn_effort_logit * effort
        + eff.churn_memory_logit * max(0.0, -memory_before)
    )
    return sigmoid(z)


def update_memory(eff: EffectSizes, memory: float, remembered: float) -> float:
    """Journey memory after a contact: recent and negative experiences weigh more."""
    w = eff.memory_negative_weight if remembered < 0 else 1.0
    return clamp(
        eff.memory_retention * memory + (1 - eff.memory_retention) * w * remembered, -1.0, 1.0
    )


def purchase_rate(eff: EffectSizes, lam: float, memory: float) -> float:
    """BG/NBD λ scaled by the journey memory: good experiences bring purchases forward."""
    return lam * math.exp(eff.purchase_memory_log_rate * memory)


def csat(eff: EffectSizes, rng: random.Random, remembered: float) -> int:
    """CSAT answer 1–5 driven by the remembered (not the average) experience."""
    x = 3.2 + eff.csat_per_remembered * remembered + rng.gauss(0.0, eff.survey_noise_sd)
    return int(clamp(round(x), 1, 5))


def nps(eff: EffectSizes, rng: random.Random, remembered: float, memory: float) -> int:
    """'How likely to recommend' 0–10: this contact's remembered score plus the journey."""
    x = (
        7.0
        + eff.nps_per_remembered * remembered
        + 2.0 * memory
        + rng.gauss(0.0, 2 * eff.survey_noise_sd)
    )
    return int(clamp(round(x), 0, 10))


def emotional_load(valences: list[float], intensities: list[float]) -> float:
    """What a contact costs the employee, 0…1: the mean over the customer's turns of
    negative valence × intensity (an angry call ≈ 0.5, a calm one ≈ 0)."""
    if not valences:
        return 0.0
    return sum(max(0.0, -v) * i for v, i in zip(valences, intensities, strict=False)) / len(
        valences
    )


def attrition_probability(eff: EffectSizes, stress: float) -> float:
    """Daily probability an employee leaves, rising exponentially with stress."""
    return min(
        1.0,
        eff.attrition_base_daily
        * math.exp(eff.attrition_stress_log_rate * (stress - eff.stress_reference)),
    )


def pulse_answer(rng: random.Random, stress: float) -> int:
    """Weekly pulse survey answer 1–5 (how are you doing): lower under stress."""
    return int(clamp(round(4.4 - 0.35 * stress + rng.gauss(0.0, 0.6)), 1, 5))
