"""REST endpoints of the pods part of the API."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["pods"])
