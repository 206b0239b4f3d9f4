"""REST endpoints of the learn part of the API."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["learn"])
