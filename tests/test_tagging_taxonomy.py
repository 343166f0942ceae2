"""Taxonomies as data (YAML, validation, shipped files), IPC patterns, and text/IPC classification."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pytest
import yaml

from lingxi.tagging.classifier import Classifier, Document, text_document
from lingxi.tagging.concordance import read_concordance
from lingxi.tagging.ipc import first_match, matches
from lingxi.tagging.model import Example, train
from lingxi.tagging.store import SHIPPED, shipped_yaml
from lingxi.tagging.taxonomy import STREAMS, TaxonomyError, from_yaml, to_yaml
from lingxi.text.segment import segment

REPO = Path(__file__).resolve().parent.parent

SMALL = """
name: demo_chain
kind: chain
title_zh: 测试产业链
title_en: Test chain
nodes:
- {key: up, name_zh: 上游, stream: upstream}
- key: cathode
  parent: up
  name_zh: 正极材料
  name_en: Cathode materials
  ipc_patterns: [H01M4/525*, H01M4/58]
  ipc_exclusions: [H01M4/5825]
  keywords_zh: [正极材料, 三元材料]
  keywords_en: [cathode material]
  examples: ["一种高镍三元正极材料及其制备方法"]
- {key: mid, name_zh: 中游, stream: midstream}
- key: cell
  parent: mid
  name_zh: 锂离子电池
  ipc_patterns: [H01M10/0525]
  keywords_zh: [锂离子电池, 循环寿命]
