"""Sleeping patents (沉睡专利) and the conversion mode recommended for each.

The national stock-patent process is 盘点 → 筛选入库 → 市场评价 → 分层推广, and this module follows it:

1. 盘点 (inventory): every granted, in-force right held by a university, institute or SOE (parties.party_type;
   the `sleeping_holder_types` parameter);
2. 筛选入库 (screening): kept when granted at least N years ago (`sleeping_years`, default 3) and neither
   transferred, licensed (incl. open licence) nor pledged in the last N years — legal events of those classes,
   operator-recorded pledges and market deals on the platform (SPEC §6: any kind, signed or later, dated by their
   latest step or a licence's end); an undated event counts as recent, since it cannot be shown to be old;
3. 市场评价 (market assessment): the licensing-scenario grade (lingxi.value, A–D; "unscored" before scoring has
   run), the chain node (deepest chain tag), the node's demand (filings growth of 3 years over the 3 before, leaving
   out the last 18 months that are not published yet, plus open enterprise demands in that node), breadth (IPC
   subclasses, chain nodes) and maturity (TRL annotation);
4. 分层推广 (tiered promotion) — the first rule that holds gives the mode:
   - pool 专利池: at least `pool_min_patents` sleeping patents of one holder in one chain node — bundle them;
   - transfer 转让: grade A and strong demand (growth ≥ `strong_demand_growth` or an open demand) — a buyer exists;
   - equity 作价入股: grade A/B and TRL ≥ 7 — mature enough to found or join a company with the inventors;
   - licence 许可: grade A/B — valuable, keep ownership and license to firms in the node;
   - open licence 开放许可: grade C, or unscored with broad applicability (≥ 2 IPC subclasses or chain nodes) —
     many possible users, low fee, published terms (Patent Law Art 50);
   - open licence (low fee) for grade D and the rest: find any user before deciding whether to keep paying fees;
   - but a patent with a published open-licence declaration on the platform is not told to declare again: where the
     rules say open licence, the mode is open_licence_declared — promote the published offer to firms in the node.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lingxi.accounts.roles import PATENTS_READ, require
from lingxi.db.models import Patent, PatentAnnotation, PatentClassification, PatentTag, TaxonomyVersion
from lingxi.db.pagination import check_paging
from lingxi.errors import InvalidInput
from lingxi.value import parameters as params
from lingxi.value.facts import ACTIVITY_EVENTS, Right, load_rights, node_names, right_tags, rows_for, tags_of

MODES = ("transfer", "licence", "open_licence", "open_licence_declared", "equity", "pool")
MODE_LABELS = {"transfer": ("转让", "transfer"), "licence": ("许可", "licence"),
               "open_licence": ("开放许可", "open licence"),
               "open_licence_declared": ("已开放许可·推广对接", "open licence declared: promote it"),
               "equity": ("作价入股", "equity"), "pool": ("专利池", "patent pool")}
OPEN_DEMAND_STATUSES = ("new", "matched", "negotiating")


def _years_ago(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def grades(session: Session, patent_ids: list[int], scenario: str = "licensing") -> dict[int, str]:
    """Grades from the value scores (a patent without a score has none)."""
    from lingxi.value.service import grade_of

    return grade_of(session, patent_ids, scenario=scenario)


def right_grades(session: Session, rights: list[Right], scenario: str = "licensing") -> dict[int, str]:
    found = grades(session, [i for r in rights for i in r.patent_ids], scenario)
    result = {}
    for right in rights:
        grade = found.get(right.patent_id) or next((found[i] for i in right.patent_ids if i in found), None)
        if grade:
            result[right.patent_id] = grade
    return result


def deepest_chain_node(tags: list[tuple[str, str]]) -> tuple[str, str] | None:
    chains = [t for t in tags]
    if not chains:
        return None
    return max(chains, key=lambda t: (t[1].count("."), len(t[1]), t[0]))


PUBLICATION_LAG = dt.timedelta(days=548)  # applications are published 18 months after filing (REFERENCE §2.2)


def node_growth(session: Session, today: dt.date) -> dict[tuple[str, str], float | None]:
    """(chain, node) → filings growth: filings of the 3 years before the publication lag over the 3 years before
    those, minus 1. The last 18 months are left out: their filings are mostly unpublished, and counting them would
    show every node shrinking."""
    chain_names = list(session.execute(select(TaxonomyVersion.name).where(TaxonomyVersion.kind == "chain")).scalars())
    window_end = today - PUBLICATION_LAG
    recent_start, earlier_start = _years_ago(window_end, 3), _years_ago(window_end, 6)
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    rows = session.execute(
        select(PatentTag.taxonomy_name, PatentTag.node_key, Patent.application_date, func.count())
        .join(Patent, Patent.id == PatentTag.patent_id)
        .where(PatentTag.taxonomy_name.in_(chain_names), PatentTag.status != "rejected",
               Patent.application_date >= earlier_start, Patent.application_date < window_end)
        .group_by(PatentTag.taxonomy_name, PatentTag.node_key, Patent.application_date))
    for name, node, filed, count in rows:
        counts[(name, node)][0 if filed >= recent_start else 1] += count
    return {key: (recent / earlier - 1 if earlier else None) for key, (recent, earlier) in counts.items()}


def open_demands(session: Session) -> Counter:
    from lingxi.db.models import Demand

    rows = session.execute(select(Demand.chain_taxonomy, Demand.chain_node, func.count())
                           .where(Demand.status.in_(OPEN_DEMAND_STATUSES), Demand.chain_node.is_not(None))
                           .group_by(Demand.chain_taxonomy, Demand.chain_node))
    return Counter({(name, node): count for name, node, count in rows})


def is_sleeping(right: Right, years: int, holder_types: set[str], today: dt.date) -> tuple[bool, str]:
    """Whether a right is sleeping on `today`, and why not when it is not (for tests and the panel)."""
    if not right.in_force:
        return False, f"not in force: {right.status_reason}"
    public = [h for h in right.holders if h.party_type in holder_types]
    if not public:
        return False, "no university / institute / SOE holder"
    since = _years_ago(today, years)
    if right.grant_date is None or right.grant_date > since:
        return False, f"granted less than {years} years ago"
    for event_class in (*ACTIVITY_EVENTS, "pledge_record"):
        for day in right.events.get(event_class, []):
            if day is None or day >= since:
                return False, f"{event_class} {day.isoformat() if day else '(undated)'} within {years} years"
    for deal in right.deals:
        if deal.day is None or deal.day >= since:
            return False, (f"platform deal {deal.id} ({deal.kind}, {deal.state}) "
                           f"{deal.day.isoformat() if deal.day else '(undated)'} within {years} years")
    return True, f"no transfer, licence or pledge since {since.isoformat()}"


def recommend(right: Right | None, grade: str | None, node: tuple[str, str] | None, growth: float | None,
              demands: int, breadth: int, trl: int | None, cluster: int, values: dict) -> tuple[str, str, str]:
    """(mode, reason in Chinese, reason in English) by the rules of the module docstring."""
    mode, why_zh, why_en = _by_rules(grade, node, growth, demands, breadth, trl, cluster, values)
    declared = right.declared_open_licence if right is not None else None
    if declared is None:
        return mode, why_zh, why_en
    number, day = declared
    if mode != "open_licence":  # the published offer stays; the stronger mode is still the advice
        return (mode, f"{why_zh}（已发布开放许可声明 #{number}）",
                f"{why_en} (open licence already declared, #{number})")
    when_zh = f"已于 {day.isoformat()} " if day else "已"
    when_en = f" on {day.isoformat()}" if day else ""
    basis_zh = f"价值等级 {grade}" if grade else "尚未评分"
    basis_en = f"grade {grade}" if grade else "not scored yet"
    reason_zh = (f"{when_zh}发布开放许可声明 #{number}，无需重复声明；{basis_zh}，"
                 "宜向节点内企业推广该声明、在对接会上寻找被许可人")
    reason_en = (f"open licence already declared{when_en} (#{number}), do not declare again; {basis_en}: promote "
                 "the published offer to firms in the node and at matchmaking events")
    return "open_licence_declared", reason_zh, reason_en


def _by_rules(grade: str | None, node: tuple[str, str] | None, growth: float | None, demands: int, breadth: int,
              trl: int | None, cluster: int, values: dict) -> tuple[str, str, str]:
    """The tiered-promotion rules alone, before the platform's own offers are taken into account."""
    strong = (growth is not None and growth >= float(values["strong_demand_growth"])) or demands > 0
    demand_zh = (f"节点申请增长 {growth:+.0%}" if growth is not None else "节点增长未知") + (
        f"，{demands} 项未解决企业需求" if demands else "")
    demand_en = (f"node filings {growth:+.0%}" if growth is not None else "node growth unknown") + (
        f", {demands} open enterprise demands" if demands else "")
    if node and cluster >= int(values["pool_min_patents"]):
        return ("pool", f"同一权利人在该产业链节点有 {cluster} 件沉睡专利，宜组池打包许可",
                f"{cluster} sleeping patents of the holder in this chain node: bundle them in a pool")
    if grade == "A" and strong:
        return ("transfer", f"价值等级 A 且需求旺盛（{demand_zh}），宜挂牌转让",
                f"grade A and strong demand ({demand_en}): list for transfer")
    if grade in ("A", "B") and trl is not None and trl >= 7:
        return ("equity", f"价值等级 {grade}，技术成熟度 TRL {trl}，宜作价入股实施转化",
                f"grade {grade} and TRL {trl}: mature enough for equity in a company")
    if grade in ("A", "B"):
        return ("licence", f"价值等级 {grade}（{demand_zh}），保留权属、向节点内企业许可",
                f"grade {grade} ({demand_en}): keep ownership and license to firms in the node")
    if grade == "C" or (grade is None and breadth >= 2):
        why_zh = f"价值等级 {grade}" if grade else "尚未评分"
        why_en = f"grade {grade}" if grade else "not scored yet"
        return ("open_licence", f"{why_zh}，适用面 {breadth} 个领域/节点，宜开放许可、低价普惠",
                f"{why_en}, applicable in {breadth} fields/nodes: open licence at a modest fee")
    why_zh = f"价值等级 {grade}" if grade else "尚未评分且适用面窄"
    why_en = f"grade {grade}" if grade else "not scored and narrow"
    return ("open_licence", f"{why_zh}，宜低价开放许可寻找实施方，再决定是否继续缴纳年费",
            f"{why_en}: open licence at a low fee to find any user before deciding whether to keep paying fees")


