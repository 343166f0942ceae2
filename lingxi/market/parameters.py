"""Operator-tunable market parameters, stored in `market_parameters` with their defaults in code.

Every [U]/[P] value of REFERENCE.md §4 is a parameter here (the publicity window, the reminder lead time, the annual-
fee reduction during an open licence, the try-before-pay template, the advertising-word list), so a province sets its
own without a release. The filing period (3 months, Regulations art. 15) is a [V] value but still a parameter, so a
rule change is a setting, not a code change. Changes are audited by the table's audit flag.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from lingxi.accounts.roles import MARKET_APPROVE, PATENTS_READ, require
from lingxi.db.models import MarketParameter
from lingxi.db.parameters import store, stored_rows
from lingxi.errors import InvalidInput


@dataclass(frozen=True)
class Parameter:
    default: Any
    kind: type
    zh: str
    en: str
    uncertain: bool = False  # [U]/[P] in REFERENCE.md


# Words a declaration may not contain (实施细则 art. 85: no 商业性宣传用语). The list is [U]: no official list exists;
# it follows the absolute terms the Advertising Law forbids plus common promotional phrases.
ADVERTISING_WORDS = [
    "最佳", "最好", "最优", "最先进", "最低价", "最高级", "第一", "首选", "国家级", "世界级", "顶级", "顶尖", "极品",
    "独一无二", "绝无仅有", "史无前例", "遥遥领先", "全网", "王牌", "绝对", "100%", "万能", "稳赚", "包赚", "零风险",
    "保证收益", "暴利", "抢购", "限时", "惊爆", "秒杀", "best in class", "world-leading", "no.1", "number one",
    "guaranteed profit", "risk-free",
]

TRY_BEFORE_PAY_TEMPLATE = {  # 先使用后付费 [U]: a configurable template, not a legal text
    "trial_months": 12,  # free (or low-fee) use before royalties start
    "trial_fee_yuan": "0.00",
    "royalty_rate_after": "0.03",  # share of sales revenue once the trial ends
    "minimum_annual_fee_yuan": "0.00",
    "exit_without_fee": True,  # the licensee may stop within the trial and owe nothing
}

PARAMETERS: dict[str, Parameter] = {
    "licence_filing_months": Parameter(3, int, "许可合同备案期限（合同生效后月数）",
                                       "Licence filing period (months after the contract takes effect)"),
    "filing_reminder_days": Parameter(30, int, "备案到期前提醒天数", "Remind this many days before the filing deadline",
                                      uncertain=True),
    "publicity_days": Parameter(15, int, "挂牌公示期（天）", "Listing publicity window (days)", uncertain=True),
    "deal_publicity_days": Parameter(15, int, "成交公示期（天）", "Publicity window after a deal (days)", uncertain=True),
    "open_licence_fee_reduction": Parameter(0.15, float, "开放许可期间年费减缴比例",
                                            "Annual-fee reduction during an open licence", uncertain=True),
    "advertising_words": Parameter(ADVERTISING_WORDS, list, "开放许可声明禁用的商业宣传用语",
                                   "Advertising words refused in open-licence declarations", uncertain=True),
    "try_before_pay_template": Parameter(TRY_BEFORE_PAY_TEMPLATE, dict, "先使用后付费条款模板",
                                         "Try-before-pay (先使用后付费) terms template", uncertain=True),
}
_LIMITS = {"licence_filing_months": (1, 24), "filing_reminder_days": (0, 365), "publicity_days": (0, 365),
           "deal_publicity_days": (0, 365), "open_licence_fee_reduction": (0, 1)}


def _check(key: str, value: Any) -> Any:
    spec = PARAMETERS.get(key)
    if spec is None:
        raise InvalidInput(f"unknown market parameter {key!r}; known: {', '.join(PARAMETERS)}", field="key")
    if spec.kind in (int, float):
        try:
            number = spec.kind(value)
        except (TypeError, ValueError):
            raise InvalidInput(f"{key} must be a number, got {value!r}", field=key) from None
        low, high = _LIMITS[key]
        if not low <= number <= high:
            raise InvalidInput(f"{key} must be between {low} and {high}, got {number}", field=key)
        return number
    if spec.kind is list:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise InvalidInput(f"{key} must be a list of words", field=key)
        return [v.strip() for v in value]
    if not isinstance(value, dict):
        raise InvalidInput(f"{key} must be an object", field=key)
    unknown = set(value) - set(TRY_BEFORE_PAY_TEMPLATE)
    if unknown:
        raise InvalidInput(f"{key}: unknown terms {', '.join(sorted(unknown))}", field=key)
    return {**TRY_BEFORE_PAY_TEMPLATE, **value}


def current(session: Session) -> dict[str, Any]:
    values = {key: copy.deepcopy(spec.default) for key, spec in PARAMETERS.items()}
    for key, row in stored_rows(session, MarketParameter).items():
        if key in values:
            values[key] = row.value["value"]
    return values


def list_parameters(session: Session, actor) -> list[dict[str, Any]]:
    require(actor, PATENTS_READ)
    values = current(session)
    return [{"key": key, "value": values[key], "default": spec.default, "label_zh": spec.zh, "label_en": spec.en,
             "uncertain": spec.uncertain} for key, spec in PARAMETERS.items()]


def set_parameter(session: Session, actor, key: str, value: Any) -> dict[str, Any]:
    require(actor, MARKET_APPROVE)
    checked = _check(key, value)
    store(session, MarketParameter, key, checked, actor.username)
    return {"key": key, "value": checked}
