"""One page of a query's results, the same shape for every list in the API and the pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from lingxi.errors import InvalidInput

T = TypeVar("T")
MAX_PAGE_SIZE = 200


@dataclass
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    def map(self, convert) -> Page[Any]:
        return Page([convert(item) for item in self.items], self.total, self.page, self.page_size)


def check_paging(page: int, page_size: int) -> None:
    if page < 1:
        raise InvalidInput("page starts at 1", field="page")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise InvalidInput(f"page_size must be between 1 and {MAX_PAGE_SIZE}", field="page_size")


def paginate(session: Session, statement: Select, page: int = 1, page_size: int = 20) -> Page:
    """Run a select of ORM entities for one page, with the total count of the whole result."""
    check_paging(page, page_size)
    total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    items = session.scalars(statement.limit(page_size).offset((page - 1) * page_size)).all()
    return Page(list(items), total or 0, page, page_size)
