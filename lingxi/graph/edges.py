"""The knowledge graph's edges, each defined as a set-based query over the relational tables.

There is no separate graph store: an edge kind is a pair of columns (one per end) over a join, so the graph is always
the live data (a deal signed a second ago is an edge now) and a neighbourhood is one indexed query per edge kind that
touches the node's type. Node ids are "type:key" strings: patent:12, org:5 (an organisation party), person:7 (a
talent), taxon:chain_ev:battery (a chain node), demand:3, deal:4, pledge:2, product:1.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import String, cast, literal, select, tuple_, union_all
from sqlalchemy.orm import Session, aliased

from lingxi.db import in_batches
from lingxi.db.models import (
    Deal,
    DealPatent,
    Demand,
    FinanceProduct,
    FinancialInstitution,
    MatchFeedback,
    Organisation,
    Party,
    Patent,
    PatentCitation,
    PatentParty,
    PatentTag,
    PledgeRecord,
    Talent,
    TalentMention,
)
from lingxi.market.deal_states import LICENCE_KINDS

NODE_TYPES = ("patent", "org", "person", "taxon", "demand", "deal", "pledge", "product")
# Demands, deals and pledges are records of single enterprises: only roles that read every file see them.
CONFIDENTIAL_TYPES = frozenset({"demand", "deal", "pledge"})
EDGE_KINDS = ("ownership", "inventorship", "affiliation", "citation", "tagged", "transfer", "licence", "deal_party",
              "pledge", "pledge_product", "product_of", "match", "demand_of")


@dataclass(frozen=True)
class EdgeSpec:
    kind: str
    a_type: str
    b_type: str
    # builds the select of (a key, b key[, kind]) restricted to one side's keys: (side, keys) → Select
    query: Callable[[str, list], object]
    directed: bool = False  # a → b reads "a cites b", "a owns b" …


def _pairs(a_col, b_col, base_from, where=()):
    """A query factory for the common shape: two columns over a join, filtered by one side's keys."""

    def build(side: str, keys: list):
        column = a_col if side == "a" else b_col
        statement = select(a_col, b_col).select_from(base_from)
        for clause in where:
            statement = statement.where(clause)
        return statement.where(column.in_(keys))

    return build


_cited = aliased(Patent)
_supplier_org = aliased(Organisation)
_counter_org = aliased(Organisation)


def _citation(side: str, keys: list):
    statement = (select(PatentCitation.patent_id, _cited.id)
                 .join(_cited, _cited.number_base == PatentCitation.cited_base)
                 .where(PatentCitation.cited_base.is_not(None)))
    if side == "a":
        return statement.where(PatentCitation.patent_id.in_(keys))
    # cited side: go through the cited patents' number_base so the citations' cited_base index answers
    bases = select(Patent.number_base).where(Patent.id.in_(keys), Patent.number_base.is_not(None))
    return statement.where(PatentCitation.cited_base.in_(bases), _cited.id.in_(keys))


def _tagged(side: str, keys: list):
    taxon = PatentTag.taxonomy_name + ":" + PatentTag.node_key
    statement = select(PatentTag.patent_id, taxon).where(PatentTag.status != "rejected",
                                                         PatentTag.taxonomy_name.like("chain%"))
    if side == "a":
        return statement.where(PatentTag.patent_id.in_(keys))
    pairs = [tuple(str(k).split(":", 1)) for k in keys if ":" in str(k)]
    return statement.where(tuple_(PatentTag.taxonomy_name, PatentTag.node_key).in_(pairs)) if pairs else \
        statement.where(PatentTag.id < 0)


def _deal_patent(kinds: Iterable[str]):
    return _pairs(DealPatent.deal_id, DealPatent.patent_id, DealPatent.__table__.join(Deal, Deal.id == DealPatent.deal_id),
                  (Deal.kind.in_(tuple(kinds)), Deal.state != "cancelled"))


def _deal_party(side: str, keys: list):
    # either end of a deal that is a registered organisation with a patent party
    supplier = (select(Deal.id, _supplier_org.party_id)
                .join(_supplier_org, _supplier_org.id == Deal.supplier_organisation_id)
                .where(_supplier_org.party_id.is_not(None)))
    counter = (select(Deal.id, _counter_org.party_id)
               .join(_counter_org, _counter_org.id == Deal.counterparty_organisation_id)
               .where(_counter_org.party_id.is_not(None)))
    if side == "a":
        return supplier.where(Deal.id.in_(keys)).union_all(counter.where(Deal.id.in_(keys)))
    return supplier.where(_supplier_org.party_id.in_(keys)).union_all(counter.where(_counter_org.party_id.in_(keys)))


_product_org = aliased(Organisation)

