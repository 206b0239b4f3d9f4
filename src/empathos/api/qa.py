"""REST endpoints of the auto-QA scorecards and the contact summary (issue 16 items 3, 5).

Thin views over ``empathos.understand.qa.scorecards`` and
``empathos.understand.summary_store`` (the CLI's ``empathos qa`` and ``empathos summary``
call the same functions). Scorecards say which model pair and rubric version they read,
and where the contacts come from (``source`` counts).
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Request

from empathos.api._filters import (
    Day,
    ChannelQuery,
    CompanyQuery,
    EndQuery,
    LanguageQuery,
    PodQuery,
    StartQuery,
)
from empathos.web.tenancy import store_engine

router = APIRouter(tags=["qa"])


@router.get(
    "/qa/scorecards",
    summary="Auto-QA scorecards per employee, pod or ISO week (per item: scored, mean, "
    "pass rate, not applicable, unknown)",
)
def get_scorecards(
    request: Request,
    by: Literal["employee", "pod", "week", "all"] = "employee",
    employee_id: str | None = None,
    start: Day | None = StartQuery,
    end: Day | None = EndQuery,
    channel: str | None = ChannelQuery,
    language: str | None = LanguageQuery,
    pod: str | None = PodQuery,
    company: str | None = CompanyQuery,
) -> dict[str, Any]:
    from empathos.understand.qa.scorecards import QAScope, scorecards

    scope = QAScope(start, end, channel, language, pod, company, employee_id)
    return scorecards(store_engine(request), by, scope)


@router.get(
    "/interactions/{interaction_id}/qa",
    summary="One contact's QA scorecard: every item's verdict with the quoted evidence turns",
)
def get_contact_qa(interaction_id: str, request: Request) -> dict[str, Any]:
    from empathos.understand.qa.scorecards import contact_scorecard

    card = contact_scorecard(store_engine(request), interaction_id)
    if card is None:
        raise HTTPException(404, f"no QA scorecard for {interaction_id!r} (run `empathos analyze`)")
    return card


@router.get(
    "/interactions/{interaction_id}/summary",
    summary="One contact's extractive summary: need, tried, customer now, open promises",
)
def get_contact_summary(interaction_id: str, request: Request) -> dict[str, Any]:
    from empathos.understand.summary_store import stored_summary

    s = stored_summary(store_engine(request), interaction_id)
    if s is None:
        raise HTTPException(404, f"no contact {interaction_id!r}")
    return s.as_dict() | {"lines": s.lines()}
