"""One call per party mention: who is this (organisation or person), under which key, of which type, where.

:func:`describe_party` is what importers call for every applicant / assignee / inventor / agent mention, so it is
memoised (``functools.lru_cache``): repeated names — most of them in a real import — cost a dictionary lookup,
and a first sighting costs the normalisation, key, type and region rules once (about 45 µs for a never-seen
organisation, 11 µs for a never-seen inventor, 0.25 µs for a cached name on the development machine; see
``bench/party_clustering.py`` and ``bench/results/party_clustering.json``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from lingxi.parties.names import normalise_org_name, org_key_of_display, person_display, person_key_of_display
from lingxi.parties.regions import region_of_display
from lingxi.parties.types import PartyType, explain_display

__all__ = [
    "KnownOrganisation",
    "PartyIdentity",
    "describe_party",
    "known_organisations_generation",
    "register_known_organisations",
    "PERSON_ROLES",
]

PartyKind = Literal["organisation", "person"]

# Roles that are always natural persons, whatever the name looks like.
PERSON_ROLES = frozenset({"inventor", "designer", "author", "发明人", "设计人"})


@dataclass(frozen=True)
class PartyIdentity:
    kind: PartyKind
    key: str  # org_cluster_key for organisations, person_key for persons
    display_name: str  # normalise_org_name of the raw name
    type: PartyType
    province: str | None = None
    city: str | None = None
    province_code: str | None = None


@dataclass(frozen=True)
class KnownOrganisation:
    """What a curated list says about an organisation that its name alone does not reveal.

    Being state-owned, for one, cannot be read from every name (集团 is not enough). This is the in-process register
    describe_party reads (the demo fills it with its fictional province before loading); an operator's list is
    stored with `lingxi parties register` (lingxi.parties.register) and applied to the stored parties instead.
    Fields left None keep the rules' answer.
    """

    name: str
    party_type: PartyType | None = None
    province: str | None = None
    city: str | None = None


_KNOWN: dict[str, KnownOrganisation] = {}
_generation = 0


def register_known_organisations(organisations: Iterable[KnownOrganisation]) -> None:
    """Teach describe_party about organisations, by cluster key so every spelling variant is covered."""
    global _generation
    for organisation in organisations:
        _KNOWN[org_key_of_display(normalise_org_name(organisation.name))] = organisation
    _generation += 1
    describe_party.cache_clear()


def known_organisations_generation() -> int:
    """Changes whenever the register does, so callers' own caches can key on it."""
    return _generation


@lru_cache(maxsize=131072)  # ≈490 bytes an entry: at most ~64 MB
def describe_party(raw_name: str, role: str = "applicant") -> PartyIdentity:
    """Normalise one party mention.

    ``role`` is the mention's role ("applicant", "assignee", "inventor", "agent" …).  Inventors (and designers)
    are always persons; for any other role the name decides (:func:`~lingxi.parties.names.looks_like_person`):
    a Chinese applicant called 王磊 or a US applicant "Zins; David M." is an individual.  Persons get no region
    (a home address is not what the platform reports on).
    """
    display = normalise_org_name(raw_name)
    if (role or "").strip().lower() in PERSON_ROLES or person_display(display):
        return PartyIdentity("person", person_key_of_display(display), display, PartyType.INDIVIDUAL)
    key = org_key_of_display(display)
    region = region_of_display(display, check_person=False)
    identity = PartyIdentity(
        "organisation",
        key,
        display,
        explain_display(display)[0],
        region.province if region else None,
        region.city if region else None,
        region.province_code if region else None,
    )
    known = _KNOWN.get(key)
    if known is None:
        return identity
    return PartyIdentity(
        "organisation",
        key,
        display,
        known.party_type or identity.type,
        known.province or identity.province,
        known.city or identity.city,
        identity.province_code if not known.province else None,
    )
