"""High-value invention patents (高价值发明专利) by the five official criteria of REFERENCE.md §1.3.

A valid invention patent (发明, granted, in force) counts when ANY one criterion holds; every criterion that holds
is reported with its evidence, so an operator can check why a patent counts:

1. sei — tagged (not rejected) in the SEI taxonomy (`sei_taxonomy` parameter, default sei_2018);
2. overseas_family — another publication of the same family (Patent.family_id) from a different country, granted,
   is in the store. The data allows no more: exports give a family id or a family size, not the members' grant
   status, so a family known only by its size does not count (said in docs/value-operations.md);
3. maintained — in force and filed more than `maintained_years` (default 10) years ago;
4. pledge — a recorded pledge (pledge_records) of at least `pledge_threshold_yuan` (default ¥10M, [U]); pledge
   events from the legal-status data have no amount, so they are shown but cannot fire the criterion;
5. award — a 中国专利奖 or 国家科学技术奖 recorded by an operator (patent_awards).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingxi.accounts.roles import PATENTS_READ, require
from lingxi.db.models import Patent, PatentAward, PledgeRecord
from lingxi.value import parameters as params
from lingxi.value.facts import Right, load_rights, right_tags, rows_for, tags_of
from lingxi.value.records import AWARDS, latest_populations

CRITERIA = ("sei", "overseas_family", "maintained", "pledge", "award")


def _years_between(start: dt.date, end: dt.date) -> float:
    return (end - start).days / 365.2425


def qualifies(right: Right) -> tuple[bool, str, str]:
    """Only valid invention patents granted in China can be high-value; the reason (English, Chinese) when not."""
    if right.country not in ("CN", None):
        return (False, f"granted in {right.country}: the statistic counts patents granted in China",
                f"{right.country} 专利：统计口径为中国授权专利")
    if right.doc_type != "invention":
        return False, f"not an invention patent ({right.doc_type or 'type unknown'})", "非发明专利"
    if not right.in_force:
        return False, f"not in force: {right.status_reason}", f"非有效专利（{right.status_reason}）"
    return True, "", ""


def evaluate(session: Session, rights: list[Right], today: dt.date | None = None,
             values: dict | None = None) -> dict[int, dict[str, Any]]:
    """Representative patent id → {"qualifies", "reason", "criteria": [{criterion, evidence}], "is_high_value"}."""
    today = today or dt.date.today()
    values = values or params.current(session)
    all_ids = [i for r in rights for i in r.patent_ids]
    sei = right_tags(rights, tags_of(session, all_ids, values["sei_taxonomy"]))
    awards: dict[int, list] = defaultdict(list)
    pledges: dict[int, list] = defaultdict(list)
    for patent_id, row in rows_for(session, select(PatentAward.patent_id, PatentAward), all_ids):
        awards[patent_id].append(row)
    for patent_id, row in rows_for(session, select(PledgeRecord.patent_id, PledgeRecord), all_ids):
        pledges[patent_id].append(row)
    family_members = _granted_family_members(session, {r.family_id for r in rights if r.family_id})
    threshold = float(values["pledge_threshold_yuan"])
    years = int(values["maintained_years"])
    result = {}
    for right in rights:
        ok, reason, reason_zh = qualifies(right)
        fired: list[dict[str, Any]] = []
        notes: list[dict[str, str]] = []

        def fire(criterion: str, evidence_en: str, evidence_zh: str) -> None:
            fired.append({"criterion": criterion, "evidence": evidence_en, "evidence_zh": evidence_zh})

        if right.family_id and ok:
            abroad = [m for m in family_members.get(right.family_id, []) if m[1] and m[1] != right.country]
            if abroad:
                listed = ", ".join(f"{n} ({c})" for n, c in abroad[:5])
                fire("overseas_family", f"granted abroad: {listed}", f"海外同族已授权：{listed}")
        if sei.get(right.patent_id) and ok:
            nodes = ", ".join(node for _, node in sei[right.patent_id][:5])
            fire("sei", f"SEI tags: {nodes}", f"战略性新兴产业标引：{nodes}")
        if right.application_date and ok:
            held = _years_between(right.application_date, today)
            if held > years:
                filed = right.application_date.isoformat()
                fire("maintained", f"filed {filed}, in force {held:.1f} years (> {years})",
                     f"申请日 {filed}，已维持 {held:.1f} 年（> {years} 年）")
        rows = [p for i in right.patent_ids for p in pledges.get(i, [])]
        if rows:
            biggest = max(rows, key=lambda p: p.amount_yuan)
            amount = float(biggest.amount_yuan)
            if amount >= threshold:
                if ok:
                    day = biggest.registered_on.isoformat()
                    fire("pledge", f"pledge of ¥{amount:,.0f} registered {day} (threshold ¥{threshold:,.0f})",
                         f"质押融资 ¥{amount:,.0f}，登记日 {day}（门槛 ¥{threshold:,.0f}）")
            else:
                notes.append({"en": f"largest recorded pledge ¥{amount:,.0f} < threshold ¥{threshold:,.0f}",
                              "zh": f"已录入最大质押金额 ¥{amount:,.0f}，低于门槛 ¥{threshold:,.0f}"})
        elif right.events.get("pledge"):
            notes.append({"en": "pledge registered in the legal-status data, amount not recorded",
                          "zh": "法律状态中有质押登记，但未录入质押金额"})
        won = [a for i in right.patent_ids for a in awards.get(i, [])]
        if won and ok:
            fire("award", "; ".join(f"{AWARDS[a.award][1]} {a.level} {a.year}" for a in won),
                 "；".join(f"{AWARDS[a.award][0]} {a.level} {a.year}" for a in won))
        fired.sort(key=lambda item: CRITERIA.index(item["criterion"]))
        result[right.patent_id] = {"qualifies": ok, "reason": reason, "reason_zh": reason_zh, "criteria": fired,
                                   "is_high_value": bool(fired), "notes": notes}
    return result


def _granted_family_members(session: Session, family_ids: set[str]) -> dict[str, list[tuple[str, str | None]]]:
    """family id → [(number, country)] of granted members, one per application (its grant publication first)."""
    members: dict[str, dict[str, tuple[str, str | None, bool]]] = defaultdict(dict)
    for family, number, key, country, application, published, granted in rows_for(
            session, select(Patent.family_id, Patent.publication_number, Patent.key, Patent.country,
                            Patent.application_number, Patent.publication_date, Patent.grant_date)
            .where(Patent.grant_date.is_not(None)), family_ids):
        is_grant = published is not None and published >= granted
        seen = members[family].get(application or key)
        if seen is None or (is_grant and not seen[2]):
            members[family][application or key] = (number or key, country, is_grant)
    return {family: [(n, c) for n, c, _ in found.values()] for family, found in members.items()}


def patent_flags(session: Session, actor, patent_id: int, today: dt.date | None = None) -> dict[str, Any]:
    """The high-value verdict of the right a publication belongs to."""
    require(actor, PATENTS_READ)
    from lingxi.errors import NotFound

    rights = load_rights(session, [patent_id], today)
    right = next((r for r in rights if patent_id in r.patent_ids), None)
    if right is None:
        raise NotFound(f"patent {patent_id} not found")
    verdict = evaluate(session, [right], today)[right.patent_id]
    return {"patent_id": patent_id, "right_patent_id": right.patent_id, "number": right.number, **verdict}


def high_value_report(session: Session, actor, province: str | None = None, criterion: str | None = None,
                      today: dt.date | None = None, page: int = 1, page_size: int = 50) -> dict[str, Any]:
    """High-value invention patents with the criteria that fired, counts per criterion and per region, and
    per 10,000 population where the operator recorded the region's population."""
    require(actor, PATENTS_READ)
    from lingxi.db.pagination import check_paging
    from lingxi.errors import InvalidInput

    check_paging(page, page_size)
    if criterion and criterion not in CRITERIA:
        raise InvalidInput(f"criterion must be one of {', '.join(CRITERIA)}", field="criterion")
    rights = load_rights(session, today=today)
    verdicts = evaluate(session, rights, today)
    valid = [r for r in rights if verdicts[r.patent_id]["qualifies"]]
    flagged = [r for r in valid if verdicts[r.patent_id]["is_high_value"]]
    by_criterion = Counter(c["criterion"] for r in flagged for c in verdicts[r.patent_id]["criteria"])
    populations = latest_populations(session)
    regions: dict[tuple[str | None, str | None], dict[str, Any]] = {}
    for right in valid:
        prov, city = right.region
        for key in ((prov, None), (prov, city)) if city else ((prov, None),):
            entry = regions.setdefault(key, {"province": key[0], "city": key[1], "valid_inventions": 0,
                                             "high_value": 0})
            entry["valid_inventions"] += 1
            entry["high_value"] += verdicts[right.patent_id]["is_high_value"]
    for (prov, city), entry in regions.items():
        people = populations.get((prov, city)) if prov else None
        entry["population"], entry["population_year"] = people if people else (None, None)
        entry["per_10k"] = round(entry["high_value"] / people[0] * 10_000, 4) if people else None
    items = [r for r in flagged
             if (province is None or r.region[0] == province)
             and (criterion is None or any(c["criterion"] == criterion for c in verdicts[r.patent_id]["criteria"]))]
    items.sort(key=lambda r: (-len(verdicts[r.patent_id]["criteria"]), r.number))
    page_items = items[(page - 1) * page_size: page * page_size]
    return {
        "as_of": (today or dt.date.today()).isoformat(),
        "valid_inventions": len(valid), "high_value": len(flagged),
        "by_criterion": {name: by_criterion.get(name, 0) for name in CRITERIA},
        "by_region": sorted(regions.values(), key=lambda e: (e["province"] is None, e["province"] or "",
                                                             e["city"] is not None, e["city"] or "")),
        "total": len(items), "page": page, "page_size": page_size, "pages": max(1, -(-len(items) // page_size)),
        "items": [{"patent_id": r.patent_id, "number": r.number, "title": r.title, "holders": r.holder_names,
                   "province": r.region[0], "city": r.region[1],
                   "application_date": r.application_date.isoformat() if r.application_date else None,
                   "criteria": verdicts[r.patent_id]["criteria"]} for r in page_items],
    }
