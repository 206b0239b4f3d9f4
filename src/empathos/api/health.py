"""Liveness: the cheapest endpoint, the ceiling that bench/route_load.py compares against."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["health"])


@router.get("/health", summary="Liveness check (no database access)")
def health() -> dict[str, str]:
    """Answer without touching the store, so a load test measures the server itself."""
    return {"status": "ok"}
