"""Demo facts for value operations in the fictional province 青峦: populations, pledge amounts, awards, comparable
deals. All fictional; recorded as "demo" so a second run finds them and changes nothing.

Called by lingxi.value.demo.seed_demo after scoring (`seed_operations_demo(db)`).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from sqlalchemy import select

from lingxi.db import Database
from lingxi.db.models import (
    ComparableTransaction,
    Patent,
    PatentAward,
    PatentLegalEvent,
    PledgeRecord,
    RegionPopulation,
)

DEMO = "demo"
POPULATIONS = {None: 8_600_000, "青峦": 2_100_000, "云川": 1_300_000, "星澜": 900_000, "霁岚": 760_000,
               "墨川": 640_000, "雁鸣": 520_000, "鹤汀": 410_000}  # fictional residents, 2025
COMPARABLES = (("H01M", "licence", 1_800_000), ("H01M", "transfer", 4_500_000), ("H01M", "licence", 2_600_000),
               ("H01L", "transfer", 3_200_000), ("H01L", "licence", 1_200_000), ("C25B", "equity", 6_000_000),
               ("F17C", "licence", 900_000), ("B60L", "transfer", 2_300_000))
_PLEDGOR = re.compile(r"出质人：(\S+)")
_PLEDGEE = re.compile(r"质权人：(\S+)")
_REGISTRATION = re.compile(r"登记号：(\S+)")


def seed_operations_demo(db: Database) -> None:
    with db.sessions() as session:
        if session.scalar(select(PledgeRecord.id).where(PledgeRecord.recorded_by == DEMO).limit(1)) is not None or \
                session.scalar(select(RegionPopulation.id).limit(1)) is not None:
            return
        for city, people in POPULATIONS.items():
            session.add(RegionPopulation(province="青峦", city=city, year=2025, population=people))
        released: dict[str, dt.date] = {}
        pledges = session.execute(select(PatentLegalEvent).where(PatentLegalEvent.event_class == "pledge")
                                  .order_by(PatentLegalEvent.id)).scalars().all()
        for event in pledges:
            number = _REGISTRATION.search(event.description or "")
            if number and "注销" in (event.description or "") and event.date:
                released[number.group(1)] = event.date
        for event in pledges:
            text = event.description or ""
            number = _REGISTRATION.search(text)
            if "生效" not in text or event.date is None or not number:
                continue
            amount = Decimal(3_000_000 + (event.patent_id * 7_919 % 18) * 1_000_000)  # ¥3M–¥20M, fictional
            pledgor, pledgee = _PLEDGOR.search(text), _PLEDGEE.search(text)
            session.add(PledgeRecord(patent_id=event.patent_id, pledgor=pledgor.group(1) if pledgor else "—",
                                     pledgee=pledgee.group(1) if pledgee else "—", amount_yuan=amount,
                                     registered_on=event.date, released_on=released.get(number.group(1)),
                                     registration_number=number.group(1), recorded_by=DEMO))
        winners = session.execute(select(Patent.id).where(Patent.country == "CN", Patent.doc_type == "invention",
                                                          Patent.legal_status == "granted",
                                                          Patent.kind_code.like("B%"))
                                  .order_by(Patent.id).limit(2)).scalars().all()
        for patent_id, (award, level, year) in zip(winners, (("china_patent_award", "银奖", 2023),
                                                             ("national_sci_tech_award", "二等奖", 2022))):
            session.add(PatentAward(patent_id=patent_id, award=award, level=level, year=year,
                                    note="演示数据（虚构） fictional demo record", recorded_by=DEMO))
        for index, (field, mode, price) in enumerate(COMPARABLES):
            session.add(ComparableTransaction(field=field, mode=mode, price_yuan=Decimal(price),
                                              deal_date=dt.date(2024, 1 + index, 15),
                                              source="演示数据（虚构） fictional demo deal", recorded_by=DEMO))
        session.commit()
