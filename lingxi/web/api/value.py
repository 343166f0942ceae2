"""§3 patent value (专利价值评估) over the API."""

from __future__ import annotations

from fastapi import APIRouter

from lingxi.web.api.schemas import ERROR_RESPONSES

router = APIRouter(prefix="/api", tags=["value 价值"], responses=ERROR_RESPONSES)