SPECS: tuple[EdgeSpec, ...] = (
    EdgeSpec("ownership", "org", "patent", _pairs(
        PatentParty.party_id, PatentParty.patent_id, PatentParty.__table__.join(Party, Party.id == PatentParty.party_id),
        (PatentParty.role.in_(("applicant", "assignee")), Party.kind == "organisation")), directed=True),
    EdgeSpec("inventorship", "person", "patent", _pairs(
        TalentMention.talent_id, TalentMention.patent_id, TalentMention.__table__), directed=True),
    EdgeSpec("affiliation", "person", "org", _pairs(
        Talent.id, Talent.main_affiliation_party_id, Talent.__table__, (Talent.main_affiliation_party_id.is_not(None),)),
        directed=True),
    EdgeSpec("citation", "patent", "patent", _citation, directed=True),
    EdgeSpec("tagged", "patent", "taxon", _tagged, directed=True),
    EdgeSpec("transfer", "deal", "patent", _deal_patent(("transfer", "equity"))),
    EdgeSpec("licence", "deal", "patent", _deal_patent(LICENCE_KINDS)),
    EdgeSpec("deal_party", "deal", "org", _deal_party),
    EdgeSpec("pledge", "pledge", "patent", _pairs(PledgeRecord.id, PledgeRecord.patent_id, PledgeRecord.__table__)),
    EdgeSpec("pledge_product", "pledge", "product", _pairs(
        PledgeRecord.id, PledgeRecord.product_id, PledgeRecord.__table__, (PledgeRecord.product_id.is_not(None),))),
    EdgeSpec("product_of", "product", "org", _pairs(
        FinanceProduct.id, _product_org.party_id,
        FinanceProduct.__table__.join(FinancialInstitution, FinancialInstitution.id == FinanceProduct.institution_id)
        .join(_product_org, _product_org.id == FinancialInstitution.organisation_id),
        (_product_org.party_id.is_not(None),))),
    EdgeSpec("match", "demand", "patent", _pairs(
        MatchFeedback.demand_id, MatchFeedback.patent_id, MatchFeedback.__table__,
        (MatchFeedback.demand_id.is_not(None), MatchFeedback.verdict.in_(("interested", "contacted"))))),
    EdgeSpec("demand_of", "demand", "org", _pairs(
        Demand.id, Organisation.party_id, Demand.__table__.join(Organisation, Organisation.id == Demand.organisation_id),
        (Organisation.party_id.is_not(None),))),
)


@dataclass(frozen=True)
class Edge:
    source: str  # node id
    target: str
    kind: str


def parse_node(node_id: str) -> tuple[str, object]:
    """("patent", 12) from "patent:12"; taxon keys stay text ("chain_ev:battery")."""
    from lingxi.errors import InvalidInput

    node_type, sep, key = str(node_id).partition(":")
    if not sep or node_type not in NODE_TYPES or not key:
        raise InvalidInput(f"node {node_id!r} is not TYPE:KEY with TYPE one of {', '.join(NODE_TYPES)}", field="node")
    if node_type == "taxon":
        return node_type, key
    try:
        return node_type, int(key)
    except ValueError:
        raise InvalidInput(f"node {node_id!r}: the key of a {node_type} is a number", field="node") from None


def expand(session: Session, node_type: str, keys: list, *, types: frozenset[str], kinds: frozenset[str] | None,
           limit: int) -> list[Edge]:
    """Edges from the given nodes (all of one type) to nodes of the allowed types, at most `limit` per edge kind.

    Every applicable edge kind is one branch of a single UNION ALL, so a neighbourhood is one round trip to the
    database (on PostgreSQL a round trip costs more than the indexed lookups themselves)."""
    edges: list[Edge] = []
    if not keys:
        return edges
    branches = []
    for spec in SPECS:
        if kinds is not None and spec.kind not in kinds:
            continue
        for side, own, other in (("a", spec.a_type, spec.b_type), ("b", spec.b_type, spec.a_type)):
            if own != node_type or other not in types:
                continue
            if spec.a_type == spec.b_type and side == "b" and not spec.directed:
                continue
            branches.append((len(branches), spec, side))
    if not branches:
        return edges
    for part in in_batches(keys, 500):
        selects = []
        for number, spec, side in branches:
            inner = spec.query(side, part).limit(limit).subquery()
            a_col, b_col = list(inner.c)[:2]
            selects.append(select(literal(number).label("branch"), cast(a_col, String).label("a"),
                                  cast(b_col, String).label("b")))
        statement = selects[0] if len(selects) == 1 else union_all(*selects)
        for number, a_key, b_key in session.execute(statement):
            if a_key is None or b_key is None:
                continue
            spec = branches[number][1]
            edges.append(Edge(f"{spec.a_type}:{a_key}", f"{spec.b_type}:{b_key}", spec.kind))
    return edges
