"""Which patents are an enterprise's: parties (clustered applicant names) linked to its organisation.

Party clustering (lingxi.parties) already merges the spellings that normalise to one key (有限公司 / 股份有限公司,
full-width brackets …). What it cannot know is that 云川市晶硅科技有限公司 on a 2012 filing and the organisation
云川晶硅科技有限公司 registered on the platform are one company, or that a company renamed itself. So links are
suggested from name similarity of cluster keys (the organisation's name and its profile aliases against every
organisation party) and an operator confirms or rejects each one. The enterprise's patents are the patents whose
applicants or assignees are its confirmed parties, plus organisation.party_id (set when the account was created).
"""

from __future__ import annotations

from difflib import SequenceMatcher

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.db.audit import acting_as
from lingxi.db.base import utcnow
from lingxi.db.models import EnterprisePatentLink, EnterpriseProfile, Organisation, Party, PatentParty
from lingxi.enterprises.access import ENTERPRISE_KINDS, require_file_access, require_operator
from lingxi.errors import InvalidInput, NotFound
from lingxi.parties.names import org_cluster_key

OWNER_ROLES = ("applicant", "assignee")
MIN_SCORE = 0.75  # below this the names share too little to be worth an operator's look
LINK_STATUSES = ("suggested", "confirmed", "rejected")


def linked_party_ids(session: Session, organisation_id: int) -> list[int]:
    """The organisation's own party plus every confirmed link, in a stable order."""
    ids = list(session.scalars(
        select(EnterprisePatentLink.party_id).where(EnterprisePatentLink.organisation_id == organisation_id,
                                                    EnterprisePatentLink.status == "confirmed")
        .order_by(EnterprisePatentLink.party_id)))
    own = session.scalar(select(Organisation.party_id).where(Organisation.id == organisation_id))
    if own is not None and own not in ids:
        ids.insert(0, own)
    return ids


def enterprise_patent_ids(session: Session, organisation_id: int) -> list[int]:
    """Ids of the patents the enterprise holds (as applicant or assignee of a linked party), ascending."""
    parties = linked_party_ids(session, organisation_id)
    if not parties:
        return []
    return list(session.scalars(
        select(PatentParty.patent_id).where(PatentParty.party_id.in_(parties), PatentParty.role.in_(OWNER_ROLES))
        .distinct().order_by(PatentParty.patent_id)))


def _names(session: Session, organisation: Organisation) -> list[str]:
    aliases = session.scalar(select(EnterpriseProfile.aliases)
                             .where(EnterpriseProfile.organisation_id == organisation.id)) or []
    return [organisation.name, *[a for a in aliases if a]]


def _similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    ratio = SequenceMatcher(None, a, b).ratio()
    if a in b or b in a:  # 云川晶硅科技 ⊂ 云川市晶硅科技: one inserted place or word
        ratio = max(ratio, 0.8 + 0.2 * min(len(a), len(b)) / max(len(a), len(b)) - 0.05)
    return ratio


def find_candidates(session: Session, organisation: Organisation, limit: int = 20) -> list[dict]:
    """Organisation parties whose cluster key resembles one of the organisation's names, best first."""
    keys = {key for key in (org_cluster_key(name) for name in _names(session, organisation)) if key}
    found: dict[int, dict] = {}
    for key in keys:
        # Narrow in SQL (same first two characters, or the key's last four inside), score in Python.
        conditions = [Party.cluster_key == key, Party.cluster_key.startswith(key[:2], autoescape=True)]
        if len(key) >= 4:
            conditions.append(Party.cluster_key.contains(key[-4:], autoescape=True))
        rows = session.execute(select(Party.id, Party.name, Party.cluster_key)
                               .where(Party.kind == "organisation", or_(*conditions)).limit(2000))
        for party_id, name, cluster_key in rows:
            score = _similarity(key, cluster_key)
            if score >= MIN_SCORE and score > found.get(party_id, {}).get("score", 0):
                found[party_id] = {"party_id": party_id, "party_name": name, "score": round(score, 3),
                                   "evidence": {"organisation_key": key, "party_key": cluster_key,
                                                "method": "exact cluster key" if score == 1.0 else "name similarity"}}
    if organisation.party_id is not None:
        found.pop(organisation.party_id, None)  # already the organisation's own party
    ranked = sorted(found.values(), key=lambda c: (-c["score"], c["party_id"]))[:limit]
    for candidate in ranked:
        candidate["patents"] = session.scalar(
            select(func.count(func.distinct(PatentParty.patent_id)))
            .where(PatentParty.party_id == candidate["party_id"], PatentParty.role.in_(OWNER_ROLES))) or 0
    return [c for c in ranked if c["patents"]]


