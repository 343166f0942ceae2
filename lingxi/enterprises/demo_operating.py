"""Demo records behind the programme's SME revenue, employment and patent-product filing indicators: yearly
operating figures of every demo enterprise from the year before the demo programme (2024) to this year, and a few
patent-product filings naming the enterprises' own patents. Idempotent: an existing year or filing number is kept.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.db.models import EnterpriseOperatingYear, Patent, PatentProductFiling
from lingxi.enterprises.operating import save_operating_year
from lingxi.enterprises.patent_links import enterprise_patent_ids
from lingxi.enterprises.product_filings import add_filing

FIRST_YEAR = 2024  # the demo programme (青峦 2025–2027) measures growth from 2024
# (catalogue key, product, months after January of the year before last, filing number suffix)
FILINGS = (
    ("ql_ruiguang", "TOPCon 高效电池片", 5, "01"),
    ("yc_jinggui", "N 型单晶硅棒", 14, "02"),
    ("ql_ruiguang", "钙钛矿叠层组件（样品）", 19, "03"),
    ("ql_qingzhou", "动力电池包热管理模块", 25, "04"),
    ("yc_jinggui", "低氧单晶硅片", 28, "05"),
    ("ql_ruiguang", "光伏组件回收再生玻璃", 31, "06"),
)


def seed_operating_records(session: Session, actor: Principal, ids: dict[str, int]) -> None:
    today = dt.date.today()
    for key, organisation_id in sorted(ids.items()):
        rng = random.Random(f"operating-{key}")
        revenue = rng.randint(20, 400) * 100_000  # 200万 – 4000万 in the first year
        employees = rng.randint(20, 300)
        for year in range(FIRST_YEAR, today.year + 1):
            if session.scalar(select(EnterpriseOperatingYear.id).where(
                    EnterpriseOperatingYear.organisation_id == organisation_id,
                    EnterpriseOperatingYear.year == year)) is None:
                save_operating_year(session, actor, organisation_id, {
                    "year": year, "revenue_yuan": revenue, "patent_revenue_yuan": revenue * rng.randint(10, 45) // 100,
                    "employees": employees, "rd_spend_yuan": revenue * rng.randint(3, 12) // 100,
                    "note": "演示数据（虚构）"})
            revenue = revenue * (100 + rng.randint(5, 40)) // 100
            employees = employees * (100 + rng.randint(0, 15)) // 100
    start = dt.date(today.year - 2, 1, 15)
    for key, product, months, suffix in FILINGS:
        organisation_id = ids.get(key)
        number = f"QL-BA-{suffix}"
        if organisation_id is None or session.scalar(select(PatentProductFiling.id).where(
                PatentProductFiling.filing_number == number)):
            continue
        patent_ids = enterprise_patent_ids(session, organisation_id)[:2]
        numbers = [n for n in session.scalars(select(Patent.publication_number).where(Patent.id.in_(patent_ids)))
                   if n] or [f"CN2024{suffix}00000A"]
        filed_on = min(dt.date(start.year + (start.month - 1 + months) // 12, (start.month - 1 + months) % 12 + 1, 15),
                       today)
        add_filing(session, actor, organisation_id, {
            "product_name": product, "patent_numbers": numbers, "filing_number": number, "filed_on": filed_on,
            "authority": "国家专利产品备案系统", "status": "valid", "note": "演示数据（虚构）"})
