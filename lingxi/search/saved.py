"""Saved searches (已保存检索): create, list, rename, change, delete and run a user's named searches.

A saved search keeps what the search page ran — query, mode, filters, sort — under a name unique for its owner.
The rules, checked here so the API, the pages, the CLI and navigation obey the same ones:

- anyone who may search (patents.read) keeps their own saved searches;
- operators and admins (searches.read_all) also see and run everyone's, but only the owner renames, changes or
  deletes one; someone else's saved search is PermissionDenied, a missing one NotFound.

Creating, changing and deleting are audited by the ORM flush listener (SavedSearch is `__audited__`).
`patent_ids` is the patent set of a saved search as navigation's `saved:ID` scope analyses it: every hit of a
keyword search (query AND filters), or every ranked candidate of a semantic / hybrid search.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingxi import fields
from lingxi.accounts.principal import Principal
from lingxi.accounts.roles import PATENTS_READ, SEARCHES_READ_ALL, require
from lingxi.db.models import SavedSearch, User
from lingxi.db.pagination import Page, paginate
from lingxi.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from lingxi.search.query import QuerySyntaxError, parse_query
from lingxi.search.service import MAX_PAGE_SIZE, MODES, SORTS, SearchRequest, SearchResponse

NAME_MAX = 200
QUERY_MAX = 4000  # a pasted incoPat/PatSnap query of a few hundred terms fits; a file pasted by mistake does not


@dataclass
class SavedSearchInput:
    """What a user sends; None leaves a field unchanged on update."""

    name: str | None = None
    query: str | None = None
    mode: str | None = None
    filters: str | None = None
    sort: str | None = None


def input_from(values: dict[str, Any]) -> SavedSearchInput:
    known = {k: values[k] for k in ("name", "query", "mode", "filters", "sort") if k in values}
    return SavedSearchInput(**known)


def as_dict(row: SavedSearch, owner: str | None = None) -> dict[str, Any]:
    return {
        "id": row.id, "user_id": row.user_id, "owner": owner, "name": row.name, "query": row.query,
        "mode": row.mode, "filters": row.filters, "sort": row.sort, "scope": f"saved:{row.id}",
        "created_at": row.created_at.isoformat() if row.created_at else None,
        "updated_at": row.updated_at.isoformat() if row.updated_at else None,
    }


def page_as_dicts(session: Session, page: Page) -> Page:
    """A page of rows as dicts with the owner's username (one query for the page)."""
    ids = {row.user_id for row in page.items}
    names = {uid: name for uid, name in session.execute(select(User.id, User.username).where(User.id.in_(ids)))}
    return page.map(lambda row: as_dict(row, names.get(row.user_id)))


def one_as_dict(session: Session, row: SavedSearch) -> dict[str, Any]:
    owner = session.get(User, row.user_id)
    return as_dict(row, owner.username if owner else None)


def sees_all(actor: Principal) -> bool:
    return actor.can(SEARCHES_READ_ALL)


def _is_owner(actor: Principal, row: SavedSearch) -> bool:
    return actor.user_id is not None and row.user_id == actor.user_id


def get_saved_search(session: Session, actor: Principal, saved_id: int) -> SavedSearch:
    """One saved search the actor may read and run: their own, or any for operators and admins."""
    require(actor, PATENTS_READ)
    row = session.get(SavedSearch, saved_id)
    if row is None:
        raise NotFound(f"saved search {saved_id} not found")
    if not (_is_owner(actor, row) or sees_all(actor)):
        raise PermissionDenied(f"saved search {saved_id} belongs to another user")
    return row


def _owned(session: Session, actor: Principal, saved_id: int) -> SavedSearch:
    row = get_saved_search(session, actor, saved_id)
    if not _is_owner(actor, row):
        raise PermissionDenied(f"saved search {saved_id} belongs to another user; only its owner may change it")
    return row


def list_saved_searches(session: Session, actor: Principal, page: int = 1, page_size: int = 50,
                        everyone: bool = False, user_id: int | None = None) -> Page:
    """The actor's saved searches, newest change first; operators may ask for everyone's or one user's."""
    require(actor, PATENTS_READ)
    statement = select(SavedSearch).order_by(SavedSearch.updated_at.desc(), SavedSearch.id.desc())
    if everyone or (user_id is not None and user_id != actor.user_id):
        if not sees_all(actor):
            raise PermissionDenied("only operators and admins may list other users' saved searches")
        if user_id is not None:
            statement = statement.where(SavedSearch.user_id == user_id)
    else:
        statement = statement.where(SavedSearch.user_id == (actor.user_id if actor.user_id is not None else -1))
    return paginate(session, statement, page, page_size)


def create_saved_search(session: Session, actor: Principal, data: SavedSearchInput) -> SavedSearch:
    require(actor, PATENTS_READ)
    if actor.user_id is None:
        raise InvalidInput("a saved search belongs to a user; name one (the command line: --user USERNAME)",
                           field="user")
    row = SavedSearch(user_id=actor.user_id, query="", mode="keyword", sort="relevance")
    _apply(session, row, data, creating=True)
    session.add(row)
    session.flush()
    return row


