"""§5 subscriptions and precise push (精准推送): pages."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
