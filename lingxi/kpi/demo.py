"""Demo data of the KPI area: the shipped Shaanxi template and the demo province's own programme (青峦 2025–2027),
whose figures come from the market, push and enterprise demo records. Idempotent."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select

from lingxi.accounts.principal import SYSTEM
from lingxi.db import Database
from lingxi.db.models import CultivatedPlatform, Deal, DealPatent, Organisation, Programme, ProgrammeIndicator
from lingxi.enterprises.platforms import add_platform
from lingxi.kpi.programmes import check_programme, create_programme, flag_patent, install_templates, parse_programme

DEMO_PROGRAMME = Path(__file__).resolve().parent / "data" / "demo" / "qingluan_2025_2027.yaml"
# The indicators counted from the enterprises' own records (operating figures, patent-product filings, cultivated
# platforms), added to the demo programme so its dashboard shows them too; an older demo database gets them added.
RECORD_INDICATORS = [
    {"key": "revenue", "number": "11", "name_zh": "受益中小企业营业收入", "name_en": "Revenue of the SMEs benefiting",
     "unit": "万元", "computation": "sme_revenue", "target": {"kind": "growth", "min": 20}},
    {"key": "employment", "number": "12", "name_zh": "受益中小企业就业人数", "name_en": "Employment of the SMEs benefiting",
     "unit": "人", "computation": "sme_employment", "target": {"kind": "growth", "min": 10}},
    {"key": "filings", "number": "13", "name_zh": "中小企业专利产品备案数", "name_en": "Patent-product filings of SMEs",
     "unit": "件", "computation": "patent_product_filings", "target": {"kind": "growth", "min": 20}},
    {"key": "platforms", "number": "14", "name_zh": "培育知识产权运营平台、服务机构", "name_en":
     "IP operation platforms and service agencies cultivated", "unit": "家", "computation": "platforms_cultivated",
     "target": {"kind": "cumulative", "total": 5, "text": "5 家以上"}},
]
# (name, kind, organisation name or None, city, months after January of last year, recognised by, evidence)
PLATFORMS = (
    ("青峦省知识产权运营中心", "operation_centre", "青峦省知识产权运营中心", "青峦市", 2, "青峦省知识产权局",
     "青知发〔演示〕3号《关于认定省级知识产权运营中心的通知》（演示数据，虚构）"),
    ("青峦技术转移服务中心", "service_agency", "青峦技术转移服务中心", "青峦市", 9, "青峦省知识产权局",
     "青知发〔演示〕11号 专利转化服务机构培育项目验收（演示数据，虚构）"),
    ("青峦省专利转化公共服务平台", "operation_platform", None, "青峦市", 14, "青峦省知识产权局",
     "平台上线验收报告 QL-PT-演示-01（演示数据，虚构）"),
)


def _add_record_indicators(session, programme: Programme) -> None:
    present = {i.key for i in programme.indicators}
    years = list(range(programme.start_year, programme.end_year + 1))
    raw = {"key": programme.key, "name": programme.name, "region": {"level": "province", "province": "青峦"},
           "years": [years[0], years[-1]], "indicators": RECORD_INDICATORS}
    for item in check_programme(raw, DEMO_PROGRAMME.name)["indicators"]:
        if item["key"] not in present:
            item["position"] = len(programme.indicators) + 1
            programme.indicators.append(ProgrammeIndicator(**item))
    session.flush()


def _seed_platforms(session) -> None:
    today = dt.date.today()
    for name, kind, organisation_name, city, months, by, evidence in PLATFORMS:
        if session.scalar(select(CultivatedPlatform.id).where(CultivatedPlatform.name == name)):
            continue
        organisation_id = session.scalar(select(Organisation.id).where(Organisation.name == organisation_name)) \
            if organisation_name else None
        day = min(dt.date(today.year - 1 + months // 12, months % 12 + 1, 10), today)
        add_platform(session, SYSTEM, {"name": name, "kind": kind, "organisation_id": organisation_id,
                                       "province": "青峦", "city": city, "recognised_on": day, "recognised_by": by,
                                       "evidence": evidence})


def seed_demo(db: Database) -> None:
    with db.sessions() as session, session.begin():
        install_templates(session, SYSTEM)
        data = parse_programme(DEMO_PROGRAMME.read_text(encoding="utf-8"), DEMO_PROGRAMME.name)
        programme = session.scalar(select(Programme).where(Programme.key == data["key"]))
        if programme is None:
            programme = create_programme(session, SYSTEM, data)
        _add_record_indicators(session, programme)
        _seed_platforms(session)
        # The satellite company's patent taken under an open licence stands for a declassified defence patent
        # (解密国防专利), so the demo shows that indicator with a figure.
        satellite = session.scalars(
            select(DealPatent.patent_id).join(Deal, Deal.id == DealPatent.deal_id)
            .where(Deal.kind == "open_licence").order_by(DealPatent.id).limit(1)).all()
        for patent_id in satellite:
            flag_patent(session, SYSTEM, patent_id, note="演示数据")
