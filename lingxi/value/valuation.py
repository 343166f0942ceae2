"""Monetary valuation of one patent by the three approaches of GB/T 42748-2023: income, cost and market.

Every result is a range (low / mid / high) built from ranges of its inputs, and lists every assumption, so nobody
reads a single unexplained number. Defaults come from the `valuation_*` parameters (all [U]: a valuer sets them
for the deal); a caller may override any of them with one number or a [low, mid, high] triple.

- Income approach (收益法, royalty relief 提成率法): annual royalty saved = market size × royalty rate × share of
  the profit attributable to the patent; discounted over the remaining economic life, which is a share of the
  remaining legal term (a patent's economic life ends with its term at the latest). The low value takes the
  high discount rate, the high value the low one.
- Cost approach (成本法): reproduction cost (R&D, filing and maintenance) less obsolescence, taken as the used
  share of the legal term (remaining term / full term of the patent type).
- Market approach (市场法): comparable deals recorded on the platform (comparable_transactions) in the patent's IPC
  subclasses or chain nodes; the lower quartile, median and upper quartile of their prices, each times an
  adjustment factor. With no comparables it says so and gives no figure.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingxi.accounts.roles import PATENTS_READ, require
from lingxi.db.models import ComparableTransaction, PatentClassification
from lingxi.errors import InvalidInput, NotFound
from lingxi.value import parameters as params
from lingxi.value.facts import TERM_YEARS, load_rights, right_tags, tags_of, term_end

INPUTS = {  # request field → parameter holding its default
    "market_size_yuan": "valuation_market_size_yuan",
    "royalty_rate": "valuation_royalty_rate",
    "patent_share": "valuation_patent_share",
    "discount_rate": "valuation_discount_rate",
    "economic_life_share": "valuation_economic_life_share",
    "reproduction_cost_yuan": "valuation_reproduction_cost_yuan",
    "comparable_adjustment": "valuation_comparable_adjustment",
}
LEVELS = ("low", "mid", "high")


def _triple(name: str, value: Any) -> list[float]:
    values = value if isinstance(value, (list, tuple)) else [value] * 3
    if len(values) != 3:
        raise InvalidInput(f"{name} must be one number or three (low, mid, high)", field=name)
    try:
        numbers = [float(v) for v in values]
    except (TypeError, ValueError):
        raise InvalidInput(f"{name} must be numbers, got {value!r}", field=name) from None
    if any(not math.isfinite(n) or n < 0 for n in numbers):
        raise InvalidInput(f"{name} must be zero or more", field=name)
    if name in ("royalty_rate", "patent_share", "economic_life_share") and any(n > 1 for n in numbers):
        raise InvalidInput(f"{name} is a share between 0 and 1", field=name)
    if name == "discount_rate" and any(n <= 0 or n >= 1 for n in numbers):
        raise InvalidInput("discount_rate must be between 0 and 1 (exclusive)", field=name)
    return numbers


def present_value(annual: float, rate: float, years: float) -> float:
    """Σ annual/(1+rate)^t for whole years t = 1..⌊years⌋, plus the last part year pro rata."""
    whole = int(years)
    total = sum(annual / (1 + rate) ** t for t in range(1, whole + 1))
    part = years - whole
    if part > 0:
        total += annual * part / (1 + rate) ** (whole + 1)
    return total


def valuate(session: Session, actor, patent_id: int, overrides: dict[str, Any] | None = None,
            today: dt.date | None = None) -> dict[str, Any]:
    require(actor, PATENTS_READ)
    today = today or dt.date.today()
    overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
    unknown = set(overrides) - set(INPUTS) - {"economic_life_years"}
    if unknown:
        raise InvalidInput(f"unknown valuation parameters: {', '.join(sorted(unknown))}; known: "
                           f"{', '.join([*INPUTS, 'economic_life_years'])}", field=sorted(unknown)[0])
    right = next((r for r in load_rights(session, [patent_id], today) if patent_id in r.patent_ids), None)
    if right is None:
        raise NotFound(f"patent {patent_id} not found")
    defaults = params.current(session)
    inputs = {name: _triple(name, overrides.get(name, defaults[key])) for name, key in INPUTS.items()}
    sources = {name: "given" if name in overrides else f"default parameter {key}" for name, key in INPUTS.items()}

    end = term_end(right.doc_type, right.application_date)
    full = TERM_YEARS.get(right.doc_type or "")
    remaining = max(0.0, (end - today).days / 365.2425) if end else None
    notes = []
    if not right.in_force:
        notes.append(f"the patent is not in force ({right.status_reason}): there is no exclusive right to value")
        remaining = 0.0
    if remaining is None:
        notes.append("filing date or patent type unknown: the remaining term cannot be computed")
    if "economic_life_years" in overrides:
        life = _triple("economic_life_years", overrides["economic_life_years"])
        life_source = "given"
    else:
        life = [remaining * share for share in inputs["economic_life_share"]] if remaining is not None else None
        life_source = "remaining legal term × economic_life_share"
    assumptions = [
        {"name": "as_of", "value": today.isoformat(), "source": "valuation date"},
        {"name": "remaining_term_years", "value": round(remaining, 2) if remaining is not None else None,
         "source": f"term end {end.isoformat()} ({full}-year term of a {right.doc_type})" if end else "unknown"},
        *({"name": name, "value": inputs[name], "source": sources[name]} for name in INPUTS),
        {"name": "economic_life_years", "value": [round(x, 2) for x in life] if life else None, "source": life_source},
    ]
    income = _income(inputs, life)
    cost = _cost(inputs, remaining, full)
    market = _market(session, right, inputs, today)
    available = [a for a in (income, cost, market) if a["available"]]
    summary = None
    if available:
        summary = {"low": min(a["low"] for a in available), "high": max(a["high"] for a in available),
                   "mid": round(statistics.mean(a["mid"] for a in available), 2),
                   "approaches": [a["approach"] for a in available]}
    return {"patent_id": patent_id, "number": right.number, "title": right.title, "in_force": right.in_force,
            "currency": "CNY", "standard": "GB/T 42748-2023", "range": summary,
            "approaches": {"income": income, "cost": cost, "market": market},
            "assumptions": assumptions, "notes": notes}


def _income(inputs: dict, life: list[float] | None) -> dict[str, Any]:
    if life is None:
        return {"approach": "income", "available": False, "note": "no remaining economic life can be derived"}
    values = {}
    for i, level in enumerate(LEVELS):
        annual = inputs["market_size_yuan"][i] * inputs["royalty_rate"][i] * inputs["patent_share"][i]
        values[level] = round(present_value(annual, inputs["discount_rate"][i], life[i]), 2)
    ordered = sorted(values.values())
    return {"approach": "income", "available": True, **dict(zip(LEVELS, ordered)),
            "formula": "Σ_t market_size × royalty_rate × patent_share / (1 + discount_rate)^t, "
                       "t over the remaining economic life"}


def _cost(inputs: dict, remaining: float | None, full: int | None) -> dict[str, Any]:
    if remaining is None or not full:
        return {"approach": "cost", "available": False, "note": "remaining term unknown"}
    kept = min(1.0, remaining / full)
    values = sorted(round(c * kept, 2) for c in inputs["reproduction_cost_yuan"])
    return {"approach": "cost", "available": True, **dict(zip(LEVELS, values)),
            "obsolescence": round(1 - kept, 4),
            "formula": "reproduction_cost × remaining_term / full_term (obsolescence = used share of the term)"}


def _market(session: Session, right, inputs: dict, today: dt.date) -> dict[str, Any]:
    subclasses = {code.replace(" ", "")[:4].upper() for code in session.execute(
        select(PatentClassification.code).where(PatentClassification.patent_id.in_(right.patent_ids),
                                                PatentClassification.scheme == "IPC")).scalars()}
    nodes = {node for _, node in right_tags([right], tags_of(session, right.patent_ids, chains_only=True))
             .get(right.patent_id, [])}
    fields = subclasses | nodes
    rows = list(session.execute(select(ComparableTransaction).where(ComparableTransaction.field.in_(fields))
                                .order_by(ComparableTransaction.deal_date.desc())).scalars()) if fields else []
    rows = [r for r in rows if r.patent_id not in right.patent_ids]  # the patent's own past deal is no comparable
    if not rows:
        return {"approach": "market", "available": False, "comparables": [],
                "note": f"no comparables: no deal recorded in {', '.join(sorted(fields)) or 'its fields'}"}
    prices = sorted(float(r.price_yuan) for r in rows)
    quartiles = (_quantile(prices, 0.25), statistics.median(prices), _quantile(prices, 0.75))
    values = sorted(round(q * a, 2) for q, a in zip(quartiles, inputs["comparable_adjustment"]))
    return {"approach": "market", "available": True, **dict(zip(LEVELS, values)),
            "formula": "lower quartile / median / upper quartile of comparable prices × comparable_adjustment",
            "comparables": [{"id": r.id, "field": r.field, "mode": r.mode, "price_yuan": float(r.price_yuan),
                             "deal_date": r.deal_date.isoformat(), "source": r.source} for r in rows]}


def _quantile(values: list[float], q: float) -> float:
    position = (len(values) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return values[low] + (values[high] - values[low]) * (position - low)
