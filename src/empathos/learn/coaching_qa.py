"""The QA part of the coaching report: the subject's auto-QA scorecard beside its peers'.

Built on ``empathos.understand.qa.scorecards`` (the same numbers as the QA page): per
rubric item the subject's pass rate and mean over the contacts it scored, the peers'
median pass rate, the *focus* item (the scored item with the lowest pass rate, at least
``min_contacts`` scored contacts — the behaviour to coach first), the percentile of the
subject's overall QA score among peers with at least ``min_contacts`` scorecards, and the
weekly trend of the overall score. Window and filters are the coaching report's.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Engine

from empathos.understand.qa.scorecards import QAScope, scorecards


def _percentile(values: list[float], value: float | None) -> float | None:
    if value is None or not values:
        return None
    below = sum(v < value for v in values)
    same = sum(v == value for v in values)
    return round(100.0 * (below + 0.5 * same) / len(values), 1)


def _median(values: list[float]) -> float | None:
    if not values:
        return None
    v = sorted(values)
    n = len(v)
    return round(v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2, 4)


def qa_coaching(
    engine: Engine,
    subject: str,
    subject_id: str,
    window: dict[str, Any],
    cfg: Any,
) -> dict[str, Any]:
    """The QA block of a coaching report for an employee or a pod (``subject``)."""

    def day(x: Any) -> date | None:
        return date.fromisoformat(str(x)[:10]) if x else None

    base = dict(
        start=day(window.get("from")),
        end=day(window.get("to")),
        channel=cfg.channel,
        language=cfg.language,
        company=cfg.company,
    )
    by = "employee" if subject == "employee" else "pod"
    peers_scope = QAScope(**base)
    table = scorecards(engine, by, peers_scope)  # type: ignore[arg-type]
    groups = {g["key"]: g for g in table.get("groups", [])}
    mine = groups.get(subject_id)
    if mine is None:
        return {
            "available": False,
            "note": table.get("note")
            or f"no QA scorecards for {subject} {subject_id} in the window",
        }
    peers = [g for k, g in groups.items() if k is not None and g["n_contacts"] >= cfg.min_contacts]
    items: dict[str, Any] = {}
    for name, f in mine["items"].items():
        rates = [
            g["items"][name]["pass_rate"]
            for g in peers
            if name in g["items"] and g["items"][name]["pass_rate"] is not None
        ]
        items[name] = {
            "pass_rate": f["pass_rate"],
            "mean": f["mean"],
            "n_scored": f["n_scored"],
            "n_not_applicable": f["n_not_applicable"],
            "n_unknown": f["n_unknown"],
            "peer_median_pass_rate": _median(rates),
            "percentile": _percentile(rates, f["pass_rate"]),
        }
    candidates = [
        (f["pass_rate"], name)
        for name, f in items.items()
        if f["pass_rate"] is not None and f["n_scored"] >= cfg.min_contacts
    ]
    focus = min(candidates)[1] if candidates else None
    overall_peers = [g["overall"] for g in peers if g["overall"] is not None]
    scope = (
        QAScope(**base, employee_id=subject_id)
        if subject == "employee"
        else QAScope(**base, pod=subject_id)
    )
    trend = scorecards(engine, "week", scope)
    return {
        "available": True,
        "rubric": table.get("rubric"),
        "rubric_version": table.get("rubric_version"),
        "n_contacts": mine["n_contacts"],
        "overall": mine["overall"],
        "overall_percentile": _percentile(overall_peers, mine["overall"]),
        "n_peers": len(peers),
        "items": items,
        "focus_item": focus,
        "trend": [
            {"week": g["key"], "n_contacts": g["n_contacts"], "overall": g["overall"]}
            for g in trend.get("groups", [])
            if g["key"]
        ],
    }
