"""Input checks shared by the market services: each bad value is named, so a form or an API caller can fix it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from lingxi.errors import InvalidInput

CENT = Decimal("0.01")


def money(value, field: str, required: bool = True) -> Decimal | None:
    """An amount in yuan as an exact decimal (never a float: 0.1 + 0.2 must be 0.30)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InvalidInput(f"{field} is required (yuan)", field=field)
        return None
    if isinstance(value, float):
        value = repr(value)  # the shortest text that round-trips, not the binary expansion
    try:
        amount = Decimal(str(value).replace(",", "").replace("¥", "").strip())
    except (InvalidOperation, TypeError):
        raise InvalidInput(f"{field} must be an amount in yuan, got {value!r}", field=field) from None
    if not amount.is_finite() or amount < 0:
        raise InvalidInput(f"{field} must be zero or more, got {value!r}", field=field)
    if amount != amount.quantize(CENT):
        raise InvalidInput(f"{field} has more than two decimals (fen): {value!r}", field=field)
    if amount >= Decimal("1e16"):
        raise InvalidInput(f"{field} is too large: {value!r}", field=field)
    return amount.quantize(CENT)


def date(value, field: str, required: bool = True) -> dt.date | None:
    if value is None or value == "":
        if required:
            raise InvalidInput(f"{field} is required (YYYY-MM-DD)", field=field)
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidInput(f"{field} must be a date YYYY-MM-DD, got {value!r}", field=field) from None


def text(value, field: str, required: bool = True, limit: int = 400) -> str | None:
    cleaned = str(value).strip() if value is not None else ""
    if not cleaned:
        if required:
            raise InvalidInput(f"{field} is required", field=field)
        return None
    if len(cleaned) > limit:
        raise InvalidInput(f"{field} is longer than {limit} characters", field=field)
    return cleaned


def integer(value, field: str, low: int, high: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise InvalidInput(f"{field} must be a whole number, got {value!r}", field=field) from None
    if not low <= number <= high:
        raise InvalidInput(f"{field} must be between {low} and {high}, got {number}", field=field)
    return number


def choice(value, field: str, allowed) -> str:
    if value not in allowed:
        raise InvalidInput(f"{field} must be one of {', '.join(allowed)}, got {value!r}", field=field)
    return value


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clamped to the month's end (31 Jan + 1 month → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")
