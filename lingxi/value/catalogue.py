"""The operable-patent graded catalogue (可运营专利分级目录): granted, in-force rights with their value grade, per
holder, chain node and region.

Rows come from the value scores (patent_value_scores, one scenario at a time, licensing by default); a right not
scored yet is counted as "unscored" and listed under no grade. The method block names the profile versions, weights
and thresholds that made the grades, the data version and the filters, so an exported catalogue can be reproduced.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lingxi.accounts.roles import PATENTS_READ, require
from lingxi.db.models import ImportJob, Patent, PatentValueScore, TaxonomyVersion, ValueProfile
from lingxi.db.pagination import check_paging
from lingxi.errors import InvalidInput
from lingxi.value.facts import Right, load_rights, node_names, right_tags, rows_for, tags_of
from lingxi.value.high_value import evaluate
from lingxi.value.sleeping import deepest_chain_node

GRADES = ("A", "B", "C", "D")


def parse_chain(chain: str | None) -> tuple[str | None, str | None]:
    """"chain_pv" or "chain_pv:up.materials" → (taxonomy, node or None)."""
    if not chain:
        return None, None
    name, _, node = chain.partition(":")
    return name.strip() or None, node.strip() or None


def _scores(session: Session, rights: list[Right], scenario: str) -> dict:
    ids = [i for r in rights for i in r.patent_ids]
    query = select(PatentValueScore.patent_id, PatentValueScore.grade, PatentValueScore.score,
                   PatentValueScore.legal, PatentValueScore.technical, PatentValueScore.economic,
                   PatentValueScore.coverage, PatentValueScore.profile_name, PatentValueScore.profile_version
                   ).where(PatentValueScore.scenario == scenario)
    found = {row.patent_id: row for row in rows_for(session, query, ids)}
    result = {}
    for right in rights:
        row = found.get(right.patent_id) or next((found[i] for i in right.patent_ids if i in found), None)
        if row is not None:
            result[right.patent_id] = row
    return result


def build_catalogue(session: Session, actor, holder: str | None = None, chain: str | None = None,
                    region: str | None = None, scenario: str = "licensing", grade: str | None = None,
                    today: dt.date | None = None) -> dict[str, Any]:
    """Every catalogue row (unpaginated: the Excel export takes them all) with grade counts and the method."""
    require(actor, PATENTS_READ)
    if grade and grade not in GRADES:
        raise InvalidInput(f"grade must be one of {', '.join(GRADES)}", field="grade")
    taxonomy, node = parse_chain(chain)
    chain_names = set(session.execute(select(TaxonomyVersion.name).where(TaxonomyVersion.kind == "chain")).scalars())
    if taxonomy and taxonomy not in chain_names:
        raise InvalidInput(f"unknown industry chain {taxonomy!r}; known: {', '.join(sorted(chain_names))}",
                           field="chain")
    province, _, city = (region or "").partition("/")
    today = today or dt.date.today()
    rights = [r for r in load_rights(session, today=today) if r.in_force]
    if holder:
        rights = [r for r in rights if any(holder in h.name for h in r.holders)]
    if province:
        rights = [r for r in rights if r.region[0] == province and (not city or r.region[1] == city)]
    ids = [i for r in rights for i in r.patent_ids]
    chains = right_tags(rights, tags_of(session, ids, taxonomy, chains_only=True))
    if taxonomy:
        rights = [r for r in rights if any(
            node is None or key == node or key.startswith(node + ".") for _, key in chains.get(r.patent_id, []))]
    scores = _scores(session, rights, scenario)
    flags = evaluate(session, rights, today)
    names = node_names(session)
    rows = []
    for right in rights:
        score = scores.get(right.patent_id)
        tags = chains.get(right.patent_id, [])
        if node:
            tags = [t for t in tags if t[1] == node or t[1].startswith(node + ".")]
        best = deepest_chain_node(tags)
        verdict = flags[right.patent_id]
        rows.append({
            "patent_id": right.patent_id, "number": right.number, "title": right.title,
            "holder": right.holder_names, "province": right.region[0], "city": right.region[1],
            "doc_type": right.doc_type, "legal_status": right.legal_status,
            "chain": best[0] if best else None, "node": best[1] if best else None,
            "node_name_zh": names.get(best, (None, None))[0] if best else None,
            "node_name_en": names.get(best, (None, None))[1] if best else None,
            "grade": score.grade if score else None, "score": round(score.score, 2) if score else None,
            "legal": _round(score.legal if score else None), "technical": _round(score.technical if score else None),
            "economic": _round(score.economic if score else None),
            "coverage": _round(score.coverage if score else None, 3),
            "high_value": verdict["is_high_value"],
            "high_value_criteria": [c["criterion"] for c in verdict["criteria"]],
            "profile": f"{score.profile_name} v{score.profile_version}" if score else None,
        })
    counts = Counter(row["grade"] or "unscored" for row in rows)
    if grade:
        rows = [row for row in rows if row["grade"] == grade]
    rows.sort(key=lambda row: (GRADES.index(row["grade"]) if row["grade"] else 9, -(row["score"] or 0), row["number"]))
    by_holder: dict[str, Counter] = defaultdict(Counter)
    by_node: dict[str, Counter] = defaultdict(Counter)
    by_region: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        by_holder[row["holder"] or "—"][row["grade"] or "unscored"] += 1
        if row["province"]:
            by_region[row["province"]][row["grade"] or "unscored"] += 1
            if row["city"]:
                by_region[f"{row['province']}/{row['city']}"][row["grade"] or "unscored"] += 1
        if row["node"]:
            by_node[f"{row['chain']}:{row['node']}"][row["grade"] or "unscored"] += 1
    return {
        "filters": {"holder": holder, "chain": chain, "region": region, "scenario": scenario, "grade": grade},
        "counts": {g: counts.get(g, 0) for g in (*GRADES, "unscored")},
        "total": len(rows), "rows": rows,
        "by_holder": _top(by_holder), "by_node": _top(by_node), "by_region": _top(by_region, 40),
        "method": method(session, scenario, {"holder": holder, "chain": chain, "region": region, "grade": grade},
                         today, {s.profile_name + ":" + str(s.profile_version) for s in scores.values()}),
    }


def _top(groups: dict[str, Counter], limit: int = 20) -> list[dict[str, Any]]:
    ordered = sorted(groups.items(), key=lambda item: (-sum(item[1].values()), item[0]))[:limit]
    return [{"name": name, "total": sum(c.values()), **{g: c.get(g, 0) for g in (*GRADES, "unscored")}}
            for name, c in ordered]


def _round(value: float | None, digits: int = 2) -> float | None:
    return round(value, digits) if value is not None else None


def method(session: Session, scenario: str, filters: dict, today: dt.date, used: set[str]) -> dict[str, Any]:
    """How the grades were made: profile versions, weights, thresholds, data version, date, filters."""
    profiles = []
    for key in sorted(used):
        name, _, version = key.rpartition(":")
        row = session.execute(select(ValueProfile).where(ValueProfile.name == name,
                                                         ValueProfile.version == int(version))).scalar_one_or_none()
        if row is not None:
            profiles.append({"name": row.name, "version": row.version, "scenario": row.scenario,
                             "weights": row.weights, "grade_thresholds": row.grade_thresholds})
    last_job = session.execute(select(ImportJob.id, ImportJob.finished_at).where(ImportJob.status == "finished")
                               .order_by(ImportJob.id.desc()).limit(1)).first()
    scored_at = session.scalar(select(func.max(PatentValueScore.computed_at))
                               .where(PatentValueScore.scenario == scenario))
    return {
        "scenario": scenario, "profiles": profiles, "date": today.isoformat(),
        "data_version": {"patents": session.scalar(select(func.count(Patent.id))) or 0,
                         "last_import_job": last_job.id if last_job else None,
                         "last_import_finished": last_job.finished_at.isoformat(timespec="seconds")
                         if last_job and last_job.finished_at else None,
                         "scores_computed": scored_at.isoformat(timespec="seconds") if scored_at else None},
        "filters": {k: v for k, v in filters.items() if v},
        "scope": "granted patents in force (one row per application: the grant publication)",
    }


def catalogue_page(session: Session, actor, page: int = 1, page_size: int = 50, **filters) -> dict[str, Any]:
    check_paging(page, page_size)
    built = build_catalogue(session, actor, **filters)
    rows = built.pop("rows")
    return {**built, "page": page, "page_size": page_size, "pages": max(1, -(-built["total"] // page_size)),
            "items": rows[(page - 1) * page_size: page * page_size]}
