"""REST endpoints of the assess part of the API: the maturity questionnaire and its result,
the empathy balance sheet (JSON and the self-contained HTML report) and the pilot planner.

Each endpoint is a thin call into ``empathos.assess`` — the same call the CLI makes — and
returns its plain data, so the dashboard, the CLI and the API say the same thing.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from empathos.assess.lifts import MeasuredLift

router = APIRouter(prefix="/assess", tags=["assess"])


class OptionOut(BaseModel):
    id: str
    label: str
    score: int = Field(description="0 transactional, 1 interaction, 2 engagement, 3 empathy")


class QuestionOut(BaseModel):
    id: str
    pillar: str
    text: str
    blind_spot: str | None = None
    options: list[OptionOut]


class QuestionnaireOut(BaseModel):
    version: str
    stages: list[str]
    pillars: dict[str, str]
    questions: list[QuestionOut]


class AnswersIn(BaseModel):
    answers: dict[str, str] = Field(
        default_factory=dict,
        description="question id -> option id; unanswered questions may be left out",
    )
    save: bool = Field(True, description="store the assessment (GET /assess/latest returns it)")


class EvidenceItemOut(BaseModel):
    stage: str
    requirement: str
    met: bool
    observed: str


class PillarOut(BaseModel):
    pillar: str
    title: str
    stage: str
    score: float | None
    answer_score: float | None
    answered: int
    data_stage: str | None
    evidence: list[EvidenceItemOut]
    gap: str | None


class BlindSpotOut(BaseModel):
    key: str
    title: str
    detected: bool
    severity: str
    answer_signals: list[str]
    data_signals: list[str]
    next_steps: list[str]


class AssessmentOut(BaseModel):
    assessment_id: int | None
    created_at: str
    questionnaire_version: str
    source: str = Field(
        description="where the data evidence comes from: real, simulated, mixed or none"
    )
    overall_stage: str
    overall_score: float | None
    weakest_pillar: str | None
    answers: dict[str, str]
    pillars: dict[str, PillarOut]
    blind_spots: list[BlindSpotOut]
    evidence: dict[str, Any]
    notes: list[str]


class IntervalOut(BaseModel):
    point: float | None
    low: float | None = None
    high: float | None = None


# A measured lift: the library's dataclass is the response model (no second copy to drift).
LiftOut = MeasuredLift


class BalanceSheetOut(BaseModel):
    as_of: str | None
    source: str = Field(
        description="real, simulated, mixed or none: where the scored customers come from"
    )
    sources: dict[str, int]
    n_customers: int
    clv_total: float
    value_at_risk: float
    avoidable_value_at_risk: float
    mean_p_churn: float
    n_employees: int
    elv_total: float
    elv_at_risk: float
    churn_model: str | None
    lift_used: LiftOut | None
    other_lifts: list[LiftOut]
    coverage: float
    value_protected: IntervalOut
    programme_cost: float
    roi: IntervalOut
    p_roi_positive: float | None
    draws: int
    notes: list[str]


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


class KpiLiftOut(BaseModel):
    kpi: str
    unit: str
    treatment: float | None
    control: float | None
    lift: float | None
    ci_low: float | None = Field(description="None when too few observations for the test")
    ci_high: float | None
    p_value: float | None
    test: str
    n_treatment: int
    n_control: int
    per_seed: list[float]
    sd: float | None
    n_per_arm_needed: int | None
    weeks_needed: float | None


class PilotOut(BaseModel):
    pod: str
    sim_pod: str
    policy: str
    baseline: str
    weeks: int
    seeds: list[int]
    source: str
    customers_in_store: int
    customers_simulated: int
    scale: float
    pod_customers_simulated: int
    pod_contacts_per_week: float
    calibration: dict[str, Any]
    kpis: list[KpiLiftOut]
    notes: list[str]
    seconds: float


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
        return run_assessment(request.app.state.engine, body.answers, save=body.save).as_dict()
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

    found = latest_assessment(request.app.state.engine)
    if found is None:
        raise HTTPException(status_code=404, detail="no assessment yet: POST /assess first")
    return found


def _sheet(request: Request, cost: float, coverage: float) -> Any:
    from empathos.assess.balance_sheet import balance_sheet

    try:
        return balance_sheet(request.app.state.engine, cost=cost, coverage=coverage)
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
    summary="Simulate a routing policy in one pod vs fifo; expected lift and sample size needed",
    response_model=PilotOut,
)
def pilot(body: PilotIn, request: Request) -> dict[str, Any]:
    from empathos.assess.pilot import run_pilot

    try:
        result = run_pilot(
            request.app.state.engine,
            body.pod,
            body.policy,
            weeks=body.weeks,
            seeds=tuple(range(1, body.seeds + 1)),
            max_customers=body.max_customers,
        )
    except ValueError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from None
    return _finite(result.as_dict())


def _finite(x: Any) -> Any:
    """NaN (a test with too few observations) becomes null: JSON has no NaN."""
    if isinstance(x, float) and x != x:
        return None
    if isinstance(x, dict):
        return {k: _finite(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_finite(v) for v in x]
    return x
