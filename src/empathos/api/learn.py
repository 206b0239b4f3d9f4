"""REST endpoints of the learn part of the API: label feedback, coaching, OODA.

Thin views over ``empathos.learn`` (the CLI calls the same functions): a correction is
validated and stored by ``learn.feedback``; coaching and OODA reports are computed from
the store on request and say where their figures come from (imported, sample or simulated) and on
how many contacts they stand.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, Field

from empathos.api._filters import (
    Day,
    ChannelQuery,
    CompanyQuery,
    EndQuery,
    LanguageQuery,
    PodQuery,
    StartQuery,
)
from empathos.learn.coaching import CoachingReport
from empathos.learn.feedback import FeedbackRecord
from empathos.learn.ooda import OodaReport
from empathos.listen.api_text import NON_BLANK_TEXT, JsonSchema
from empathos.api.contacts import BoundedStr
from empathos.listen.parse import StorableStr
from empathos.understand.protocols import CX_EMOTIONS, EMPATHY_MECHANISMS
from empathos.web.tenancy import principal, store_engine

router = APIRouter(tags=["learn"])

Role = Literal["employee", "supervisor"]
#: A turn's sequence number fits any integer column (and a JSON double, which a bound
#: near 2**63 would not: validators read such a maximum rounded).
MAX_SEQ = 2**31 - 1
# What learn.feedback checks, stated in the spec (the check stays the library's: its 422
# names the field the same way for the CLI and the API).
Author = Annotated[StorableStr, NON_BLANK_TEXT]
EmotionLabel = Annotated[str, JsonSchema(enum=list(CX_EMOTIONS))]
Levels = Annotated[
    dict[str, int],
    JsonSchema(
        minProperties=1,
        propertyNames={"enum": list(EMPATHY_MECHANISMS)},
        additionalProperties={"type": "integer", "minimum": 0, "maximum": 2},
    ),
]
_AUTHOR_DOC = (
    "Ignored when auth is on: the author is the authenticated principal (an agent's key "
    "or login is an employee correction under its employee id; a supervisor's or admin's "
    "a supervisor's). With auth off (a trusted, loopback-only setup) it is taken as sent."
)


def _author(request: Request, body: Any) -> tuple[str, str]:
    """Who corrects: the principal, never a self-declared field (issue 18)."""
    p = principal(request)
    if p.via == "off":
        return body.author_id or "unknown", body.author_role or "employee"
    if p.role == "agent":  # an agent corrects its own contacts only (others: 404)
        from sqlalchemy import select

        from empathos.store import schema

        i = schema.interactions
        with store_engine(request).connect() as conn:
            owner = conn.execute(
                select(i.c.employee_id).where(i.c.interaction_id == body.interaction_id)
            ).scalar()
        if owner is None or owner != p.employee_id:
            raise HTTPException(status_code=404, detail="not found")
    role = "employee" if p.role == "agent" else "supervisor"
    return p.employee_id or p.name or p.role, role


class EmotionFeedbackIn(BaseModel):
    interaction_id: StorableStr
    seq: int = Field(
        ge=0, le=MAX_SEQ, description="The customer turn's sequence number in the interaction."
    )
    label: EmotionLabel = Field(
        description="The right CX emotion: anger, frustration, anxiety, sadness, confusion, "
        "neutral, joy, gratitude or relief."
    )
    author_id: Author | None = Field(default=None, description=_AUTHOR_DOC)
    author_role: Role | None = Field(default=None, description=_AUTHOR_DOC)
    note: BoundedStr | None = None
    model: StorableStr | None = Field(
        default=None,
        description="The emotion model whose label is corrected (default: "
        "whichever annotated the turn).",
    )


class EmpathyFeedbackIn(BaseModel):
    interaction_id: StorableStr
    seq: int = Field(
        ge=0, le=MAX_SEQ, description="The employee turn's sequence number in the interaction."
    )
    levels: Levels = Field(
        description="mechanism -> level (0 none, 1 weak, 2 strong) for one or more of "
        "emotional_reaction, interpretation, exploration."
    )
    author_id: Author | None = Field(default=None, description=_AUTHOR_DOC)
    author_role: Role | None = Field(default=None, description=_AUTHOR_DOC)
    note: BoundedStr | None = None
    model: StorableStr | None = None


# One stored correction: the library's own dataclass is the response model (FastAPI
# documents dataclasses like pydantic models), so the API cannot drift from the library.
FeedbackOut = FeedbackRecord


# The coaching and OODA reports: the library's dataclasses, as the CLI prints them.
CoachingOut = CoachingReport
OodaOut = OodaReport


class ActIn(BaseModel):
    action: str = Field(
        description=(
            "Name of a ranked action that changes the routing policy (e.g. empathy-routing)."
        )
    )
    control_share: float = Field(
        default=0.2, ge=0.0, le=1.0, description="Share of contacts routed by fifo."
    )
    cycle_minutes: float | None = Field(
        default=None, gt=0, description="ON/OFF time slices instead of a share."
    )


class ActOut(BaseModel):
    experiment: str
    treatment: str
    control: str
    control_share: float
    cycle_minutes: float | None
    started_at: str


def _feedback_error(exc: Exception) -> HTTPException:
    return HTTPException(
        status_code=getattr(exc, "status", 422),
        detail=[
            {
                "loc": ["body", *str(getattr(exc, "field", "")).split(".")],
                "msg": str(exc),
                "type": "value_error",
            }
        ],
    )


@router.post(
    "/feedback/emotion",
    responses={
        404: {"description": "No such turn in the interaction"},
        409: {"description": "The turn belongs to a contact still open"},
    },
    summary="Correct the emotion label of a customer turn",
    response_model=FeedbackOut,
    status_code=201,
)
def post_emotion_feedback(body: EmotionFeedbackIn, request: Request) -> dict[str, Any]:
    from empathos.learn.feedback import FeedbackError, correct_emotion

    try:
        rec = correct_emotion(
            store_engine(request),
            body.interaction_id,
            body.seq,
            body.label,
            *_author(request, body),
            body.note,
            body.model,
        )
    except FeedbackError as exc:
        raise _feedback_error(exc) from exc
    return rec.to_dict()


@router.post(
    "/feedback/empathy",
    responses={
        404: {"description": "No such turn in the interaction"},
        409: {"description": "The turn belongs to a contact still open"},
    },
    summary="Correct empathy levels of an employee turn (per mechanism)",
    response_model=list[FeedbackOut],
    status_code=201,
)
def post_empathy_feedback(body: EmpathyFeedbackIn, request: Request) -> list[dict[str, Any]]:
    from empathos.learn.feedback import FeedbackError, correct_empathy

    try:
        recs = correct_empathy(
            store_engine(request),
            body.interaction_id,
            body.seq,
            body.levels,
            *_author(request, body),
            body.note,
            body.model,
        )
    except FeedbackError as exc:
        raise _feedback_error(exc) from exc
    return [r.to_dict() for r in recs]


@router.get(
    "/feedback",
    summary="List stored label corrections, newest first",
    response_model=list[FeedbackOut],
)
def get_feedback(
    request: Request,
    kind: Literal["emotion", "empathy"] | None = None,
    interaction_id: str | None = None,
    author_id: str | None = None,
    limit: int = Query(100, ge=1, le=10000),
) -> list[dict[str, Any]]:
    from empathos.learn.feedback import list_feedback

    return [
        r.to_dict()
        for r in list_feedback(store_engine(request), kind, interaction_id, author_id, limit)
    ]


def coaching_config(
    weeks: int = Query(12, ge=1, le=520),
    start: Day | None = StartQuery,
    end: Day | None = EndQuery,
    channel: str | None = ChannelQuery,
    language: str | None = LanguageQuery,
    company: str | None = CompanyQuery,
) -> Any:
    """The query parameters both coaching reports take, as one ``CoachingConfig``."""
    from empathos.learn.coaching import CoachingConfig

    return CoachingConfig(
        weeks=weeks, start=start, end=end, channel=channel, language=language, company=company
    )


@router.get(
    "/coaching/pods/{pod_id}",
    summary="Coaching report of a pod: endings, behaviours, members, peers",
    response_model=CoachingOut,
)
def get_pod_coaching(
    pod_id: str,
    request: Request,
    cfg: Annotated[Any, Depends(coaching_config)],
) -> dict[str, Any]:
    from empathos.learn.coaching import CoachingError, coach_pod

    try:
        return coach_pod(store_engine(request), pod_id, cfg).to_dict()
    except CoachingError as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc


@router.get(
    "/coaching/{employee_id}",
    summary="Coaching report of an employee: endings, behaviours, peers, examples",
    response_model=CoachingOut,
)
def get_employee_coaching(
    employee_id: str,
    request: Request,
    cfg: Annotated[Any, Depends(coaching_config)],
) -> dict[str, Any]:
    from empathos.learn.coaching import CoachingError, coach_employee

    try:
        return coach_employee(store_engine(request), employee_id, cfg).to_dict()
    except CoachingError as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc


@router.get(
    "/ooda",
    summary="OODA: KPIs over time, benchmarks comparison, ranked actions with expected value",
    response_model=OodaOut,
)
def get_ooda(
    request: Request,
    weeks: int = Query(12, ge=1, le=520),
    days: int = Query(30, ge=1, le=3650),
    start: Day | None = StartQuery,
    end: Day | None = EndQuery,
    channel: str | None = ChannelQuery,
    language: str | None = LanguageQuery,
    pod: str | None = PodQuery,
    company: str | None = CompanyQuery,
) -> dict[str, Any]:
    from empathos.learn.ooda import Slice, ooda_report

    sl = Slice(start, end, channel, language, pod, company)
    return ooda_report(store_engine(request), weeks, days, sl).to_dict()


@router.post(
    "/ooda/act",
    responses={404: {"description": "No ranked action of this name"}},
    summary="Apply a ranked action: start a measured experiment of its routing policy",
    response_model=ActOut,
    status_code=201,
)
def post_ooda_act(body: ActIn, request: Request) -> dict[str, Any]:
    from empathos.learn.ooda import apply_action

    try:
        return apply_action(
            store_engine(request), body.action, body.control_share, body.cycle_minutes
        )
    except KeyError as exc:
        raise HTTPException(status_code=404, detail=str(exc.args[0])) from exc
    except ValueError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
