"""Reading field values typed by people (forms, Excel cells, JSON): each reader names the field it rejects."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from lingxi.errors import InvalidInput

_WAN = re.compile(r"^([\d.,]+)\s*(万|万元|w|W)$")
_YI = re.compile(r"^([\d.,]+)\s*(亿|亿元)$")


def text(value, field: str, max_length: int | None = None, required: bool = False) -> str | None:
    if value is None:
        cleaned = None
    else:
        cleaned = str(value).strip() or None
    if required and not cleaned:
        raise InvalidInput(f"{field} is required", field=field)
    if cleaned and max_length and len(cleaned) > max_length:
        raise InvalidInput(f"{field} is longer than {max_length} characters", field=field)
    return cleaned


def integer(value, field: str, minimum: int | None = 0, maximum: int | None = None) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = int(Decimal(str(value).replace(",", "").strip()))
    except (InvalidOperation, ValueError):
        raise InvalidInput(f"{field} must be a whole number, not {value!r}", field=field) from None
    if minimum is not None and number < minimum or maximum is not None and number > maximum:
        raise InvalidInput(f"{field} must be between {minimum} and {maximum}, not {number}", field=field)
    return number


def number(value, field: str, minimum: float = 0.0) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        result = float(str(value).replace(",", "").strip())
    except ValueError:
        raise InvalidInput(f"{field} must be a number, not {value!r}", field=field) from None
    if result < minimum:
        raise InvalidInput(f"{field} must be at least {minimum}", field=field)
    return result


def yuan(value, field: str) -> int | None:
    """An amount in yuan; "50万" / "1.2亿" as Chinese tables write them are understood."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    raw = str(value).strip()
    for pattern, factor in ((_WAN, 10_000), (_YI, 100_000_000)):
        match = pattern.match(raw)
        if match:
            try:
                return int(Decimal(match.group(1).replace(",", "")) * factor)
            except InvalidOperation:
                break
    try:
        amount = Decimal(raw.removesuffix("元").replace(",", ""))
    except InvalidOperation:
        raise InvalidInput(f"{field} must be an amount in yuan (e.g. 500000 or 50万), not {value!r}",
                           field=field) from None
    if amount < 0:
        raise InvalidInput(f"{field} cannot be negative", field=field)
    return int(amount)


def date(value, field: str) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = str(value).strip().replace("/", "-").replace(".", "-")
    raw = re.sub(r"(\d{4})年(\d{1,2})月(\d{1,2})日?", r"\1-\2-\3", raw)
    if re.fullmatch(r"\d{4}", raw):
        return dt.date(int(raw), 1, 1)
    try:
        year, month, day = (int(part) for part in raw.split("-"))
        return dt.date(year, month, day)
    except (ValueError, TypeError):
        raise InvalidInput(f"{field} must be a date like 2026-12-31, not {value!r}", field=field) from None


def choice(value, field: str, choices: tuple[str, ...], synonyms: dict[str, str] | None = None) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    raw = str(value).strip()
    key = (synonyms or {}).get(raw, (synonyms or {}).get(raw.lower(), raw.lower()))
    if key not in choices:
        raise InvalidInput(f"{field} must be one of {', '.join(choices)}, not {raw!r}", field=field)
    return key


def name_list(value) -> list[str]:
    """"a；b, c" or a list → ["a", "b", "c"]."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        items = value
    else:
        items = re.split(r"[;；,，、\n]", str(value))
    return [str(item).strip() for item in items if str(item).strip()]
