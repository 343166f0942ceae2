"""§4 enterprise files and demand lists (一企一档 · 需求清单): pages."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
