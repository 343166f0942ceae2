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