def suggest_links(session: Session, actor: Principal, organisation_id: int) -> list[dict]:
    """Store new suggestions (decided links are left alone) and return every link of the organisation."""
    require_operator(actor, "look for an enterprise's patents")
    organisation = _organisation(session, organisation_id)
    acting_as(session, actor)
    existing = {link.party_id: link for link in session.scalars(
        select(EnterprisePatentLink).where(EnterprisePatentLink.organisation_id == organisation_id))}
    for candidate in find_candidates(session, organisation):
        link = existing.get(candidate["party_id"])
        if link is None:
            session.add(EnterprisePatentLink(organisation_id=organisation_id, party_id=candidate["party_id"],
                                             status="suggested", score=candidate["score"],
                                             evidence={**candidate["evidence"], "patents": candidate["patents"]}))
        elif link.status == "suggested":
            link.score = candidate["score"]
    session.flush()
    return list_links(session, actor, organisation_id)


def list_links(session: Session, actor: Principal, organisation_id: int) -> list[dict]:
    require_file_access(actor, organisation_id)
    rows = session.execute(
        select(EnterprisePatentLink, Party.name).join(Party, Party.id == EnterprisePatentLink.party_id)
        .where(EnterprisePatentLink.organisation_id == organisation_id)
        .order_by(EnterprisePatentLink.status, EnterprisePatentLink.score.desc(), EnterprisePatentLink.id))
    return [_link_view(link, name) for link, name in rows]


def decide_link(session: Session, actor: Principal, link_id: int, decision: str) -> dict:
    """An operator confirms or rejects a suggested link (or reverses an earlier decision)."""
    require_operator(actor, "confirm or reject patent links")
    if decision not in ("confirmed", "rejected", "confirm", "reject"):
        raise InvalidInput("decision must be confirm or reject", field="decision")
    link = session.get(EnterprisePatentLink, link_id)
    if link is None:
        raise NotFound(f"patent link {link_id} does not exist")
    acting_as(session, actor)
    link.status = "confirmed" if decision.startswith("confirm") else "rejected"
    link.decided_by = actor.username
    link.decided_at = utcnow()
    session.flush()
    return _link_view(link, session.get(Party, link.party_id).name)


def link_party(session: Session, actor: Principal, organisation_id: int, party_id: int) -> dict:
    """An operator links a party directly (found some other way) as confirmed."""
    require_operator(actor, "link patents to an enterprise")
    _organisation(session, organisation_id)
    party = session.get(Party, party_id)
    if party is None:
        raise NotFound(f"party {party_id} does not exist", field="party_id")
    acting_as(session, actor)
    link = session.scalar(select(EnterprisePatentLink).where(EnterprisePatentLink.organisation_id == organisation_id,
                                                            EnterprisePatentLink.party_id == party_id))
    if link is None:
        link = EnterprisePatentLink(organisation_id=organisation_id, party_id=party_id, score=1.0,
                                    evidence={"method": "linked by an operator"})
        session.add(link)
    link.status, link.decided_by, link.decided_at = "confirmed", actor.username, utcnow()
    session.flush()
    return _link_view(link, party.name)


def _organisation(session: Session, organisation_id: int) -> Organisation:
    organisation = session.get(Organisation, organisation_id)
    if organisation is None or organisation.kind not in ENTERPRISE_KINDS:
        raise NotFound(f"enterprise {organisation_id} does not exist")
    return organisation


def _link_view(link: EnterprisePatentLink, party_name: str) -> dict:
    return {"id": link.id, "organisation_id": link.organisation_id, "party_id": link.party_id,
            "party_name": party_name, "status": link.status, "score": link.score, "evidence": link.evidence,
            "decided_by": link.decided_by, "decided_at": link.decided_at.isoformat() if link.decided_at else None}
