"""§4 enterprise files and demand lists (一企一档 · 需求清单) over the API."""

from __future__ import annotations

from fastapi import APIRouter

from lingxi.web.api.schemas import ERROR_RESPONSES

router = APIRouter(prefix="/api", tags=["enterprises 企业与需求"], responses=ERROR_RESPONSES)
