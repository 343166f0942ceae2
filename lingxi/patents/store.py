"""Write canonical records to the database, a batch per transaction, idempotently.

A record whose key is new is inserted; one whose content is unchanged is left alone; one that differs is
merged into the stored patent (fields the newer record lacks keep their stored value, so a partial export
never erases data) and the change is kept as a PatentRevision.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session, selectinload

from lingxi.db.bulk import portable_date, portable_json, tuple_insert
from lingxi.db.models import (
    Patent,
    PatentCitation,
    PatentClassification,
    PatentLegalEvent,
    PatentParty,
    PatentRevision,
)
from lingxi.parties.identity import describe_party
from lingxi.parties.resolver import PartyResolver, mention_party
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
_DATE_FIELDS = frozenset({"application_date", "publication_date", "grant_date"})
_JSON_FIELDS = frozenset({"claims", "priority_claims", "extra"})

IMPORT_CACHE_KIB = 64 * 1024
IMPORT_CHECKPOINT_BYTES = 40 * 10**6  # of WAL between checkpoints (10,000 pages of 4 KiB, 2,441 of 16 KiB)

# The rows of one record as encode_record() lays them out: tuples in these column orders, values in the
# portable form of lingxi.db.bulk (dates as ISO strings, JSON as text). The writer adds the ids.
PATENT_COLUMNS = ("key", "number_base", "content_hash", *SCALAR_FIELDS)
CLASSIFICATION_COLUMNS = ("scheme", "code", "is_main", "sequence")
MENTION_COLUMNS = ("role", "name", "sequence", "country", "state", "city", "address")  # after the party row
CITATION_COLUMNS = ("sequence", "number", "cited_base", "country", "kind", "date", "name", "category", "npl_text")
EVENT_COLUMNS = ("date", "code", "description", "event_class")


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
        self._checkpoint_pages: int | None = None  # WAL pages between checkpoints while importing (see _tune)

    def write(self, batch: list[PreparedRecord]) -> BatchCounts:
        """Store one batch (keys unique within it) in the caller's transaction."""
        self._tune()
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

    def _tune(self) -> None:
        """On SQLite, a bigger page cache and fewer, larger WAL checkpoints while importing.

        Batches touch index pages all over the parties and patents indexes: with the default 2 MB cache
        they are read again and again, and with a checkpoint every 4 MB of WAL the same hot pages are
        copied into the database file after nearly every batch. relax() restores the defaults.
        """
        connection = self.session.connection()
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
            if self._checkpoint_pages is None:
                page_size = connection.exec_driver_sql("PRAGMA page_size").scalar() or 4096
                self._checkpoint_pages = max(1000, IMPORT_CHECKPOINT_BYTES // page_size)
            connection.exec_driver_sql(f"PRAGMA wal_autocheckpoint = {self._checkpoint_pages}")

    def relax(self) -> None:
        """Back to SQLite's default cache and checkpoint sizes (call in a transaction after the import)."""
        connection = self.session.connection()
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA cache_size = -2000")
            connection.exec_driver_sql("PRAGMA wal_autocheckpoint = 1000")

    def _stored_hashes(self, keys: list[str]) -> dict[str, tuple[int, str]]:
        connection = self.session.connection()
        mark = "?" if connection.dialect.name == "sqlite" else "%s"
        found: dict[str, tuple[int, str]] = {}
        # Plain SQL: compiling a 1,000-value IN list costs more than running it.
        for start in range(0, len(keys), 1000):
            chunk = tuple(keys[start : start + 1000])
            sql = f"SELECT key, id, content_hash FROM patents WHERE key IN ({', '.join([mark] * len(chunk))})"
            for key, patent_id, digest in connection.exec_driver_sql(sql, chunk):
                found[key] = (patent_id, digest)
        return found

    def _insert(self, batch: list[PreparedRecord]) -> None:
        encoded = [p.rows if p.rows is not None else encode_record(p) for p in batch]
        job = (self.job_id,)
        connection = self.session.connection()
        insert = tuple_insert(connection, Patent.__table__, (*PATENT_COLUMNS, "last_job_id"))
        ids = dict(insert.insert_returning(connection, [rows[0] + job for rows in encoded], ("key", "id")))
        self._insert_children([(ids[rows[0][0]], rows) for rows in encoded])

    def _insert_children(self, items: list[tuple[int, tuple]]) -> None:
        """Classifications, party mentions, citations and legal events of (patent id, encoded rows) pairs."""
        party_ids = self.parties.resolve_parties([(m[0], m[2]) for _, rows in items for m in rows[2]])
        classifications, mentions, citations, events = [], [], [], []
        for patent_id, (_, record_classifications, record_mentions, record_citations, record_events) in items:
            first = (patent_id,)
            classifications += [first + row for row in record_classifications]
            mentions += [(patent_id, party_ids[m[0][:2]]) + m[1:] for m in record_mentions]
            citations += [first + row for row in record_citations]
            events += [first + row for row in record_events]
        connection = self.session.connection()
        for model, names, rows in (
            (PatentClassification, CLASSIFICATION_COLUMNS, classifications),
            (PatentParty, ("party_id", *MENTION_COLUMNS), mentions),
            (PatentCitation, CITATION_COLUMNS, citations),
            (PatentLegalEvent, EVENT_COLUMNS, events),
        ):
            if rows:
                tuple_insert(connection, model.__table__, ("patent_id", *names)).insert(connection, rows)

    def _patent_row(self, prepared: PreparedRecord) -> dict[str, Any]:
        record = prepared.record
        row = {name: getattr(record, name) for name in SCALAR_FIELDS}
        row.update(key=prepared.key, number_base=prepared.number_base, content_hash=prepared.content_hash)
        row["last_job_id"] = self.job_id
        return row

    def _merge_into(self, patent_id: int, prepared: PreparedRecord) -> bool:
        """Merge a newer record into a stored patent; False when the merge changes nothing."""
        old = load_record(self.session, patent_id)
        new = prepared.record if prepared.record is not None else record_from_rows(prepared.rows)
        merged = merge_records(old, new)
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
        self._insert_children([(patent_id, encode_record(merged_prepared))])
        self.session.execute(
            insert(PatentRevision), [{"patent_id": patent_id, "job_id": self.job_id, "changes": changes}]
        )
        return True


def encode_record(prepared: PreparedRecord) -> tuple:
    """The rows of a prepared record: (patent, classifications, mentions, citations, legal events).

    Plain tuples in the column orders above, values in portable form, each mention led by its party row
    (resolver.PARTY_COLUMNS). A parse worker builds them, so the importing process only adds ids and writes.
    """
    record = prepared.record
    patent = (prepared.key, prepared.number_base, prepared.content_hash) + tuple(
        [convert(getattr(record, name)) if convert else getattr(record, name) for name, convert in _SCALARS]
    )
    context = _organisation_context(record)
    return (
        patent,
        [(c.scheme, c.code, c.is_main, c.sequence) for c in record.classifications],
        [
            (mention_party(m.role, m.name, context), m.role, m.name, m.sequence, m.country, m.state, m.city, m.address)
            for m in record.parties
        ],
        [
            (
                c.sequence, c.number, cited_base(c.number, c.country) if c.number else None, c.country, c.kind,
                portable_date(c.date), c.name, c.category, c.npl_text,
            )
            for c in record.citations
        ],
        [(portable_date(e.date), e.code, e.description, e.event_class) for e in record.legal_events],
    )


_SCALARS = tuple(
    (name, portable_date if name in _DATE_FIELDS else portable_json if name in _JSON_FIELDS else None)
    for name in SCALAR_FIELDS
)


def record_from_rows(rows: tuple) -> PatentRecord:
    """The record encode_record() was given (the inverse, for merging a worker's record into a stored one)."""
    patent, classifications, mentions, citations, events = rows
    fields = dict(zip(PATENT_COLUMNS, patent, strict=True))
    for name in ("key", "number_base", "content_hash"):
        del fields[name]
    for name in _DATE_FIELDS:
        fields[name] = _date_of(fields[name])
    for name in _JSON_FIELDS:
        fields[name] = None if fields[name] is None else json.loads(fields[name])
    return PatentRecord(
        **fields,
        classifications=[Classification(*row) for row in classifications],
        parties=[PartyMention(*m[1:]) for m in mentions],
        citations=[
            Citation(sequence, number, country, kind, _date_of(date), name, category, npl_text)
            for sequence, number, _, country, kind, date, name, category, npl_text in citations
        ],
        legal_events=[
            LegalEvent(_date_of(date), code, description, event_class) for date, code, description, event_class in events
        ],
    )


def _date_of(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


def _organisation_context(record: PatentRecord) -> str | None:
    for mention in record.parties:
        if mention.role in ("applicant", "assignee"):
            identity = describe_party(mention.name, mention.role)
            if identity.kind == "organisation":
                return identity.key
    return None


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


def _in_stored_order(rows: list) -> list:
    return sorted(rows, key=lambda row: row.id)


def record_from_patent(patent: Patent) -> PatentRecord:
    """The record as it was written: lists in insertion (id) order, which is the record's own order.

    (The relationships order classifications and citations by sequence, which interleaves the schemes of
    classifications; a record rebuilt in that order would differ from the stored one and look changed.)
    """
    fields = {name: getattr(patent, name) for name in SCALAR_FIELDS}
    fields["claims"] = list(fields["claims"] or [])
    fields["priority_claims"] = list(fields["priority_claims"] or [])
    fields["extra"] = dict(fields["extra"] or {})
    return PatentRecord(
        **fields,
        classifications=[
            Classification(scheme=c.scheme, code=c.code, is_main=c.is_main, sequence=c.sequence)
            for c in _in_stored_order(patent.classifications)
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
            for c in _in_stored_order(patent.citations)
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
