"""§5 subscriptions and precise push (精准推送) over the API."""

from __future__ import annotations

from fastapi import APIRouter

from lingxi.web.api.schemas import ERROR_RESPONSES

router = APIRouter(prefix="/api", tags=["push 推送"], responses=ERROR_RESPONSES)
