"""Input checks the services share (market, finance, pools, value records): each bad value is refused naming its
field, so a form or an API caller can fix exactly that field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from lingxi.errors import InvalidInput

CENT = Decimal("0.01")


def text(value, field: str, required: bool = True, limit: int = 400) -> str | None:
    cleaned = str(value).strip() if value is not None else ""
    if not cleaned:
        if required:
            raise InvalidInput(f"{field} is required", field=field)
        return None
    if len(cleaned) > limit:
        raise InvalidInput(f"{field} is longer than {limit} characters", field=field)
    return cleaned


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
    if amount >= Decimal("1e16"):  # first: quantize fails (InvalidOperation) on amounts of 27 digits and more
        raise InvalidInput(f"{field} is too large: {value!r}", field=field)
    if amount != amount.quantize(CENT):
        raise InvalidInput(f"{field} must not have more than two decimal places (fen); {value!r} has more than two "
                           "decimals", field=field)
    return amount.quantize(CENT)


def share(value, field: str, required: bool = False, high: Decimal = Decimal(1)) -> Decimal | None:
    """A rate or share as a Decimal between 0 and `high` (0.0385 = 3.85 %)."""
    if value in (None, ""):
        if required:
            raise InvalidInput(f"{field} is required", field=field)
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, TypeError):
        raise InvalidInput(f"{field} must be a number such as 0.0385, got {value!r}", field=field) from None
    if not number.is_finite() or number < 0 or number > high:
        raise InvalidInput(f"{field} must be between 0 and {high}, got {value!r}", field=field)
    return number


def integer(value, field: str, low: int, high: int, required: bool = False) -> int | None:
    if value in (None, ""):
        if required:
            raise InvalidInput(f"{field} is required", field=field)
        return None
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise InvalidInput(f"{field} must be a whole number, got {value!r}", field=field) from None
    if not low <= number <= high:
        raise InvalidInput(f"{field} must be between {low} and {high}, got {number}", field=field)
    return number


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


def choice(value, field: str, allowed) -> str:
    cleaned = str(value or "").strip()
    if cleaned not in allowed:
        raise InvalidInput(f"{field} must be one of {', '.join(allowed)}, got {value!r}", field=field)
    return cleaned


def ids(values, field: str) -> list[int]:
    if isinstance(values, (str, int)):
        values = str(values).replace("，", ",").replace(" ", ",").split(",")
    found: list[int] = []
    for value in values or []:
        if value in (None, ""):
            continue
        try:
            found.append(int(str(value).strip()))
        except ValueError:
            raise InvalidInput(f"{field} must be ids, got {value!r}", field=field) from None
    if not found:
        raise InvalidInput(f"{field} needs at least one id", field=field)
    return list(dict.fromkeys(found))


def plain(value: Decimal | None) -> str | None:
    """Decimals travel as text so no client rounds them."""
    return None if value is None else str(value)


def yaml_document(text: str) -> Any:
    """yaml.safe_load of a user's text; every way it can be malformed raises yaml.YAMLError. (PyYAML raises
    ValueError for an impossible date such as 2026-02-30.)"""
    try:
        return yaml.safe_load(text)
    except ValueError as error:
        raise yaml.YAMLError(str(error)) from None
