"""Build the talent table (`lingxi talent build`): load every inventor mention with its evidence in a few set-based
queries, cluster them (lingxi.talent.disambiguation), and rewrite talents and talent_mentions in one transaction.

The build is a whole rebuild — disambiguation is global (a new patent can join two clusters), so partial updates
would leave stale talents; at 100k patents it takes seconds. Talent ids are therefore only stable between builds.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.accounts.roles import PATENTS_IMPORT, require
from lingxi.db import Database
from lingxi.db.models import Party, Patent, PatentClassification, PatentParty, Talent, TalentMention
from lingxi.patents.inventions import invention_key_sql
from lingxi.talent.disambiguation import Cluster, Mention, cluster_mentions
from lingxi.value.service import scores_of

OWNER_ROLES = ("applicant", "assignee")


def bare_name_key(cluster_key: str) -> str:
    """The name part of a person Party's key. The importer keys a person by name *and* first applicant
    ("王伟@青峦大学"), so the same name at one organisation is one Party and a person who moved is two: talents
    block on the bare name and let the evidence decide both ways."""
    return cluster_key.split("@", 1)[0]


def load_mentions(session: Session) -> tuple[list[Mention], dict[int, dict[str, Any]]]:
    """Every inventor mention as a Mention, plus per-mention facts the aggregates need (party, name, year, owners)."""
    inventor_rows = session.execute(
        select(PatentParty.id, PatentParty.patent_id, PatentParty.party_id, PatentParty.name, PatentParty.city,
               Party.cluster_key, func.coalesce(Patent.application_date, Patent.publication_date), invention_key_sql())
        .join(Party, Party.id == PatentParty.party_id).join(Patent, Patent.id == PatentParty.patent_id)
        .where(PatentParty.role == "inventor")
        .order_by(PatentParty.patent_id, PatentParty.sequence)).all()
    keys_by_patent: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for row in inventor_rows:
        keys_by_patent[row[1]].append((row[0], bare_name_key(row[5])))
    owners: dict[int, list[tuple[int, str, str | None, str | None, str]]] = defaultdict(list)
    for patent_id, party_id, key, province, city, name in session.execute(
            select(PatentParty.patent_id, Party.id, Party.cluster_key, Party.province, Party.city, Party.name)
            .join(Party, Party.id == PatentParty.party_id)
            .where(PatentParty.role.in_(OWNER_ROLES)).order_by(PatentParty.patent_id, PatentParty.sequence)):
        if all(o[0] != party_id for o in owners[patent_id]):
            owners[patent_id].append((party_id, key, province, city, name))
    fields: dict[int, set[str]] = defaultdict(set)
    for patent_id, code in session.execute(
            select(PatentClassification.patent_id, PatentClassification.code)
            .where(PatentClassification.scheme.in_(("IPC", "CPC")))):
        fields[patent_id].add(code.replace(" ", "")[:4])

    mentions: list[Mention] = []
    facts: dict[int, dict[str, Any]] = {}
    for mention_id, patent_id, party_id, name, city, key, day, invention in inventor_rows:
        own = owners.get(patent_id, [])
        region = f"{own[0][2]}/{own[0][3] or ''}" if own and own[0][2] else (f"/{city}" if city else None)
        mentions.append(Mention(
            id=mention_id, name_key=bare_name_key(key), patent_id=patent_id, year=day.year if day else None,
            coinventors=frozenset(k for i, k in keys_by_patent[patent_id] if i != mention_id),
            applicants=frozenset(o[1] for o in own), fields=frozenset(fields.get(patent_id, ())), region=region))
        facts[mention_id] = {"party_id": party_id, "name": name, "owners": own, "invention": invention}
    return mentions, facts


def build_talents(db: Database, actor: Principal) -> dict[str, Any]:
    """Rebuild every talent; returns counts and timings."""
    require(actor, PATENTS_IMPORT)
    started = time.perf_counter()
    with db.sessions() as session:
        mentions, facts = load_mentions(session)
        loaded = time.perf_counter()
        frequency = Counter(m.name_key for m in mentions)
        clusters = cluster_mentions(mentions, frequency)
        clustered = time.perf_counter()
        patent_ids = sorted({m.patent_id for m in mentions})
        values = scores_of(session, patent_ids) if patent_ids else {}
        session.execute(delete(TalentMention))
        session.execute(delete(Talent))
        rows = [_talent_row(cluster, facts, values, frequency) for cluster in clusters]
        for start in range(0, len(rows), 2000):
            part = rows[start:start + 2000]
            ids = list(session.scalars(insert(Talent).returning(Talent.id, sort_by_parameter_order=True), [r for r, _ in part]))
            links = [{"talent_id": talent_id, "patent_party_id": m.id, "patent_id": m.patent_id, "score": score}
                     for talent_id, (_, cluster) in zip(ids, part)
                     for m, score in zip(cluster.mentions, cluster.scores)]
            if links:
                session.execute(insert(TalentMention), links)
        session.commit()
    finished = time.perf_counter()
    people = Counter(m.name_key for m in mentions)
    split = sum(1 for key in people if sum(1 for c in clusters if c.mentions[0].name_key == key) > 1) if len(people) < 50_000 else None
    return {"mentions": len(mentions), "names": len(people), "talents": len(clusters),
            "names_split": split, "load_seconds": round(loaded - started, 3),
            "cluster_seconds": round(clustered - loaded, 3), "write_seconds": round(finished - clustered, 3)}


def _talent_row(cluster: Cluster, facts: dict[int, dict[str, Any]], values: dict[int, tuple[float, str]],
                frequency: Counter) -> tuple[dict[str, Any], Cluster]:
    first = cluster.mentions[0]
    names = Counter(facts[m.id]["name"] for m in cluster.mentions)
    # one entry per invention: its A and B publications name the same people, owners and fields
    inventions: dict[str, list] = {}
    for m in cluster.mentions:
        inventions.setdefault(facts[m.id]["invention"], []).append(m)
    affiliation: Counter = Counter()
    where: dict[int, tuple[str, str | None, str | None]] = {}
    field_counts: Counter = Counter()
    scored: list[tuple[float, str]] = []
    for publications in inventions.values():
        for party_id, _, province, city, name in facts[publications[0].id]["owners"][:1]:
            affiliation[party_id] += 1
            where[party_id] = (name, province, city)
        field_counts.update(dict.fromkeys((f for m in publications for f in m.fields), 1))
        # the invention's value is its best publication's (the grant usually scores higher than the A)
        best = max((values[m.patent_id] for m in publications if m.patent_id in values), default=None,
                   key=lambda v: v[0])
        if best is not None:
            scored.append(best)
    main = affiliation.most_common(1)[0][0] if affiliation else None
    fields = field_counts.most_common(8)
    grades = Counter(g for _, g in scored)
    years = cluster.years
    return ({
        "party_id": facts[first.id]["party_id"], "name": names.most_common(1)[0][0], "name_key": first.name_key,
        "patent_count": len(inventions), "first_year": min(years) if years else None,
        "last_year": max(years) if years else None,
        "main_affiliation": where[main][0] if main else None, "main_affiliation_party_id": main,
        "province": where[main][1] if main else None, "city": where[main][2] if main else None,
        "fields": [[f, n] for f, n in fields],
        "value_score": round(sum(s for s, _ in scored) / len(scored), 2) if scored else None,
        "value_total": round(sum(s for s, _ in scored), 2), "grade_counts": dict(sorted(grades.items())),
        "name_frequency": frequency[first.name_key],
    }, cluster)
