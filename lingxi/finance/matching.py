"""Pledge-eligible patent lists (for financiers) and the matching of an enterprise's patents to products.

The list starts from the patents graded in the pledge scenario, best score first, checks every rule of the chosen
product (or the general rules: in force, not pledged, grade) and values only the page shown, since a valuation reads
comparables and parameters per patent.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingxi import fields
from lingxi.accounts.principal import Principal
from lingxi.accounts.roles import ENTERPRISES_MANAGE, FINANCE_MANAGE, FINANCE_PLEDGES, require
from lingxi.db.models import Organisation, PatentValueScore
from lingxi.db.models.finance import FinanceProduct, FinancialInstitution
from lingxi.db.pagination import check_paging
from lingxi.enterprises.patent_links import enterprise_patent_ids
from lingxi.errors import NotFound, PermissionDenied
from lingxi.finance.eligibility import GRADE_ORDER, advance, check, load_facts
from lingxi.finance.institutions import GRADES, product_dict, product_of
from lingxi.value.facts import load_rights
from lingxi.value.valuation import valuate

CANDIDATE_LIMIT = 3000  # best-scored patents looked at for one list; a page never needs more


def _general_product(min_grade: str) -> FinanceProduct:
    """The rules every pledge obeys, as an unsaved product: in force, not pledged, grade at least min_grade."""
    return FinanceProduct(name="", kind="pledge_loan", eligibility={"min_grade": min_grade})


def _valuation(session: Session, actor: Principal, patent_id: int, today: dt.date) -> dict | None:
    summary = valuate(session, actor, patent_id, today=today)["range"]
    if summary is None:
        return None
    return {key: str(Decimal(str(summary[key])).quantize(Decimal("0.01"))) for key in ("low", "mid", "high")}


def _row(facts, checks, valuation) -> dict[str, Any]:
    right = facts.right
    return {"patent_id": right.patent_id, "number": right.number, "title": right.title, "doc_type": right.doc_type,
            "holders": right.holder_names, "province": right.region[0], "grade": facts.grade,
            "score": round(facts.score, 1) if facts.score is not None else None,
            "eligible": all(c["ok"] for c in checks), "checks": checks, "valuation": valuation}


def eligible_patents(session: Session, actor: Principal, product_id=None, min_grade: str = "B", holder: str | None = None,
                     page: int = 1, page_size: int = 20, today: dt.date | None = None) -> dict[str, Any]:
    """Patents that pass every rule of the product (or the general rules with min_grade), with valuation ranges."""
    require(actor, FINANCE_PLEDGES)
    check_paging(page, page_size)
    today = today or dt.date.today()
    product = product_of(session, product_id) if product_id not in (None, "") else \
        _general_product(fields.choice(min_grade, "min_grade", GRADES))
    worst = (product.eligibility or {}).get("min_grade", "D")
    grades = [g for g in GRADES if GRADE_ORDER[g] <= GRADE_ORDER[worst]]
    ids = list(session.scalars(select(PatentValueScore.patent_id).where(
        PatentValueScore.scenario == "pledge", PatentValueScore.grade.in_(grades))
        .order_by(PatentValueScore.score.desc(), PatentValueScore.patent_id).limit(CANDIDATE_LIMIT)))
    rights = load_rights(session, ids, today) if ids else []
    if holder:
        rights = [r for r in rights if holder.strip() in r.holder_names]
    facts = load_facts(session, rights)
    passing = []
    for right in rights:
        checks = check(facts[right.patent_id], product, today)
        if all(c["ok"] for c in checks):
            passing.append((facts[right.patent_id], checks))
    passing.sort(key=lambda fc: (-(fc[0].score or 0), fc[0].right.patent_id))
    shown = passing[(page - 1) * page_size: page * page_size]
    items = [_row(f, c, _valuation(session, actor, f.right.patent_id, today)) for f, c in shown]
    return {"items": items, "total": len(passing), "page": page, "page_size": page_size,
            "product": product_dict(product) if product.id else None,
            "rules": {"min_grade": worst, **(product.eligibility or {})}, "as_of": today.isoformat()}


def _may_match(actor: Principal, organisation_id: int) -> bool:
    own = actor.organisation_id == organisation_id
    return own or actor.can(FINANCE_PLEDGES) or actor.can(FINANCE_MANAGE) or actor.can(ENTERPRISES_MANAGE)


def match_enterprise(session: Session, actor: Principal, organisation_id, today: dt.date | None = None,
                     valuations: bool = True) -> dict[str, Any]:
    """Every active product against the enterprise's patents: which patents qualify, why the others do not, and an
    indicative amount. An enterprise sees its own; financiers and operators any enterprise's (patents are public)."""
    org_id = fields.integer(organisation_id, "organisation_id", 1, 2**31, True)
    organisation = session.get(Organisation, org_id)
    if not _may_match(actor, org_id) or actor.role == "regulator":
        raise PermissionDenied("an enterprise sees its own finance matches; financiers and operators any")
    if organisation is None:
        raise NotFound(f"organisation {org_id} not found", field="organisation_id")
    today = today or dt.date.today()
    patent_ids = enterprise_patent_ids(session, org_id)
    rights = load_rights(session, patent_ids, today) if patent_ids else []
    facts = load_facts(session, rights)
    valued: dict[int, dict | None] = {}
    products = session.execute(select(FinanceProduct, FinancialInstitution)
                               .join(FinancialInstitution, FinancialInstitution.id == FinanceProduct.institution_id)
                               .where(FinanceProduct.active.is_(True)).order_by(FinanceProduct.id)).all()
    results = []
    for product, institution in products:
        eligible, refused = [], {}
        for right in rights:
            checks = check(facts[right.patent_id], product, today)
            failed = [c for c in checks if not c["ok"]]
            if failed:
                for c in failed:
                    refused.setdefault(c["rule"], {"rule": c["rule"], "count": 0, "example_zh": c["zh"],
                                                   "example_en": c["en"]})["count"] += 1
                continue
            if valuations and right.patent_id not in valued:
                valued[right.patent_id] = _valuation(session, actor, right.patent_id, today)
            eligible.append(_row(facts[right.patent_id], checks, valued.get(right.patent_id)))
        lows = [Decimal(r["valuation"]["low"]) for r in eligible if r["valuation"]]
        offer = advance(product, lows)
        explanation_zh = [f"{len(eligible)}/{len(rights)} 件专利满足全部条件"] + \
            [f"{r['count']} 件不满足：{r['example_zh']} 等" for r in refused.values()]
        explanation_en = [f"{len(eligible)} of {len(rights)} patents meet every rule"] + \
            [f"{r['count']} fail {r['rule']}, e.g. {r['example_en']}" for r in refused.values()]
        results.append({"product": product_dict(product, institution), "eligible": eligible,
                        "eligible_count": len(eligible), "refused_by_rule": list(refused.values()),
                        "indicative_amount": offer, "explanation_zh": explanation_zh,
                        "explanation_en": explanation_en})
    results.sort(key=lambda r: (-r["eligible_count"], -Decimal(r["indicative_amount"]["amount_yuan"] or 0),
                                r["product"]["id"]))
    return {"organisation_id": org_id, "organisation": organisation.name, "patents": len(rights),
            "products": results, "as_of": today.isoformat()}

