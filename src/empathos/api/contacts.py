"""REST endpoints of the contacts part of the API."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["contacts"])
