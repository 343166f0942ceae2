"""High-value invention patents: each of the five criteria fires on its own, and never for utility models, lapsed
patents or patents granted abroad; region counts per 10,000 people. Real SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from value_ops_builders import TODAY, chain_taxonomy, party, patent

from lingxi.accounts.principal import Principal
from lingxi.db.models import AuditEntry
from lingxi.errors import InvalidInput, PermissionDenied
from lingxi.value import parameters, records
from lingxi.value.high_value import high_value_report, patent_flags

OPERATOR = Principal(user_id=None, username="op", role="operator")
ENTERPRISE = Principal(user_id=None, username="ent", role="enterprise")


def _criteria(session, patent_id):
    return {c["criterion"] for c in patent_flags(session, OPERATOR, patent_id, today=TODAY)["criteria"]}


def test_each_criterion_fires_with_its_evidence(db):
    with db.sessions() as session:
        chain_taxonomy(session)
        uni = party(session, "青峦大学", "university")
        plain = patent(session, uni, filed_years_ago=6)
        old = patent(session, uni, filed_years_ago=10.5, granted_years_ago=7)
        young_enough = patent(session, uni, filed_years_ago=9.5)
        sei = patent(session, uni, tags=[("sei_2018", "5.2")])
        cn_member = patent(session, uni, family_id="F1")
        patent(session, uni, country="US", family_id="F1")
        pledged = patent(session, uni)
        small_pledge = patent(session, uni)
        awarded = patent(session, uni)
        records.add_pledge(session, OPERATOR, pledged.id, "青峦大学", "青峦银行", 12_000_000, "2024-01-05")
        records.add_pledge(session, OPERATOR, small_pledge.id, "青峦大学", "青峦银行", 3_000_000, "2024-01-05")
        records.add_award(session, OPERATOR, awarded.id, "china_patent_award", "银奖", 2023)

        assert _criteria(session, plain.id) == set()
        assert _criteria(session, old.id) == {"maintained"}
        assert _criteria(session, young_enough.id) == set()
        assert _criteria(session, sei.id) == {"sei"}
        flags = patent_flags(session, OPERATOR, cn_member.id, today=TODAY)
        assert [c["criterion"] for c in flags["criteria"]] == ["overseas_family"]
        assert "(US)" in flags["criteria"][0]["evidence"]
        assert _criteria(session, pledged.id) == {"pledge"}
        small = patent_flags(session, OPERATOR, small_pledge.id, today=TODAY)
        assert small["criteria"] == [] and "3,000,000" in small["notes"][0]["en"] and small["notes"][0]["zh"]
        assert _criteria(session, awarded.id) == {"award"}

        # the [U] threshold is a parameter: lowered, the small pledge counts too, and the change is audited
        parameters.set_parameter(session, OPERATOR, "pledge_threshold_yuan", 2_000_000)
        assert _criteria(session, small_pledge.id) == {"pledge"}
        parameters.set_parameter(session, OPERATOR, "maintained_years", 9)
        assert _criteria(session, young_enough.id) == {"maintained"}
        session.commit()
        assert session.query(AuditEntry).filter_by(entity="value_parameters").count() == 2


def test_only_valid_chinese_invention_patents_qualify(db):
    with db.sessions() as session:
        chain_taxonomy(session)
        uni = party(session, "青峦大学", "university")
        utility = patent(session, uni, doc_type="utility_model", filed_years_ago=8, tags=[("sei_2018", "5.2")])
        lapsed = patent(session, uni, status="lapsed", filed_years_ago=12, tags=[("sei_2018", "5.2")])
        lapse_event = patent(session, uni, filed_years_ago=12, events=[("lapse", 1)])
        abroad = patent(session, uni, country="US", filed_years_ago=12)
        pending = patent(session, uni, status="published", granted_years_ago=None, tags=[("sei_2018", "5.2")])
        records.add_award(session, OPERATOR, utility.id, "national_sci_tech_award", "二等奖", 2022)
        for row, reason in ((utility, "not an invention"), (lapsed, "not in force"), (lapse_event, "lapse event"),
                            (abroad, "granted in US"), (pending, "not granted")):
            verdict = patent_flags(session, OPERATOR, row.id, today=TODAY)
            assert verdict["qualifies"] is False and verdict["criteria"] == [], row.key
            assert reason in verdict["reason"]


def test_region_counts_per_10000_people(db):
    with db.sessions() as session:
        chain_taxonomy(session)
        uni = party(session, "青峦大学", "university", city="云川")
        firm = party(session, "星澜电池有限公司", "enterprise", city="星澜")
        patent(session, uni, filed_years_ago=12)
        patent(session, uni, filed_years_ago=3, granted_years_ago=1)
        patent(session, firm, filed_years_ago=11)
        records.set_population(session, OPERATOR, "青峦", 20_000, 2025)
        records.set_population(session, OPERATOR, "青峦", 10_000, 2024)
        records.set_population(session, OPERATOR, "青峦", 5_000, 2025, city="云川")
        records.set_population(session, OPERATOR, "青峦", 40_000, 2025)  # replaces the 2025 figure
        report = high_value_report(session, OPERATOR, today=TODAY)
        assert (report["valid_inventions"], report["high_value"]) == (3, 2)
        assert report["by_criterion"]["maintained"] == 2
        regions = {(r["province"], r["city"]): r for r in report["by_region"]}
        assert regions[("青峦", None)]["per_10k"] == pytest.approx(2 / 40_000 * 10_000)
        assert regions[("青峦", None)]["population_year"] == 2025
        assert regions[("青峦", "云川")]["per_10k"] == pytest.approx(1 / 5_000 * 10_000)
        assert regions[("青峦", "星澜")]["per_10k"] is None  # no population recorded: no ratio, not zero
        only = high_value_report(session, OPERATOR, criterion="award", today=TODAY)
        assert only["total"] == 0 and only["high_value"] == 2
        with pytest.raises(InvalidInput):
            high_value_report(session, OPERATOR, criterion="famous", today=TODAY)


def test_recording_facts_needs_value_configure_and_checks_input(db):
    with db.sessions() as session:
        uni = party(session, "青峦大学", "university")
        row = patent(session, uni)
        with pytest.raises(PermissionDenied):
            records.add_award(session, ENTERPRISE, row.id, "china_patent_award", "金奖", 2020)
        with pytest.raises(PermissionDenied):
            parameters.set_parameter(session, ENTERPRISE, "pledge_threshold_yuan", 1)
        with pytest.raises(InvalidInput) as bad:
            records.add_pledge(session, OPERATOR, row.id, "a", "b", "ten million", "2024-01-01")
        assert bad.value.field == "amount_yuan"
        with pytest.raises(InvalidInput) as bad:
            records.add_pledge(session, OPERATOR, row.id, "a", "b", 1, "2024-01-01", released_on="2023-01-01")
        assert bad.value.field == "released_on"
        with pytest.raises(InvalidInput) as bad:
            parameters.set_parameter(session, OPERATOR, "sleeping_years", 0)
        assert bad.value.field == "sleeping_years"
        with pytest.raises(InvalidInput):
            parameters.set_parameter(session, OPERATOR, "no_such_thing", 1)


def test_parameters_list_and_reset(db):
    with db.sessions() as session:
        parameters.set_parameter(session, OPERATOR, "valuation_royalty_rate", [0.02, 0.04, 0.06])
        listed = {p["key"]: p for p in parameters.list_parameters(session, ENTERPRISE)}
        assert listed["valuation_royalty_rate"]["value"] == [0.02, 0.04, 0.06]
        assert listed["valuation_royalty_rate"]["is_default"] is False and listed["pledge_threshold_yuan"]["uncertain"]
        with pytest.raises(InvalidInput):
            parameters.set_parameter(session, OPERATOR, "valuation_royalty_rate", [0.02, 0.04])
        parameters.reset_parameter(session, OPERATOR, "valuation_royalty_rate")
        assert parameters.current(session)["valuation_royalty_rate"] == [0.01, 0.03, 0.05]
        with pytest.raises(InvalidInput):
            parameters.reset_parameter(session, OPERATOR, "nothing")
