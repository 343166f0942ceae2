"""Hand-built patents, holders, events and tags for the value-operations tests (real tables, no mocks)."""

from __future__ import annotations

import datetime as dt
import itertools

from lingxi.db.models import (
    Party,
    Patent,
    PatentClassification,
    PatentLegalEvent,
    PatentParty,
    PatentTag,
    TaxonomyVersion,
)

TODAY = dt.date(2026, 6, 1)
_counter = itertools.count(1)


def years_before(years: float, today: dt.date = TODAY) -> dt.date:
    return today - dt.timedelta(days=round(years * 365.25))


def chain_taxonomy(session, name: str = "chain_test") -> None:
    session.add(TaxonomyVersion(name=name, version=1, kind="chain", title_zh="测试产业链", yaml_text="",
                                content_hash=name))
    session.add(TaxonomyVersion(name="sei_2018", version=1, kind="classification", title_zh="战略性新兴产业",
                                yaml_text="", content_hash="sei"))
    session.flush()


def party(session, name: str, party_type: str, province: str | None = "青峦", city: str | None = "云川") -> Party:
    found = Party(kind="organisation", cluster_key=name, name=name, party_type=party_type, province=province,
                  city=city)
    session.add(found)
    session.flush()
    return found


def patent(session, holder: Party, *, doc_type: str = "invention", country: str = "CN", status: str = "granted",
           filed_years_ago: float = 6, granted_years_ago: float | None = 4, events=(), family_id: str | None = None,
           ipc=("H01M4/525",), tags=(), title: str = "一种电池") -> Patent:
    number = next(_counter)
    granted = years_before(granted_years_ago) if granted_years_ago is not None else None
    row = Patent(key=f"{country}{900000 + number}B", publication_number=f"{country}{900000 + number}B",
                 country=country, kind_code="B", doc_type=doc_type, application_number=f"APP{number}",
                 application_date=years_before(filed_years_ago), publication_date=granted, grant_date=granted,
                 title=f"{title} {number}", legal_status=status, family_id=family_id, content_hash=str(number),
                 claims=[])
    session.add(row)
    session.flush()
    session.add(PatentParty(patent_id=row.id, party_id=holder.id, role="applicant", name=holder.name))
    for sequence, code in enumerate(ipc):
        session.add(PatentClassification(patent_id=row.id, scheme="IPC", code=code, is_main=sequence == 0,
                                         sequence=sequence))
    for event_class, years_ago in events:
        session.add(PatentLegalEvent(patent_id=row.id, date=years_before(years_ago) if years_ago is not None else None,
                                     description=event_class, event_class=event_class))
    for taxonomy, node in tags:
        session.add(PatentTag(patent_id=row.id, taxonomy_name=taxonomy, taxonomy_version=1, node_key=node,
                              confidence=0.9, source="rule", evidence={}, status="proposed"))
    session.flush()
    return row
