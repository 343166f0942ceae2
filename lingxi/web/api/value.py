"""§3 patent value (专利价值评估) over the API: scores and profiles, and value operations, from their own modules."""

from __future__ import annotations

from fastapi import APIRouter

from lingxi.web.api.schemas import ERROR_RESPONSES
from lingxi.web.api.value_operations import router as operations_router
from lingxi.web.api.value_scoring import router as scoring_router

router = APIRouter(prefix="/api", tags=["value 价值"], responses=ERROR_RESPONSES)
router.include_router(scoring_router)
router.include_router(operations_router)
