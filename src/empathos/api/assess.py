"""REST endpoints of the assess part of the API."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["assess"])
