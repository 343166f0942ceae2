"""Whether a patent may secure a finance product, rule by rule, with the reason for each answer.

The rules a product may set (FinanceProduct.eligibility) and the ones every pledge obeys:
- in_force: a lapsed or ungranted patent secures nothing (there is no exclusive right to pledge);
- not_pledged: a patent under a registered, unreleased pledge cannot be pledged again without release;
- min_grade: the value grade in the pledge scenario (质押融资 profile of lingxi.value) is at least this good;
- patent_types, min_remaining_years, provinces (the holder's region), size_classes (the holder's enterprise size).
A rule the product does not set is not listed. The valuation range (GB/T 42748, lingxi.value.valuation) gives the
amount a lender may advance: low value × loan_to_value, within the product's amount range.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from lingxi.db.models import EnterprisePatentLink, EnterpriseProfile, Organisation, PledgeRecord
from lingxi.db.models.finance import FinanceProduct
from lingxi.value.facts import Right, term_end
from lingxi.value.service import scores_of

GRADE_ORDER = {"A": 0, "B": 1, "C": 2, "D": 3}
SIZE_LABELS = {"micro": "微型", "small": "小型", "medium": "中型", "large": "大型"}
TYPE_LABELS = {"invention": "发明", "utility_model": "实用新型", "design": "外观设计"}


@dataclass
class Facts:
    """What the rules read about one patent right, loaded in bulk by `load_facts`."""

    right: Right
    grade: str | None = None
    score: float | None = None
    pledged_to: str | None = None  # pledgee of an unreleased registered pledge
    size_classes: list[str] = field(default_factory=list)  # of the holders that are enterprises on the platform


def load_facts(session: Session, rights: list[Right]) -> dict[int, Facts]:
    ids = [i for r in rights for i in r.patent_ids]
    scores = scores_of(session, ids, "pledge")
    pledged = dict(session.execute(select(PledgeRecord.patent_id, PledgeRecord.pledgee).where(
        PledgeRecord.patent_id.in_(ids), PledgeRecord.released_on.is_(None))).all()) if ids else {}
    sizes = holder_size_classes(session, [h.party_id for r in rights for h in r.holders])
    found = {}
    for right in rights:
        best = min((scores[i] for i in right.patent_ids if i in scores), key=lambda s: -s[0], default=None)
        pledgee = next((pledged[i] for i in right.patent_ids if i in pledged), None)
        found[right.patent_id] = Facts(right, grade=best[1] if best else None, score=best[0] if best else None,
                                       pledged_to=pledgee,
                                       size_classes=sorted({sizes[h.party_id] for h in right.holders
                                                            if h.party_id in sizes}))
    return found


def holder_size_classes(session: Session, party_ids: list[int]) -> dict[int, str]:
    """party id → size class of the enterprise file it belongs to (own party or a confirmed link)."""
    ids = list(set(party_ids))
    if not ids:
        return {}
    rows = session.execute(
        select(Organisation.party_id, EnterprisePatentLink.party_id, EnterpriseProfile.size_class)
        .join(EnterpriseProfile, EnterpriseProfile.organisation_id == Organisation.id)
        .outerjoin(EnterprisePatentLink, (EnterprisePatentLink.organisation_id == Organisation.id)
                   & (EnterprisePatentLink.status == "confirmed"))
        .where(EnterpriseProfile.size_class.is_not(None),
               or_(Organisation.party_id.in_(ids), EnterprisePatentLink.party_id.in_(ids))))
    sizes: dict[int, str] = {}
    for own, linked, size in rows:
        for party in (own, linked):
            if party in ids:
                sizes[party] = size
    return sizes


def _rule(rule: str, ok: bool, zh: str, en: str) -> dict[str, Any]:
    return {"rule": rule, "ok": ok, "zh": zh, "en": en}


def check(facts: Facts, product: FinanceProduct, today: dt.date) -> list[dict[str, Any]]:
    """Every rule that applies, passed or failed, in a fixed order."""
    right, rules = facts.right, product.eligibility or {}
    checks = [_rule("in_force", right.in_force, "有效专利" if right.in_force else f"非有效专利（{right.status_reason}）",
                    "in force" if right.in_force else f"not in force ({right.status_reason})")]
    checks.append(_rule("not_pledged", facts.pledged_to is None,
                        "未设定质押" if facts.pledged_to is None else f"已质押给 {facts.pledged_to}，尚未解除",
                        "not pledged" if facts.pledged_to is None else f"already pledged to {facts.pledged_to}"))
    if rules.get("patent_types"):
        ok = right.doc_type in rules["patent_types"]
        wanted = "、".join(TYPE_LABELS.get(t, t) for t in rules["patent_types"])
        checks.append(_rule("patent_types", ok, f"专利类型 {TYPE_LABELS.get(right.doc_type or '', right.doc_type)}"
                            f"{'符合' if ok else '不在'}（{wanted}）",
                            f"type {right.doc_type} {'is' if ok else 'is not'} one of {', '.join(rules['patent_types'])}"))
    if rules.get("min_grade"):
        wanted = rules["min_grade"]
        if facts.grade is None:
            checks.append(_rule("min_grade", False, "尚无质押融资场景价值评分", "no value score in the pledge scenario yet"))
        else:
            ok = GRADE_ORDER[facts.grade] <= GRADE_ORDER[wanted]
            checks.append(_rule("min_grade", ok, f"质押场景价值等级 {facts.grade}（{facts.score:.1f} 分），要求 {wanted} 级及以上",
                                f"pledge-scenario grade {facts.grade} ({facts.score:.1f}); {wanted} or better needed"))
    if rules.get("min_remaining_years") is not None:
        end = term_end(right.doc_type, right.application_date)
        remaining = (end - today).days / 365.2425 if end else None
        ok = remaining is not None and remaining >= rules["min_remaining_years"]
        shown = f"{remaining:.1f}" if remaining is not None else "?"
        checks.append(_rule("min_remaining_years", ok, f"剩余保护期 {shown} 年，要求至少 {rules['min_remaining_years']} 年",
                            f"{shown} years of term left; at least {rules['min_remaining_years']} needed"))
    if rules.get("provinces"):
        province = right.region[0]
        ok = province in rules["provinces"]
        checks.append(_rule("provinces", ok, f"权利人所在地 {province or '未知'}{'符合' if ok else '不在'}（{'、'.join(rules['provinces'])}）",
                            f"holder region {province or 'unknown'} {'is' if ok else 'is not'} in {', '.join(rules['provinces'])}"))
    if rules.get("size_classes"):
        sizes = facts.size_classes
        ok = any(s in rules["size_classes"] for s in sizes)
        shown_zh = "、".join(SIZE_LABELS.get(s, s) for s in sizes) or "未知（权利人不是平台上有规模登记的企业）"
        checks.append(_rule("size_classes", ok, f"权利人企业规模 {shown_zh}，要求 {'、'.join(SIZE_LABELS[s] for s in rules['size_classes'])}",
                            f"holder size {', '.join(sizes) or 'unknown'}; {', '.join(rules['size_classes'])} needed"))
    return checks


def advance(product: FinanceProduct, low_values: list[Decimal]) -> dict[str, Any]:
    """What the product could lend on these patents: Σ low valuation × loan_to_value, capped by the amount range."""
    if product.loan_to_value is None or not low_values:
        return {"amount_yuan": None, "zh": "该产品不按估值放款", "en": "this product does not lend against valuations"}
    raw = (sum(low_values, Decimal(0)) * product.loan_to_value).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    amount, zh, en = raw, f"估值下限合计 × 质押率 {product.loan_to_value}", f"sum of low values × LTV {product.loan_to_value}"
    if product.amount_max_yuan is not None and amount > product.amount_max_yuan:
        amount, zh, en = product.amount_max_yuan, zh + "，按产品上限封顶", en + ", capped at the product maximum"
    if product.amount_min_yuan is not None and amount < product.amount_min_yuan:
        return {"amount_yuan": None, "computed_yuan": str(raw), "zh": zh + f"，低于产品起贷额 {product.amount_min_yuan} 元",
                "en": en + f", below the product minimum {product.amount_min_yuan}"}
    return {"amount_yuan": str(amount), "zh": zh, "en": en}
