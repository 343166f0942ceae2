"""Find or create the normalised party behind each name mention, a batch at a time."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingxi.db.bulk import bulk_insert, bulk_insert_returning
from lingxi.db.models import Party, PartyAlias
from lingxi.parties.identity import PartyIdentity, describe_party, known_organisations_generation


def mention_identity(role: str, name: str, organisation_context: str | None) -> PartyIdentity:
    """The party a mention stands for.

    Inventors with the same name are different people unless they work for the same organisation,
    so an inventor's key carries the first applicant's cluster key (full disambiguation is the talent area's job).
    """
    return _mention_identity(role, name, organisation_context, known_organisations_generation())


@lru_cache(maxsize=200_000)
def _mention_identity(role: str, name: str, organisation_context: str | None, _generation: int) -> PartyIdentity:
    identity = describe_party(name, role)
    if role == "inventor" and identity.kind == "person":
        return dataclasses.replace(identity, key=f"{identity.key}@{organisation_context or ''}")
    return identity


class PartyResolver:
    """Maps identities to party ids; caches what it has seen for the life of one import."""

    def __init__(self, session: Session):
        self.session = session
        self._ids: dict[tuple[str, str], int] = {}
        self._aliases: set[tuple[int, str]] = set()

    def forget(self) -> None:
        """Drop the caches, e.g. after a rolled-back batch whose inserts never happened."""
        self._ids.clear()
        self._aliases.clear()

    def resolve(self, mentions: Iterable[tuple[PartyIdentity, str]]) -> dict[tuple[str, str], int]:
        """Party ids for (identity, raw name) pairs, creating missing parties and aliases."""
        mentions = list(mentions)
        wanted = {(identity.kind, identity.key): identity for identity, _ in mentions}
        self._load_missing(wanted)
        # Aliases record an organisation's name variants; a person's spelling is already on each mention.
        self._add_aliases({(self._ids[(i.kind, i.key)], name) for i, name in mentions if i.kind == "organisation"})
        return self._ids

    def _load_missing(self, wanted: dict[tuple[str, str], PartyIdentity]) -> None:
        missing = [k for k in wanted if k not in self._ids]
        self._fetch_ids(missing)
        to_create = [wanted[k] for k in missing if k not in self._ids]
        if to_create:
            rows = [_party_row(identity) for identity in to_create]
            created = bulk_insert_returning(
                self.session.connection(), Party.__table__, rows, ("kind", "cluster_key", "id")
            )
            self._ids.update(((kind, key), party_id) for kind, key, party_id in created)

    def _fetch_ids(self, keys: list[tuple[str, str]]) -> None:
        # One kind per query so SQLite and PostgreSQL use the (kind, cluster_key) index.
        for kind in sorted({kind for kind, _ in keys}):
            of_kind = [key for k, key in keys if k == kind]
            for chunk in _chunks(of_kind, 500):
                rows = self.session.connection().execute(
                    select(Party.cluster_key, Party.id).where(Party.kind == kind, Party.cluster_key.in_(chunk))
                )
                for key, party_id in rows:
                    self._ids[(kind, key)] = party_id

    def _add_aliases(self, pairs: set[tuple[int, str]]) -> None:
        unknown = pairs - self._aliases
        if not unknown:
            return
        party_ids = sorted({party_id for party_id, _ in unknown})
        for chunk in _chunks(party_ids, 500):
            existing = self.session.execute(
                select(PartyAlias.party_id, PartyAlias.name).where(PartyAlias.party_id.in_(chunk))
            )
            self._aliases.update((party_id, name) for party_id, name in existing)
        new = sorted(pairs - self._aliases)
        if new:
            bulk_insert(self.session.connection(), PartyAlias.__table__, [{"party_id": p, "name": n} for p, n in new])
            self._aliases.update(new)


def _party_row(identity: PartyIdentity) -> dict:
    return {
        "kind": identity.kind,
        "cluster_key": identity.key,
        "name": identity.display_name,
        "party_type": str(identity.type.value),
        "province": identity.province,
        "city": identity.city,
    }


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]
