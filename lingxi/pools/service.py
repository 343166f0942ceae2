"""Pools: members, patents from the graded catalogue, essential marking, licences, royalty payments, statements.

Operators (pools.manage) build pools and record licences and payments. Every member role reads a pool (an alliance's
membership and patent list are public); a member organisation's users read their own royalty statement, operators
every member's. A patent joins a pool only from a member that holds it and only with a catalogue grade (lingxi.value,
licensing scenario), so the pool is built from graded catalogues. Each payment is split when recorded, by the rule in
force, and the split is stored with its basis.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingxi import fields
from lingxi.accounts.principal import Principal
from lingxi.accounts.roles import ORGANISATIONS_DIRECTORY, POOLS_MANAGE, require
from lingxi.db.models import Organisation, Patent, PatentParty, PatentValueScore
from lingxi.db.models.pools import (
    PatentPool,
    PoolLicence,
    PoolMember,
    PoolPatent,
    PoolRoyaltyAllocation,
    PoolRoyaltyPayment,
)
from lingxi.enterprises.patent_links import enterprise_patent_ids
from lingxi.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from lingxi.pools.split import split
from lingxi.value.service import grade_of

KINDS = ("pool", "alliance")
SPLIT_RULES = ("patent_count", "essential_weight", "fixed_shares")
MEMBER_ROLES = ("founder", "member")
LICENCE_KINDS = ("cross", "package")


def _pool(session: Session, pool_id) -> PatentPool:
    row = session.get(PatentPool, fields.integer(pool_id, "pool_id", 1, 2**31, True))
    if row is None:
        raise NotFound(f"pool {pool_id} not found", field="pool_id")
    return row


def _member(session: Session, pool: PatentPool, member_id) -> PoolMember:
    row = session.get(PoolMember, fields.integer(member_id, "member_id", 1, 2**31, True))
    if row is None or row.pool_id != pool.id:
        raise NotFound(f"member {member_id} is not in pool {pool.id}", field="member_id")
    return row


def _n(value: Decimal) -> str:
    """A weight as written by people: 2 rather than 2.0000."""
    text = format(Decimal(value).normalize(), "f")
    return text


def pool_dict(row: PatentPool) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, "kind": row.kind, "chain": row.chain, "description": row.description,
            "split_rule": row.split_rule, "essential_weight": _n(row.essential_weight),
            "non_essential_weight": _n(row.non_essential_weight), "status": row.status}


def create_pool(session: Session, actor: Principal, name: str, kind: str = "pool", chain: str | None = None,
                description: str | None = None, split_rule: str = "patent_count", essential_weight="2",
                non_essential_weight="1") -> dict:
    require(actor, POOLS_MANAGE)
    clean = fields.text(name, "name", limit=200)
    if session.scalar(select(PatentPool.id).where(PatentPool.name == clean)):
        raise Conflict(f"pool {clean!r} exists already", field="name")
    row = PatentPool(name=clean, kind=fields.choice(kind, "kind", KINDS), chain=fields.text(chain, "chain", False, 120),
                     description=fields.text(description, "description", False, 4000),
                     split_rule=fields.choice(split_rule, "split_rule", SPLIT_RULES),
                     essential_weight=fields.share(essential_weight, "essential_weight", True, Decimal(1000)),
                     non_essential_weight=fields.share(non_essential_weight, "non_essential_weight", True,
                                                       Decimal(1000)),
                     created_by=actor.username)
    session.add(row)
    session.flush()
    return pool_dict(row)


def set_rule(session: Session, actor: Principal, pool_id, split_rule: str, essential_weight=None,
             non_essential_weight=None) -> dict:
    """Change the split rule for payments recorded from now on; stored splits stay as they were."""
    require(actor, POOLS_MANAGE)
    pool = _pool(session, pool_id)
    pool.split_rule = fields.choice(split_rule, "split_rule", SPLIT_RULES)
    if essential_weight not in (None, ""):
        pool.essential_weight = fields.share(essential_weight, "essential_weight", True, Decimal(1000))
    if non_essential_weight not in (None, ""):
        pool.non_essential_weight = fields.share(non_essential_weight, "non_essential_weight", True, Decimal(1000))
    session.flush()
    return pool_dict(pool)


def add_member(session: Session, actor: Principal, pool_id, organisation_id, role: str = "member",
               fixed_share=None, joined_on=None) -> dict:
    require(actor, POOLS_MANAGE)
    pool = _pool(session, pool_id)
    org_id = fields.integer(organisation_id, "organisation_id", 1, 2**31, True)
    if session.get(Organisation, org_id) is None:
        raise NotFound(f"organisation {org_id} not found", field="organisation_id")
    if session.scalar(select(PoolMember.id).where(PoolMember.pool_id == pool.id, PoolMember.organisation_id == org_id)):
        raise Conflict(f"organisation {org_id} is a member of pool {pool.id} already", field="organisation_id")
    row = PoolMember(pool_id=pool.id, organisation_id=org_id, role=fields.choice(role, "role", MEMBER_ROLES),
                     fixed_share=fields.share(fixed_share, "fixed_share"),
                     joined_on=fields.date(joined_on, "joined_on", False) or dt.date.today())
    session.add(row)
    session.flush()
    return _member_dict(row, session.get(Organisation, org_id).name)


def set_member_share(session: Session, actor: Principal, pool_id, member_id, fixed_share) -> dict:
    require(actor, POOLS_MANAGE)
    pool = _pool(session, pool_id)
    member = _member(session, pool, member_id)
    member.fixed_share = fields.share(fixed_share, "fixed_share")
    session.flush()
    return _member_dict(member, session.get(Organisation, member.organisation_id).name)


def _member_dict(row: PoolMember, name: str, patents: int = 0, essential: int = 0) -> dict[str, Any]:
    return {"id": row.id, "organisation_id": row.organisation_id, "organisation": name, "role": row.role,
            "joined_on": row.joined_on.isoformat(), "fixed_share": fields.plain(row.fixed_share),
            "patents": patents, "essential": essential}


def _held_by(session: Session, organisation: Organisation, patent_id: int) -> bool:
    if patent_id in set(enterprise_patent_ids(session, organisation.id)):
        return True
    return organisation.party_id is not None and session.scalar(select(PatentParty.id).where(
        PatentParty.patent_id == patent_id, PatentParty.party_id == organisation.party_id,
        PatentParty.role.in_(("applicant", "assignee"))).limit(1)) is not None


def add_patent(session: Session, actor: Principal, pool_id, member_id, patent_id, essential: bool = False,
               note: str | None = None) -> dict:
    require(actor, POOLS_MANAGE)
    pool = _pool(session, pool_id)
    member = _member(session, pool, member_id)
    pid = fields.integer(patent_id, "patent_id", 1, 2**31, True)
    patent = session.get(Patent, pid)
    if patent is None:
        raise NotFound(f"patent {pid} not found", field="patent_id")
    organisation = session.get(Organisation, member.organisation_id)
    if not _held_by(session, organisation, pid):
        raise InvalidInput(f"patent {patent.publication_number} is not held by member {organisation.name}",
                           field="patent_id")
    grade = grade_of(session, [pid]).get(pid)
    if grade is None:
        raise InvalidInput(f"patent {patent.publication_number} has no grade in the catalogue yet (run `lingxi value "
                           "compute`): a pool takes graded patents only", field="patent_id")
    if session.scalar(select(PoolPatent.id).where(PoolPatent.pool_id == pool.id, PoolPatent.patent_id == pid)):
        raise Conflict(f"patent {patent.publication_number} is in pool {pool.id} already", field="patent_id")
    row = PoolPatent(pool_id=pool.id, member_id=member.id, patent_id=pid, essential=bool(essential), grade=grade,
                     note=fields.text(note, "note", False, 2000))
    session.add(row)
    session.flush()
    return _patent_dict(row, patent)


def candidates(session: Session, actor: Principal, pool_id, member_id, limit: int = 50) -> list[dict]:
    """The member's graded patents (catalogue grade, licensing scenario) not yet in the pool, best first: what an
    operator picks from when building the pool."""
    require(actor, POOLS_MANAGE)
    pool = _pool(session, pool_id)
    member = _member(session, pool, member_id)
    organisation = session.get(Organisation, member.organisation_id)
    held = set(enterprise_patent_ids(session, organisation.id))
    if organisation.party_id is not None:
        held |= set(session.scalars(select(PatentParty.patent_id).where(
            PatentParty.party_id == organisation.party_id, PatentParty.role.in_(("applicant", "assignee")))))
    taken = set(session.scalars(select(PoolPatent.patent_id).where(PoolPatent.pool_id == pool.id)))
    ids = sorted(held - taken)
    if not ids:
        return []
    rows = session.execute(select(PatentValueScore.patent_id, PatentValueScore.grade, PatentValueScore.score,
                                  Patent.publication_number, Patent.title)
                           .join(Patent, Patent.id == PatentValueScore.patent_id)
                           .where(PatentValueScore.scenario == "licensing", PatentValueScore.patent_id.in_(ids))
                           .order_by(PatentValueScore.score.desc(), PatentValueScore.patent_id).limit(limit)).all()
    return [{"patent_id": pid, "number": number, "title": title, "grade": grade, "score": round(score, 1)}
            for pid, grade, score, number, title in rows]


def mark_essential(session: Session, actor: Principal, pool_id, patent_id, essential: bool,
                   note: str | None = None) -> dict:
    require(actor, POOLS_MANAGE)
    pool = _pool(session, pool_id)
    row = session.scalar(select(PoolPatent).where(PoolPatent.pool_id == pool.id,
                                                  PoolPatent.patent_id == int(patent_id)))
    if row is None:
        raise NotFound(f"patent {patent_id} is not in pool {pool.id}", field="patent_id")
    row.essential = bool(essential)
    if note:
        row.note = fields.text(note, "note", False, 2000)
    session.flush()
    return _patent_dict(row, session.get(Patent, row.patent_id))


def _patent_dict(row: PoolPatent, patent: Patent) -> dict[str, Any]:
    return {"patent_id": row.patent_id, "number": patent.publication_number, "title": patent.title,
            "member_id": row.member_id, "essential": row.essential, "grade": row.grade, "note": row.note}


def add_licence(session: Session, actor: Principal, pool_id, kind: str, signed_on, licensee: str | None = None,
                licensee_organisation_id=None, member_ids=None, scope: str | None = None, upfront_fee_yuan="0",
                royalty_rate=None, ends_on=None) -> dict:
    """A cross-licence among two or more members, or a package licence of the whole pool to an outsider."""
    require(actor, POOLS_MANAGE)
    pool = _pool(session, pool_id)
    kind = fields.choice(kind, "kind", LICENCE_KINDS)
    members = {m.id: m for m in session.scalars(select(PoolMember).where(PoolMember.pool_id == pool.id))}
    row = PoolLicence(pool_id=pool.id, kind=kind, scope=fields.text(scope, "scope", False, 2000),
                      signed_on=fields.date(signed_on, "signed_on"), ends_on=fields.date(ends_on, "ends_on", False),
                      upfront_fee_yuan=fields.money(upfront_fee_yuan, "upfront_fee_yuan", False) or Decimal(0),
                      royalty_rate=fields.share(royalty_rate, "royalty_rate"), created_by=actor.username)
    if row.ends_on and row.ends_on < row.signed_on:
        raise InvalidInput("ends_on is before signed_on", field="ends_on")
    if kind == "cross":
        chosen = fields.ids(member_ids, "member_ids")
        unknown = [i for i in chosen if i not in members]
        if unknown:
            raise InvalidInput(f"member {unknown[0]} is not in pool {pool.id}", field="member_ids")
        if len(chosen) < 2:
            raise InvalidInput("a cross-licence needs at least two members", field="member_ids")
        row.member_ids = chosen
        row.licensee = "、".join(session.get(Organisation, members[i].organisation_id).name for i in chosen)
    else:
        org_id = fields.integer(licensee_organisation_id, "licensee_organisation_id", 1, 2**31)
        if org_id is not None:
            organisation = session.get(Organisation, org_id)
            if organisation is None:
                raise NotFound(f"organisation {org_id} not found", field="licensee_organisation_id")
            if any(m.organisation_id == org_id for m in members.values()):
                raise InvalidInput(f"{organisation.name} is a pool member: members take a cross-licence, a package "
                                   "licence is for outsiders", field="licensee_organisation_id")
            licensee = licensee or organisation.name
        row.licensee = fields.text(licensee, "licensee")
        row.licensee_organisation_id = org_id
    session.add(row)
    session.flush()
    return _licence_dict(row)


def _licence_dict(row: PoolLicence) -> dict[str, Any]:
    return {"id": row.id, "pool_id": row.pool_id, "kind": row.kind, "licensee": row.licensee,
            "licensee_organisation_id": row.licensee_organisation_id, "member_ids": list(row.member_ids or []),
            "scope": row.scope, "upfront_fee_yuan": str(row.upfront_fee_yuan),
            "royalty_rate": fields.plain(row.royalty_rate), "signed_on": row.signed_on.isoformat(),
            "ends_on": row.ends_on.isoformat() if row.ends_on else None}


def weights(session: Session, pool: PatentPool) -> list[tuple[PoolMember, Decimal, str]]:
    """Each member's weight under the pool's rule and a one-line basis; members with nothing get weight 0."""
    members = list(session.scalars(select(PoolMember).where(PoolMember.pool_id == pool.id).order_by(PoolMember.id)))
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for member_id, essential in session.execute(select(PoolPatent.member_id, PoolPatent.essential)
                                                .where(PoolPatent.pool_id == pool.id)):
        counts[member_id][0 if essential else 1] += 1
    found = []
    for member in members:
        essential, other = counts[member.id]
        if pool.split_rule == "patent_count":
            found.append((member, Decimal(essential + other), f"{essential + other} patents"))
        elif pool.split_rule == "essential_weight":
            weight = essential * pool.essential_weight + other * pool.non_essential_weight
            basis = (f"{essential} essential × {_n(pool.essential_weight)} + {other} × "
                     f"{_n(pool.non_essential_weight)} = {_n(weight)}")
            found.append((member, weight, basis))
        else:
            found.append((member, member.fixed_share or Decimal(0), f"fixed share {_n(member.fixed_share or Decimal(0))}"))
    if pool.split_rule == "fixed_shares":
        total = sum((w for _, w, _ in found), Decimal(0))
        if total != 1:
            raise InvalidInput(f"the members' fixed shares add up to {total}, not 1", field="fixed_share")
    return found


def record_payment(session: Session, actor: Principal, licence_id, amount_yuan, paid_on, note: str | None = None) -> dict:
    """A royalty or fee paid under a package licence, split among the members at once (sum = payment exactly)."""
    require(actor, POOLS_MANAGE)
    licence = session.get(PoolLicence, fields.integer(licence_id, "licence_id", 1, 2**31, True))
    if licence is None:
        raise NotFound(f"pool licence {licence_id} not found", field="licence_id")
    if licence.kind != "package":
        raise InvalidInput("royalties are paid under package licences; a cross-licence among members has none",
                           field="licence_id")
    amount = fields.money(amount_yuan, "amount_yuan")
    if amount <= 0:
        raise InvalidInput("amount_yuan must be more than zero", field="amount_yuan")
    paid = fields.date(paid_on, "paid_on")
    if paid < licence.signed_on:
        raise InvalidInput(f"paid_on {paid} is before the licence was signed ({licence.signed_on})", field="paid_on")
    pool = session.get(PatentPool, licence.pool_id)
    shares = weights(session, pool)
    total = sum((w for _, w, _ in shares), Decimal(0))
    if total <= 0:
        raise InvalidInput(f"pool {pool.name} has no weighted member under rule {pool.split_rule} (no patents?)",
                           field="licence_id")
    payment = PoolRoyaltyPayment(licence_id=licence.id, paid_on=paid, amount_yuan=amount,
                                 split_rule=pool.split_rule, note=fields.text(note, "note", False, 2000),
                                 recorded_by=actor.username)
    session.add(payment)
    session.flush()
    amounts = split(amount, [w for _, w, _ in shares])
    allocations = []
    for (member, weight, basis), part in zip(shares, amounts):
        row = PoolRoyaltyAllocation(payment_id=payment.id, member_id=member.id, amount_yuan=part,
                                    basis=f"{basis} / {_n(total)}"[:200])
        session.add(row)
        allocations.append({"member_id": member.id, "amount_yuan": str(part), "basis": row.basis})
    session.flush()
    return {"id": payment.id, "licence_id": licence.id, "paid_on": payment.paid_on.isoformat(),
            "amount_yuan": str(amount), "split_rule": payment.split_rule, "allocations": allocations}


def _readable_members(session: Session, actor: Principal, pool: PatentPool) -> list[int] | None:
    """None: every member's statement (operators); else the member ids of the actor's own organisation."""
    if actor.can(POOLS_MANAGE):
        return None
    require(actor, ORGANISATIONS_DIRECTORY)
    own = list(session.scalars(select(PoolMember.id).where(PoolMember.pool_id == pool.id,
                                                           PoolMember.organisation_id == actor.organisation_id)))
    if not own:
        raise PermissionDenied("royalty statements are for the pool's members and operators only")
    return own


def statements(session: Session, actor: Principal, pool_id, start=None, end=None) -> dict[str, Any]:
    """Per member: each allocation in [start, end] (payment dates) with licensee and basis, and the total."""
    pool = _pool(session, pool_id)
    allowed = _readable_members(session, actor, pool)
    start_day = fields.date(start, "start", False) or dt.date.min
    end_day = fields.date(end, "end", False) or dt.date.max
    if start_day > end_day:
        raise InvalidInput("start is after end", field="start")
    names = dict(session.execute(select(PoolMember.id, Organisation.name)
                                 .join(Organisation, Organisation.id == PoolMember.organisation_id)
                                 .where(PoolMember.pool_id == pool.id)).all())
    rows = session.execute(
        select(PoolRoyaltyAllocation, PoolRoyaltyPayment, PoolLicence)
        .join(PoolRoyaltyPayment, PoolRoyaltyPayment.id == PoolRoyaltyAllocation.payment_id)
        .join(PoolLicence, PoolLicence.id == PoolRoyaltyPayment.licence_id)
        .where(PoolLicence.pool_id == pool.id, PoolRoyaltyPayment.paid_on >= start_day,
               PoolRoyaltyPayment.paid_on <= end_day)
        .order_by(PoolRoyaltyPayment.paid_on, PoolRoyaltyPayment.id, PoolRoyaltyAllocation.member_id)).all()
    by_member: dict[int, dict] = {}
    paid: dict[int, Decimal] = {}
    for member_id, name in sorted(names.items()):
        if allowed is None or member_id in allowed:
            by_member[member_id] = {"member_id": member_id, "organisation": name, "lines": [],
                                    "total_yuan": Decimal(0)}
    for allocation, payment, licence in rows:
        paid[payment.id] = payment.amount_yuan
        statement = by_member.get(allocation.member_id)
        if statement is None:
            continue
        statement["lines"].append({"payment_id": payment.id, "paid_on": payment.paid_on.isoformat(),
                                   "licensee": licence.licensee, "payment_yuan": str(payment.amount_yuan),
                                   "amount_yuan": str(allocation.amount_yuan), "basis": allocation.basis})
        statement["total_yuan"] += allocation.amount_yuan
    members = list(by_member.values())
    for statement in members:
        statement["total_yuan"] = str(statement["total_yuan"])
    return {"pool_id": pool.id, "pool": pool.name, "start": start_day.isoformat() if start else None,
            "end": end_day.isoformat() if end else None, "members": members,
            "payments_yuan": str(sum(paid.values(), Decimal(0))) if allowed is None else None}


def list_pools(session: Session, actor: Principal) -> list[dict]:
    require(actor, ORGANISATIONS_DIRECTORY)
    pools = list(session.scalars(select(PatentPool).order_by(PatentPool.name)))
    members = defaultdict(int)
    patents = defaultdict(int)
    for pool_id, in session.execute(select(PoolMember.pool_id)):
        members[pool_id] += 1
    for pool_id, in session.execute(select(PoolPatent.pool_id)):
        patents[pool_id] += 1
    return [{**pool_dict(p), "members": members[p.id], "patents": patents[p.id]} for p in pools]


def get_pool(session: Session, actor: Principal, pool_id) -> dict:
    require(actor, ORGANISATIONS_DIRECTORY)
    pool = _pool(session, pool_id)
    view = pool_dict(pool)
    patent_rows = session.execute(select(PoolPatent, Patent).join(Patent, Patent.id == PoolPatent.patent_id)
                                  .where(PoolPatent.pool_id == pool.id)
                                  .order_by(PoolPatent.essential.desc(), PoolPatent.patent_id)).all()
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for row, _ in patent_rows:
        counts[row.member_id][0] += 1
        counts[row.member_id][1] += int(row.essential)
    view["members"] = [_member_dict(m, name, *counts[m.id]) for m, name in session.execute(
        select(PoolMember, Organisation.name).join(Organisation, Organisation.id == PoolMember.organisation_id)
        .where(PoolMember.pool_id == pool.id).order_by(PoolMember.id))]
    view["patents"] = [_patent_dict(row, patent) for row, patent in patent_rows]
    view["licences"] = [_licence_dict(l) for l in session.scalars(
        select(PoolLicence).where(PoolLicence.pool_id == pool.id).order_by(PoolLicence.signed_on, PoolLicence.id))]
    return view
