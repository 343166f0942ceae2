"""Patent reading for the interfaces, with the permission checks every caller must pass."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.accounts.roles import PATENTS_READ, STATS_READ, require
from lingxi.db.models import Patent
from lingxi.db.pagination import Page, paginate
from lingxi.errors import NotFound
from lingxi.patents.queries import collection_stats, find_patent, patent_detail, patent_detail_or_none

SUMMARY_FIELDS = ("id", "key", "publication_number", "title", "doc_type", "country", "application_date",
                  "publication_date", "legal_status", "language")


def patent_summary(patent: Patent) -> dict[str, Any]:
    return {name: getattr(patent, name) for name in SUMMARY_FIELDS}


def get_patent(session: Session, actor: Principal, identifier: str | int) -> dict[str, Any]:
    require(actor, PATENTS_READ)
    if isinstance(identifier, int):  # the detail's own first query tells whether the patent exists
        detail = patent_detail_or_none(session, identifier)
    else:
        patent = find_patent(session, identifier)
        detail = patent_detail(session, patent.id) if patent is not None else None
    if detail is None:
        raise NotFound(f"no patent found for {identifier!r}")
    return detail


def list_patents(session: Session, actor: Principal, q: str | None = None, page: int = 1, page_size: int = 20,
                 doc_type: str | None = None, country: str | None = None) -> Page[dict[str, Any]]:
    """Newest first; `q` matches words in titles and abstracts (the search layer does the real searching)."""
    require(actor, PATENTS_READ)
    statement = select(Patent).order_by(Patent.publication_date.desc().nulls_last(), Patent.id.desc())
    for word in (q or "").split():
        statement = statement.where(or_(Patent.title.contains(word), Patent.abstract.contains(word)))
    if doc_type:
        statement = statement.where(Patent.doc_type == doc_type)
    if country:
        statement = statement.where(Patent.country == country.upper())
    return paginate(session, statement, page, page_size).map(patent_summary)


def statistics(session: Session, actor: Principal) -> dict[str, Any]:
    require(actor, STATS_READ)
    return collection_stats(session)
