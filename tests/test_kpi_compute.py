"""Programme KPIs computed from records: hand-computed expectations on deals spanning 2020–2023 (the Shaanxi
template's baseline year and its three years), on real SQLite and PostgreSQL, nothing mocked.

The fixture's edge cases: a deal signed in December and paid in January (contract in one year, money in the next),
a cancelled deal with a payment (never counted), an SME that has since become large (still an SME for its deals —
the size on the signing day is read back from the audit log), a large enterprise, an SME outside the province,
an enterprise as supplier, a draft deal, a pledge outside the province, a flagged defence patent in a cancelled deal.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from value_ops_builders import party, patent

from lingxi.accounts.principal import SYSTEM, Principal
from lingxi.db.models import (
    Deal,
    DealPatent,
    DealPayment,
    EnterpriseProfile,
    MarketEvent,
    Organisation,
    PledgeRecord,
)
from lingxi.errors import Conflict, InvalidInput, PermissionDenied
from lingxi.kpi import programmes, report
from lingxi.kpi.excel import report_workbook

AS_OF = dt.date(2024, 3, 1)
KEY = "shaanxi-2021-2023"
OPERATOR = Principal(user_id=None, username="op", role="operator")
REGULATOR = Principal(user_id=None, username="reg", role="regulator")


def _org(session, name, kind, province="陕西", city="西安", size=None):
    org = Organisation(name=name, kind=kind, province=province, city=city)
    session.add(org)
    session.flush()
    if size:
        session.add(EnterpriseProfile(organisation_id=org.id, size_class=size))
        session.flush()
    return org


def _deal(session, kind, supplier, buyer, signed, amount, state, patents, payments=()):
    deal = Deal(kind=kind, title=f"{supplier.name}→{buyer.name}", state=state, supplier=supplier.name,
                supplier_organisation_id=supplier.id, counterparty=buyer.name,
                counterparty_organisation_id=buyer.id, signed_on=signed,
                contract_amount_yuan=Decimal(amount) if amount is not None else None,
                received_yuan=sum((Decimal(a) for a, _ in payments), Decimal(0)))
    session.add(deal)
    session.flush()
    for p in patents:
        session.add(DealPatent(deal_id=deal.id, patent_id=p))
    for amount_paid, day in payments:
        session.add(DealPayment(deal_id=deal.id, amount_yuan=Decimal(amount_paid), received_on=day, recorded_by="t"))
    session.flush()
    return deal


@pytest.fixture
def world(db):
    d = dt.date
    with db.sessions() as session, session.begin():
        holder = party(session, "陕西测试大学", "university")
        p = [patent(session, holder).id for _ in range(16)]
        uni = _org(session, "陕西测试大学", "university")
        inst = _org(session, "宝鸡测试研究所", "institute", province="陕西省", city="宝鸡市")
        soe = _org(session, "北京测试集团", "soe", province="北京", city="北京")
        e1 = _org(session, "西安一号科技有限公司", "enterprise", size="small")
        e2 = _org(session, "咸阳二号科技有限公司", "enterprise", city="咸阳", size="micro")
        e3 = _org(session, "西安大型装备有限公司", "enterprise", size="large")
        e4 = _org(session, "深圳四号科技有限公司", "enterprise", province="广东", city="深圳", size="medium")
        deals = {
            "D1": _deal(session, "transfer", uni, e1, d(2020, 6, 1), "100000", "registered", p[0:1],
                        [("100000", d(2020, 7, 1))]),
            "D2": _deal(session, "licence_ordinary", uni, e1, d(2021, 3, 1), "200000", "in_implementation", p[1:3],
                        [("50000", d(2021, 4, 1))]),
            # signed in December 2021, paid in January 2022; the buyer has since become large
            "D3": _deal(session, "transfer", inst, e2, d(2021, 12, 20), "300000", "registered", p[3:4],
                        [("300000", d(2022, 1, 10))]),
            "D4": _deal(session, "licence_exclusive", uni, e1, d(2022, 5, 5), "400000", "cancelled", p[4:7],
                        [("10000", d(2022, 5, 10))]),
            # an SOE from outside the province: counts for SMEs received (1), not for the province's outflow (3)
            "D5": _deal(session, "equity", soe, e2, d(2022, 8, 1), "500000", "in_implementation", p[7:9],
                        [("200000", d(2022, 9, 1)), ("100000", d(2023, 2, 1))]),
            "D6": _deal(session, "transfer", uni, e3, d(2022, 3, 3), "1000000", "registered", p[9:10]),
            "D7": _deal(session, "licence_ordinary", uni, e4, d(2023, 1, 5), "70000", "filed", p[10:11]),
            "D8": _deal(session, "open_licence", uni, e1, d(2023, 2, 2), "50000", "filed", p[11:12],
                        [("50000", d(2023, 2, 2))]),
            "D9": _deal(session, "transfer", e3, e1, d(2023, 4, 4), "80000", "registered", p[12:13]),
            "D10": _deal(session, "transfer", uni, e1, None, "90000", "draft", p[13:14]),
        }
        session.add_all([
            PledgeRecord(patent_id=p[0], pledgor=e1.name, pledgee="测试银行", amount_yuan=Decimal(5000000),
                         registered_on=d(2021, 5, 1)),
            PledgeRecord(patent_id=p[1], pledgor="北京某某科技有限公司", pledgee="测试银行",
                         amount_yuan=Decimal(8000000), registered_on=d(2021, 6, 1)),
            PledgeRecord(patent_id=p[3], pledgor=e2.name, pledgee="测试银行", amount_yuan=Decimal(20000000),
                         registered_on=d(2022, 2, 1)),
            MarketEvent(kind="training", title="专利转化培训", held_on=d(2022, 4, 1), trainees=40),
        ])
        programmes.install_templates(session, SYSTEM)
    with db.sessions() as session, session.begin():  # later: the micro company grew large (an audited change)
        session.scalar(select(EnterpriseProfile).where(EnterpriseProfile.organisation_id == e2.id)).size_class = "large"
        programmes.flag_patent(session, SYSTEM, p[3])  # D3's patent: a declassified defence patent
        programmes.flag_patent(session, SYSTEM, p[4])  # D4's: its deal was cancelled
    return {"db": db, "deals": {k: v.id for k, v in deals.items()}}


def _report(db, actor=OPERATOR, year=None):
    with db.sessions() as session:
        return report.programme_report(session, actor, KEY, year=year, as_of=AS_OF)


def _rows(result, key):
    item = next(i for i in result["indicators"] if i["key"] == key)
    return item, {row["year"]: row for row in item["years"]}


def test_patents_amounts_and_growth_match_hand_computed_figures(world):
    result = _report(world["db"])
    assert result["years"] == [2021, 2022, 2023]
    item, rows = _rows(result, "1")
    # 2021: D2 (2 patents) + D3 (1, its buyer small then); 2022: D5 (2) — D4 cancelled, D6 a large buyer; 2023: D8
    assert item["baseline"]["actual"] == 1  # D1 in 2020
    assert [rows[y]["computed"] for y in (2021, 2022, 2023)] == [3, 2, 1]
    assert rows[2021]["target"] == 1200 and rows[2021]["status"] == "behind"

    item, rows = _rows(result, "2a")  # contract amounts in 万元 by signing year
    assert item["baseline"]["actual"] == 10
    assert [rows[y]["actual"] for y in (2021, 2022, 2023)] == [50, 50, 5]
    assert rows[2021]["growth_pct"] == 400 and rows[2021]["cagr_pct"] == 400 and rows[2021]["status"] == "met"
    assert rows[2022]["growth_pct"] == 0 and rows[2022]["cagr_pct"] == pytest.approx(123.6068, abs=1e-3)
    assert rows[2023]["cagr_pct"] == pytest.approx(-20.6299, abs=1e-3) and rows[2023]["status"] == "behind"

    _, rows = _rows(result, "2b")  # received in the year the money arrived: D3's 30 万 in 2022, not 2021
    assert [rows[y]["actual"] for y in (2021, 2022, 2023)] == [5, 50, 15]

    _, rows = _rows(result, "3")  # the province's own suppliers, transfer and licence only
    assert [rows[y]["actual"] for y in (2021, 2022, 2023)] == [3, 0, 1]

    _, rows = _rows(result, "5")  # distinct SMEs
    assert [rows[y]["actual"] for y in (2021, 2022, 2023)] == [2, 1, 1]


def test_rates_pledges_defence_patents_and_no_data(world):
    result = _report(world["db"])
    _, rows = _rows(result, "9")
    assert rows[2021]["actual"] == pytest.approx(66.67) and rows[2021]["status"] == "behind"
    assert rows[2022]["actual"] == 100 and rows[2022]["status"] == "met"
    assert rows[2023]["actual"] == 0
    _, rows = _rows(result, "10")
    assert [rows[y]["actual"] for y in (2021, 2022, 2023)] == [1, 1, 0]  # the Beijing pledgor is outside
    _, rows = _rows(result, "11")
    assert [rows[y]["actual"] for y in (2021, 2022, 2023)] == [0.05, 0.2, 0]  # 亿元
    _, rows = _rows(result, "12")
    assert [rows[y]["actual"] for y in (2021, 2022, 2023)] == [1, 0, 0]
    assert rows[2023]["cumulative"] == 1 and rows[2023]["status"] == "behind"
    for key in ("6", "7", "8", "13"):
        _, rows = _rows(result, key)
        assert all(row["actual"] is None and row["status"] == "no_data" and row["note"] for row in rows.values())


def test_an_sme_that_became_large_still_counts_for_deals_signed_while_small(world):
    db = world["db"]
    with db.sessions() as session:
        figure = report.compute(report.Context(session), programmes.get_programme(session, OPERATOR, KEY),
                                programmes.find_indicator(programmes.get_programme(session, OPERATOR, KEY), "1"), 2021)
    assert sorted(figure.records) == [("deal", world["deals"]["D2"]), ("deal", world["deals"]["D3"])]


def test_adjustments_are_kept_beside_the_computed_value(world):
    db = world["db"]
    with db.sessions() as session, session.begin():
        with pytest.raises(InvalidInput, match="reason"):
            programmes.add_adjustment(session, OPERATOR, KEY, "1", 2021, 5, "  ")
        with pytest.raises(PermissionDenied):
            programmes.add_adjustment(session, REGULATOR, KEY, "1", 2021, 5, "备案系统补录")
        programmes.add_adjustment(session, OPERATOR, KEY, "1", 2021, 5, "线下备案未录入平台的 5 件")
    _, rows = _rows(_report(db), "1")
    assert rows[2021]["computed"] == 3 and rows[2021]["adjustment"] == 5 and rows[2021]["actual"] == 8
    assert rows[2021]["adjustments"][0]["author"] == "op"
    assert rows[2022]["adjustment"] is None and rows[2022]["actual"] == 2


def test_drill_down_shows_records_to_operators_and_aggregates_to_regulators(world):
    db = world["db"]
    with db.sessions() as session:
        op = report.drilldown(session, OPERATOR, KEY, "2b", 2022)
        reg = report.drilldown(session, REGULATOR, KEY, "2b", 2022)
        deals = report.drilldown(session, REGULATOR, KEY, "1", 2022)
    assert op["computed"] == 50 and op["records_hidden"] is False
    payments = op["records"]["payment"]
    assert sorted(Decimal(p["amount_yuan"]) for p in payments) == [Decimal("200000.00"), Decimal("300000.00")]
    assert {p["deal_id"] for p in payments} == {world["deals"]["D3"], world["deals"]["D5"]}
    assert reg["computed"] == 50 and reg["records_hidden"] is True and "records" not in reg
    assert reg["counts"] == {"payment": 2}
    assert deals["deals_by_kind"] == {"equity": 1} and "西安" not in str(deals)


def test_excel_export_has_the_programme_table_layout(world):
    data = report_workbook(_report(world["db"]))
    sheet = load_workbook(BytesIO(data))["绩效目标分解表"]
    assert sheet["A3"].value == "序号" and sheet["B3"].value == "工作指标"
    assert [sheet.cell(3, c).value for c in (4, 7, 10)] == ["2021年", "2022年", "2023年"]
    assert [sheet.cell(4, c).value for c in (4, 5, 6)] == ["目标", "完成", "状态"]
    first = [sheet.cell(5, c).value for c in range(1, 7)]
    assert first[:2] == ["1", "全省中小微企业接受相关主体转让、许可、作价入股的专利数量"]
    assert first[3:] == ["≥ 1200", 3, "滞后"]
    rows = {sheet.cell(r, 2).value: r for r in range(5, sheet.max_row + 1)}
    assert sheet.cell(rows["政策惠及的省内中小微企业营业收入"], 5).value == "无数据"


def test_programme_files_are_checked_with_the_place_of_each_error(db):
    good = "key: park-1\nname: 园区计划\nregion: {level: city, city: 西安}\nyears: [2024, 2026]\nindicators:\n"
    with db.sessions() as session, session.begin():
        with pytest.raises(InvalidInput, match=r"indicator 1 \(a\): unknown computation 'nope'"):
            programmes.create_programme(session, OPERATOR, programmes.parse_programme(
                good + "  - {key: a, name_zh: 甲, unit: 件, computation: nope}"))
        with pytest.raises(InvalidInput, match=r"indicator 1 \(a\): unit '万元' does not fit pushes"):
            programmes.parse_programme(good + "  - {key: a, name_zh: 甲, unit: 万元, computation: pushes}")
        with pytest.raises(InvalidInput, match="not valid YAML: month must be in 1..12"):
            programmes.parse_programme(good.replace("key: park-1", "key: park-1\nstarts: 2026-13-01"))
        with pytest.raises(InvalidInput, match="target year 2030 is outside"):
            programmes.parse_programme(good + "  - {key: a, name_zh: 甲, unit: 条, computation: pushes, "
                                              "target: {kind: yearly, values: {2030: 5}}}")
        data = programmes.parse_programme(good + "  - {key: p, name_zh: 精准推送, unit: 条, computation: pushes, "
                                                 "target: {kind: yearly, values: {2024: 1000}}}")
        with pytest.raises(PermissionDenied):
            programmes.create_programme(session, REGULATOR, data)
        programmes.create_programme(session, OPERATOR, data)
        with pytest.raises(Conflict):
            programmes.create_programme(session, OPERATOR, data)
        assert [p["key"] for p in programmes.list_programmes(session, REGULATOR)] == ["park-1"]


def test_a_programme_from_excel_is_checked_row_by_row(db):
    from openpyxl import Workbook

    from lingxi.kpi.programme_excel import programme_from_xlsx

    def workbook(rows):
        wb = Workbook()
        wb.active.title = "programme"
        for row in (("key", "xian-park"), ("name", "西安园区计划"), ("level", "city"), ("city", "西安"),
                    ("first_year", 2024), ("last_year", 2025)):
            wb.active.append(row)
        sheet = wb.create_sheet("indicators")
        sheet.append(["key", "number", "name_zh", "unit", "computation", "target_kind", "2024", "2025", "min"])
        for row in rows:
            sheet.append(row)
        buffer = BytesIO()
        wb.save(buffer)
        return buffer.getvalue()

    data = programme_from_xlsx(workbook([
        ["events", 1, "对接活动", "场", "events", "yearly", 10, 12, None],
        ["open", 2, "开放许可", "项", "open_licences_concluded", "growth", None, None, 20]]))
    assert data["city"] == "西安" and data["indicators"][0]["targets"] == {"2024": 10.0, "2025": 12.0}
    assert data["indicators"][1]["target_text"] == "年均增长 ≥ 20%"
    with pytest.raises(InvalidInput, match=r"indicator 2 \(open\): target.min must be a number"):
        programme_from_xlsx(workbook([["events", 1, "对接活动", "场", "events", "yearly", 10, 12, None],
                                      ["open", 2, "开放许可", "项", "open_licences_concluded", "growth", None, None,
                                       "很多"]]))
    with pytest.raises(InvalidInput, match="not an Excel"):
        programme_from_xlsx(b"not a workbook")
    with db.sessions() as session, session.begin():
        programme = programmes.create_programme(session, OPERATOR, data)
        assert [i.key for i in programme.indicators] == ["events", "open"]


def test_a_deal_entered_with_names_only_is_matched_to_its_organisations(world):
    db = world["db"]
    with db.sessions() as session, session.begin():
        holder = party(session, "另一所大学", "university")
        deal = Deal(kind="transfer", title="按名称录入", state="registered", supplier="陕西测试大学",
                    counterparty="西安一号科技有限公司", signed_on=dt.date(2023, 6, 1),
                    contract_amount_yuan=Decimal(10000), received_yuan=Decimal(0))
        session.add(deal)
        session.flush()
        session.add(DealPatent(deal_id=deal.id, patent_id=patent(session, holder).id))
    _, rows = _rows(_report(db), "1")
    assert rows[2023]["actual"] == 2  # D8 and this one
    _, rows = _rows(_report(db), "5")
    assert rows[2023]["actual"] == 1  # the same SME as D8's