def update_saved_search(session: Session, actor: Principal, saved_id: int, data: SavedSearchInput) -> SavedSearch:
    row = _owned(session, actor, saved_id)
    _apply(session, row, data, creating=False)
    session.flush()
    return row


def rename_saved_search(session: Session, actor: Principal, saved_id: int, name: str) -> SavedSearch:
    return update_saved_search(session, actor, saved_id, SavedSearchInput(name=name))


def delete_saved_search(session: Session, actor: Principal, saved_id: int) -> dict[str, Any]:
    row = _owned(session, actor, saved_id)
    gone = as_dict(row)
    session.delete(row)
    session.flush()
    return gone


def _apply(session: Session, row: SavedSearch, data: SavedSearchInput, creating: bool) -> None:
    """Check every field first, then set them: a refused change leaves the row as it was."""
    name = row.name if data.name is None else " ".join(str(data.name).split())
    if not name:
        raise InvalidInput("give the saved search a name", field="name")
    if len(name) > NAME_MAX:
        raise InvalidInput(f"a name has at most {NAME_MAX} characters", field="name")
    query = row.query if data.query is None else str(data.query).strip()
    filters = row.filters if data.filters is None else (str(data.filters).strip() or None)
    mode = row.mode if data.mode is None else fields.choice(str(data.mode).lower(), "mode", MODES)
    sort = row.sort if data.sort is None else fields.choice(str(data.sort).lower(), "sort", SORTS)
    for field, text in (("query", query), ("filters", filters)):
        if text and len(text) > QUERY_MAX:
            raise InvalidInput(f"{field} has {len(text):,} characters; at most {QUERY_MAX:,}", field=field)
    if mode == "keyword":
        if not query and not filters:
            raise InvalidInput("a saved keyword search needs a query or filters (saving every patent is the "
                               "`all` scope)", field="query")
        _check_syntax(query, "query")
    elif not query:
        raise InvalidInput(f"a {mode} search needs a sentence to search for", field="query")
    _check_syntax(filters, "filters")
    if name != row.name or creating:
        clash = session.scalar(select(SavedSearch.id).where(SavedSearch.user_id == row.user_id,
                                                            SavedSearch.name == name))
        if clash is not None and clash != row.id:
            raise Conflict(f"you already have a saved search named {name!r} (#{clash})", field="name")
    row.name, row.query, row.filters, row.mode, row.sort = name, query, filters, mode, sort


def _check_syntax(text: str | None, field: str) -> None:
    if not text:
        return
    try:
        parse_query(text)
    except QuerySyntaxError as error:
        raise InvalidInput(f"{field}: {error}", field=field) from None


def search_request(row: SavedSearch, page: int = 1, page_size: int = 20, facets: bool = True,
                   highlight: bool = True) -> SearchRequest:
    return SearchRequest(query=row.query, mode=row.mode, filters=row.filters, sort=row.sort, page=page,
                         page_size=page_size, facets=facets, highlight=highlight)


def run_saved_search(session: Session, actor: Principal, search, saved_id: int, page: int = 1,
                     page_size: int = 20) -> tuple[SavedSearch, SearchResponse]:
    """Run a saved search as the search page would; QuerySyntaxError / SearchError pass through to the caller."""
    row = get_saved_search(session, actor, saved_id)
    return row, search.search_for(actor, search_request(row, page, page_size), session)


def search_link(row: SavedSearch) -> str:
    """The search page URL that shows this saved search's results."""
    from urllib.parse import urlencode

    return "/patents?" + urlencode({"q": row.query, "mode": row.mode, "filters": row.filters or "",
                                    "sort": row.sort, "saved": row.id})


def patent_ids(search, session: Session, row: SavedSearch) -> list[int]:
    """The whole patent set of a saved search (not a page): what `saved:ID` navigation scopes analyse."""
    from lingxi.navigation.scope import query_ids

    if row.mode == "keyword":
        return query_ids(search, session, row.query, row.filters)
    ids: list[int] = []
    page = 1
    while True:  # semantic / hybrid answer a bounded candidate list (a few hundred): read every page of it
        request = search_request(row, page, MAX_PAGE_SIZE, facets=False, highlight=False)
        response = search.search(request, session)
        ids.extend(hit.patent_id for hit in response.hits)
        if page * MAX_PAGE_SIZE >= response.total or not response.hits:
            return sorted(set(ids))
        page += 1


__all__ = [
    "SavedSearchInput",
    "as_dict",
    "create_saved_search",
    "delete_saved_search",
    "get_saved_search",
    "input_from",
    "list_saved_searches",
    "patent_ids",
    "rename_saved_search",
    "run_saved_search",
    "update_saved_search",
]
