"""Turn an importer's record into its canonical form: numbers normalised, key chosen, gaps inferred.

A record that cannot be made canonical (no title, an invalid number) raises InvalidRecord with a reason
the user can act on; the import reports it and carries on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lingxi.patents.numbers import (
    ApplicationNumber,
    InvalidNumber,
    PublicationNumber,
    doc_type_from_cn_application,
    doc_type_from_kind,
    parse_application_number,
    parse_publication_number,
)
from lingxi.patents.records import PatentRecord, jsonable

_HAN = re.compile(r"[\u4e00-\u9fff]")
_NOT_HAN = re.compile(r"[^\u4e00-\u9fff]+")
_SPACES = re.compile(r"\s+")


class InvalidRecord(ValueError):
    pass


@dataclass
class PreparedRecord:
    """A canonical record with its store key and digest.

    A parse worker sends the store's rows instead of the record (`rows`, see store.encode_record) and leaves
    `record` None: rows cost far less to pass between processes, and the record is rebuilt from them only
    in the rare case that it must be merged into a stored patent.
    """

    record: PatentRecord | None
    key: str
    number_base: str | None
    content_hash: str
    rows: tuple | None = None
    description_left_out: bool = False  # the source had a description the import options left out


def detect_language(text: str) -> str:
    """zh when Han characters make up a noticeable share of the text, else en."""
    sample = text[:400]
    han = len(_NOT_HAN.sub("", sample))  # what is left once everything else goes: 3× faster than findall
    return "zh" if han and han >= len(sample) * 0.1 else "en"


def prepare(record: PatentRecord) -> PreparedRecord:
    record.title = _SPACES.sub(" ", record.title or "").strip()
    if not record.title:
        raise InvalidRecord("record has no title")
    publication = _publication(record)
    application = _application(record, publication)
    if publication is not None:
        record.publication_number = publication.key
        record.country = publication.country
        record.kind_code = publication.kind or record.kind_code
        key, base = publication.key, publication.base
    elif record.external_id:
        key, base = f"ID:{record.external_id.strip()}", None
    else:
        raise InvalidRecord("record has neither a publication number nor an id")
    if application is not None:
        record.application_number = application.key
        record.country = record.country or application.country
    record.doc_type = record.doc_type or _infer_doc_type(record, publication, application)
    if record.claims and not record.first_claim:
        record.first_claim = record.claims[0]
    record.extra = jsonable(record.extra or {})
    record.priority_claims = jsonable(record.priority_claims or [])
    if not record.language:
        record.language = detect_language(f"{record.title} {record.abstract or ''}")
    return PreparedRecord(record, key, base, record.content_hash())


def _publication(record: PatentRecord) -> PublicationNumber | None:
    if not record.publication_number:
        return None
    try:
        number = parse_publication_number(record.publication_number, record.country)
    except InvalidNumber as error:
        raise InvalidRecord(f"invalid publication number: {error}") from None
    if number.kind is None and record.kind_code:
        number = PublicationNumber(number.country, number.serial, record.kind_code.strip().upper())
    return number


def _application(record: PatentRecord, publication: PublicationNumber | None) -> ApplicationNumber | None:
    if not record.application_number:
        return None
    country = record.country or (publication.country if publication else None)
    try:
        return parse_application_number(record.application_number, country)
    except InvalidNumber as error:
        raise InvalidRecord(f"invalid application number: {error}") from None


def _infer_doc_type(
    record: PatentRecord, publication: PublicationNumber | None, application: ApplicationNumber | None
) -> str | None:
    if publication is not None:
        found = doc_type_from_kind(publication.country, publication.kind, publication.serial)
        if found:
            return found
    if application is not None:
        return doc_type_from_cn_application(application)
    return None
