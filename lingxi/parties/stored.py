"""The parties a data directory already holds, found by the key a name reads to.

`lingxi parties cluster --home` and `parties describe --home` use it so an operator's name list is read the way the
platform at that home reads its patents: a name the store knows gets the stored party's id and type (its type may
come from a registered list, e.g. the SOEs of a province, which the name alone does not reveal). Inventors are stored
per organisation (lingxi.parties.resolver), so a person's name alone finds only individual applicants.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from itertools import islice

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from lingxi.db.models import Party, PatentParty
from lingxi.parties.cluster import ClusteredName

_CHUNK = 400  # (kind, key) pairs per query: two bound parameters each, well inside SQLite's limit


@dataclass(frozen=True)
class StoredParty:
    id: int
    name: str
    party_type: str
    province: str | None
    city: str | None
    patents: int


def find_stored_parties(session: Session, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], StoredParty]:
    """The stored party of each ``(kind, cluster_key)`` that has one, with its number of patents."""
    pending = iter(sorted(set(keys)))
    found: dict[tuple[str, str], StoredParty] = {}
    while chunk := list(islice(pending, _CHUNK)):
        parties = session.scalars(select(Party).where(tuple_(Party.kind, Party.cluster_key).in_(chunk))).all()
        counts = session.execute(
            select(PatentParty.party_id, func.count(func.distinct(PatentParty.patent_id)))
            .where(PatentParty.party_id.in_([party.id for party in parties]))
            .group_by(PatentParty.party_id)
        )
        patents = {party_id: count for party_id, count in counts}
        for party in parties:
            found[(party.kind, party.cluster_key)] = StoredParty(
                party.id, party.name, party.party_type, party.province, party.city, patents.get(party.id, 0)
            )
    return found


def _stored_key(name_key: str) -> tuple[str, str]:
    """cluster_names' key of a name (persons prefixed "p:") as the store's (kind, cluster_key)."""
    return ("person", name_key[2:]) if name_key.startswith("p:") else ("organisation", name_key)


def with_stored_parties(session: Session, clustered: list[ClusteredName]) -> list[ClusteredName]:
    """Give each clustered name the stored party it reads to and, for its whole cluster, the stored type.

    A name whose own spelling is not stored takes the party of its cluster that has the most patents, so every
    variant of a known organisation points at it.
    """
    stored = find_stored_parties(session, (_stored_key(c.key) for c in clustered if c.key))
    main_of_cluster: dict[str, StoredParty] = {}
    for c in clustered:
        party = stored.get(_stored_key(c.key)) if c.key else None
        best = main_of_cluster.get(c.cluster_id)
        if party and (best is None or party.patents > best.patents):
            main_of_cluster[c.cluster_id] = party
    out = []
    for c in clustered:
        main = main_of_cluster.get(c.cluster_id)
        if main is None:
            out.append(c)
            continue
        own = stored.get(_stored_key(c.key)) or main
        out.append(replace(c, type=main.party_type, party_id=own.id))
    return out
