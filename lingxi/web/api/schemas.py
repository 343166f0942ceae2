"""Shapes shared by every API module: pages of items and the error body."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel

from lingxi.db.pagination import Page as ServicePage

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    page_size: int
    pages: int

    @classmethod
    def of(cls, page: ServicePage) -> dict:
        return {"items": page.items, "total": page.total, "page": page.page, "page_size": page.page_size,
                "pages": page.pages}


class ErrorDetail(BaseModel):
    code: str
    message: str
    field: str | None = None


class ErrorBody(BaseModel):
    error: ErrorDetail


ERROR_RESPONSES = {
    401: {"model": ErrorBody, "description": "No valid session or API token"},
    403: {"model": ErrorBody, "description": "The caller's role or organisation may not do this"},
    404: {"model": ErrorBody, "description": "No such record"},
    422: {"model": ErrorBody, "description": "Invalid input; `field` names the culprit"},
}
