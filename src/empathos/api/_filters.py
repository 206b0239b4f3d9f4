"""The read filters every endpoint shares, declared once (module-level ``Query`` objects,
so each endpoint documents them the same way in the OpenAPI schema). Their meaning is
``empathos.store.queries.interaction_conditions``."""

from __future__ import annotations

from fastapi import Query

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
