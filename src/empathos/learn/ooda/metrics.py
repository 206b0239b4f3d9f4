"""The metrics OODA compares (ours and the benchmarks'), with their units and direction."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    description: str
    unit: str
    higher_is_better: bool


METRICS: dict[str, Metric] = {
    "csat": Metric("mean CSAT answer", "the survey's own scale, e.g. 1-5", True),
    "nps": Metric("net promoter score: % promoters (9-10) - % detractors (0-6)", "-100..100", True),
    "churn_rate_monthly": Metric(
        "customers who churned in the last 30 days / customers at its start", "0..1", False
    ),
    "automation_share": Metric(
        "contacts closed without an employee (self-service / bot)", "0..1", True
    ),
    "resolution_rate": Metric(
        "contacts with a positive 'resolved' outcome / contacts with one", "0..1", True
    ),
    "remembered_score": Metric("mean peak-end (remembered) score of contacts", "-1..1", True),
    "experienced_score": Metric("mean experienced (mean valence) score of contacts", "-1..1", True),
    "predicted_csat": Metric(
        "mean predicted CSAT of contacts (every contact, not only the surveyed; calibrated "
        "to the surveys where there are enough)",
        "1-5",
        True,
    ),
    "contacts_per_customer_month": Metric(
        "contacts in 30 days / customers with a contact", "count", False
    ),
}
REQUIRED = ("metric", "value", "source", "period")
CHURN_WINDOW_DAYS = 14.0  # churn counted within 14 days after a contact (as learn.experiments does)