def sleeping_report(session: Session, actor, years: int | None = None, holder: str | None = None,
                    mode: str | None = None, today: dt.date | None = None, page: int = 1,
                    page_size: int = 50) -> dict[str, Any]:
    require(actor, PATENTS_READ)
    check_paging(page, page_size)
    today = today or dt.date.today()
    values = params.current(session)
    if years is not None:
        if not 1 <= int(years) <= 30:
            raise InvalidInput("years must be between 1 and 30", field="years")
        values["sleeping_years"] = int(years)
    if mode and mode not in MODES:
        raise InvalidInput(f"mode must be one of {', '.join(MODES)}", field="mode")
    years = int(values["sleeping_years"])
    holder_types = set(values["sleeping_holder_types"])
    rights = load_rights(session, today=today)
    inventory = [r for r in rights if r.in_force and any(h.party_type in holder_types for h in r.holders)]
    sleeping = [r for r in inventory if is_sleeping(r, years, holder_types, today)[0]]
    ids = [i for r in sleeping for i in r.patent_ids]
    chain_tags = right_tags(sleeping, tags_of(session, ids, chains_only=True))
    grade_by = right_grades(session, sleeping)
    growth = node_growth(session, today)
    demands = open_demands(session)
    subclasses: dict[int, set[str]] = defaultdict(set)
    trl: dict[int, int] = {}
    for patent_id, code in rows_for(session, select(PatentClassification.patent_id, PatentClassification.code)
                                    .where(PatentClassification.scheme == "IPC"), ids):
        subclasses[patent_id].add(code.replace(" ", "")[:4])
    for patent_id, data in rows_for(session, select(PatentAnnotation.patent_id, PatentAnnotation.data)
                                    .where(PatentAnnotation.kind == "trl"), ids):
        if isinstance(data, dict) and isinstance(data.get("level"), int):
            trl[patent_id] = max(trl.get(patent_id, 0), data["level"])
    nodes = {r.patent_id: deepest_chain_node(chain_tags.get(r.patent_id, [])) for r in sleeping}
    first_holder = {r.patent_id: next(h for h in r.holders if h.party_type in holder_types) for r in sleeping}
    cluster = Counter((first_holder[r.patent_id].party_id, nodes[r.patent_id]) for r in sleeping
                      if nodes[r.patent_id])
    names = node_names(session)
    items = []
    for right in sleeping:
        node = nodes[right.patent_id]
        owner = first_holder[right.patent_id]
        breadth = max(len({c for i in right.patent_ids for c in subclasses.get(i, ())}),
                      len({n for n in chain_tags.get(right.patent_id, []) if "." in n[1]}))
        level = max((trl[i] for i in right.patent_ids if i in trl), default=None)
        chosen, why_zh, why_en = recommend(right, grade_by.get(right.patent_id), node,
                                           growth.get(node) if node else None,
                                           demands.get(node, 0) if node else 0, breadth, level,
                                           cluster.get((owner.party_id, node), 0) if node else 0, values)
        items.append({
            "patent_id": right.patent_id, "number": right.number, "title": right.title,
            "holder": owner.name, "holder_type": owner.party_type, "holders": right.holder_names,
            "province": right.region[0], "city": right.region[1],
            "grant_date": right.grant_date.isoformat() if right.grant_date else None,
            "doc_type": right.doc_type, "grade": grade_by.get(right.patent_id),
            "chain": node[0] if node else None, "node": node[1] if node else None,
            "node_name_zh": names.get(node, (None, None))[0] if node else None,
            "node_name_en": names.get(node, (None, None))[1] if node else None,
            "node_growth": growth.get(node) if node else None, "open_demands": demands.get(node, 0) if node else 0,
            "trl": level, "breadth": breadth,
            "mode": chosen, "mode_zh": MODE_LABELS[chosen][0], "mode_en": MODE_LABELS[chosen][1],
            "reason_zh": why_zh, "reason_en": why_en,
            "last_activity": _last_activity(right),
        })
    by_mode = Counter(item["mode"] for item in items)
    if holder:
        items = [i for i in items if holder in i["holders"]]
    if mode:
        items = [i for i in items if i["mode"] == mode]
    items.sort(key=lambda i: ("ABCD".find(i["grade"]) if i["grade"] else 9, i["number"]))
    return {
        "as_of": today.isoformat(), "years": years, "holder_types": sorted(holder_types),
        "process": {"inventory": len(inventory), "screened": len(sleeping),
                    "assessed": sum(1 for i in sleeping if i.patent_id in grade_by),
                    "by_mode": {m: by_mode.get(m, 0) for m in MODES}},
        "total": len(items), "page": page, "page_size": page_size, "pages": max(1, -(-len(items) // page_size)),
        "items": items[(page - 1) * page_size: page * page_size],
    }


def _last_activity(right: Right) -> str | None:
    days = [d for c in (*ACTIVITY_EVENTS, "pledge_record") for d in right.events.get(c, []) if d is not None]
    days += [deal.day for deal in right.deals if deal.day is not None]
    return max(days).isoformat() if days else None
