"""Problem / means / effect extraction and essential features on real Chinese and English patents."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from lingxi.patents.importers import importer_by_name
from lingxi.patents.importers.base import ImportOptions
from lingxi.tagging.effects import load_effect_vocabulary
from lingxi.tagging.pme import PME, essential_features, extract_pme


@pytest.fixture(scope="module")
def cn_rows(shared_data: Path) -> list[dict]:
    path = shared_data / "cn_patents_dev" / "cn_patents_dev.jsonl"
    return [json.loads(line) for line in path.open(encoding="utf-8")]


def _by_text(rows: list[dict], fragment: str) -> dict:
    return next(row for row in rows if fragment in row["abstract"])


def test_vocabulary_is_controlled_and_bilingual():
    vocabulary = load_effect_vocabulary()
    assert 30 <= len(vocabulary) <= 45
    for term in vocabulary.terms:
        assert term.zh and term.en and term.patterns["zh"] and term.patterns["en"], term.id
    assert vocabulary["reduce_cost"].zh == "降低成本" and vocabulary["extend_life"].en == "extend service life"


@pytest.mark.parametrize(
    ("phrase", "language", "expected"),
    [
        ("提高了系统的接入效率", "zh", "improve_efficiency"),
        ("判定的准确率也得到了很大的提高", "zh", "improve_precision"),
        ("有效降低了生产成本", "zh", "reduce_cost"),
        ("提高太阳能光伏板的使用寿命", "zh", "extend_life"),
        ("生产过程能耗和CO排放大大降低", "zh", "reduce_energy"),
        ("结构简单，噪音小", "zh", "simplify_structure"),
        ("thereby reducing power consumption", "en", "reduce_energy"),
        ("which improves the overall accuracy of the measurement", "en", "improve_precision"),
        ("at a low cost", "en", "reduce_cost"),
    ],
)
def test_effect_normalisation(phrase, language, expected):
    found = [m.term.id for m in load_effect_vocabulary().match(phrase, language)]
    assert expected in found


def test_most_real_chinese_abstracts_yield_problem_or_effect(cn_rows):
    sample = cn_rows[:200]
    results = [extract_pme(row["title"], row["abstract"]) for row in sample]
    assert all(isinstance(r, PME) and r.language == "zh" for r in results)
    covered = sum(bool(r.problem or r.effects) for r in results)
    assert covered >= 0.8 * len(sample), covered
    with_terms = sum(bool(r.effect_terms) for r in results)
    assert with_terms >= 0.55 * len(sample), with_terms
    assert sum(bool(r.means) for r in results) >= 0.95 * len(sample)


def test_hand_read_chinese_bearing(cn_rows):
    # 本发明轴承具有制造容易、结构简单、成本低廉、摩擦系数低和节能的优点。
    row = _by_text(cn_rows, "制造容易、结构简单、成本低廉、摩擦系数低和节能的优点")
    pme = extract_pme(row["title"], row["abstract"])
    assert {"制造容易", "结构简单", "成本低廉", "摩擦系数低", "节能"} <= set(pme.effects)
    assert {"reduce_cost", "simplify_structure", "reduce_energy", "improve_wear_resistance"} <= set(pme.effect_terms)
    assert pme.means and pme.means.startswith("在轴的整个表面上涂覆亲油涂层")
    data = pme.as_dict()
    assert {"id": "reduce_cost", "zh": "降低成本", "en": "reduce cost"} in data["effect_labels"]
    assert any("reduce_cost" in line for line in pme.evidence)


def test_hand_read_chinese_problem(cn_rows):
    row = _by_text(cn_rows, "解决了现有技术中存在的卷帘壳体在安装需要打孔")
    pme = extract_pme(row["title"], row["abstract"])
    assert pme.problem == "卷帘壳体在安装需要打孔，破坏墙面，结构复杂，安装时需要进行零部件装配，费时费力"
    assert "simplify_structure" in pme.effect_terms  # 结构复杂 in the problem → 结构简单 as effect
    assert any("problem" in line and "解决了" in line for line in pme.evidence)

    row = _by_text(cn_rows, "提高了系统的接入效率，避免系统资源浪费")
    pme = extract_pme(row["title"], row["abstract"])
    assert "提高了系统的接入效率" in pme.effects and "improve_efficiency" in pme.effect_terms


def test_essential_features_of_a_real_chinese_first_claim(shared_data: Path):
    with (shared_data / "cn_cnki_export" / "MaterialChemistry_18_19.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    row = next(r for r in rows if r["title"] == "地下防污屏障材料化学相容性测试装置及方法")
    features = essential_features(row["first_claim"])
    assert features[0] == (
        "包含渗透压力室、出流隔离器、入流隔离器、pH监测仪、电导率监测仪、围压 体积控制器、底压 体积控制器、顶压 体积控制器"
    )
    assert len(features) == 2 and "(1)" not in "".join(features)  # reference numerals removed
    pme = extract_pme(row["title"], row["abstract"], row["first_claim"])
    assert pme.essential_features == features
    assert any("其特征在于" in line for line in pme.evidence)
    # every CNKI row with a first claim yields features
    assert all(essential_features(r["first_claim"]) for r in rows if r["first_claim"].strip())


@pytest.fixture(scope="module")
def us_records(shared_data: Path):
    path = shared_data / "us_uspto_ppubs_json" / "ppubs_doc_31_fulltext.json"
    return [r.record for r in importer_by_name("ppubs-json").parse(path, ImportOptions()) if r.record is not None]


def test_english_first_claim_features(us_records):
    record = next(r for r in us_records if r.title == "Planarizing technique for multilayered substrates")
    features = essential_features(record.claims[0])
    assert features[0].startswith("providing a substrate comprising a thickness of material")
    assert features[1].startswith("converting said implant damaged thickness")
    assert features[2].startswith("selectively removing said insulating material")
    assert any(f.startswith("wherein said separation process is provided by a Smart Cut") for f in features)


def test_english_abstracts(us_records):
    results = [extract_pme(r.title, r.abstract, r.claims[0] if r.claims else None) for r in us_records if r.abstract]
    assert len(results) >= 20
    assert all(r.language == "en" and r.means for r in results)
    assert sum(bool(r.essential_features) for r in results) >= 0.9 * len(results)
    pme = extract_pme(
        "Heat sink",
        "An object of the invention is to provide a heat sink that overcomes the high cost of machined fins. "
        "The heat sink comprises a base and stamped fins, thereby reducing the manufacturing cost and improving "
        "heat dissipation.",
    )
    assert pme.problem == "provide a heat sink that overcomes the high cost of machined fins"
    assert pme.means.startswith("The heat sink comprises a base")
    assert {"reduce_cost", "improve_heat_dissipation"} <= set(pme.effect_terms)


def test_empty_input_is_safe():
    pme = extract_pme("", "", None)
    assert pme.problem is None and pme.effects == [] and pme.effect_terms == [] and pme.essential_features == []
