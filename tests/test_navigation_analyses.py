"""§9 navigation analyses: the formulas on figures worked by hand, and the set-based analyses on the demo data in
SQLite and PostgreSQL checked against independent counts."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from sqlalchemy import func, select

from lingxi.accounts.principal import SYSTEM
from lingxi.db.models import NavigationReport, Party, Patent, PatentParty, PatentTag
from lingxi.demo.loader import load_demo
from lingxi.errors import InvalidInput, NotFound
from lingxi.navigation import service
from lingxi.navigation.analyses import applicants as applicant_analyses
from lingxi.navigation.analyses import run_analyses
from lingxi.navigation.analyses.frame import Application, Frame
from lingxi.navigation.analyses.lifecycle import lifecycle, s_curve
from lingxi.navigation.analyses.trends import incomplete_from
from lingxi.navigation.scope import parse_scope
from lingxi.tagging.jobs import run_tagging
from lingxi.value.jobs import run_scoring

# --- formulas on hand-made figures ----------------------------------------------------------------------------------

def _frame(spec: list[tuple[int, str, list[int]]]) -> Frame:
    """(year, doc type, applicant party ids) per application."""
    frame = Frame()
    for n, (year, doc_type, parties) in enumerate(spec):
        key = f"A{n}"
        frame.apps[key] = Application(key, [n], year, doc_type, None, "CN", f"t{n}", f"CN{n}A", None, None)
        frame.app_of[n] = key
        frame.applicants[key] = parties
        for p in parties:
            frame.parties[p] = (f"party{p}", "enterprise" if p % 2 else "university", "青峦", "青峦", "CN")
    return frame


def test_scope_syntax_is_checked_with_the_accepted_forms():
    assert parse_scope("node:chain_pv:pv.cell").node == "pv.cell"
    assert parse_scope("query:TI=(光伏 AND 电池)").value == "TI=(光伏 AND 电池)"
    assert parse_scope("all").text == "all"
    for bad, hint in (("chain", "chain:TAXONOMY"), ("nothing:x", "region:PLACE"), ("node:chain_pv", "NODE_KEY"),
                      ("import:abc", "import:3"), ("saved:x", "saved:3"), ("", "query:SEARCH QUERY")):
        with pytest.raises(InvalidInput) as error:
            parse_scope(bad)
        assert hint in error.value.message


def test_publication_lag_years():
    # year Y is fully published once 1 July of Y + 2 has passed (18 months after its last filing day)
    assert incomplete_from(dt.date(2025, 10, 31)) == 2024
    assert incomplete_from(dt.date(2025, 6, 30)) == 2023
    assert incomplete_from(dt.date(2025, 7, 1)) == 2024


def test_lifecycle_indicators_follow_the_textbook_formulas():
    # 2020: 3 inventions, 1 utility model, 1 design; 2021: 2 inventions, 2 utility models
    frame = _frame([(2020, "invention", [1]), (2020, "invention", [2]), (2020, "invention", [1]),
                    (2020, "utility_model", [3]), (2020, "design", [3]),
                    (2021, "invention", [1]), (2021, "invention", [4]), (2021, "utility_model", [5]),
                    (2021, "utility_model", [5])])
    rows = {r["year"]: r for r in lifecycle(frame, incomplete_from=2030)["rows"]}
    a, b, c, big_a = 2, 2, 0, 3 + 2  # 2021; A = inventions over the last five years
    assert rows[2021]["v"] == round(a / big_a, 4)
    assert rows[2021]["alpha"] == round(a / (a + b), 4)
    assert rows[2021]["beta"] == round((a + b) / (a + b + c), 4)
    assert rows[2021]["N"] == round(math.sqrt((a / big_a) ** 2 + (a / (a + b)) ** 2), 4)
    assert rows[2020]["beta"] == round(4 / 5, 4)
    assert rows[2020]["applicants"] == 3 and rows[2021]["applicants"] == 3


def test_s_curve_recovers_a_logistic():
    years = list(range(2000, 2021))
    cumulative = [2000 / (1 + math.exp(-0.45 * (y - 2012))) for y in years]
    yearly = [round(cumulative[0])] + [round(cumulative[i] - cumulative[i - 1]) for i in range(1, len(years))]
    fit = s_curve(years, yearly)
    assert fit["r2"] > 0.99
    assert abs(fit["midpoint"] - 2012) < 0.6
    assert abs(fit["ceiling"] - 2000) / 2000 < 0.08
    assert s_curve(years[:4], yearly[:4]) is None


def test_concentration_cr4_cr8_and_hhi():
    # party 1 on 4 applications, party 2 on 3, party 3 on 2, party 4 on 1 → pairs 10
    frame = _frame([(2020, "invention", [1]), (2020, "invention", [1]), (2020, "invention", [1, 2]),
                    (2020, "invention", [1, 2]), (2020, "invention", [2, 3]), (2021, "invention", [3]),
                    (2021, "invention", [4])])
    result = applicant_analyses.applicants(frame)
    shares = [0.4, 0.3, 0.2, 0.1]
    assert result["pairs"] == 10
    assert result["cr4"] == 1.0
    assert result["hhi"] == round(sum(s * s for s in shares) * 10000, 1) == 3000.0
    assert result["concentration"] == "high"
    assert [r["name"] for r in result["top"][:2]] == ["party1", "party2"]
    kinds = {t["type"]: t for t in result["types"]}
    assert kinds["enterprise"]["applications"] == 4 + 2 and kinds["university"]["applicants"] == 2


# --- on the demo data, SQLite and PostgreSQL -----------------------------------------------------------------------

@pytest.fixture
def demo(db):
    load_demo(db, size=300)
    run_tagging(db, ["chain_pv", "chain_ev"])
    run_scoring(db)
    return db


def test_analyses_on_the_demo_data_agree_with_independent_counts(demo):
    with demo.sessions() as session:
        tagged = set(session.scalars(select(PatentTag.patent_id).where(
            PatentTag.taxonomy_name == "chain_pv", PatentTag.status != "rejected")))
        applications = {row for row in session.execute(
            select(Patent.country, Patent.application_number).where(Patent.id.in_(tagged)))}
        result = run_analyses(session, parse_scope("chain:chain_pv"))
        assert result["scope"]["patents"] == len(tagged) > 0
        assert result["scope"]["applications"] == len(applications)
        # the chain by its title, not its key
        assert result["scope"]["label_zh"] == "产业链：光伏产业链" and "chain_pv" not in result["scope"]["label_en"]
        assert sum(r["filings"] for r in result["trends"]["rows"]) == len(applications)
        as_of = session.execute(select(func.max(Patent.publication_date))).scalar()
        assert result["scope"]["as_of"] == as_of.isoformat()
        lag = result["trends"]["incomplete_from"]
        assert all(r["incomplete"] == (r["year"] >= lag) for r in result["trends"]["rows"])
        # every matrix cell is a real count: applications with both the node and the effect
        matrix = result["matrix"]
        assert matrix["rows"] and matrix["cols"]
        hot = matrix["hot_spots"][0] if matrix["hot_spots"] else None
        if hot:
            assert hot["applications"] >= matrix["hot_cut"]
        ap = result["applicants"]
        assert 0 < ap["cr4"] <= ap["cr8"] <= 1 and 0 < ap["hhi"] <= 10000
        assert result["key_patents"]["valued"] > 0
        assert {"events", "deals", "pledges"} <= set(result["operations"])

        region = run_analyses(session, parse_scope("region:青峦"), ("geography", "strengths"))
        in_region = set(session.scalars(
            select(PatentParty.patent_id).join(Party, Party.id == PatentParty.party_id)
            .where(PatentParty.role == "applicant", (Party.province == "青峦") | (Party.city.like("青峦%")))))
        assert region["scope"]["patents"] == len(in_region) > 0
        strengths = region["strengths"]
        for row in strengths["fields"]:
            expected = (row["scope"] / strengths["scope_total"]) / (row["benchmark"] / strengths["benchmark_total"])
            assert row["rta"] == round(expected, 3)
        assert all(r["rta"] >= 1.2 for r in strengths["strengths"])
        assert all(r["rta"] <= 0.8 for r in strengths["weaknesses"])

        with pytest.raises(NotFound):
            run_analyses(session, parse_scope("org:不存在的公司"))
        with pytest.raises(NotFound):
            run_analyses(session, parse_scope("import:999"))
        job = run_analyses(session, parse_scope("import:1"), ("trends",))
        assert job["scope"]["patents"] == session.execute(select(func.count(Patent.id))).scalar()


def test_reports_record_scope_data_version_and_regenerate_identically(demo):
    with demo.sessions() as session, session.begin():
        with pytest.raises(InvalidInput):
            service.create_report(session, SYSTEM, "planning", "chain:chain_pv")
        with pytest.raises(InvalidInput) as error:
            service.create_report(session, SYSTEM, "industry", "chain:chain_pv", {"colour": "red"})
        assert "colour" in error.value.message
        row = service.create_report(session, SYSTEM, "industry", "chain:chain_pv", {"benchmark": "chain:chain_ev"})
        assert row.scope == "chain:chain_pv" and row.settings["benchmark"] == "chain:chain_ev"
        assert row.settings["as_of"] and row.data_version["patents"] == 300
        assert row.data_version["last_import_job"] == 1
        assert any(p.startswith("licensing") for p in row.data_version["value_profiles"])
        assert {"trends", "lifecycle", "matrix", "strengths", "inventors"} <= set(row.analyses)
        again = service.regenerate(session, SYSTEM, row.id)
        assert again["identical"] and not again["data_changed"]
        assert again["report"]["regenerated_from"] == row.id
        # the data moves: a tag is rejected → the data version and the figures say so
        tag = session.scalars(select(PatentTag).where(PatentTag.taxonomy_name == "chain_pv",
                                                      PatentTag.status != "rejected")).first()
        tag.status = "rejected"
        session.flush()
        moved = service.regenerate(session, SYSTEM, row.id)
        assert not moved["identical"] and moved["data_changed"] and "tags_reviewed" in moved["changed_data"]
        assert session.scalar(select(func.count(NavigationReport.id))) == 3


def test_demo_reports_are_seeded_once(demo):
    from lingxi.navigation.demo import seed_demo

    assert seed_demo(demo) == 2
    assert seed_demo(demo) == 0
    with demo.sessions() as session:
        kinds = set(session.scalars(select(NavigationReport.report_type)))
    assert kinds == {"industry", "regional"}


# --- citation network on a hand-built graph, SQLite and PostgreSQL -------------------------------------------------

JIA, YI, BING = "甲光伏科技有限公司", "乙新能源股份有限公司", "丙材料研究院"


def _cited(name: str, year: int, serial: int, applicant: str, cites: list[int], kind: str = "A"):
    from lingxi.patents.numbers import cn_check_digit
    from lingxi.patents.records import Citation, PartyMention, PatentRecord

    digits = f"{year}1{serial:07d}"
    return PatentRecord(
        title=f"光伏组件{name}", publication_number=f"CN10{serial:07d}{kind}", country="CN", kind_code=kind,
        doc_type="invention", application_number=f"{digits}.{cn_check_digit(digits)}",
        application_date=dt.date(year, 3, 1), publication_date=dt.date(year + (3 if kind == "B" else 1), 9, 1),
        grant_date=dt.date(year + 3, 9, 1) if kind == "B" else None, language="zh",
        parties=[PartyMention("applicant", applicant, 1)],
        citations=[Citation(sequence=i, number=f"CN10{c:07d}", country="CN", category="examiner")
                   for i, c in enumerate(cites)])


# serial → (name, year, applicant, serials it cites). Knowledge flows cited → citing:
#   A→B, A→C, B→D, C→D, B→E, D→E (same year: D filed first), D→F, E→F, F→G, W→X, P→Q;
#   X (2012) citing F (2014) runs against time and Q→P closes a loop (P, Q same year): both are dropped.
# N⁻ (paths from sources): A1 B1 C1 D2 E3 F5 G5; N⁺ (paths to sinks): G1 F1 E1 D2 C2 B3 A5, so
# SPC = N⁻(u)·N⁺(v): A→B 3, A→C 2, B→D 2, C→D 2, B→E 1, D→E 2, D→F 2, E→F 3, F→G 5; W→X 1, P→Q 1;
# source-to-sink paths 5 + 1 + 1 = 7. Global main path A→B→D→E→F→G with SPC 3+2+2+3+5 = 15
# (A→C→D→E→F→G is 14, A→B→D→F→G 12, A→B→E→F→G 12).
GRAPH = {1: ("A", 2010, JIA, []), 2: ("B", 2011, JIA, [1]), 3: ("C", 2012, YI, [1]), 4: ("D", 2013, JIA, [2, 3]),
         5: ("E", 2013, YI, [2, 4]), 6: ("F", 2014, JIA, [4, 5]), 7: ("X", 2012, JIA, [6, 9]),
         10: ("P", 2016, JIA, [11]), 11: ("Q", 2016, JIA, [10])}
OUTSIDE = {8: ("G", 2015, BING, [6]), 9: ("W", 2009, BING, [])}


@pytest.fixture
def cited_store(db):
    from lingxi.patents.importing import import_parsed
    from lingxi.patents.records import ParsedRecord, SourceLocation

    def load(spec, extra=()):
        records = [_cited(name, year, serial, who, cites) for serial, (name, year, who, cites) in spec.items()]
        records += list(extra)
        parsed = (ParsedRecord(r, SourceLocation("test", document=i)) for i, r in enumerate(records, start=1))
        assert import_parsed(db, parsed, source="test").rejected == 0

    # the scope is import 1; A also has its grant publication (one application, two documents, same number base)
    load(GRAPH, [_cited("A", 2010, 1, JIA, [], kind="B")])
    load(OUTSIDE)
    return db


def test_citation_network_main_path_flows_and_outside_share(cited_store):
    with cited_store.sessions() as session:
        result = run_analyses(session, parse_scope("import:1"), ("citations",))
    c = result["citations"]
    assert result["scope"]["patents"] == 10 and result["scope"]["applications"] == 9
    assert (c["nodes"], c["outside_nodes"], c["edges"]) == (11, 2, 13)
    assert (c["internal_edges"], c["from_outside"], c["to_outside"], c["received"]) == (11, 1, 1, 12)
    assert c["outside_share"] == round(1 / 12, 4)
    assert c["forward"] == 12  # citing documents; A's two publications share one number base and count once
    assert (c["dag_edges"], c["dropped_edges"], c["paths"]) == (11, 2, 7.0)
    assert [n["title"][-1] for n in c["main_path"]] == list("ABDEFG")
    assert [n["spc_in"] for n in c["main_path"]] == [None, 3.0, 2.0, 2.0, 3.0, 5.0]
    assert c["main_path_spc"] == 15.0
    assert c["main_path"][-1]["in_scope"] is False and c["main_path"][-1]["holders"] == [BING]
    assert c["main_path"][0]["publication_number"] == "CN100000001B"  # the grant speaks for the application
    top_route = c["key_routes"][0]
    assert (top_route["from"], top_route["to"], top_route["spc"], top_route["weight"]) == (
        "CN100000006A", "CN100000008A", 5.0, round(5 / 7, 4))
    # most cited: A, B, D, F twice each (A's A and B publication are one application cited once by B)
    assert [(r["title"][-1], r["cited"]) for r in c["most_cited"][:4]] == [("A", 2), ("B", 2), ("D", 2), ("F", 2)]
    assert c["most_cited"][0]["holders"] == [JIA]
    assert {r["title"][-1]: r["cited_in_scope"] for r in c["most_cited"]}["F"] == 1  # G (outside) and X
    # flows between the scope's top applicants: row cites column
    assert c["flows"]["applicants"] == [JIA, YI]
    assert [r["cites"] for r in c["flows"]["rows"]] == [[6, 2], [3, 0]]
    assert c["self_citations"] == 6 and c["self_share"] == round(6 / 13, 4)
    graph = c["graph"]
    assert graph["shown"] == 11 and len(graph["edges"]) == 13
    assert sum(e["main"] for e in graph["edges"]) == 5
    assert all(n["y"] == 0 for n in graph["nodes"] if n["main"]) and {n["x"] for n in graph["nodes"]} >= {2010, 2015}


def test_citation_network_section_renders_and_regenerates_identically(cited_store):
    from lingxi.navigation.charts import echarts_option, png
    from lingxi.navigation.conclusions import conclude
    from lingxi.navigation.document import build_document
    from lingxi.navigation.outputs import report_record

    with cited_store.sessions() as session, session.begin():
        row = service.create_report(session, SYSTEM, "industry", "import:1", {})
        record = report_record(row)
        assert service.regenerate(session, SYSTEM, row.id)["identical"]
    zh = " ".join(s["zh"] for s in conclude("citations", record["analyses"], "industry"))
    en = " ".join(s["en"] for s in conclude("citations", record["analyses"], "industry"))
    assert "15" in zh and "CN100000001B" in zh and "8.3%" in zh and "46.2%" in zh
    assert "main path" in en and "CN100000008A" in en
    doc = build_document(record, "zh")
    section = next(s for s in doc["sections"] if s["key"] == "citations")
    chart = next(ch for ch in section["charts"] if ch["kind"] == "citation_network")
    option = echarts_option(chart)
    assert option["series"][0]["type"] == "graph" and len(option["series"][0]["data"]) == 11
    assert png(chart)[:4] == b"\x89PNG"
    captions = [t["caption"] for t in section["tables"]]
    assert any("主路径" in c for c in captions) and any("引证流向" in c for c in captions)
