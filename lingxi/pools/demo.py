"""A demo patent pool in the photovoltaic chain: the demo university and enterprises that hold graded patents,
essential marks on the best graded ones, a cross-licence among members, a package licence to an outsider with two
royalty payments split by essential weight. Idempotent: runs once (looks for the pool by name)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from lingxi.accounts.principal import Principal
from lingxi.db import Database
from lingxi.db.audit import acting_as
from lingxi.db.models import Organisation, PatentParty, PatentValueScore
from lingxi.db.models.pools import PatentPool
from lingxi.pools import service

DEMO_OPERATOR = Principal(user_id=None, username="demo", role="operator", display_name="demo")
POOL = "青峦光伏产业专利池"
MEMBERS = ("青峦大学", "青峦睿光新能源科技有限公司", "云川晶硅科技有限公司")
OUTSIDER = "青峦省光伏组件制造商（演示）"


def _graded(session, organisation: Organisation, limit: int = 4) -> list[tuple[int, float]]:
    if organisation.party_id is None:
        return []
    return list(session.execute(
        select(PatentValueScore.patent_id, PatentValueScore.score)
        .join(PatentParty, PatentParty.patent_id == PatentValueScore.patent_id)
        .where(PatentValueScore.scenario == "licensing", PatentParty.party_id == organisation.party_id,
               PatentParty.role.in_(("applicant", "assignee")))
        .distinct().order_by(PatentValueScore.score.desc(), PatentValueScore.patent_id).limit(limit)).all())


def seed_demo(db: Database) -> None:
    with db.sessions() as session, session.begin():
        acting_as(session, DEMO_OPERATOR)
        if session.scalar(select(PatentPool.id).where(PatentPool.name == POOL)):
            return
        today = dt.date.today()
        chosen = []
        for name in MEMBERS:
            organisation = session.scalar(select(Organisation).where(Organisation.name == name))
            if organisation is not None:
                graded = _graded(session, organisation)
                if graded:
                    chosen.append((organisation, graded))
        if not chosen:
            return
        pool = service.create_pool(session, DEMO_OPERATOR, POOL, kind="pool", chain="chain_pv",
                                   description="光伏电池与组件关键技术专利池，成员互相交叉许可，对外一揽子许可。",
                                   split_rule="essential_weight", essential_weight="2", non_essential_weight="1")
        member_ids = []
        for number, (organisation, graded) in enumerate(chosen):
            member = service.add_member(session, DEMO_OPERATOR, pool["id"], organisation.id,
                                        role="founder" if number == 0 else "member",
                                        joined_on=today - dt.timedelta(days=300))
            member_ids.append(member["id"])
            for rank, (patent_id, _) in enumerate(graded):
                service.add_patent(session, DEMO_OPERATOR, pool["id"], member["id"], patent_id, essential=rank < 2)
        if len(member_ids) >= 2:
            service.add_licence(session, DEMO_OPERATOR, pool["id"], "cross", today - dt.timedelta(days=280),
                                member_ids=member_ids, scope="成员间免费交叉许可，限光伏电池与组件")
        licence = service.add_licence(session, DEMO_OPERATOR, pool["id"], "package", today - dt.timedelta(days=200),
                                      licensee=OUTSIDER, upfront_fee_yuan="500000", royalty_rate="0.015",
                                      scope="全部池内专利，中国境内，光伏组件制造", ends_on=today + dt.timedelta(days=1600))
        service.record_payment(session, DEMO_OPERATOR, licence["id"], "500000.00", today - dt.timedelta(days=190),
                               note="入门费")
        service.record_payment(session, DEMO_OPERATOR, licence["id"], "186543.21", today - dt.timedelta(days=10),
                               note="上半年提成")
