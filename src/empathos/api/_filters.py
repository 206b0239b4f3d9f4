"""The read filters every endpoint shares, declared once (module-level ``Query`` objects,
so each endpoint documents them the same way in the OpenAPI schema). Their meaning is
``empathos.store.queries.interaction_conditions``."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from fastapi import Query
from pydantic import BeforeValidator

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_day(value: Any) -> Any:
    """Only ``YYYY-MM-DD``, as documented: pydantic's lax date also reads ``0`` (a Unix
    time) or ``2024-01-01T00:00``, so ``start=0`` silently meant 1970."""
    if isinstance(value, str) and not _DAY.fullmatch(value):
        raise ValueError("must be a day as YYYY-MM-DD")
    return value


#: A day in a query (``start``/``end``), ISO format only (the spec says ``format: date``).
Day = Annotated[date, BeforeValidator(_iso_day)]

StartQuery = Query(None, description="first day of the period (inclusive, YYYY-MM-DD)")
EndQuery = Query(None, description="last day of the period (inclusive, YYYY-MM-DD)")
ChannelQuery = Query(None, description="only contacts of this channel")
LanguageQuery = Query(
    None, description="only contacts of customers with this language ('(unknown)': none)"
)
PodQuery = Query(None, description="only contacts handled in this pod ('(none)': no employee)")
CompanyQuery = Query(
    None, description="only contacts of this brand (interactions.company; '(none)': unrecorded)"
)
