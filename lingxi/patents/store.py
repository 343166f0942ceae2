"""Write canonical records to the database, a batch per transaction, idempotently.

A record whose key is new is inserted; one whose content is unchanged is left alone; one that differs is
merged into the stored patent (fields the newer record lacks keep their stored value, so a partial export
never erases data) and the change is kept as a PatentRevision.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session, selectinload

from lingxi.db.bulk import bulk_insert, bulk_insert_returning
from lingxi.db.models import (
    Patent,
    PatentCitation,
    PatentClassification,
    PatentLegalEvent,
    PatentParty,
    PatentRevision,
)
from lingxi.parties.identity import describe_party
from lingxi.parties.resolver import PartyResolver, mention_identity
from lingxi.patents.normalise import PreparedRecord, prepare
from lingxi.patents.numbers import InvalidNumber, parse_publication_number
from lingxi.patents.records import Citation, Classification, LegalEvent, PartyMention, PatentRecord, jsonable

# Columns of `patents` that mirror PatentRecord fields one to one.
SCALAR_FIELDS = (
    "publication_number",
    "external_id",
    "country",
    "kind_code",
    "doc_type",
    "application_number",
    "application_date",
    "publication_date",
    "grant_date",
    "title",
    "abstract",
    "claims",
    "first_claim",
    "description",
    "language",
    "legal_status",
    "family_id",
    "priority_claims",
    "extra",
    "source_format",
)


@dataclass
class BatchCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0


class PatentWriter:
    def __init__(self, session: Session, job_id: int | None):
        self.session = session
        self.job_id = job_id
        self.parties = PartyResolver(session)

    def write(self, batch: list[PreparedRecord]) -> BatchCounts:
        """Store one batch (keys unique within it) in the caller's transaction."""
        counts = BatchCounts()
        stored = self._stored_hashes([p.key for p in batch])
        fresh = []
        for prepared in batch:
            if prepared.key not in stored:
                fresh.append(prepared)
            elif stored[prepared.key][1] == prepared.content_hash:
                counts.unchanged += 1
            elif self._merge_into(stored[prepared.key][0], prepared):
                counts.updated += 1
            else:
                counts.unchanged += 1
        if fresh:
            self._insert(fresh)
            counts.new += len(fresh)
        return counts

    def _stored_hashes(self, keys: list[str]) -> dict[str, tuple[int, str]]:
        rows = self.session.execute(select(Patent.key, Patent.id, Patent.content_hash).where(Patent.key.in_(keys)))
        return {key: (patent_id, digest) for key, patent_id, digest in rows}

    def _insert(self, batch: list[PreparedRecord]) -> None:
        rows = [self._patent_row(p) for p in batch]
        ids = dict(bulk_insert_returning(self.session.connection(), Patent.__table__, rows, ("key", "id")))
        self._insert_children([(ids[p.key], p.record) for p in batch])

    def _patent_row(self, prepared: PreparedRecord) -> dict[str, Any]:
        record = prepared.record
        row = {name: getattr(record, name) for name in SCALAR_FIELDS}
        row.update(key=prepared.key, number_base=prepared.number_base, content_hash=prepared.content_hash)
        row["last_job_id"] = self.job_id
        return row

    def _insert_children(self, items: list[tuple[int, PatentRecord]]) -> None:
        party_ids = self._resolve_parties(items)
        classifications, mentions, citations, events = [], [], [], []
        for patent_id, record in items:
            context = _organisation_context(record)
            classifications += [_classification_row(patent_id, c) for c in record.classifications]
            for mention in record.parties:
                identity = mention_identity(mention.role, mention.name, context)
                party_id = party_ids[(identity.kind, identity.key)]
                mentions.append(_mention_row(patent_id, party_id, mention))
            citations += [_citation_row(patent_id, c) for c in record.citations]
            events += [_event_row(patent_id, e) for e in record.legal_events]
        for model, rows in (
            (PatentClassification, classifications),
            (PatentParty, mentions),
            (PatentCitation, citations),
            (PatentLegalEvent, events),
        ):
            bulk_insert(self.session.connection(), model.__table__, rows)

    def _resolve_parties(self, items: list[tuple[int, PatentRecord]]) -> dict[tuple[str, str], int]:
        pairs = []
        for _, record in items:
            context = _organisation_context(record)
            pairs += [(mention_identity(m.role, m.name, context), m.name) for m in record.parties]
        return self.parties.resolve(pairs) if pairs else {}

    def _merge_into(self, patent_id: int, prepared: PreparedRecord) -> bool:
        """Merge a newer record into a stored patent; False when the merge changes nothing."""
        old = load_record(self.session, patent_id)
        merged = merge_records(old, prepared.record)
        merged_prepared = prepare(merged)
        changes = diff_records(old, merged)
        if not changes:
            self.session.execute(
                update(Patent).where(Patent.id == patent_id).values(content_hash=merged_prepared.content_hash)
            )
            return False
        row = self._patent_row(merged_prepared)
        self.session.execute(update(Patent).where(Patent.id == patent_id).values(**row))
        for model in (PatentClassification, PatentParty, PatentCitation, PatentLegalEvent):
            self.session.execute(delete(model).where(model.patent_id == patent_id))
        self._insert_children([(patent_id, merged)])
        self.session.execute(
            insert(PatentRevision), [{"patent_id": patent_id, "job_id": self.job_id, "changes": changes}]
        )
        return True


