"""The four Shaanxi indicators computed from the enterprises' own records (issue #8 point 2): SMEs' revenue (6) and
employment (7) from yearly operating figures, patent-product filings (8) and cultivated platforms (13). Hand-computed
expectations on real SQLite and PostgreSQL, nothing mocked; the services' permission rules and the Excel import.

Fixture edge cases: a benefiting SME that grew large in mid-2022 (its figures stop counting from 2022), an SME
outside the province, an SME whose only deal was cancelled (not benefiting), a year with employees but no revenue,
a revoked filing, a filing of a company that was large on the filing day, a platform outside the province, a revoked
platform, a platform whose region comes from its organisation.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook
from sqlalchemy import select, update

from lingxi.accounts.principal import SYSTEM, Principal
from lingxi.db.models import AuditEntry, Deal, EnterpriseOperatingYear, EnterpriseProfile, Organisation
from lingxi.enterprises import kpi_records, operating, platforms, product_filings
from lingxi.errors import Conflict, InvalidInput, PermissionDenied
from lingxi.kpi import programmes, report

AS_OF = dt.date(2024, 3, 1)
KEY = "shaanxi-2021-2023"
OPERATOR = Principal(user_id=None, username="op", role="operator")
REGULATOR = Principal(user_id=None, username="reg", role="regulator")
d = dt.date


def org(session, name, kind, province="陕西", city="西安", size=None):
    organisation = Organisation(name=name, kind=kind, province=province, city=city)
    session.add(organisation)
    session.flush()
    if size:
        session.add(EnterpriseProfile(organisation_id=organisation.id, size_class=size))
        session.flush()
    return organisation


def deal(session, kind, supplier, buyer, signed, state):
    session.add(Deal(kind=kind, title=f"{supplier.name}→{buyer.name}", state=state, supplier=supplier.name,
                     supplier_organisation_id=supplier.id, counterparty=buyer.name,
                     counterparty_organisation_id=buyer.id, signed_on=signed, contract_amount_yuan=Decimal(10000),
                     received_yuan=Decimal(0)))
    session.flush()


@pytest.fixture
def world(db):
    with db.sessions() as session, session.begin():
        uni = org(session, "陕西测试大学", "university")
        e1 = org(session, "西安一号科技有限公司", "enterprise", size="small")
        e2 = org(session, "咸阳二号科技有限公司", "enterprise", city="咸阳", size="micro")
        e3 = org(session, "西安三号科技有限公司", "enterprise", size="small")
        e4 = org(session, "深圳四号科技有限公司", "enterprise", province="广东", city="深圳", size="medium")
        e5 = org(session, "西安五号科技有限公司", "enterprise", size="small")
        deal(session, "transfer", uni, e1, d(2020, 6, 1), "registered")
        deal(session, "licence_ordinary", uni, e2, d(2021, 12, 20), "registered")
        deal(session, "transfer", uni, e3, d(2021, 3, 1), "registered")
        deal(session, "transfer", uni, e4, d(2021, 4, 1), "registered")
        deal(session, "transfer", uni, e5, d(2022, 4, 1), "cancelled")
        programmes.install_templates(session, SYSTEM)
        ids = {k: v.id for k, v in {"uni": uni, "e1": e1, "e2": e2, "e3": e3, "e4": e4, "e5": e5}.items()}
    with db.sessions() as session, session.begin():  # e3 grew large on 2022-06-01 (an audited change, dated then)
        session.scalar(select(EnterpriseProfile).where(EnterpriseProfile.organisation_id == ids["e3"])).size_class = \
            "large"
    with db.sessions() as session, session.begin():
        session.execute(update(AuditEntry).where(AuditEntry.entity == "enterprise_profiles",
                                                 AuditEntry.action == "update")
                        .values(at=dt.datetime(2022, 6, 1)))
        figures = {  # (revenue yuan, employees) per enterprise and year
            "e1": {2020: (1_000_000, 10), 2021: (1_500_000, 12), 2022: (2_000_000, 15), 2023: (None, 16)},
            "e2": {2020: (500_000, 5), 2021: (800_000, 6), 2022: (1_000_000, 8), 2023: (1_200_000, 9)},
            "e3": {2021: (3_000_000, 30), 2022: (5_000_000, 50), 2023: (6_000_000, 60)},
            "e4": {2021: (9_000_000, 90)},
            "e5": {2021: (700_000, 7)},
        }
        for key, years in figures.items():
            for year, (revenue, employees) in years.items():
                operating.save_operating_year(session, OPERATOR, ids[key], {
                    "year": year, "revenue_yuan": revenue, "employees": employees})
        filings = [("e1", d(2021, 5, 1), "filed"), ("e2", d(2021, 7, 1), "valid"), ("e1", d(2022, 1, 1), "revoked"),
                   ("e3", d(2022, 8, 1), "filed"), ("e4", d(2022, 2, 2), "filed"), ("e5", d(2022, 3, 3), "expired")]
        for number, (key, day, status) in enumerate(filings, start=1):
            product_filings.add_filing(session, OPERATOR, ids[key], {
                "product_name": f"产品{number}", "patent_numbers": "CN1000001A；CN1000002B", "filed_on": day,
                "filing_number": f"BA-{number}", "authority": "国家专利产品备案系统", "status": status})
        for name, kind, province, city, day, status, organisation in (
                ("陕西知识产权运营中心", "运营中心", "陕西", "西安", d(2021, 9, 1), "active", None),
                ("高校技术转移中心", "service_agency", None, None, d(2022, 2, 1), "active", ids["uni"]),
                ("北京某运营平台", "operation_platform", "北京", "北京", d(2022, 3, 1), "active", None),
                ("撤销的服务机构", "service_agency", "陕西", "西安", d(2022, 5, 5), "revoked", None),
                ("宝鸡运营平台", "operation_platform", "陕西省", "宝鸡市", d(2023, 1, 1), "active", None)):
            platforms.add_platform(session, OPERATOR, {
                "name": name, "kind": kind, "province": province, "city": city, "recognised_on": day,
                "status": status, "organisation_id": organisation, "evidence": f"陕知发〔{day.year}〕1号",
                "recognised_by": "陕西省知识产权局"})
    return {"db": db, **ids}


def _rows(db, key):
    with db.sessions() as session:
        result = report.programme_report(session, OPERATOR, KEY, as_of=AS_OF)
    item = next(i for i in result["indicators"] if i["key"] == key)
    return item, {row["year"]: row for row in item["years"]}


def test_revenue_and_employment_of_benefiting_smes(world):
    db = world["db"]
    item, rows = _rows(db, "6")  # 亿元
    # 2020: e1 only (its deal of 2020); 2021: e1+e2+e3 (e4 outside, e5's deal cancelled); 2022: e3 large by year end
    assert item["baseline"]["actual"] == pytest.approx(0.01)
    assert rows[2021]["actual"] == pytest.approx(0.053)
    assert rows[2022]["actual"] == pytest.approx(0.03)
    assert rows[2023]["actual"] == pytest.approx(0.012)  # e1 reported no revenue for 2023
    assert "1 of 2" in rows[2023]["note"]
    assert rows[2021]["growth_pct"] == pytest.approx(430) and rows[2021]["status"] == "met"
    assert rows[2022]["cagr_pct"] == pytest.approx(73.205, abs=1e-2) and rows[2022]["status"] == "met"
    assert rows[2023]["status"] == "behind"  # 0.01 → 0.012 over three years: 6.3% a year
    _, rows = _rows(db, "7")
    assert [rows[y]["actual"] for y in (2021, 2022, 2023)] == [48, 23, 25]


def test_filings_and_platforms_are_counted_per_year_and_region(world):
    db = world["db"]
    item, rows = _rows(db, "8")
    assert item["baseline"]["actual"] is None  # nothing filed in 2020: no data, not 0
    assert rows[2021]["actual"] == 2 and rows[2022]["actual"] == 1  # revoked, large, outside: not counted
    assert rows[2023]["actual"] is None and rows[2023]["status"] == "no_data" and rows[2023]["note"]
    _, rows = _rows(db, "13")
    assert [rows[y]["actual"] for y in (2021, 2022, 2023)] == [1, 1, 1]
    assert rows[2023]["cumulative"] == 3 and rows[2023]["status"] == "behind"  # 10 家以上 by 2023


def rows_of(drill):
    return drill["records"]["operating_year"]


def test_drill_down_opens_the_records_for_operators_only(world):
    db = world["db"]
    with db.sessions() as session:
        figure = report.drilldown(session, OPERATOR, KEY, "7", 2021)
        assert figure["counts"] == {"operating_year": 3}
        rows = session.scalars(select(EnterpriseOperatingYear).where(
            EnterpriseOperatingYear.id.in_([r["id"] for r in figure["records"]["operating_year"]]))).all()
        assert sorted(r.organisation_id for r in rows) == sorted([world["e1"], world["e2"], world["e3"]])
        hidden = report.drilldown(session, REGULATOR, KEY, "8", 2021)
        assert hidden["records_hidden"] and hidden["counts"] == {"product_filing": 2} and "records" not in hidden
        assert report.drilldown(session, OPERATOR, KEY, "13", 2022)["counts"] == {"platform": 1}
        # the views the drill-down page shows for these record types
        filings = kpi_records.record_views(session, "product_filing", [
            i for _, i in report.compute(report.Context(session), programmes.get_programme(session, OPERATOR, KEY),
                                         programmes.find_indicator(programmes.get_programme(
                                             session, OPERATOR, KEY), "8"), 2021).records])
        assert [(f["organisation"], f["filing_number"], f["patents"]) for f in filings] == [
            ("西安一号科技有限公司", "BA-1", 2), ("咸阳二号科技有限公司", "BA-2", 2)]
        figures = kpi_records.record_views(session, "operating_year", [r["id"] for r in rows_of(figure)])
        assert sorted((f["organisation"][:4], f["employees"]) for f in figures) == [
            ("咸阳二号", 6), ("西安一号", 12), ("西安三号", 30)]
        platform = kpi_records.record_views(session, "platform", [
            r["id"] for r in report.drilldown(session, OPERATOR, KEY, "13", 2022)["records"]["platform"]])
        assert platform[0]["name"] == "高校技术转移中心" and platform[0]["province"] == "陕西"
        # and the drill-down itself shows those rows, not bare ids
        assert report.drilldown(session, OPERATOR, KEY, "13", 2022)["records"]["platform"][0]["name"] == "高校技术转移中心"


def test_who_may_record_what(world):
    db = world["db"]
    own = Principal(user_id=None, username="e1", role="enterprise", organisation_id=world["e1"])
    with db.sessions() as session, session.begin():
        saved, created = operating.save_operating_year(session, own, world["e1"], {"year": 2023, "revenue_yuan": "250万"})
        assert not created and saved["revenue_yuan"] == "2500000.00" and saved["employees"] == 16  # kept
        with pytest.raises(PermissionDenied):
            operating.save_operating_year(session, own, world["e2"], {"year": 2023, "employees": 1})
        with pytest.raises(PermissionDenied):
            product_filings.add_filing(session, own, world["e2"], {"product_name": "x", "patent_numbers": "CN1A",
                                                                    "filed_on": "2023-01-01"})
        assert product_filings.add_filing(session, own, world["e1"], {
            "product_name": "自有产品", "patent_numbers": ["CN1A"], "filed_on": "2023年3月1日"})["status"] == "filed"
        for actor in (own, REGULATOR):
            with pytest.raises(PermissionDenied):
                platforms.add_platform(session, actor, {"name": "x", "kind": "service_agency",
                                                        "recognised_on": "2023-01-01", "evidence": "x"})
        with pytest.raises(PermissionDenied):
            operating.operating_years(session, REGULATOR, world["e1"])
        with pytest.raises(PermissionDenied):
            platforms.list_platforms(session, own)


def test_bad_input_names_the_field(world):
    db = world["db"]
    with db.sessions() as session, session.begin():
        cases = [
            (lambda: operating.save_operating_year(session, OPERATOR, world["e1"], {"year": 2023}), "revenue_yuan"),
            (lambda: operating.save_operating_year(session, OPERATOR, world["e1"], {
                "year": 2023, "revenue_yuan": 100, "patent_revenue_yuan": 200}), "patent_revenue_yuan"),
            (lambda: operating.save_operating_year(session, OPERATOR, world["e1"], {
                "year": 1800, "employees": 3}), "year"),
            (lambda: product_filings.add_filing(session, OPERATOR, world["e1"], {
                "product_name": "x", "patent_numbers": "", "filed_on": "2023-01-01"}), "patent_numbers"),
            (lambda: platforms.add_platform(session, OPERATOR, {
                "name": "x", "kind": "平台", "recognised_on": "2023-01-01", "evidence": "e"}), "kind"),
            (lambda: platforms.add_platform(session, OPERATOR, {
                "name": "x", "kind": "service_agency", "recognised_on": "2023-01-01"}), "evidence"),
        ]
        for work, field in cases:
            with pytest.raises(InvalidInput) as error:
                work()
            assert error.value.field == field
        with pytest.raises(Conflict):
            product_filings.add_filing(session, OPERATOR, world["e2"], {
                "product_name": "重复", "patent_numbers": "CN1A", "filed_on": "2023-01-01", "filing_number": "BA-1"})


def _xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_excel_import_keeps_good_rows_and_reports_bad_ones(world):
    db = world["db"]
    data = _xlsx([
        ["企业年度经营数据"],
        ["企业名称", "年度", "营业收入", "专利产品收入", "从业人数", "研发投入"],
        ["西安五号科技有限公司", 2022, "80万", "20万", 8, 50000],  # new
        ["西安一号科技有限公司", 2022, 2_000_000, None, 15, None],  # same as recorded
        ["咸阳二号科技有限公司", 2022, 1_100_000, None, None, None],  # a correction
        ["不存在的公司", 2022, 1, None, None, None],
        ["陕西测试大学", 2022, 1, None, None, None],
        ["西安五号科技有限公司", "二〇二二", 1, None, None, None],
        ["西安五号科技有限公司", 2022, 1, None, None, None],  # repeats row 3
    ])
    with db.sessions() as session, session.begin():
        result = operating.import_operating_years(session, OPERATOR, data).as_dict()
        with pytest.raises(PermissionDenied):
            operating.import_operating_years(session, REGULATOR, data)
    assert (result["created"], result["updated"], result["unchanged"]) == (1, 1, 1)
    assert [(p["row"], p["field"]) for p in result["problems"]] == [(6, "name"), (7, "name"), (8, "year"),
                                                                    (9, "year")]
    with db.sessions() as session:
        row = session.scalar(select(EnterpriseOperatingYear).where(
            EnterpriseOperatingYear.organisation_id == world["e5"], EnterpriseOperatingYear.year == 2022))
        assert row.revenue_yuan == Decimal(800000) and row.patent_revenue_yuan == Decimal(200000)
        assert row.source == "imported" and row.rd_spend_yuan == Decimal(50000)
