"""Read-side services for patents: look one up by any of its numbers, describe it, count the collection."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, distinct, func, select
from sqlalchemy.exc import NoResultFound
from sqlalchemy.orm import Session

from lingxi.db import read_connection
from lingxi.db.models import (
    Party,
    Patent,
    PatentCitation,
    PatentClassification,
    PatentLegalEvent,
    PatentParty,
    PatentRevision,
)
from lingxi.db.prebuilt import PrebuiltSelect
from lingxi.patents.numbers import (
    InvalidNumber,
    PublicationNumber,
    parse_application_number,
    parse_publication_number,
)
from lingxi.patents.records import jsonable
from lingxi.patents.store import SCALAR_FIELDS

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


# The detail's queries, built once: a detail page is read far more often than anything else, and building and
# caching the statements plus loading ORM objects for the relationships was most of its cost (10 ORM queries
# 3.9 ms on the demo data; these plain rows 0.6 ms). Orders are those of the Patent relationships. On SQLite they
# run through the driver (lingxi.db.prebuilt), with the same values (demo data: 0.97 → 0.33 ms CPU per detail).
_ID = bindparam("patent_id")
_PATENT_KEYS = ("id", "key", "number_base", *SCALAR_FIELDS, "created_at", "updated_at")
_PATENT = PrebuiltSelect(select(*(Patent.__table__.c[name] for name in _PATENT_KEYS)).where(Patent.id == _ID))
_CLASSIFICATIONS = PrebuiltSelect(
    select(PatentClassification.scheme, PatentClassification.code, PatentClassification.is_main)
    .where(PatentClassification.patent_id == _ID)
    .order_by(PatentClassification.sequence, PatentClassification.id))
_PARTIES = PrebuiltSelect(
    select(PatentParty.role, PatentParty.name, Party.id, Party.name, Party.party_type, Party.province,
           Party.city, PatentParty.country, PatentParty.state, PatentParty.city)
    .join(Party, Party.id == PatentParty.party_id)
    .where(PatentParty.patent_id == _ID).order_by(PatentParty.id))
_CITATIONS = PrebuiltSelect(
    select(PatentCitation.number, PatentCitation.country, PatentCitation.kind, PatentCitation.date,
           PatentCitation.name, PatentCitation.category, PatentCitation.npl_text, PatentCitation.cited_base)
    .where(PatentCitation.patent_id == _ID).order_by(PatentCitation.sequence, PatentCitation.id))
_EVENTS = PrebuiltSelect(
    select(PatentLegalEvent.date, PatentLegalEvent.code, PatentLegalEvent.description,
           PatentLegalEvent.event_class)
    .where(PatentLegalEvent.patent_id == _ID).order_by(PatentLegalEvent.id))
_FORWARD = PrebuiltSelect(
    select(Patent.key, Patent.title, Patent.publication_date, PatentCitation.category)
    .join(PatentCitation, PatentCitation.patent_id == Patent.id)
    .where(PatentCitation.cited_base == bindparam("number_base"))
    .order_by(Patent.publication_date, Patent.key))
_FAMILY = PrebuiltSelect(
    select(Patent.key, Patent.kind_code, Patent.publication_date)
    .where(Patent.application_number == bindparam("application_number"), Patent.id != _ID)
    .order_by(Patent.publication_date))
_REVISIONS = PrebuiltSelect(
    select(PatentRevision.changed_at, PatentRevision.job_id, PatentRevision.changes)
    .where(PatentRevision.patent_id == _ID).order_by(PatentRevision.id))
_MENTION_KEYS = ("role", "name", "party_id", "party_name", "party_type", "province", "city", "country", "state",
                 "location_city")
_CITATION_KEYS = ("number", "country", "kind", "date", "name", "category", "npl_text", "cited_base")


def patent_detail(session: Session, patent_id: int) -> dict[str, Any]:
    """Everything known about a patent, as JSON-ready data (the CLI's --json and the API share it)."""
    detail = patent_detail_or_none(session, patent_id)
    if detail is None:
        raise NoResultFound(f"no patent with id {patent_id}")
    return detail


def patent_detail_or_none(session: Session, patent_id: int) -> dict[str, Any] | None:
    """patent_detail, or None when there is no such patent (its first query tells, so no lookup beforehand)."""
    connection = read_connection(session)
    ids = {"patent_id": patent_id}
    found = _PATENT.rows(connection, ids)
    if not found:
        return None
    patent = dict(zip(_PATENT_KEYS, found[0]))
    detail: dict[str, Any] = {"id": patent["id"], "key": patent["key"]}
    detail.update({name: patent[name] for name in SCALAR_FIELDS})
    detail["classifications"] = [{"scheme": scheme, "code": code, "is_main": is_main}
                                 for scheme, code, is_main in _CLASSIFICATIONS.rows(connection, ids)]
    detail["parties"] = [dict(zip(_MENTION_KEYS, row)) for row in _PARTIES.rows(connection, ids)]
    detail["citations"] = [dict(zip(_CITATION_KEYS, row)) for row in _CITATIONS.rows(connection, ids)]
    detail["cited_by"] = [] if not patent["number_base"] else [
        {"key": k, "title": t, "publication_date": d, "category": c}
        for k, t, d, c in _FORWARD.rows(connection, {"number_base": patent["number_base"]})]
    detail["legal_events"] = [{"date": date, "code": code, "description": description, "event_class": event_class}
                              for date, code, description, event_class in _EVENTS.rows(connection, ids)]
    detail["family"] = [] if not patent["application_number"] else [
        {"key": k, "kind_code": kind, "publication_date": d}
        for k, kind, d in _FAMILY.rows(connection, ids | {"application_number": patent["application_number"]})]
    detail["revisions"] = [{"changed_at": changed_at, "job_id": job_id, "fields": sorted(changes)}
                           for changed_at, job_id, changes in _REVISIONS.rows(connection, ids)]
    detail["created_at"], detail["updated_at"] = patent["created_at"], patent["updated_at"]
    return jsonable(detail)


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
