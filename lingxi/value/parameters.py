"""Operator-tunable parameters of value operations, stored in `value_parameters` with their defaults in code.

Every [U] value of REFERENCE.md (e.g. the ¥10M pledge threshold of the high-value definition) is a parameter here,
so a province can set its own without a release; each change is audited by the table's audit flag.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from lingxi.accounts.roles import PATENTS_READ, VALUE_CONFIGURE, require
from lingxi.db.models import ValueParameter
from lingxi.db.parameters import store, stored_rows
from lingxi.errors import InvalidInput


@dataclass(frozen=True)
class Parameter:
    default: Any
    kind: type  # int | float | list
    minimum: float | None
    maximum: float | None
    zh: str
    en: str
    uncertain: bool = False  # [U] in REFERENCE.md: not confirmed by an official text


PARAMETERS: dict[str, Parameter] = {
    # high-value invention patents (REFERENCE §1.3)
    "pledge_threshold_yuan": Parameter(10_000_000, float, 0, None, "高价值专利质押融资金额门槛（元）",
                                       "High-value pledge-financing threshold (yuan)", uncertain=True),
    "maintained_years": Parameter(10, int, 1, 20, "维持年限门槛（年，超过即高价值）",
                                  "Maintenance threshold (years, more than this is high-value)"),
    "sei_taxonomy": Parameter("sei_2018", str, None, None, "战略性新兴产业分类体系", "SEI taxonomy name"),
    # sleeping patents (沉睡专利)
    "sleeping_years": Parameter(3, int, 1, 30, "沉睡年限 N（年内无转让/许可/质押）",
                                "Sleeping years N (no transfer/licence/pledge within)"),
    "sleeping_holder_types": Parameter(["university", "institute", "soe"], list, None, None,
                                       "沉睡专利权人类型", "Holder types checked for sleeping patents"),
    "pool_min_patents": Parameter(3, int, 2, 100, "同一权利人同一产业链节点组池最少件数",
                                  "Patents of one holder in one chain node to suggest a pool"),
    "strong_demand_growth": Parameter(0.15, float, -1, 10, "产业链节点需求旺盛的申请增长率门槛",
                                      "Chain-node filing growth counted as strong demand", uncertain=True),
    # valuation (GB/T 42748 approaches); each default is an assumption the result lists
    "valuation_market_size_yuan": Parameter([50_000_000, 100_000_000, 200_000_000], list, 0, None,
                                            "收益法：年市场规模（低/中/高，元）",
                                            "Income approach: annual market size (low/mid/high, yuan)", True),
    "valuation_royalty_rate": Parameter([0.01, 0.03, 0.05], list, 0, 1, "收益法：提成率（低/中/高）",
                                        "Income approach: royalty rate (low/mid/high)", True),
    "valuation_patent_share": Parameter([0.2, 0.33, 0.5], list, 0, 1, "收益法：专利分成率（低/中/高）",
                                        "Income approach: share attributable to the patent (low/mid/high)", True),
    "valuation_discount_rate": Parameter([0.15, 0.12, 0.10], list, 0, 1, "收益法：折现率（低/中/高估值对应）",
                                         "Income approach: discount rate (for the low/mid/high value)", True),
    "valuation_economic_life_share": Parameter([0.5, 0.7, 0.9], list, 0, 1, "收益法：剩余经济寿命占剩余法定期限比例",
                                               "Income approach: economic life as a share of the remaining term", True),
    "valuation_reproduction_cost_yuan": Parameter([200_000, 400_000, 800_000], list, 0, None,
                                                  "成本法：重置成本（研发+申请维持，低/中/高，元）",
                                                  "Cost approach: reproduction cost (R&D + filing, low/mid/high, yuan)",
                                                  True),
    "valuation_comparable_adjustment": Parameter([0.8, 1.0, 1.2], list, 0, 10, "市场法：可比交易调整系数（低/中/高）",
                                                 "Market approach: comparable adjustment factor (low/mid/high)", True),
}


def _check(key: str, value: Any) -> Any:
    spec = PARAMETERS.get(key)
    if spec is None:
        raise InvalidInput(f"unknown value parameter {key!r}; known: {', '.join(PARAMETERS)}", field="key")
    if spec.kind is list:
        if not isinstance(value, list) or not value:
            raise InvalidInput(f"{key} must be a non-empty list", field=key)
        if isinstance(spec.default[0], str):
            if not all(isinstance(item, str) and item for item in value):
                raise InvalidInput(f"{key} must be a list of names", field=key)
            return value
        if len(value) != 3:
            raise InvalidInput(f"{key} must be three numbers: low, mid, high", field=key)
        items = [_number(key, item, spec) for item in value]
        return items
    if spec.kind is str:
        if not isinstance(value, str) or not value.strip():
            raise InvalidInput(f"{key} must be a non-empty text", field=key)
        return value.strip()
    number = _number(key, value, spec)
    if spec.kind is int:
        if number != int(number):
            raise InvalidInput(f"{key} must be a whole number, got {value!r}", field=key)
        return int(number)
    return number


def _number(key: str, value: Any, spec: Parameter) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"{key} must be a number, got {value!r}", field=key) from None
    if number != number or (spec.minimum is not None and number < spec.minimum) or (
            spec.maximum is not None and number > spec.maximum):
        raise InvalidInput(f"{key} must be between {spec.minimum} and {spec.maximum}, got {value!r}", field=key)
    return number


def current(session: Session) -> dict[str, Any]:
    """Every parameter's value in force: the stored one, else the default."""
    values = {key: spec.default for key, spec in PARAMETERS.items()}
    for key, row in stored_rows(session, ValueParameter).items():
        if key in values:
            values[key] = row.value.get("value")
    return values


def list_parameters(session: Session, actor) -> list[dict[str, Any]]:
    require(actor, PATENTS_READ)
    stored = stored_rows(session, ValueParameter)
    return [
        {"key": key, "value": stored[key].value.get("value") if key in stored else spec.default,
         "default": spec.default, "is_default": key not in stored, "uncertain": spec.uncertain,
         "label_zh": spec.zh, "label_en": spec.en,
         "updated_by": stored[key].updated_by if key in stored else None}
        for key, spec in PARAMETERS.items()
    ]


def set_parameter(session: Session, actor, key: str, value: Any) -> dict[str, Any]:
    require(actor, VALUE_CONFIGURE)
    checked = _check(key, value)
    store(session, ValueParameter, key, checked, actor.username)
    return {"key": key, "value": checked}


def reset_parameter(session: Session, actor, key: str) -> None:
    require(actor, VALUE_CONFIGURE)
    if key not in PARAMETERS:
        raise InvalidInput(f"unknown value parameter {key!r}; known: {', '.join(PARAMETERS)}", field="key")
    row = stored_rows(session, ValueParameter).get(key)
    if row is not None:
        session.delete(row)
        session.flush()
