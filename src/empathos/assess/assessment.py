"""One maturity assessment end to end: answers + store evidence → stages and blind spots.

This is the I/O edge of the assess package (DESIGN.md: pure functions in the middle):
it reads the evidence from the store, calls the pure rules of ``maturity`` and
``blind_spots``, and stores the result in ``assessments`` so the dashboard and
``GET /assess/latest`` show the same thing the CLI printed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select

from empathos.assess.blind_spots import BlindSpot, find_blind_spots
from empathos.assess.evidence import Evidence, gather_evidence
from empathos.assess.maturity import MaturityResult, assess_maturity
from empathos.assess.questionnaire import Questionnaire, load_questionnaire
from empathos.store.tables_assess import assessments

__all__ = ["Assessment", "latest_assessment", "run_assessment", "save_assessment"]


@dataclass(slots=True)
class Assessment:
    """The whole result: where the company stands, why, and what to do next."""

    created_at: datetime
    questionnaire_version: str
    answers: dict[str, str]
    maturity: MaturityResult
    blind_spots: list[BlindSpot]
    evidence: Evidence
    assessment_id: int | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def source(self) -> str:
        return self.evidence.source

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-able data (what the API returns and the store keeps)."""
        return {
            "assessment_id": self.assessment_id,
            "created_at": self.created_at.isoformat(),
            "questionnaire_version": self.questionnaire_version,
            "source": self.source,
            "overall_stage": self.maturity.overall_stage,
            "overall_score": self.maturity.overall_score,
            "weakest_pillar": self.maturity.weakest_pillar,
            "answers": dict(self.answers),
            "pillars": {k: _pillar_dict(v) for k, v in self.maturity.pillars.items()},
            "blind_spots": [b.as_dict() for b in self.blind_spots],
            "evidence": self.evidence.as_dict(),
            "notes": list(self.notes),
        }


def _pillar_dict(p: Any) -> dict[str, Any]:
    from dataclasses import asdict

    return asdict(p)


def run_assessment(
    engine: Engine,
    answers: dict[str, str],
    questionnaire: Questionnaire | None = None,
    save: bool = True,
) -> Assessment:
    """Assess the company from ``answers`` (question id → option id) and the store."""
    q = questionnaire or load_questionnaire()
    q.validate(answers)  # fail before reading the store
    ev = gather_evidence(engine)
    result = Assessment(
        created_at=datetime.now(UTC).replace(tzinfo=None),
        questionnaire_version=q.version,
        answers=dict(answers),
        maturity=assess_maturity(q, answers, ev),
        blind_spots=find_blind_spots(q, answers, ev),
        evidence=ev,
        notes=list(ev.notes),
    )
    unanswered = [x.id for x in q.questions if x.id not in answers]
    if unanswered:
        result.notes.append(
            f"{len(unanswered)} of {len(q.questions)} questions unanswered: "
            "those pillars rest more on the data"
        )
    if save:
        result.assessment_id = save_assessment(engine, result)
    return result


def save_assessment(engine: Engine, a: Assessment) -> int:
    """Add ``a`` to the ``assessments`` table; return its id."""
    data = a.as_dict()
    row = {
        "created_at": a.created_at,
        "questionnaire_version": a.questionnaire_version,
        "overall_stage": a.maturity.overall_stage,
        "overall_score": a.maturity.overall_score,
        "source": a.source,
        "answers": dict(a.answers),
        "result": data,
    }
    with engine.begin() as conn:
        new_id = conn.execute(
            assessments.insert().returning(assessments.c.assessment_id), row
        ).scalar_one()
    return int(new_id)


def latest_assessment(engine: Engine) -> dict[str, Any] | None:
    """The newest stored assessment as plain data (None: no assessment yet)."""
    t = assessments.c
    with engine.connect() as conn:
        row = conn.execute(
            select(t.assessment_id, t.result)
            .order_by(t.created_at.desc(), t.assessment_id.desc())
            .limit(1)
        ).first()
    if row is None:
        return None
    out = dict(row[1])
    out["assessment_id"] = int(row[0])
    return out
