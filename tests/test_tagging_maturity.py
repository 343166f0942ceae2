"""Maturity (TRL 1–9) estimates: evidence, ordering, and real abstracts."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from lingxi.tagging.maturity import TRL_LABELS, PatentFacts, estimate_trl

TODAY = dt.date(2026, 1, 1)


def test_fresh_application_vs_granted_invention_in_mass_production():
    fresh = estimate_trl(
        PatentFacts(
            doc_type="invention",
            kind_code="A",
            filing_date=dt.date(2025, 6, 1),
            text="一种电池隔膜的制备方法，包括涂覆和干燥步骤。",
            as_of=TODAY,
        )
    )
    mature = estimate_trl(
        PatentFacts(
            doc_type="invention",
            kind_code="B",
            granted=True,
            filing_date=dt.date(2016, 3, 1),
            grant_date=dt.date(2018, 9, 1),
            text="该隔膜已实现量产，批量生产良率达到98%。",
            as_of=TODAY,
        )
    )
    assert fresh.level == 3 and mature.level >= 8
    assert mature.level > fresh.level and mature.confidence > fresh.confidence
    assert any("invention application" in e for e in fresh.evidence)
    assert any("量产" in e for e in mature.evidence)
    assert mature.as_dict()["label_en"] == TRL_LABELS[mature.level][1]


def test_ordering_along_the_scale():
    def level(**kw) -> int:
        return estimate_trl(PatentFacts(as_of=TODAY, **kw)).level

    simulation = level(doc_type="invention", kind_code="A", text="通过仿真分析验证了方法的有效性")
    lab = level(doc_type="invention", kind_code="A", text="实验结果表明，转化率提高了20%")
    prototype = level(doc_type="invention", kind_code="A", text="研制了样机并进行了测试")
    pilot = level(doc_type="invention", granted=True, text="经中试验证，产品性能稳定")
    production = level(doc_type="invention", granted=True, text="suitable for mass production at low cost")
    assert simulation < lab < prototype <= pilot < production
    assert level(doc_type="utility_model", kind_code="U", text="") == 4
    assert level(doc_type="design", kind_code="S", text="") == 6
    assert level(kind_code="B2", text="A prototype was built and field tested.") == 6


def test_market_facts_raise_the_level_with_evidence():
    base = PatentFacts(doc_type="invention", granted=True, grant_date=dt.date(2022, 1, 1), text="", as_of=TODAY)
    plain = estimate_trl(base)
    licensed = estimate_trl(PatentFacts(**{**base.__dict__, "has_licence": True, "has_pledge": True}))
    old = estimate_trl(PatentFacts(**{**base.__dict__, "grant_date": dt.date(2012, 1, 1)}))
    cited = estimate_trl(PatentFacts(**{**base.__dict__, "forward_citations": 25}))
    assert plain.level == 4
    assert licensed.level == 6 and any("licence" in e for e in licensed.evidence)
    assert any("pledge" in e for e in licensed.evidence)
    assert old.level == 5 and any("in force" in e for e in old.evidence)
    assert cited.level == 5 and any("forward citations" in e for e in cited.evidence)
    assert (
        estimate_trl(
            PatentFacts(
                **{**base.__dict__, "text": "已实现产业化", "has_transfer": True, "grant_date": dt.date(2010, 1, 1)}
            )
        ).level
        == 9
    )  # capped


def test_negated_prototype_is_not_a_prototype():
    estimate = estimate_trl(PatentFacts(doc_type="invention", kind_code="A", text="本方法无需样机即可完成标定"))
    assert estimate.level == 3


def test_real_abstracts_spread_and_explain(shared_data: Path):
    rows = [
        json.loads(line) for line in (shared_data / "cn_patents_dev" / "cn_patents_dev.jsonl").open(encoding="utf-8")
    ]
    levels = []
    for row in rows[:300]:
        doc_type = "utility_model" if "本实用新型" in row["abstract"] else "invention"
        estimate = estimate_trl(PatentFacts(doc_type=doc_type, text=row["abstract"], as_of=TODAY))
        assert 1 <= estimate.level <= 9 and 0 < estimate.confidence <= 0.85 and estimate.evidence
        levels.append(estimate.level)
    assert {3, 4} <= set(levels)  # applications and utility models
    row = next(r for r in rows if "产业化" in r["abstract"] or "批量生产" in r["abstract"])
    assert estimate_trl(PatentFacts(doc_type="invention", text=row["abstract"], as_of=TODAY)).level >= 8
