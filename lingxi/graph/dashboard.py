"""Dashboards of the visual hub for a chain or a region: live counts over the graph's tables.

Every figure is a query at request time (no cached snapshot), so a deal signed, a patent imported or a talent
rebuild shows on the next page load. Aggregates only, so every role with STATS_READ (regulators too) sees them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import distinct, extract, func, select
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.accounts.roles import STATS_READ, require
from lingxi.db.models import (
    DealPatent,
    Demand,
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
    TaxonomyNodeRow,
    TaxonomyVersion,
)
from lingxi.errors import InvalidInput
from lingxi.patents.inventions import invention_key_sql

OWNER_ROLES = ("applicant", "assignee")


def _scope(chain: str | None, region: str | None):
    if bool(chain) == bool(region):
        raise InvalidInput("give exactly one of chain (TAXONOMY[:NODE]) or region (PROVINCE[/CITY])", field="scope")
    if chain:
        taxonomy, _, node = chain.partition(":")
        patents = select(PatentTag.patent_id).where(PatentTag.taxonomy_name == taxonomy,
                                                    PatentTag.status != "rejected")
        if node:
            patents = patents.where(PatentTag.node_key == node)
        return patents
    province, _, city = region.partition("/")
    patents = (select(PatentParty.patent_id).join(Party, Party.id == PatentParty.party_id)
               .where(PatentParty.role.in_(OWNER_ROLES), Party.province == province))
    if city:
        patents = patents.where(Party.city == city)
    return patents


def dashboard(session: Session, actor: Principal, *, chain: str | None = None, region: str | None = None,
              top: int = 10) -> dict[str, Any]:
    require(actor, STATS_READ)
    scope = _scope(chain, region)
    in_scope = Patent.id.in_(scope)
    counts = {
        "patents": session.scalar(select(func.count()).select_from(Patent).where(in_scope)) or 0,
        "organisations": session.scalar(
            select(func.count(distinct(PatentParty.party_id))).join(Party, Party.id == PatentParty.party_id)
            .where(PatentParty.patent_id.in_(scope), PatentParty.role.in_(OWNER_ROLES),
                   Party.kind == "organisation")) or 0,
        "talents": session.scalar(select(func.count(distinct(TalentMention.talent_id)))
                                  .where(TalentMention.patent_id.in_(scope))) or 0,
        "citations": session.scalar(select(func.count()).select_from(PatentCitation)
                                    .where(PatentCitation.patent_id.in_(scope))) or 0,
        "deals": session.scalar(select(func.count(distinct(DealPatent.deal_id)))
                                .where(DealPatent.patent_id.in_(scope))) or 0,
        "pledges": session.scalar(select(func.count()).select_from(PledgeRecord)
                                  .where(PledgeRecord.patent_id.in_(scope))) or 0,
        "matches": session.scalar(select(func.count()).select_from(MatchFeedback)
                                  .where(MatchFeedback.patent_id.in_(scope),
                                         MatchFeedback.verdict.in_(("interested", "contacted")))) or 0,
    }
    if chain:
        taxonomy, _, node = chain.partition(":")
        demands = select(func.count()).select_from(Demand).where(Demand.chain_taxonomy == taxonomy)
        if node:
            demands = demands.where(Demand.chain_node == node)
    else:
        province, _, city = region.partition("/")
        demands = (select(func.count()).select_from(Demand).join(Organisation, Organisation.id == Demand.organisation_id)
                   .where(Organisation.province == province))
        if city:
            demands = demands.where(Organisation.city == city)
    counts["demands"] = session.scalar(demands) or 0

    year = extract("year", Patent.application_date)
    by_year = [{"year": int(y), "patents": n} for y, n in session.execute(
        select(year, func.count()).where(in_scope, Patent.application_date.is_not(None)).group_by(year).order_by(year))]
    top_orgs = [{"id": f"org:{pid}", "name": name, "patents": n} for pid, name, n in session.execute(
        select(Party.id, Party.name, func.count(distinct(PatentParty.patent_id)))
        .join(PatentParty, PatentParty.party_id == Party.id)
        .where(PatentParty.patent_id.in_(scope), PatentParty.role.in_(OWNER_ROLES), Party.kind == "organisation")
        .group_by(Party.id, Party.name).order_by(func.count(distinct(PatentParty.patent_id)).desc(), Party.id)
        .limit(top))]
    inventions = func.count(distinct(invention_key_sql()))  # a talent's A and B publication are one patent
    top_talents = [{"id": tid, "name": name, "affiliation": aff, "patents": n} for tid, name, aff, n in session.execute(
        select(Talent.id, Talent.name, Talent.main_affiliation, inventions)
        .join(TalentMention, TalentMention.talent_id == Talent.id).join(Patent, Patent.id == TalentMention.patent_id)
        .where(TalentMention.patent_id.in_(scope))
        .group_by(Talent.id, Talent.name, Talent.main_affiliation)
        .order_by(inventions.desc(), Talent.id).limit(top))]
    result = {"scope": {"chain": chain, "region": region}, "counts": counts, "by_year": by_year,
              "top_organisations": top_orgs, "top_talents": top_talents}
    if chain:
        taxonomy, _, node = chain.partition(":")
        names = dict(session.execute(
            select(TaxonomyNodeRow.key, TaxonomyNodeRow.name_zh).join(
                TaxonomyVersion, TaxonomyVersion.id == TaxonomyNodeRow.taxonomy_id)
            .where(TaxonomyVersion.name == taxonomy).order_by(TaxonomyVersion.version)).all())
        result["nodes"] = [{"key": key, "name": names.get(key, key), "patents": n} for key, n in session.execute(
            select(PatentTag.node_key, func.count(distinct(PatentTag.patent_id)))
            .where(PatentTag.taxonomy_name == taxonomy, PatentTag.status != "rejected")
            .group_by(PatentTag.node_key).order_by(func.count(distinct(PatentTag.patent_id)).desc()))]
    return result
