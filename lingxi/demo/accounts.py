"""One demo account per role, each in a fictional organisation of 青峦省, so every view can be tried at once."""

from __future__ import annotations

import zlib

from sqlalchemy import select

from lingxi.accounts.organisations import create_organisation
from lingxi.accounts.principal import SYSTEM
from lingxi.accounts.users import create_user
from lingxi.db import Database
from lingxi.db.audit import acting_as
from lingxi.db.models import Organisation, Party, User
from lingxi.demo.catalogue import DEMO_PROVINCE

DEMO_PASSWORD = "lingxi-demo"

# (username, role, display name, organisation name, organisation kind, city, contact)
DEMO_ACCOUNTS = (
    ("admin", "admin", "平台管理员", None, None, None, None),
    ("operator", "operator", "运营专员 林晓", "青峦省知识产权运营中心", "operations_centre", "青峦市", "林晓"),
    ("supplier", "supplier", "技术转移办 周宁", "青峦大学", "university", "青峦市", "周宁"),
    ("enterprise", "enterprise", "研发经理 许航", "青峦睿光新能源科技有限公司", "enterprise", "青峦市", "许航"),
    ("broker", "broker", "技术经纪人 宋言", "青峦技术转移服务中心", "service_agency", "青峦市", "宋言"),
    ("financier", "financier", "科技金融部 何苗", "青峦银行科技支行", "financial", "青峦市", "何苗"),
    ("regulator", "regulator", "省知识产权局 唐远", "青峦省知识产权局", "government", "青峦市", "唐远"),
)
# A second enterprise without an account, so the demo shows that one enterprise cannot open another's file.
OTHER_ENTERPRISE = ("云川晶硅科技有限公司", "enterprise", "云川市", "郑源")


def ensure_demo_accounts(db: Database) -> int:
    """Create the demo organisations and accounts that are missing; returns how many accounts were created."""
    created = 0
    with db.sessions() as session, session.begin():
        acting_as(session, SYSTEM)
        organisation_specs = [spec[3:] for spec in DEMO_ACCOUNTS if spec[3]] + [OTHER_ENTERPRISE]
        organisations = {name: _organisation(session, name, kind, city, contact)
                         for name, kind, city, contact in organisation_specs}
        for username, role, display_name, organisation_name, *_ in DEMO_ACCOUNTS:
            if session.scalar(select(User.id).where(User.username == username)):
                continue
            organisation = organisations.get(organisation_name)
            create_user(session, SYSTEM, username=username, password=DEMO_PASSWORD, role=role,
                        display_name=display_name, organisation_id=organisation.id if organisation else None)
            created += 1
    return created


def _organisation(session, name: str, kind: str, city: str, contact: str) -> Organisation:
    existing = session.scalar(select(Organisation).where(Organisation.name == name))
    if existing is not None:
        return existing
    party_id = session.scalar(select(Party.id).where(Party.name == name, Party.kind == "organisation").limit(1))
    return create_organisation(
        session, SYSTEM, name=name, kind=kind, province=DEMO_PROVINCE, city=city, contact_name=contact,
        contact_phone="0999-" + str(zlib.crc32(name.encode()) % 10_000_000).zfill(7), party_id=party_id,
        contact_email=None, notes="演示机构（虚构）/ demo organisation (fictional)",
    )
