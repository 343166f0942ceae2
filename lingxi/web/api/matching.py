"""§5 supply–demand matching and licensee discovery (供需匹配) over the API."""

from __future__ import annotations

from fastapi import APIRouter

from lingxi.web.api.schemas import ERROR_RESPONSES

router = APIRouter(prefix="/api", tags=["matching 匹配"], responses=ERROR_RESPONSES)
