"""What a navigation analysis is about: a scope written as `kind:value`, resolved to a set of patents.

    chain:chain_pv              every patent tagged (not rejected) with a node of the taxonomy `chain_pv`
    node:chain_pv:pv.cell       the node and the nodes under it (keys `pv.cell`, `pv.cell.*`)
    region:青峦                  patents with an applicant whose province or city is the place (short forms match)
    org:NAME                    patents with the applicant (name or any alias of the party, exact)
    query:TI=(光伏 AND 电池)     a search query in the search language (lingxi/search/query.py), all hits
    import:JOB_ID               the patents last written by an import job
    saved:SAVED_SEARCH_ID       a saved search (已保存检索, lingxi/search/saved.py): the patents its query finds
    all                         every patent

Scopes other than `query:` resolve to a SQL subquery, so analyses filter with `IN (SELECT …)` in the database and
never carry a hundred thousand ids through Python; a query or saved-search scope is a list of ids from the search
indexes (every keyword hit, or a semantic / hybrid search's ranked candidates).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, or_, select, union
from sqlalchemy.orm import Session

from lingxi.db.models import (
    ImportJob,
    Party,
    PartyAlias,
    Patent,
    PatentParty,
    PatentTag,
    SavedSearch,
    TaxonomyNodeRow,
    TaxonomyVersion,
)
from lingxi.errors import InvalidInput, NotFound
from lingxi.kpi.scope import short_place

KINDS = ("chain", "node", "region", "org", "query", "import", "saved", "all")
SCOPE_HELP = ("chain:TAXONOMY | node:TAXONOMY:NODE_KEY | region:PLACE | org:NAME | query:SEARCH QUERY | "
              "import:JOB_ID | saved:SAVED_SEARCH_ID | all")
QUERY_LIMIT = 500_000  # a query scope reads at most this many hits from the index


@dataclass(frozen=True)
class Scope:
    kind: str
    value: str = ""
    node: str | None = None

    @property
    def text(self) -> str:
        if self.kind == "all":
            return "all"
        if self.kind == "node":
            return f"node:{self.value}:{self.node}"
        return f"{self.kind}:{self.value}"

    def label(self, lang: str = "zh", shown: str | None = None) -> str:
        """`chain：光伏`, `区域：青峦`; `shown` is the value as a reader knows it (display_value), else as written."""
        zh = {"chain": "产业链", "node": "产业链节点", "region": "区域", "org": "机构", "query": "检索式",
              "import": "导入批次", "saved": "已保存检索", "all": "全部专利"}
        en = {"chain": "chain", "node": "chain node", "region": "region", "org": "organisation", "query": "query",
              "import": "import job", "saved": "saved search", "all": "all patents"}
        names = zh if lang == "zh" else en
        if self.kind == "all":
            return names["all"]
        shown = shown or (f"{self.value} / {self.node}" if self.kind == "node" else self.value)
        return f"{names[self.kind]}{'：' if lang == 'zh' else ': '}{shown}"


def display_value(session: Session, scope: Scope, lang: str = "zh") -> str | None:
    """The scope's value by its name: a chain's title instead of its key, a node's name, a saved search's name."""
    if scope.kind in ("chain", "node"):
        taxonomy = session.execute(select(TaxonomyVersion).where(TaxonomyVersion.name == scope.value)
                                   .order_by(TaxonomyVersion.version.desc()).limit(1)).scalar()
        if taxonomy is None:
            return None
        title = (taxonomy.title_en if lang == "en" else "") or taxonomy.title_zh
        if scope.kind == "chain":
            return title
        node = session.execute(select(TaxonomyNodeRow).where(TaxonomyNodeRow.taxonomy_id == taxonomy.id,
                                                             TaxonomyNodeRow.key == scope.node)).scalar()
        return f"{title} / {((node.name_en if lang == 'en' else '') or node.name_zh) if node else scope.node}"
    if scope.kind == "saved":
        saved = session.get(SavedSearch, int(scope.value))
        return saved.name if saved else None
    return None


def parse_scope(text: str | None, where: str = "scope") -> Scope:
    """`kind:value` → Scope; a bad one is refused with the accepted forms in the message."""
    text = (text or "").strip()
    if text == "all":
        return Scope("all")
    kind, sep, value = text.partition(":")
    kind, value = kind.strip().lower(), value.strip()
    if not sep or kind not in KINDS or not value:
        raise InvalidInput(f"{where} {text!r} is not a scope; write one of: {SCOPE_HELP}")
    if kind == "node":
        taxonomy, sep, node = value.partition(":")
        if not sep or not taxonomy.strip() or not node.strip():
            raise InvalidInput(f"{where} {text!r}: a node scope is node:TAXONOMY:NODE_KEY, e.g. node:chain_pv:pv.cell")
        return Scope("node", taxonomy.strip(), node.strip())
    if kind in ("import", "saved") and not value.isdigit():
        raise InvalidInput(f"{where} {text!r}: write {kind}:ID with a number, e.g. {kind}:3")
    return Scope(kind, value)


@dataclass
class Resolved:
    """A scope's patents: a subquery of ids (`select`) or, for a query scope, the ids themselves (`ids`)."""

    scope: Scope
    select: Select | None = None
    ids: list[int] | None = None

    def where(self, column):
        """A condition keeping the rows whose patent id column is in the scope."""
        if self.ids is not None:
            return column.in_(self.ids)  # expanding IN; SQLite/psycopg take 100k binds
        return column.in_(self.select)