def _organisation_context(record: PatentRecord) -> str | None:
    for mention in record.parties:
        if mention.role in ("applicant", "assignee"):
            identity = describe_party(mention.name, mention.role)
            if identity.kind == "organisation":
                return identity.key
    return None


def _classification_row(patent_id: int, c: Classification) -> dict[str, Any]:
    return {"patent_id": patent_id, "scheme": c.scheme, "code": c.code, "is_main": c.is_main, "sequence": c.sequence}


def _mention_row(patent_id: int, party_id: int, m: PartyMention) -> dict[str, Any]:
    return {
        "patent_id": patent_id,
        "party_id": party_id,
        "role": m.role,
        "name": m.name,
        "sequence": m.sequence,
        "country": m.country,
        "state": m.state,
        "city": m.city,
        "address": m.address,
    }


def _citation_row(patent_id: int, c: Citation) -> dict[str, Any]:
    row = {**vars(c), "patent_id": patent_id}
    row["cited_base"] = cited_base(c.number, c.country) if c.number else None
    return row


def _event_row(patent_id: int, e: LegalEvent) -> dict[str, Any]:
    return {"patent_id": patent_id, **vars(e)}


@lru_cache(maxsize=200_000)
def cited_base(number: str, country: str | None) -> str | None:
    """Country+serial of a cited document, to join with Patent.number_base; None when unparseable."""
    try:
        return parse_publication_number(number, country).base
    except InvalidNumber:
        return None


def load_patent(session: Session, patent_id: int) -> Patent:
    """A stored patent with its classifications, party mentions, citations and legal events loaded."""
    return session.execute(
        select(Patent)
        .where(Patent.id == patent_id)
        .options(
            selectinload(Patent.classifications),
            selectinload(Patent.parties),
            selectinload(Patent.citations),
            selectinload(Patent.legal_events),
        )
    ).scalar_one()


def load_record(session: Session, patent_id: int) -> PatentRecord:
    """Rebuild the canonical record of a stored patent (the inverse of writing it)."""
    return record_from_patent(load_patent(session, patent_id))


def record_from_patent(patent: Patent) -> PatentRecord:
    fields = {name: getattr(patent, name) for name in SCALAR_FIELDS}
    fields["claims"] = list(fields["claims"] or [])
    fields["priority_claims"] = list(fields["priority_claims"] or [])
    fields["extra"] = dict(fields["extra"] or {})
    return PatentRecord(
        **fields,
        classifications=[
            Classification(scheme=c.scheme, code=c.code, is_main=c.is_main, sequence=c.sequence)
            for c in patent.classifications
        ],
        parties=[
            PartyMention(
                role=m.role, name=m.name, sequence=m.sequence, country=m.country, state=m.state, city=m.city,
                address=m.address,
            )
            for m in patent.parties
        ],
        citations=[
            Citation(
                sequence=c.sequence, number=c.number, country=c.country, kind=c.kind, date=c.date, name=c.name,
                category=c.category, npl_text=c.npl_text,
            )
            for c in patent.citations
        ],
        legal_events=[
            LegalEvent(date=e.date, code=e.code, description=e.description, event_class=e.event_class)
            for e in patent.legal_events
        ],
    )


def _present(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}


def merge_records(old: PatentRecord, new: PatentRecord) -> PatentRecord:
    """The newer record wins field by field; what it lacks keeps the stored value."""
    merged = {}
    for field in dataclasses.fields(PatentRecord):
        old_value, new_value = getattr(old, field.name), getattr(new, field.name)
        if field.name == "extra":
            merged[field.name] = {**(old_value or {}), **(new_value or {})}
        else:
            merged[field.name] = new_value if _present(new_value) else old_value
    return PatentRecord(**merged)


def diff_records(old: PatentRecord, new: PatentRecord) -> dict[str, dict[str, Any]]:
    before, after = jsonable(old.to_dict()), jsonable(new.to_dict())
    return {name: {"old": before[name], "new": after[name]} for name in after if before[name] != after[name]}