- {key: down, name_zh: 下游, stream: downstream}
"""


def test_yaml_round_trip_is_exact():
    taxonomy = from_yaml(SMALL)
    text = to_yaml(taxonomy)
    again = from_yaml(text)
    assert to_yaml(again) == text
    assert again == taxonomy
    assert again.node("cell").level == 2 and again.ancestors("cell") == ["mid"]
    for name in SHIPPED:
        shipped = from_yaml(shipped_yaml(name))
        assert from_yaml(to_yaml(shipped)) == shipped


def test_validation_names_node_and_field():
    data = yaml.safe_load(SMALL)
    data["nodes"][1]["parent"] = "nowhere"
    data["nodes"][3]["ipc_patterns"] = ["H01M10/0525", "battery"]
    data["nodes"][4]["stream"] = "sideways"
    data["nodes"].append({"key": "cell", "name_zh": ""})
    data["colour"] = "red"
    with pytest.raises(TaxonomyError) as error:
        from_yaml(yaml.safe_dump(data, allow_unicode=True))
    problems = "\n".join(error.value.problems)
    assert "node cathode, field parent: no node has key 'nowhere'" in problems
    assert "node cell, field ipc_patterns: 'battery' is not an IPC pattern" in problems
    assert "node down, field stream: 'sideways'" in problems
    assert "node cell, field key: used by more than one node" in problems
    assert "node cell, field name_zh: missing" in problems
    assert "field colour: unknown field" in problems
    with pytest.raises(TaxonomyError, match="not valid YAML"):
        from_yaml("name: [unclosed")
    with pytest.raises(TaxonomyError, match="not valid YAML: day is out of range"):  # PyYAML: ValueError
        from_yaml("name: 光伏\nversion_date: 2026-02-30")
    cyclic = yaml.safe_load(SMALL)
    cyclic["nodes"][0]["parent"] = "cathode"
    with pytest.raises(TaxonomyError, match="cycle"):
        from_yaml(yaml.safe_dump(cyclic, allow_unicode=True))


def test_ipc_wildcards_groups_and_exclusions():
    assert matches("H01M 10/0525", "H01M10/052")  # subgroup and those numbered below it
    assert matches("H01M10/0525", "H01M10/05*")
    assert matches("H01M10/0525", "H01M10/00")  # whole main group
    assert matches("H01M10/0525", "H01M")
    assert not matches("H01M10/0525", "H01M1/00")
    assert not matches("H01M10/0525", "H01M10/04")
    assert matches("H04N 3/15", "H04N   3/%")  # WIPO's SQL LIKE form
    assert not matches("H04N 31/15", "H04N   3/%")
    assert matches("G06F 40/30", "G06F40*")
    assert first_match("H01M4/5825", ["H01M4/58"], ["H01M4/5825"]) is None
    assert first_match("H01M4/583", ["H01M4/58"], ["H01M4/5825"]) == "H01M4/58"


def test_ipc_rule_evidence_and_hierarchy():
    taxonomy = from_yaml(SMALL)
    results = Classifier(taxonomy).classify(Document(title="一种电池", ipc_codes=["H01M10/0525"]))
    by_node = {r.node_key: r for r in results}
    assert by_node["cell"].source == "rule" and by_node["cell"].confidence >= 0.9
    assert by_node["cell"].evidence_text.startswith("IPC H01M10/0525 matches node 锂离子电池")
    assert by_node["mid"].evidence["via"] == ["cell"]  # a child match implies its ancestors
    assert "cathode" not in by_node
    excluded = Classifier(taxonomy, use_ipc=True).classify(Document(title="一种材料", ipc_codes=["H01M4/5825"]))
    assert "cathode" not in {r.node_key for r in excluded}


def test_keyword_evidence_string():
    taxonomy = from_yaml(SMALL)
    results = Classifier(taxonomy).classify(text_document("一种锂离子电池的正极材料\n所述正极材料提高了电池的循环寿命"))
    by_node = {r.node_key: r for r in results}
    assert "keywords 锂离子电池, 循环寿命" in by_node["cell"].evidence_text
    assert "cathode" in by_node and by_node["cathode"].evidence["keywords"] == ["正极材料"]
    assert {"up", "mid"} <= set(by_node)


# ---------------------------------------------------------------------------------------------- shipped data

def test_sei_names_match_the_official_csv(shared_data):
    taxonomy = from_yaml(shipped_yaml("sei_2018"))
    with open(shared_data / "reference" / "sei_2018_level2_codes.csv", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    level2 = {row["sei_code"]: row["sei_name"] for row in rows}
    level1 = {row["level1_code"]: row["level1_name"] for row in rows}
    assert len(level2) == 40 and len(level1) == 9
    assert {n.key: n.name_zh for n in taxonomy.nodes if n.level == 2} == level2
    assert {n.key: n.name_zh for n in taxonomy.nodes if n.level == 1} == level1
    for node in taxonomy.nodes:
        if node.level == 2:
            assert node.parent == node.key.split(".")[0]
            assert node.ipc_patterns and node.keywords_zh, node.key


def test_wipo_taxonomy_is_derived_from_the_csv(shared_data):
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        from build_wipo_taxonomy import build_taxonomy
    finally:
        sys.path.pop(0)
    derived = build_taxonomy(shared_data / "reference" / "ipc_technology.csv")
    assert to_yaml(derived) == shipped_yaml("wipo_35")
    fields = [n for n in derived.nodes if n.level == 2]
    assert len(fields) == 35 and len([n for n in derived.nodes if n.level == 1]) == 5
    with open(shared_data / "reference" / "ipc_technology.csv", encoding="utf-8-sig") as handle:
        assert sum(len(n.ipc_patterns) for n in fields) == sum(1 for _ in csv.DictReader(handle))
    semiconductors = Classifier(derived).classify(Document(title="x", ipc_codes=["H01L 21/02"]))
    assert "F08" in {r.node_key for r in semiconductors}


@pytest.mark.parametrize("name", ["chain_pv", "chain_h2", "chain_ev"])
def test_chains_are_deep_with_three_streams(name):
    taxonomy = from_yaml(shipped_yaml(name))
    assert taxonomy.kind == "chain" and len(taxonomy.nodes) >= 25
    streams = {taxonomy.effective_stream(n.key) for n in taxonomy.nodes}
    assert streams == set(STREAMS)
    assert max(n.level for n in taxonomy.nodes) >= 3  # stream → node → technology branch
    for node in taxonomy.nodes:
        if node.level >= 2:
            assert node.ipc_patterns and node.keywords_zh and node.keywords_en, node.key


# ---------------------------------------------------------------------------------------------- real text

REAL_TITLES = {  # real titles from cn_patents_dev (no IPC codes there): node they must reach, text only
    "一种彩色光伏组件及其制备方法": ("chain_pv", "pv.module"),
    "一种可隐藏太阳能光伏板的保护支架": ("chain_pv", "pv.mounting"),
    "一种石墨烯/金属锂复合电极及其制备方法": ("chain_ev", "ev.anode.lithium"),
    "一种基于停车场的电动汽车储充管理系统及方法": ("chain_ev", "ev.charging"),
    "一种抗拉强度800MPa级热镀锌高强钢及其减量化生产方法": ("sei_2018", "3.1"),
    "一种基于区块链的加密解密方法": ("sei_2018", "1.3"),
    "OLED显示面板及OLED显示装置": ("sei_2018", "1.2"),
    "一种镉污染土壤修复剂": ("sei_2018", "7.2"),
}


def test_text_only_classification_of_real_chinese_titles(shared_data):
    rows = [json.loads(line) for line in open(shared_data / "cn_patents_dev" / "cn_patents_dev.jsonl",
                                              encoding="utf-8")]
    by_title = {row["title"]: row for row in rows}
    classifiers = {name: Classifier(from_yaml(shipped_yaml(name))) for name in ("chain_pv", "chain_ev", "sei_2018")}
    for title, (name, node) in REAL_TITLES.items():
        row = by_title[title]
        results = classifiers[name].classify(Document(row["title"], row["abstract"]))
        assert node in {r.node_key for r in results}, (title, [r.node_key for r in results])
    unrelated = by_title["一种可组合成手杖的雨伞"]
    assert classifiers["chain_ev"].classify(Document(unrelated["title"], unrelated["abstract"])) == []


def test_corrections_raise_accuracy_on_held_back_examples(shared_data):
    """Reviewed patents teach the model words the taxonomy's keywords lack (here: 土壤 for a soil-remediation
    node defined by one narrow keyword): accuracy on held-back real patents rises after training on corrections."""
    rows = [json.loads(line) for line in open(shared_data / "cn_patents_dev" / "cn_patents_dev.jsonl",
                                              encoding="utf-8")]
    taxonomy = from_yaml("""
