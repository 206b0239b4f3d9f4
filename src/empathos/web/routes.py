"""The dashboard's pages (server-rendered, every asset served locally: no CDN)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
