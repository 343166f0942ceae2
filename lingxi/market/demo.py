"""Demo data of the market for the fictional province, after the demo patents, values and enterprises exist.

Listings of 青峦大学's patents (one approved with a broker, an enquiry and a negotiation; one waiting for approval),
open-licence declarations that passed the art. 85/86 checks (one with try-before-pay terms) and their acceptances,
deals in every state (one licence due for filing, one overdue), and events with trainees. Idempotent: runs once.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from lingxi.accounts.principal import Principal
from lingxi.db import Database
from lingxi.db.models import Listing, OpenLicenceDeclaration, Organisation, PatentParty, User
from lingxi.market import deals, events, listings, open_licences
from lingxi.value.facts import judge_in_force, load_rights

DEMO_OPERATOR = Principal(user_id=None, username="demo", role="operator", display_name="demo")
UNIVERSITY = "青峦大学"
ENTERPRISE = "青峦睿光新能源科技有限公司"


def seed_demo(db: Database) -> None:
    with db.sessions() as session, session.begin():
        if session.scalar(select(Listing.id).where(Listing.created_by == DEMO_OPERATOR.username).limit(1)):
            return
        university = session.scalar(select(Organisation).where(Organisation.name == UNIVERSITY))
        enterprise = session.scalar(select(Organisation).where(Organisation.name == ENTERPRISE))
        if university is None or university.party_id is None:
            return
        today = dt.date.today()
        held = list(session.scalars(select(PatentParty.patent_id).where(
            PatentParty.party_id == university.party_id, PatentParty.role.in_(("applicant", "assignee")))
            .order_by(PatentParty.patent_id).limit(400)))
        rights = [r for r in load_rights(session, held, today) if judge_in_force(r, today)[0]]
        inventions = [r.patent_id for r in rights if r.doc_type == "invention"]
        if len(inventions) < 8:
            return
        broker = session.scalar(select(User).where(User.role == "broker").order_by(User.id).limit(1))
        buyer = Principal(user_id=None, username="enterprise", role="enterprise",
                          organisation_id=enterprise.id if enterprise else None)

        # listings: a package on offer with a broker and a negotiation, and one waiting for approval
        package = listings.create_listing(session, DEMO_OPERATOR, title="青峦大学光伏电池专利包", mode="transfer",
                                          patent_ids=inventions[:3], asking_price_yuan="1800000", today=today)
        approved = listings.decide(session, DEMO_OPERATOR, package["id"], True, today=today - dt.timedelta(days=20))
        session.get(Listing, package["id"]).organisation_id = university.id
        if broker is not None:
            listings.assign_broker(session, DEMO_OPERATOR, package["id"], broker.id, approved["version"])
        if enterprise is not None:
            enquiry = listings.enquire(session, buyer, package["id"], "希望了解专利包的实施条件和付款方式，能否分期？")
            listings.negotiate(session, DEMO_OPERATOR, enquiry["id"], "供方同意分两期付款，首期 60%。",
                               offer_yuan="1600000")
        pending = listings.create_listing(session, DEMO_OPERATOR, title="青峦大学储氢材料专利许可", mode="licence",
                                          patent_ids=[inventions[3]], terms="普通许可，入门费加销售额提成，面议",
                                          today=today)
        session.get(Listing, pending["id"]).organisation_id = university.id

        # open licences: publish the first candidates that pass every rule
        published = []
        terms = {"payment_method": "入门费一次性支付，提成按年支付", "fee_standard": "入门费 5 万元，年销售额 2% 提成",
                 "upfront_fee_yuan": "50000", "royalty_rate": "0.02", "licence_term_years": 5,
                 "other_matters": "许可地域为中国大陆；被许可人不得再许可"}
        for index, patent_id in enumerate(inventions[4:12]):
            extra = {"try_before_pay": True, "upfront_fee_yuan": "0", "fee_standard": "试用 12 个月免费，之后按年销售额 3% 提成"} \
                if len(published) == 1 else {}
            published_on = today - dt.timedelta(days=60 - index)
            declaration = open_licences.create_declaration(session, DEMO_OPERATOR, patent_id, {**terms, **extra})
            session.get(OpenLicenceDeclaration, declaration["id"]).organisation_id = university.id  # the patentee's
            if not open_licences.check(session, DEMO_OPERATOR, declaration["id"], published_on)["publishable"]:
                session.delete(session.get(OpenLicenceDeclaration, declaration["id"]))  # only clean demo drafts
                session.flush()
                continue
            published.append(open_licences.publish(session, DEMO_OPERATOR, declaration["id"], today=published_on))
            if len(published) == 3:
                break
        if published and enterprise is not None:
            open_licences.accept(session, DEMO_OPERATOR, published[0]["id"], organisation_id=enterprise.id,
                                 notified_on=today - dt.timedelta(days=40), paid_yuan="50000", today=today)

        # deals in every state, one licence near its filing deadline and one overdue
        parties = {"supplier": UNIVERSITY, "counterparty": ENTERPRISE,
                   "supplier_organisation_id": university.id,
                   "counterparty_organisation_id": enterprise.id if enterprise else None,
                   "broker_user_id": broker.id if broker else None}

        def deal(kind, title, patent, amount, steps, reference):
            made = deals.create_deal(session, DEMO_OPERATOR, kind=kind, title=title, patent_ids=[patent],
                                     contract_amount_yuan=amount, reference=reference, **parties)
            for to_state, data in steps:
                made = deals.transition(session, DEMO_OPERATOR, made["id"], to_state, made["version"], data,
                                        today=today)
            return made

        days = dt.timedelta
        deal("licence_ordinary", "钙钛矿封装技术普通许可", inventions[0], "300000",
             [("signed", {"signed_on": (today - days(75)).isoformat()})], "QL-DEMO-2026-001")
        deal("licence_ordinary", "电池片回收工艺普通许可", inventions[1], "120000",
             [("signed", {"signed_on": (today - days(120)).isoformat()})], "QL-DEMO-2026-002")
        moved = deal("transfer", "单晶炉热场专利转让", inventions[2], "800000",
                      [("signed", {"signed_on": (today - days(150)).isoformat()}),
                       ("registered", {"registration_number": "2026ZR0001",
                                       "registered_on": (today - days(110)).isoformat()}),
                       ("in_implementation", {"implementation_status": "已用于 2 条拉晶产线改造",
                                              "implementation_evidence": ["产线改造验收报告"]})],
                      "QL-DEMO-2026-003")
        deals.record_payment(session, DEMO_OPERATOR, moved["id"], "480000", (today - days(100)).isoformat(),
                             moved["version"], "首期 60%", today=today)
        deal("equity", "储能材料专利作价入股", inventions[3], "2000000", [], "QL-DEMO-2026-004")

        # events
        events.create_event(session, DEMO_OPERATOR, {
            "kind": "matchmaking", "title": "青峦省新能源产业专利对接会", "held_on": (today - days(90)).isoformat(),
            "location": "云川市", "organiser": "青峦省知识产权运营中心",
            "participants": [UNIVERSITY, ENTERPRISE, "青峦技术转移服务中心"], "patent_ids": inventions[:4],
            "enquiries": 6, "outcome": "现场达成意向 2 项"})
        events.create_event(session, DEMO_OPERATOR, {
            "kind": "roadshow", "title": "高校专利路演（光伏专场）", "held_on": (today - days(45)).isoformat(),
            "location": "云川市", "participants": [UNIVERSITY], "patent_ids": inventions[:3], "enquiries": 3})
        events.create_event(session, DEMO_OPERATOR, {
            "kind": "training", "title": "技术经纪人专利运营培训", "held_on": (today - days(30)).isoformat(),
            "location": "云川市", "trainees": 46})
        events.create_event(session, DEMO_OPERATOR, {
            "kind": "training", "title": "中小企业开放许可政策宣讲", "held_on": (today - days(10)).isoformat(),
            "trainees": 85})
