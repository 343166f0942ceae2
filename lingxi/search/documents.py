"""Patents from the store → keyword-index documents, a batch of ids at a time (three queries per batch)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

import tantivy
from sqlalchemy import select
from sqlalchemy.orm import Session

from lingxi.db.models import Party, Patent, PatentClassification, PatentParty
from lingxi.search.analysis import bigram_tokens, index_word_tokens
from lingxi.search.fields import class_hierarchy, date_int, legal_status_terms, region_term
from lingxi.search.keyword import sample_bucket

BATCH = 1000
OWNER_ROLES = ("applicant", "assignee")

_PATENT_COLUMNS = (
    Patent.id, Patent.key, Patent.publication_number, Patent.number_base, Patent.external_id,
    Patent.application_number, Patent.country, Patent.kind_code, Patent.doc_type, Patent.application_date,
    Patent.publication_date, Patent.grant_date, Patent.title, Patent.abstract, Patent.claims, Patent.first_claim,
    Patent.language, Patent.legal_status,
)


def claims_text(claims: list | None, first_claim: str | None) -> str:
    if claims:
        return "\n".join(str(c) for c in claims)
    return first_claim or ""


def batches(session: Session, ids: list[int] | None = None) -> Iterator[list[int]]:
    """Patent ids in batches: the given ones, or every patent in the store in id order."""
    if ids is None:
        ids = list(session.scalars(select(Patent.id).order_by(Patent.id)))
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def load_documents(session: Session, ids: list[int]) -> list[tantivy.Document]:
    classifications: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for patent_id, scheme, code in session.execute(
        select(PatentClassification.patent_id, PatentClassification.scheme, PatentClassification.code)
        .where(PatentClassification.patent_id.in_(ids))
    ):
        classifications[patent_id].append((scheme, code))
    mentions: dict[int, list[tuple]] = defaultdict(list)
    for row in session.execute(
        select(PatentParty.patent_id, PatentParty.role, PatentParty.name, Party.id, Party.party_type,
               Party.province, Party.city)
        .join(Party, Party.id == PatentParty.party_id)
        .where(PatentParty.patent_id.in_(ids), PatentParty.role.in_((*OWNER_ROLES, "inventor")))
        .order_by(PatentParty.patent_id, PatentParty.id)
    ):
        mentions[row[0]].append(row[1:])
    rows = session.execute(select(*_PATENT_COLUMNS).where(Patent.id.in_(ids)).order_by(Patent.id))
    return [_document(row, classifications[row.id], mentions[row.id]) for row in rows]


def _document(row, classifications: list[tuple[str, str]], mentions: list[tuple]) -> tantivy.Document:
    doc = tantivy.Document()
    doc.add_unsigned("id", row.id)
    doc.add_unsigned("bucket", sample_bucket(row.id))
    owners = [m for m in mentions if m[0] in OWNER_ROLES]
    inventors = [m for m in mentions if m[0] == "inventor"]
    texts = {
        "ti": row.title,
        "ab": row.abstract or "",
        "cl": claims_text(row.claims, row.first_claim),
        "ap": "\n".join(dict.fromkeys(m[1] for m in owners)),
        "inv": "\n".join(dict.fromkeys(m[1] for m in inventors)),
    }
    for field, text in texts.items():
        if text:
            doc.add_text(field, " ".join(index_word_tokens(text)))
            doc.add_text(f"{field}_bg", " ".join(bigram_tokens(text)))
    for value in _numbers(row):
        doc.add_text("pn", value)
    for value in _application_numbers(row.application_number):
        doc.add_text("an", value)
    _add_classifications(doc, classifications)
    _add_codes(doc, "kind", {row.kind_code.upper(), row.kind_code[:1].upper()} if row.kind_code else set())
    _add_codes(doc, "doc_type", {row.doc_type} if row.doc_type else set())
    _add_codes(doc, "country", {row.country.upper()} if row.country else set())
    _add_codes(doc, "lang", {row.language.lower()} if row.language else set())
    _add_codes(doc, "ls", set(legal_status_terms(row.legal_status)))
    for party_id in dict.fromkeys(m[2] for m in owners):
        doc.add_unsigned("ap_party", party_id)
    _add_codes(doc, "apt", {m[3] for m in owners if m[3]})
    _add_codes(doc, "prov", {region_term(m[4]) for m in owners if m[4]})
    _add_codes(doc, "city", {region_term(m[5]) for m in owners if m[5]})
    for field, day in (("ad", row.application_date), ("pd", row.publication_date), ("gd", row.grant_date)):
        if day is not None:
            doc.add_integer(field, date_int(day))
    year_day = row.application_date or row.publication_date
    if year_day is not None:
        doc.add_integer("year", year_day.year)
    newest = row.publication_date or row.grant_date or row.application_date
    doc.add_integer("date", date_int(newest) if newest else 0)
    return doc


def _add_codes(doc: tantivy.Document, field: str, values: set[str]) -> None:
    for value in sorted(values):
        doc.add_text(field, value)


def _numbers(row) -> set[str]:
    """Publication number terms: the key (CN108982325A), the base without kind (CN108982325), the external id."""
    values = {row.key.upper()}
    if row.number_base:
        values.add(row.number_base.upper())
    if row.external_id:
        values.add(f"ID:{row.external_id}".upper())
    return values


def _application_numbers(number: str | None) -> set[str]:
    """CN201810855386.2 is also found as CN201810855386 (the check digit is often left out)."""
    if not number:
        return set()
    number = number.upper()
    return {number, number.split(".")[0]}


def _add_classifications(doc: tantivy.Document, classifications: list[tuple[str, str]]) -> None:
    fields = {"IPC": "ipc", "CPC": "cpc"}
    terms: dict[str, set[str]] = {"ipc": set(), "cpc": set()}
    for scheme, code in classifications:
        field = fields.get((scheme or "").upper())
        if field:
            terms[field].update(class_hierarchy(code))
    for field, values in terms.items():
        _add_codes(doc, field, values)
    # Facets count IPC; a document with only CPC codes (some US data) is counted by its CPC codes instead.
    codes = terms["ipc"] or terms["cpc"]
    _add_codes(doc, "ipc_section", {c for c in codes if len(c) == 1})
    _add_codes(doc, "ipc_class", {c for c in codes if len(c) == 3})
    _add_codes(doc, "ipc_subclass", {c for c in codes if len(c) == 4 and c[3].isalpha()})
