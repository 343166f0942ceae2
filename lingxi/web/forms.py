"""What every form post does with a service's answer: keep a refused input on the form, raise the rest."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.orm import Session

from lingxi.errors import LingxiError

T = TypeVar("T")


def attempt(session: Session, work: Callable[[], T],
            raise_codes: tuple[str, ...] = ("permission_denied",)) -> tuple[T | None, str | None]:
    """(result, None), or (None, the message naming its field) when the service refused the input, so the page can
    show the form again with it; the savepoint undoes the refused call only. Errors whose code is in `raise_codes`
    (not allowed, by default) go on to the error pages."""
    try:
        with session.begin_nested():
            return work(), None
    except LingxiError as error:
        if error.code in raise_codes:
            raise
        return None, error.message + (f" ({error.field})" if error.field else "")