name: env
kind: custom
title_zh: 环保细分
nodes:
- {key: soil, name_zh: 土壤修复, keywords_zh: [土壤修复剂]}
- {key: water, name_zh: 水处理, keywords_zh: [污水处理厂]}
""")
    soil = [r for r in rows if "土壤" in r["title"]]
    water = [r for r in rows if "废水" in r["title"] or "污水" in r["title"]]
    assert len(soil) >= 10 and len(water) >= 10
    others = [r for r in rows if r not in soil and r not in water]
    train_soil, test_soil = soil[::2], soil[1::2]
    train_water, test_water = water[::2], water[1::2]
    held_back = [(r, "soil") for r in test_soil] + [(r, "water") for r in test_water] + [(r, None) for r in others[:200]]
    background = [frozenset(segment(r["title"] + r["abstract"])) for r in others[200:1200]]

    def accuracy(model) -> tuple[float, float]:
        """(accuracy on the held-back patents of the two nodes, share of unrelated patents left untagged)."""
        classifier = Classifier(taxonomy, model)
        right = untouched = 0
        for row, truth in held_back:
            found = {r.node_key for r in classifier.classify(Document(row["title"], row["abstract"]))}
            if truth:
                right += found == {truth}
            else:
                untouched += not found
        positives = sum(1 for _, truth in held_back if truth)
        return right / positives, untouched / (len(held_back) - positives)

    before = accuracy(train(taxonomy, [], background))
    corrections = [Example(frozenset(segment(r["title"] + r["abstract"])), frozenset({"soil"}), weight=3.0)
                   for r in train_soil]
    corrections += [Example(frozenset(segment(r["title"] + r["abstract"])), frozenset({"water"}), weight=3.0)
                    for r in train_water]
    after = accuracy(train(taxonomy, corrections, background))
    assert after[0] >= before[0] + 0.3, (before, after)  # most held-back patents are now found …
    assert after[1] >= 0.9, (before, after)  # … without tagging unrelated ones


def test_concordance_import(tmp_path):
    table = tmp_path / "concordance.csv"
    table.write_text(
        "SEI code,name,IPC patterns,exclusions,keywords\n"
        "1,新一代信息技术产业,,,\n"
        "1.5,人工智能,\"G06F40*, G06N3/04 (不含 G06N3/02)\",A61B5/0476,\"神经网络;machine learning\"\n"
        "1.5,人工智能,G06V,,\n"
        "6.3.1,太阳能设备,H01L31*,,光伏\n",
        encoding="utf-8-sig")
    taxonomy = read_concordance(table)
    ai = taxonomy.node("1.5")
    assert ai.ipc_patterns == ["G06F40*", "G06N3/04", "G06V"]
    assert ai.ipc_exclusions == ["G06N3/02", "A61B5/0476"]
    assert ai.keywords_zh == ["神经网络"] and ai.keywords_en == ["machine learning"]
    assert taxonomy.ancestors("6.3.1") == ["6.3", "6"]
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,ipc\nx.1,坏,H01\n", encoding="utf-8")
    with pytest.raises(TaxonomyError, match="line 2, field sei code"):
        read_concordance(bad)
