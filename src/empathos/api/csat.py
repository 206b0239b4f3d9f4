"""``GET /csat``: predicted CSAT under the shared filters; ``GET /csat/{interaction_id}``:
one contact's figure with its model version, source and, when unknown, the reason."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from sqlalchemy import select

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

router = APIRouter(tags=["csat"])


@router.get("/csat", summary="Predicted CSAT: mean, trend and breakdowns under the filters")
def csat_summary(
    request: Request,
    start: Day | None = StartQuery,
    end: Day | None = EndQuery,
    channel: str | None = ChannelQuery,
    language: str | None = LanguageQuery,
    pod: str | None = PodQuery,
    company: str | None = CompanyQuery,
) -> dict[str, Any]:
    from empathos.web.csat import csat_figures

    return csat_figures(
        store_engine(request),
        start=start,
        end=end,
        channel=channel,
        language=language,
        pod=pod,
        company=company,
    )


@router.get("/csat/{interaction_id}", summary="One contact's predicted CSAT")
def csat_contact(request: Request, interaction_id: str) -> dict[str, Any]:
    from empathos.store.tables_csat import interaction_csat

    with store_engine(request).connect() as conn:
        row = (
            conn.execute(
                select(interaction_csat).where(interaction_csat.c.interaction_id == interaction_id)
            )
            .mappings()
            .first()
        )
    if row is None:
        raise HTTPException(404, f"no predicted CSAT for {interaction_id!r} (run analyze)")
    out = dict(row)
    out["csat"] = (
        out["calibrated_csat"] if out["calibrated_csat"] is not None else out["predicted_csat"]
    )
    out["scored_at"] = out["scored_at"].isoformat()
    return out
