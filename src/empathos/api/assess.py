"""REST endpoints of the assess part of the API: the maturity questionnaire and its result,
the empathy balance sheet (JSON and the self-contained HTML report) and the pilot planner.

Each endpoint is a thin call into ``empathos.assess`` — the same call the CLI makes — and
returns its plain data, so the dashboard, the CLI and the API say the same thing.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field, StrictBool

from empathos.api._models import public_model
from empathos.api.jobs import JobOut, submit
from empathos.assess.balance_sheet import BalanceSheet, Interval
from empathos.assess.blind_spots import BlindSpot
from empathos.assess.lifts import MeasuredLift
from empathos.assess.maturity import EvidenceItem, PillarResult
from empathos.assess.pilot import KpiLift, PilotResult
from empathos.assess.questionnaire import Option, Question, Questionnaire
from empathos.learn.lift import LiftResult
from empathos.web.tenancy import store_engine

router = APIRouter(prefix="/assess", tags=["assess"])


# The library's dataclasses are the response models (no second copy to drift); the
# questionnaire leaves out its internal ``by_id`` index.
OptionOut = Option
QuestionOut = Question
QuestionnaireOut = public_model(Questionnaire, exclude=("by_id",))


class _QuestionnaireAnswers:
    """The answers' JSON schema from the questionnaire itself: its question ids as the only
    keys, each with its option ids (``run_assessment`` refuses anything else, so the spec
    says so). Read when the spec is generated, never at import."""

    def __get_pydantic_json_schema__(self, schema: Any, handler: Any) -> dict[str, Any]:
        from empathos.assess.questionnaire import load_questionnaire

        out = handler.resolve_ref_schema(handler(schema))
        questions = load_questionnaire().as_dict()["questions"]
        out["properties"] = {q["id"]: {"enum": [o["id"] for o in q["options"]]} for q in questions}
        out["additionalProperties"] = False
        return out


class AnswersIn(BaseModel):
    answers: Annotated[dict[str, str], _QuestionnaireAnswers()] = Field(
        default_factory=dict,
        description="question id -> option id; unanswered questions may be left out",
    )
    save: StrictBool = Field(
        True, description="store the assessment (GET /assess/latest returns it)"
    )


EvidenceItemOut = EvidenceItem
PillarOut = PillarResult
BlindSpotOut = BlindSpot


class AssessmentOut(BaseModel):
    """The stored assessment document (``Assessment.as_dict``): the maturity result
    flattened beside the answers, blind spots and evidence."""

    assessment_id: int | None
    created_at: str
    questionnaire_version: str
    source: str = Field(
        description="where the data evidence comes from: imported, sample, simulated, mixed or none"
    )
    overall_stage: str
    overall_score: float | None
    weakest_pillar: str | None
    answers: dict[str, str]
    pillars: dict[str, PillarOut]
    blind_spots: list[BlindSpotOut]
    evidence: dict[str, Any]
    notes: list[str]


IntervalOut = Interval
# A measured lift is the learn stage's LiftResult with its experiment: its JSON (the
# balance sheet's names for the figures, MeasuredLift.JSON_KEYS) is derived from both.
LiftOut = public_model(
    MeasuredLift, flatten=("result", LiftResult, MeasuredLift.JSON_KEYS), name="MeasuredLift"
)
BalanceSheetOut = public_model(
    BalanceSheet, types={"lift_used": LiftOut | None, "other_lifts": list[LiftOut]}
)


class PilotIn(BaseModel):
    pod: str = Field(description="a pod id of the store")
    policy: str = Field("empathy", description="registered routing policy to try against fifo")
    weeks: int = Field(6, ge=1, le=26)
    seeds: int = Field(
        2, ge=1, le=10, description="replications, each policy and fifo on the same seed"
    )
    max_customers: int = Field(
        2000, ge=50, le=20000, description="scale the book down to this many customers"
    )


KpiLiftOut = public_model(KpiLift, flatten=("result", LiftResult, KpiLift.JSON_KEYS))
PilotOut = public_model(PilotResult, types={"kpis": list[KpiLiftOut]})


class PilotJobOut(JobOut):
    """The pilot's job: ``result`` (once ``done``, from ``GET /jobs/{job_id}``) is a
    PilotResult."""

    result: PilotOut | None = None  # type: ignore[assignment]


@router.get(
    "/questionnaire",
    summary="The maturity questionnaire (four pillars, options scored 0-3)",
    response_model=QuestionnaireOut,
)
def questionnaire() -> dict[str, Any]:
    from empathos.assess.questionnaire import load_questionnaire

    return load_questionnaire().as_dict()


@router.post(
    "",
    summary="Assess maturity and blind spots from answers and the store's evidence",
    response_model=AssessmentOut,
)
def assess(body: AnswersIn, request: Request) -> dict[str, Any]:
    from empathos.assess.assessment import run_assessment
    from empathos.assess.questionnaire import AnswerError

    try:
        return run_assessment(store_engine(request), body.answers, save=body.save).as_dict()
    except AnswerError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from None


@router.get(
    "/latest",
    summary="The newest stored assessment",
    response_model=AssessmentOut,
    responses={404: {"description": "no assessment stored yet"}},
)
def latest(request: Request) -> dict[str, Any]:
    from empathos.assess.assessment import latest_assessment

    found = latest_assessment(store_engine(request))
    if found is None:
        raise HTTPException(status_code=404, detail="no assessment yet: POST /assess first")
    return found


def _sheet(request: Request, cost: float, coverage: float) -> Any:
    from empathos.assess.balance_sheet import balance_sheet

    try:
        return balance_sheet(store_engine(request), cost=cost, coverage=coverage)
    except ValueError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from None


CostQuery = Query(
    0.0, ge=0, description="cost of the empathy programme (currency of the transactions)"
)
CoverageQuery = Query(1.0, gt=0, le=1, description="share of the book the measured action reaches")


@router.get(
    "/balance-sheet",
    summary="The empathy balance sheet: CLV, ELV, value at risk, value protected, ROI with CI",
    response_model=BalanceSheetOut,
)
def balance_sheet_json(
    request: Request, cost: float = CostQuery, coverage: float = CoverageQuery
) -> dict[str, Any]:
    return _sheet(request, cost, coverage).as_dict()


@router.get(
    "/balance-sheet.html",
    summary="The balance sheet as a self-contained HTML report (no external resource)",
    response_class=HTMLResponse,
)
def balance_sheet_html(
    request: Request, cost: float = CostQuery, coverage: float = CoverageQuery
) -> HTMLResponse:
    from empathos.assess.balance_report import render_html

    return HTMLResponse(render_html(_sheet(request, cost, coverage)))


@router.post(
    "/pilot",
    summary="Simulate a routing policy in one pod vs fifo, as a background job (202): "
    "GET /jobs/{job_id} gives the expected lift and sample size needed",
    response_model=PilotJobOut,
    status_code=202,
)
def pilot(body: PilotIn, request: Request) -> dict[str, Any]:
    """Why a job: the simulation takes tens of seconds of CPU (api/jobs.py). An unknown
    policy is refused at once (422); what needs the store's calibration (the pod) fails
    the job with the library's message."""
    from empathos.assess.pilot import available_policies, run_pilot

    names = available_policies()
    if body.policy not in names:
        raise HTTPException(
            status_code=422,
            detail=f"unknown routing policy {body.policy!r}; available: {', '.join(names)}",
        )
    engine = store_engine(request)

    def run() -> dict[str, Any]:
        result = run_pilot(
            engine,
            body.pod,
            body.policy,
            weeks=body.weeks,
            seeds=tuple(range(1, body.seeds + 1)),
            max_customers=body.max_customers,
        )
        return result.as_dict()  # undefined figures are None in the library: JSON null

    return submit(request, "pilot", run)