def resolve(session: Session, scope: Scope, search=None) -> Resolved:
    """The patents of a scope. `search` (a SearchService) is needed only for query scopes."""
    if scope.kind == "all":
        return Resolved(scope, select(Patent.id))
    if scope.kind == "chain":
        return Resolved(scope, select(PatentTag.patent_id).where(
            PatentTag.taxonomy_name == scope.value, PatentTag.status != "rejected").distinct())
    if scope.kind == "node":
        return Resolved(scope, select(PatentTag.patent_id).where(
            PatentTag.taxonomy_name == scope.value, PatentTag.status != "rejected",
            or_(PatentTag.node_key == scope.node, PatentTag.node_key.like(f"{scope.node}.%"))).distinct())
    if scope.kind == "region":
        parties = region_parties(session, scope.value)
        return Resolved(scope, select(PatentParty.patent_id).where(
            PatentParty.role == "applicant", PatentParty.party_id.in_(parties)).distinct())
    if scope.kind == "org":
        parties = org_parties(session, scope.value)
        if not parties:
            raise NotFound(f"scope org:{scope.value}: no applicant of that name (or alias) in the patent store")
        return Resolved(scope, select(PatentParty.patent_id).where(
            PatentParty.role == "applicant", PatentParty.party_id.in_(parties)).distinct())
    if scope.kind == "import":
        job_id = int(scope.value)
        if session.get(ImportJob, job_id) is None:
            raise NotFound(f"scope import:{job_id}: no import job {job_id}")
        return Resolved(scope, select(Patent.id).where(Patent.last_job_id == job_id))
    if scope.kind == "saved":
        from lingxi.search.saved import patent_ids

        saved = saved_search(session, int(scope.value))
        if search is None:
            raise InvalidInput("a saved-search scope needs the search index; run it where the search service is "
                               "available")
        try:
            return Resolved(scope, ids=patent_ids(search, session, saved))
        except ValueError as error:  # QuerySyntaxError, SearchError: the query no longer reads (e.g. a field gone)
            raise InvalidInput(f"scope saved:{saved.id} ({saved.name}): {error}") from None
    if scope.kind == "query":
        if search is None:
            raise InvalidInput("a query scope needs the search index; run it where the search service is available")
        return Resolved(scope, ids=query_ids(search, session, scope.value))
    raise InvalidInput(f"unknown scope kind {scope.kind!r}")


def saved_search(session: Session, saved_id: int) -> SavedSearch:
    """The row only; who may use it is the caller's check (lingxi.search.saved.get_saved_search)."""
    saved = session.get(SavedSearch, saved_id)
    if saved is None:
        raise NotFound(f"scope saved:{saved_id}: no saved search {saved_id}")
    return saved


def region_parties(session: Session, place: str) -> Select:
    """Parties whose province or city is the place, in short form (青峦省 = 青峦, 西安市 = 西安)."""
    short = short_place(place)
    provinces = {p for (p,) in session.execute(select(Party.province).distinct()) if p and short_place(p) == short}
    cities = {c for (c,) in session.execute(select(Party.city).distinct()) if c and short_place(c) == short}
    conditions = []
    if provinces:
        conditions.append(Party.province.in_(provinces))
    if cities:
        conditions.append(Party.city.in_(cities))
    if not conditions:
        raise NotFound(f"scope region:{place}: no applicant is located in {place}")
    return select(Party.id).where(or_(*conditions))


def org_parties(session: Session, name: str) -> list[int]:
    found = union(select(Party.id).where(Party.name == name), select(PartyAlias.party_id).where(PartyAlias.name == name))
    return sorted({pid for (pid,) in session.execute(found)})


def query_ids(search, session: Session, query: str, filters: str | None = None) -> list[int]:
    """Every hit of a search query (the keyword index), not a page of them; `filters` ANDed as the search page does."""

    from lingxi.search.compile import QueryCompiler
    from lingxi.search.query import And, QuerySyntaxError, parse_query

    index, _notes = search.keyword.ensure()
    compiler = QueryCompiler(index.schema, lambda name: search._party_ids(session, name))
    try:
        parts = [parse_query(text) for text in (query, filters) if text and text.strip()]
        if not parts:
            raise InvalidInput("an empty query finds nothing to analyse; the `all` scope is every patent")
        compiled = compiler.compile(parts[0] if len(parts) == 1 else And(tuple(parts)))
    except QuerySyntaxError as error:
        raise InvalidInput(f"scope query:{query}: {error}") from None
    searcher = index.searcher()
    count = searcher.search(compiled, 1, count=True).count or 0
    if not count:
        return []
    result = searcher.search(compiled, min(count, QUERY_LIMIT), count=False)
    return sorted({searcher.doc(address)["id"][0] for _, address in result.hits})


__all__ = ["KINDS", "SCOPE_HELP", "Resolved", "Scope", "parse_scope", "resolve"]
