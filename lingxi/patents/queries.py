"""Read-side services for patents: look one up by any of its numbers, describe it, count the collection."""

from __future__ import annotations

from typing import Any

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from lingxi.db.models import Party, Patent, PatentCitation, PatentParty, PatentRevision
from lingxi.patents.numbers import (
    InvalidNumber,
    PublicationNumber,
    parse_application_number,
    parse_publication_number,
)
from lingxi.patents.records import jsonable
from lingxi.patents.store import SCALAR_FIELDS, load_patent

# When a number matches several publications (A and B), show the most advanced one.
_KIND_PREFERENCE = {"B": 0, "C": 1, "U": 2, "S": 3, "Y": 4, "A": 9}


def find_patent(session: Session, identifier: str) -> Patent | None:
    """A patent by publication number in any common format, application number, external id or internal id."""
    identifier = identifier.strip()
    for key in [identifier, f"ID:{identifier}", *(n.key for n in _publication_readings(identifier))]:
        patent = session.execute(select(Patent).where(Patent.key == key)).scalar_one_or_none()
        if patent is not None:
            return patent
    for number in _publication_readings(identifier):
        found = session.execute(select(Patent).where(Patent.number_base == number.base)).scalars().all()
        if found:
            return _most_advanced(found)
    for country in (None, "CN", "US"):
        try:
            application = parse_application_number(identifier, country).key
        except InvalidNumber:
            continue
        found = session.execute(select(Patent).where(Patent.application_number == application)).scalars().all()
        if found:
            return _most_advanced(found)
    if identifier.isdigit():
        return session.get(Patent, int(identifier))
    return None


def _publication_readings(identifier: str) -> list[PublicationNumber]:
    """The ways a number can be read: as written, or as a bare CN or US number."""
    readings = []
    for country in (None, "CN", "US"):
        try:
            number = parse_publication_number(identifier, country)
        except InvalidNumber:
            continue
        if number not in readings:
            readings.append(number)
    return readings


def _most_advanced(patents: list[Patent]) -> Patent:
    return min(patents, key=lambda p: _KIND_PREFERENCE.get((p.kind_code or "A")[0], 5))


def patent_detail(session: Session, patent_id: int) -> dict[str, Any]:
    """Everything known about a patent, as JSON-ready data (the CLI's --json and the API share it)."""
    patent = load_patent(session, patent_id)
    parties = {p.id: p for p in session.execute(
        select(Party).where(Party.id.in_([m.party_id for m in patent.parties]))
    ).scalars()}
    detail: dict[str, Any] = {"id": patent.id, "key": patent.key}
    detail.update({name: getattr(patent, name) for name in SCALAR_FIELDS})
    detail["classifications"] = [
        {"scheme": c.scheme, "code": c.code, "is_main": c.is_main} for c in patent.classifications
    ]
    detail["parties"] = [_mention(m, parties[m.party_id]) for m in patent.parties]
    detail["citations"] = [_citation(c) for c in patent.citations]
    detail["cited_by"] = _forward_citations(session, patent)
    detail["legal_events"] = [
        {"date": e.date, "code": e.code, "description": e.description, "event_class": e.event_class}
        for e in patent.legal_events
    ]
    detail["family"] = _family(session, patent)
    detail["revisions"] = [
        {"changed_at": r.changed_at, "job_id": r.job_id, "fields": sorted(r.changes)}
        for r in session.execute(
            select(PatentRevision).where(PatentRevision.patent_id == patent.id).order_by(PatentRevision.id)
        ).scalars()
    ]
    detail["created_at"], detail["updated_at"] = patent.created_at, patent.updated_at
    return jsonable(detail)


def _mention(mention: PatentParty, party: Party) -> dict[str, Any]:
    return {
        "role": mention.role,
        "name": mention.name,
        "party_id": party.id,
        "party_name": party.name,
        "party_type": party.party_type,
        "province": party.province,
        "city": party.city,
        "country": mention.country,
        "state": mention.state,
        "location_city": mention.city,
    }


def _citation(c: PatentCitation) -> dict[str, Any]:
    return {
        "number": c.number, "country": c.country, "kind": c.kind, "date": c.date, "name": c.name,
        "category": c.category, "npl_text": c.npl_text, "cited_base": c.cited_base,
    }


def _forward_citations(session: Session, patent: Patent) -> list[dict[str, Any]]:
    if not patent.number_base:
        return []
    rows = session.execute(
        select(Patent.key, Patent.title, Patent.publication_date, PatentCitation.category)
        .join(PatentCitation, PatentCitation.patent_id == Patent.id)
        .where(PatentCitation.cited_base == patent.number_base)
        .order_by(Patent.publication_date, Patent.key)
    )
    return [{"key": k, "title": t, "publication_date": d, "category": c} for k, t, d, c in rows]


def _family(session: Session, patent: Patent) -> list[dict[str, Any]]:
    if not patent.application_number:
        return []
    rows = session.execute(
        select(Patent.key, Patent.kind_code, Patent.publication_date)
        .where(Patent.application_number == patent.application_number, Patent.id != patent.id)
        .order_by(Patent.publication_date)
    )
    return [{"key": k, "kind_code": kind, "publication_date": d} for k, kind, d in rows]


def collection_stats(session: Session) -> dict[str, Any]:
    """Counts by document type, country, filing year, language, legal status, applicant type and province."""
    year = func.coalesce(
        func.extract("year", Patent.application_date), func.extract("year", Patent.publication_date)
    )
    stats: dict[str, Any] = {
        "patents": session.scalar(select(func.count(Patent.id))),
        "parties": session.scalar(select(func.count(Party.id))),
        "by_doc_type": _grouped(session, Patent.doc_type),
        "by_country": _grouped(session, Patent.country),
        "by_language": _grouped(session, Patent.language),
        "by_legal_status": _grouped(session, Patent.legal_status),
        "by_year": {
            str(int(y)) if y is not None else "unknown": n
            for y, n in session.execute(select(year, func.count(Patent.id)).group_by(year).order_by(year))
        },
    }
    applicant_type = session.execute(
        select(Party.party_type, func.count(distinct(PatentParty.patent_id)))
        .join(PatentParty, PatentParty.party_id == Party.id)
        .where(PatentParty.role.in_(("applicant", "assignee")))
        .group_by(Party.party_type)
        .order_by(Party.party_type)
    )
    stats["by_applicant_type"] = {t: n for t, n in applicant_type}
    province = session.execute(
        select(Party.province, func.count(distinct(PatentParty.patent_id)))
        .join(PatentParty, PatentParty.party_id == Party.id)
        .where(PatentParty.role.in_(("applicant", "assignee")), Party.province.is_not(None))
        .group_by(Party.province)
        .order_by(func.count(distinct(PatentParty.patent_id)).desc())
    )
    stats["by_province"] = {p: n for p, n in province}
    return stats


def _grouped(session: Session, column) -> dict[str, int]:
    rows = session.execute(select(column, func.count(Patent.id)).group_by(column).order_by(column))
    return {(value if value is not None else "unknown"): n for value, n in rows}
