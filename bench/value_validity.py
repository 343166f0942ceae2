"""A validity check of the value scores on the real USPTO samples (../shared/data/us_uspto_xml, us_uspto_ppubs_json).

The samples are imported into a temporary home and scored with the shipped profiles; then, over the US patents,
Spearman rank correlations relate the scores to the two quality signals the samples carry: the number of claims
and the number of backward citations (references the patent makes). What this can and cannot show is written into
the result (`limits`) and docs/value.md: the samples are weekly excerpts that do not cite each other, so forward
citations, generality, originality and radicalness are missing for almost every patent; the samples carry no
legal events (no transfers, licences, pledges, maintenance), so the economic dimension is mostly missing too; and
claims and backward citations are themselves inputs of some scores, so a correlation with them is partly built in
(the `independent` entries pair each score with a signal it does not use).
Results: bench/results/value_validity.json.  Usage: python bench/value_validity.py
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "bench" / "results" / "value_validity.json"


def ranks(values: np.ndarray) -> np.ndarray:
    """Average ranks (ties share their mean rank)."""
    order = np.argsort(values, kind="mergesort")
    sorted_values = values[order]
    result = np.empty(len(values))
    start = 0
    while start < len(values):
        end = start
        while end + 1 < len(values) and sorted_values[end + 1] == sorted_values[start]:
            end += 1
        result[order[start:end + 1]] = (start + end) / 2.0
        start = end + 1
    return result


def spearman(x: list[float | None], y: list[float | None]) -> dict:
    pairs = [(a, b) for a, b in zip(x, y) if a is not None and b is not None]
    if len(pairs) < 10:
        return {"n": len(pairs), "rho": None}
    a, b = (np.array(v, dtype=float) for v in zip(*pairs))
    ra, rb = ranks(a), ranks(b)
    rho = float(np.corrcoef(ra, rb)[0, 1]) if ra.std() and rb.std() else None
    # a rough 95 % interval by the Fisher transformation (se = 1.03 / sqrt(n − 3), Fieller et al. 1957)
    interval = None
    if rho is not None and abs(rho) < 1:
        z, se = np.arctanh(rho), 1.03 / np.sqrt(len(pairs) - 3)
        interval = [round(float(np.tanh(z - 1.96 * se)), 3), round(float(np.tanh(z + 1.96 * se)), 3)]
    return {"n": len(pairs), "rho": None if rho is None else round(rho, 3), "ci95": interval}


def main() -> None:
    from sqlalchemy import select

    from lingxi.db import open_database
    from lingxi.db.models import Patent, PatentIndicatorSet, PatentValueScore
    from lingxi.patents.importing import run_import
    from lingxi.value.jobs import run_scoring

    with tempfile.TemporaryDirectory() as home:
        db = open_database(f"sqlite:///{home}/lingxi.db")
        run_import(db, [SHARED / "us_uspto_xml", SHARED / "us_uspto_ppubs_json"])
        summary = run_scoring(db)
        with db.sessions() as session:
            indicators = {pid: raw for pid, raw in session.execute(
                select(PatentIndicatorSet.patent_id, PatentIndicatorSet.raw)
                .join(Patent, Patent.id == PatentIndicatorSet.patent_id).where(Patent.country == "US"))}
            scores: dict[str, dict[int, PatentValueScore]] = {}
            for row in session.scalars(select(PatentValueScore)):
                if row.patent_id in indicators:
                    scores.setdefault(row.scenario, {})[row.patent_id] = (row.score, row.technical, row.legal)
            kinds = dict(session.execute(select(Patent.id, Patent.doc_type).where(Patent.country == "US")).all())
        db.dispose()
    ids = sorted(indicators)
    claims = [indicators[i].get("claims") for i in ids]
    backward = [indicators[i].get("backward_citations") for i in ids]
    result: dict = {
        "data": "us_uspto_xml + us_uspto_ppubs_json (real USPTO documents, imported as they are)",
        "us_patents": len(ids),
        "by_doc_type": {k: sum(1 for i in ids if (kinds.get(i) or "?") == k)
                        for k in sorted({v or "?" for v in kinds.values()})},
        "missing_share": {name: round(sum(1 for i in ids if indicators[i].get(name) is None) / len(ids), 3)
                          for name in ("claims", "backward_citations", "forward_citations", "generality",
                                       "originality", "radicalness", "scope", "family_size", "grant_lag_days",
                                       "legal_status", "transfer_events", "chain_growth")},
        "baseline": {"claims_vs_backward_citations": spearman(claims, backward)},
        "scenarios": {},
    }
    for scenario, by_patent in sorted(scores.items()):
        total = [by_patent.get(i, (None,))[0] for i in ids]
        technical = [by_patent.get(i, (None, None))[1] for i in ids]
        legal = [by_patent.get(i, (None, None, None))[2] for i in ids]
        result["scenarios"][scenario] = {
            "score_vs_claims": spearman(total, claims),
            "score_vs_backward_citations": spearman(total, backward),
            "independent": {
                # the technical dimension does not use the claim count; the legal one does not use citations
                "technical_vs_claims": spearman(technical, claims),
                "legal_vs_backward_citations": spearman(legal, backward),
            },
            "built_in": {
                "technical_vs_backward_citations": spearman(technical, backward),
                "legal_vs_claims": spearman(legal, claims),
            },
        }
    result["limits"] = [
        "The samples are weekly excerpts of unrelated patents: no sample patent cites another, so forward "
        "citations, generality, originality and radicalness are missing for (almost) every patent and the technical "
        "dimension rests on scope, backward citations, NPL references and grant lag.",
        "The samples carry no legal events (no transfer, licence, pledge, maintenance-fee lapse), so legal status "
        "comes from the grant alone and the economic dimension is missing; no score is compared with a real "
        "outcome (renewal, litigation, licence income), which is what would validate it.",
        "Claims and backward citations are inputs of some dimensions (claims: legal; backward citations: technical), "
        "so 'built_in' correlations are partly mechanical; the 'independent' ones pair a dimension with a signal "
        "it does not use.",
        "Design patents (no claims count beyond one, no IPC) and pre-grant publications are scored too; their "
        "cohorts fall back to broader ones because the sample is small.",
    ]
    result["scoring_summary"] = {k: v for k, v in summary.as_dict().items() if k in ("patents", "cohorts",
                                                                                     "cohort_levels")}
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
