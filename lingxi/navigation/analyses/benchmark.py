"""长板/短板: the scope's field profile against a benchmark scope (by default every patent in the store).

For each field f (a chain node, else a main-IPC subclass): share_f = scope_f / bench_f, and the revealed technological
advantage RTA_f = (scope_f / scope_total) / (bench_f / bench_total) (Balassa's index on patents). RTA ≥ 1.2 with at
least 5 applications is a 长板 (strength); RTA ≤ 0.8 in a field that holds ≥ 3 % of the benchmark is a 短板 (weakness).
Counted in SQL (GROUP BY), so the benchmark is never loaded row by row.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lingxi.db.models import PatentClassification, PatentTag
from lingxi.navigation.scope import Resolved

STRONG, WEAK, MIN_COUNT, MIN_BENCH_SHARE = 1.2, 0.8, 5, 0.03


def _field_counts(session: Session, resolved: Resolved, taxonomy: str | None) -> dict[str, int]:
    if taxonomy:
        rows = session.execute(
            select(PatentTag.node_key, func.count(func.distinct(PatentTag.patent_id)))
            .where(resolved.where(PatentTag.patent_id), PatentTag.taxonomy_name == taxonomy,
                   PatentTag.status != "rejected").group_by(PatentTag.node_key))
    else:
        subclass = func.upper(func.substr(PatentClassification.code, 1, 4))
        rows = session.execute(
            select(subclass, func.count(func.distinct(PatentClassification.patent_id)))
            .where(resolved.where(PatentClassification.patent_id), PatentClassification.scheme == "IPC",
                   PatentClassification.is_main.is_(True)).group_by(subclass))
    return {k: int(c) for k, c in rows if k}


def strengths(session: Session, scope: Resolved, bench: Resolved, taxonomy: str | None,
              names: dict[str, dict]) -> dict:
    mine = _field_counts(session, scope, taxonomy)
    theirs = _field_counts(session, bench, taxonomy)
    basis = "taxonomy" if taxonomy else "ipc"
    if taxonomy and sum(mine.values()) < 5:  # the scope is barely tagged in that taxonomy: compare IPC instead
        mine, theirs, basis = _field_counts(session, scope, None), _field_counts(session, bench, None), "ipc"
    mine_total, bench_total = sum(mine.values()), sum(theirs.values())
    rows = []
    for key, b in theirs.items():
        m = mine.get(key, 0)
        if not b or not bench_total or not mine_total:
            continue
        rta = (m / mine_total) / (b / bench_total)
        label = names.get(key, {}).get("zh", key) if basis == "taxonomy" else key
        rows.append({"field": key, "label": label, "scope": m, "benchmark": b, "share": round(m / b, 4),
                     "scope_share": round(m / mine_total, 4), "bench_share": round(b / bench_total, 4),
                     "rta": round(rta, 3)})
    rows.sort(key=lambda r: (-r["benchmark"], r["field"]))
    strong = sorted((r for r in rows if r["rta"] >= STRONG and r["scope"] >= MIN_COUNT),
                    key=lambda r: (-r["rta"], r["field"]))[:8]
    weak = sorted((r for r in rows if r["rta"] <= WEAK and r["bench_share"] >= MIN_BENCH_SHARE),
                  key=lambda r: (r["rta"], r["field"]))[:8]
    return {"basis": basis, "fields": rows[:25], "strengths": strong, "weaknesses": weak,
            "scope_total": mine_total, "benchmark_total": bench_total}
