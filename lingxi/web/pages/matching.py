"""§5 supply–demand matching and licensee discovery (供需匹配): pages."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
