"""Find or create the normalised party behind each name mention, a batch at a time."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingxi.db import in_batches
from lingxi.db.bulk import tuple_insert
from lingxi.db.models import Party, PartyAlias
from lingxi.parties.identity import describe_party, known_organisations_generation

# What a party row holds, in this order: a mention's party as a plain tuple travels cheaply between processes.
PARTY_COLUMNS = ("kind", "cluster_key", "name", "party_type", "province", "city")


def mention_party(role: str, name: str, organisation_context: str | None) -> tuple:
    """The party row (PARTY_COLUMNS) of the party a mention stands for; its first two values are its key."""
    return _mention_party(role, name, organisation_context, known_organisations_generation())


@lru_cache(maxsize=200_000)
def _mention_party(role: str, name: str, organisation_context: str | None, generation: int) -> tuple:
    identity = describe_party(name, role)
    key = identity.key
    # Inventors with the same name are different people unless they work for the same organisation, so an
    # inventor's key carries the first applicant's cluster key (full disambiguation is the talent area's job).
    if role == "inventor" and identity.kind == "person":
        key = f"{key}@{organisation_context or ''}"
    return (identity.kind, key, identity.display_name, str(identity.type.value), identity.province, identity.city)


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

    def resolve_parties(self, mentions: Iterable[tuple[tuple, str]]) -> dict[tuple[str, str], int]:
        """Party ids by (kind, cluster_key) for (party row, raw name) pairs, creating missing parties and aliases.

        A party row is what mention_party() gives. The returned mapping also holds parties seen before.
        """
        ids = self._ids
        wanted: dict[tuple[str, str], tuple] = {}
        organisations: list[tuple[tuple, str]] = []
        for party, name in mentions:
            key = party[:2]
            if key not in ids:
                wanted[key] = party
            if party[0] == "organisation":
                organisations.append((key, name))
        if wanted:
            self._load_missing(wanted)
        # Aliases record an organisation's name variants; a person's spelling is already on each mention.
        if organisations:
            self._add_aliases({(ids[key], name) for key, name in organisations})
        return ids

    def _load_missing(self, wanted: dict[tuple[str, str], tuple]) -> None:
        self._fetch_ids(list(wanted))
        to_create = [party for key, party in wanted.items() if key not in self._ids]
        if to_create:
            insert = tuple_insert(self.session.connection(), Party.__table__, PARTY_COLUMNS)
            created = insert.insert_returning(self.session.connection(), to_create, ("kind", "cluster_key", "id"))
            self._ids.update(((kind, key), party_id) for kind, key, party_id in created)

    def _fetch_ids(self, keys: list[tuple[str, str]]) -> None:
        # One kind per query so SQLite and PostgreSQL use the (kind, cluster_key) index; plain SQL because
        # compiling a 500-value IN list costs more than running it.
        connection = self.session.connection()
        mark = "?" if connection.dialect.name == "sqlite" else "%s"
        for kind in sorted({kind for kind, _ in keys}):
            of_kind = [key for k, key in keys if k == kind]
            for chunk in in_batches(of_kind, 500):
                sql = (
                    f"SELECT cluster_key, id FROM parties WHERE kind = {mark} "
                    f"AND cluster_key IN ({', '.join([mark] * len(chunk))})"
                )
                for key, party_id in connection.exec_driver_sql(sql, (kind, *chunk)):
                    self._ids[(kind, key)] = party_id

    def _add_aliases(self, pairs: set[tuple[int, str]]) -> None:
        unknown = pairs - self._aliases
        if not unknown:
            return
        party_ids = sorted({party_id for party_id, _ in unknown})
        for chunk in in_batches(party_ids, 500):
            existing = self.session.execute(
                select(PartyAlias.party_id, PartyAlias.name).where(PartyAlias.party_id.in_(chunk))
            )
            self._aliases.update((party_id, name) for party_id, name in existing)
        new = sorted(pairs - self._aliases)
        if new:
            insert = tuple_insert(self.session.connection(), PartyAlias.__table__, ("party_id", "name"))
            insert.insert(self.session.connection(), new)
            self._aliases.update(new)
