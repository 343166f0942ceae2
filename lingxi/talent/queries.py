"""Reading the talent–patent database: lists (all, or per chain for talent introduction 人才引进) and profiles.

Inventor names, affiliations and patents are public patent data, so every role that reads patents reads talents.
Per chain, a talent's output counts only the patents tagged into that chain (or node): a battery chemist's
photovoltaic side project should not rank them in the photovoltaic list.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any, Literal

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.accounts.roles import PATENTS_READ, require
from lingxi.db.models import Party, Patent, PatentParty, PatentTag, Talent, TalentMention
from lingxi.db.pagination import check_paging
from lingxi.errors import InvalidInput, NotFound
from lingxi.patents.inventions import invention_key_sql
from lingxi.value.service import scores_of

Order = Literal["output", "value"]


def talent_summary(row: Talent) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, "patents": row.patent_count, "first_year": row.first_year,
            "last_year": row.last_year, "affiliation": row.main_affiliation,
            "affiliation_party_id": row.main_affiliation_party_id, "province": row.province, "city": row.city,
            "fields": [f for f, _ in row.fields[:3]], "value_score": row.value_score, "value_total": row.value_total,
            "grades": row.grade_counts, "name_frequency": row.name_frequency}


def list_talents(session: Session, actor: Principal, *, chain: str | None = None, order: Order = "output",
                 name: str | None = None, province: str | None = None, page: int = 1,
                 page_size: int = 20) -> dict[str, Any]:
    """One page of talents, most productive (order=output) or most valuable portfolio (order=value) first.

    `chain` is a chain taxonomy name, optionally with a node ("chain_ev:battery"); the counts are then the
    talent's patents in that chain."""
    require(actor, PATENTS_READ)
    check_paging(page, page_size)
    if order not in ("output", "value"):
        raise InvalidInput("order must be output or value", field="order")
    statement = select(Talent)
    if name:
        statement = statement.where(Talent.name.contains(name.strip()))
    if province:
        statement = statement.where(Talent.province == province)
    if not chain:
        ordering = (Talent.patent_count.desc(), Talent.value_total.desc()) if order == "output" else (
            Talent.value_total.desc(), Talent.patent_count.desc())
        total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
        rows = session.scalars(statement.order_by(*ordering, Talent.id)
                               .limit(page_size).offset((page - 1) * page_size)).all()
        return {"items": [talent_summary(r) for r in rows], "total": total, "page": page, "page_size": page_size,
                "pages": max(1, -(-total // page_size)), "chain": None, "order": order}

    taxonomy, _, node = chain.partition(":")
    tagged = select(PatentTag.patent_id).where(PatentTag.taxonomy_name == taxonomy, PatentTag.status != "rejected")
    if node:
        tagged = tagged.where(PatentTag.node_key == node)
    in_chain = (select(TalentMention.talent_id, func.count(distinct(invention_key_sql())).label("n"))
                .join(Patent, Patent.id == TalentMention.patent_id)
                .where(TalentMention.patent_id.in_(tagged)).group_by(TalentMention.talent_id).subquery())
    statement = statement.join(in_chain, in_chain.c.talent_id == Talent.id).add_columns(in_chain.c.n)
    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    if order == "output":
        ordering = (in_chain.c.n.desc(), Talent.value_total.desc())
    else:  # portfolio value inside the chain is the mean score × the chain patents
        ordering = (func.coalesce(Talent.value_score, 0) * in_chain.c.n).desc(), in_chain.c.n.desc()
    rows = session.execute(statement.order_by(*ordering, Talent.id)
                           .limit(page_size).offset((page - 1) * page_size)).all()
    items = []
    for talent, count in rows:
        item = talent_summary(talent)
        item["chain_patents"] = count
        items.append(item)
    return {"items": items, "total": total, "page": page, "page_size": page_size,
            "pages": max(1, -(-total // page_size)), "chain": chain, "order": order}


def talent_profile(session: Session, actor: Principal, talent_id: int) -> dict[str, Any]:
    """Everything about one talent: patents, affiliations by year, fields, chain nodes, value, collaborators."""
    require(actor, PATENTS_READ)
    talent = session.get(Talent, talent_id)
    if talent is None:
        raise NotFound(f"talent {talent_id} not found")
    patent_ids = list(session.scalars(select(TalentMention.patent_id).where(TalentMention.talent_id == talent_id)))
    patents = session.execute(
        select(Patent.id, Patent.publication_number, Patent.title, Patent.application_date, Patent.publication_date,
               Patent.doc_type, Patent.legal_status, invention_key_sql(), Patent.application_number)
        .where(Patent.id.in_(patent_ids)).order_by(Patent.application_date.desc(), Patent.id)).all()
    values = scores_of(session, patent_ids)
    owners = session.execute(
        select(PatentParty.patent_id, Party.id, Party.name)
        .join(Party, Party.id == PatentParty.party_id)
        .where(PatentParty.patent_id.in_(patent_ids), PatentParty.role.in_(("applicant", "assignee")))
        .order_by(PatentParty.patent_id, PatentParty.sequence)).all()
    owners_of: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for patent_id, party_id, name in owners:
        if (party_id, name) not in owners_of[patent_id]:
            owners_of[patent_id].append((party_id, name))
    year_of = {p.id: (p.application_date or p.publication_date).year if (p.application_date or p.publication_date)
               else None for p in patents}
    # an application's A and B publications are one invention: counted once, listed together
    invention_of = {p.id: p[7] for p in patents}
    groups: dict[str, list] = {}
    for p in patents:
        groups.setdefault(p[7], []).append(p)
    by_year: dict[int, Counter] = defaultdict(Counter)
    for publications in groups.values():
        year = next((year_of[p.id] for p in publications if year_of[p.id] is not None), None)
        owned = list(dict.fromkeys(o for p in publications for o in owners_of.get(p.id, [])))
        if year is not None:
            for party_id, name in owned:
                by_year[year][(party_id, name)] += 1
    affiliations = [{"year": year, "organisations": [{"party_id": pid, "name": name, "patents": n}
                                                     for (pid, name), n in counter.most_common()]}
                    for year, counter in sorted(by_year.items())]
    tagged = dict.fromkeys(  # ordered set: (invention, taxonomy, node) once however many publications carry it
        (invention_of[pid], taxonomy, node) for pid, taxonomy, node in session.execute(
            select(PatentTag.patent_id, PatentTag.taxonomy_name, PatentTag.node_key)
            .where(PatentTag.patent_id.in_(patent_ids), PatentTag.status != "rejected",
                   PatentTag.taxonomy_name.like("chain%")).order_by(PatentTag.patent_id, PatentTag.id)))
    chains = Counter((taxonomy, node) for _, taxonomy, node in tagged)
    collaborators = _collaborators(session, talent_id, patent_ids)
    published = {p.id: _publication(p, year_of, owners_of, values) for p in patents}  # listed alone and by invention
    return {
        **talent_summary(talent),
        "patent_count": talent.patent_count,
        "fields": [{"code": f, "patents": n} for f, n in talent.fields],
        "chain_nodes": [{"taxonomy": t, "node": n, "patents": c} for (t, n), c in chains.most_common(12)],
        "patents": list(published.values()),
        "inventions": [{"application": publications[0][8], "key": key,
                        "publications": [published[p.id] for p in publications]}
                       for key, publications in groups.items()],
        "affiliations": affiliations,
        "collaborators": collaborators,
    }


def _publication(p, year_of: dict, owners_of: dict, values: dict) -> dict[str, Any]:
    return {"id": p.id, "number": p.publication_number, "title": p.title, "application": p[8], "invention": p[7],
            "year": year_of[p.id], "doc_type": p.doc_type, "legal_status": p.legal_status,
            "applicants": [name for _, name in owners_of.get(p.id, [])],
            "value_score": values[p.id][0] if p.id in values else None,
            "grade": values[p.id][1] if p.id in values else None}


def _collaborators(session: Session, talent_id: int, patent_ids: list[int], limit: int = 40) -> list[dict[str, Any]]:
    """Co-inventor talents with the number of shared patents: the talent's collaboration network (first ring)."""
    if not patent_ids:
        return []
    shared = func.count(distinct(invention_key_sql()))  # an A+B pair is one shared invention
    rows = session.execute(
        select(Talent.id, Talent.name, Talent.main_affiliation, shared)
        .join(TalentMention, TalentMention.talent_id == Talent.id)
        .join(Patent, Patent.id == TalentMention.patent_id)
        .where(TalentMention.patent_id.in_(patent_ids), Talent.id != talent_id)
        .group_by(Talent.id, Talent.name, Talent.main_affiliation)
        .order_by(shared.desc(), Talent.id).limit(limit)).all()
    return [{"id": r[0], "name": r[1], "affiliation": r[2], "shared_patents": r[3]} for r in rows]


def collaboration_network(session: Session, actor: Principal, talent_id: int, limit: int = 40) -> dict[str, Any]:
    """Nodes and weighted edges among the talent and their collaborators (for the profile's graph)."""
    profile_patents = list(session.scalars(select(TalentMention.patent_id).where(TalentMention.talent_id == talent_id)))
    require(actor, PATENTS_READ)
    centre = session.get(Talent, talent_id)
    if centre is None:
        raise NotFound(f"talent {talent_id} not found")
    ring = _collaborators(session, talent_id, profile_patents, limit)
    ids = [talent_id] + [c["id"] for c in ring]
    pairs = session.execute(
        select(invention_key_sql(), TalentMention.talent_id).join(Patent, Patent.id == TalentMention.patent_id)
        .where(TalentMention.talent_id.in_(ids))).all()
    members: dict[str, set[int]] = defaultdict(set)  # per invention, so an A+B pair weighs one shared patent
    for invention, tid in pairs:
        members[invention].add(tid)
    weights: Counter = Counter()
    for group in members.values():
        ordered = sorted(group)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1:]:
                weights[(a, b)] += 1
    nodes = [{"id": talent_id, "name": centre.name, "affiliation": centre.main_affiliation, "centre": True}] + [
        {"id": c["id"], "name": c["name"], "affiliation": c["affiliation"], "centre": False} for c in ring]
    return {"nodes": nodes, "edges": [{"source": a, "target": b, "weight": w} for (a, b), w in weights.items()]}


def chains_available(session: Session) -> list[str]:
    """Chain taxonomies that have tags, for the list's chain filter."""
    return list(session.scalars(select(PatentTag.taxonomy_name).distinct()
                                .where(PatentTag.taxonomy_name.like("chain%")).order_by(PatentTag.taxonomy_name)))


def chain_titles(session: Session, lang: str = "zh") -> dict[str, str]:
    """taxonomy name → its (latest) title, for showing chains by name rather than by key."""
    from lingxi.db.models import TaxonomyVersion

    titles: dict[str, str] = {}
    for name, zh, en in session.execute(select(TaxonomyVersion.name, TaxonomyVersion.title_zh, TaxonomyVersion.title_en)
                                        .where(TaxonomyVersion.name.like("chain%"))
                                        .order_by(TaxonomyVersion.version)):
        titles[name] = (en or zh) if lang == "en" else zh
    return titles
