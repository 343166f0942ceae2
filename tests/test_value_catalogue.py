"""The graded catalogue: filters by holder, chain node and region, grade counts, and the Excel export (one sheet per
grade plus a method sheet) opened with openpyxl. Real SQLite and PostgreSQL; the CLI on SQLite."""

from __future__ import annotations

import subprocess
import sys

import openpyxl
import pytest
from value_ops_builders import TODAY, chain_taxonomy, party, patent

from lingxi.accounts.principal import Principal
from lingxi.db import open_database
from lingxi.db.models import PatentValueScore, ValueProfile
from lingxi.errors import InvalidInput
from lingxi.value.catalogue import build_catalogue
from lingxi.value.catalogue_excel import write_catalogue

OPERATOR = Principal(user_id=None, username="op", role="operator")


def _build(session) -> dict[str, int]:
    chain_taxonomy(session)
    session.add(ValueProfile(name="licensing_default", version=2, scenario="licensing",
                             weights={"legal": {"weight": 0.4, "indicators": {"remaining_term": 1.0}},
                                      "technical": {"weight": 0.4, "indicators": {"claims": 1.0}},
                                      "economic": {"weight": 0.2, "indicators": {"transfers": 1.0}}},
                             grade_thresholds={"A": 80, "B": 65, "C": 50}, parameters={}))
    uni = party(session, "青峦大学", "university", city="云川")
    firm = party(session, "星澜电池有限公司", "enterprise", province="墨川", city="墨川")
    made = {
        "a": patent(session, uni, tags=[("chain_test", "up"), ("chain_test", "up.cells")], filed_years_ago=12),
        "b": patent(session, uni, tags=[("chain_test", "mid")]),
        "c": patent(session, firm, tags=[("chain_test", "up")]),
        "d": patent(session, firm),
        "unscored": patent(session, uni),
        "lapsed": patent(session, uni, status="lapsed"),
    }
    for name, score, grade in (("a", 88.0, "A"), ("b", 70.0, "B"), ("c", 55.0, "C"), ("d", 20.0, "D"),
                               ("lapsed", 90.0, "A")):
        session.add(PatentValueScore(patent_id=made[name].id, scenario="licensing", profile_name="licensing_default",
                                     profile_version=2, score=score, grade=grade, legal=score, technical=score - 5,
                                     economic=None, coverage=0.8, breakdown={}))
    session.flush()
    return {name: row.id for name, row in made.items()}


def test_catalogue_filters_and_counts(db):
    with db.sessions() as session:
        ids = _build(session)
        full = build_catalogue(session, OPERATOR, today=TODAY)
        assert full["counts"] == {"A": 1, "B": 1, "C": 1, "D": 1, "unscored": 1}  # the lapsed patent is not operable
        first = full["rows"][0]
        assert first["patent_id"] == ids["a"] and first["grade"] == "A" and first["node"] == "up.cells"
        assert first["high_value"] is True and first["high_value_criteria"] == ["maintained"]
        assert first["economic"] is None and first["technical"] == 83.0
        assert full["method"]["profiles"][0]["grade_thresholds"] == {"A": 80, "B": 65, "C": 50}
        regions = {g["name"]: g for g in full["by_region"]}
        assert regions["青峦"]["total"] == 3 and regions["墨川/墨川"]["D"] == 1
        by_holder = build_catalogue(session, OPERATOR, holder="星澜", today=TODAY)
        assert {r["patent_id"] for r in by_holder["rows"]} == {ids["c"], ids["d"]}
        by_node = build_catalogue(session, OPERATOR, chain="chain_test:up", today=TODAY)
        assert {r["patent_id"] for r in by_node["rows"]} == {ids["a"], ids["c"]}
        assert build_catalogue(session, OPERATOR, chain="chain_test", today=TODAY)["total"] == 3
        by_region = build_catalogue(session, OPERATOR, region="青峦/云川", today=TODAY)
        assert {r["patent_id"] for r in by_region["rows"]} == {ids["a"], ids["b"], ids["unscored"]}
        assert build_catalogue(session, OPERATOR, region="墨川", today=TODAY)["counts"]["C"] == 1
        assert build_catalogue(session, OPERATOR, grade="B", today=TODAY)["total"] == 1
        with pytest.raises(InvalidInput) as bad:
            build_catalogue(session, OPERATOR, chain="chain_nope")
        assert bad.value.field == "chain"


def test_excel_has_one_sheet_per_grade_and_a_method_sheet(db, tmp_path):
    with db.sessions() as session:
        ids = _build(session)
        built = build_catalogue(session, OPERATOR, chain="chain_test", today=TODAY)
    path = tmp_path / "catalogue.xlsx"
    write_catalogue(built, path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["A级 grade A", "B级 grade B", "C级 grade C", "D级 grade D", "方法 method"]
    rows = list(book["A级 grade A"].iter_rows(values_only=True))
    header = rows[0]
    assert header[0].startswith("公开号") and any(h.startswith("高价值发明专利") for h in header)
    assert len(rows) == 2 and rows[1][header.index(next(h for h in header if h.startswith("价值分")))] == 88.0
    assert len(list(book["D级 grade D"].iter_rows())) == 1  # header only: the D patent has no chain tag
    method = {row[0]: row[1] for row in book["方法 method"].iter_rows(values_only=True)}
    assert method["权重方案 profile"] == "licensing_default v2 (licensing)"
    assert '"chain": "chain_test"' in method["筛选条件 filters"]
    assert "维度权重 weight legal" in method and '"A": 80' in method["分级阈值 grade thresholds"]
    assert ids  # the builder made the patents the sheets list


def test_cli_writes_the_catalogue(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    db = open_database(f"sqlite:///{home / 'lingxi.db'}")
    with db.sessions() as session:
        _build(session)
        session.commit()
    db.dispose()
    target = tmp_path / "out.xlsx"
    done = subprocess.run([sys.executable, "-m", "lingxi.cli", "value", "catalogue", "--home", str(home),
                           "--holder", "青峦大学", "--xlsx", str(target), "--json"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    import json

    answer = json.loads(done.stdout)
    assert answer["counts"]["A"] == 1 and answer["counts"]["unscored"] == 1 and answer["xlsx"] == str(target)
    assert "未评分 unscored" in openpyxl.load_workbook(target).sheetnames
    sleeping = subprocess.run([sys.executable, "-m", "lingxi.cli", "value", "sleeping", "--home", str(home),
                               "--years", "2", "--json"], capture_output=True, text=True, timeout=120)
    assert sleeping.returncode == 0, sleeping.stderr
    assert json.loads(sleeping.stdout)["years"] == 2
    bad = subprocess.run([sys.executable, "-m", "lingxi.cli", "value", "catalogue", "--home", str(home),
                          "--chain", "nope"], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "unknown industry chain" in bad.stderr


def test_whole_store_scan_and_in_lists_give_the_same_catalogue(db, monkeypatch):
    """Reports over many patents scan tables instead of sending IN lists; both paths must agree."""
    import lingxi.value.facts as facts

    with db.sessions() as session:
        _build(session)
        with_in_lists = build_catalogue(session, OPERATOR, today=TODAY)
        monkeypatch.setattr(facts, "BULK", 0)
        scanned = build_catalogue(session, OPERATOR, today=TODAY)
    assert scanned["rows"] == with_in_lists["rows"] and scanned["counts"] == with_in_lists["counts"]
