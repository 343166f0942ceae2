"""Where and when an indicator is counted: the year, the programme's region, and who was an SME at the time.

Region names are compared in their short form (陕西省 = 陕西, 西安市 = 西安), the form lingxi.parties.regions writes.
An enterprise's size is judged on the day of the deal: a company that was small when it signed and is large today
still counts as an SME for that deal. The current size is on its enterprise file; earlier sizes are read back from
the audit log, which records every change of the file with the value before it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingxi.db.models import AuditEntry, EnterpriseProfile, Organisation
from lingxi.parties.regions import detect_region

SME_SIZES = frozenset({"micro", "small", "medium"})  # 中小微企业
SUPPLIER_KINDS = frozenset({"university", "institute", "soe"})  # 高校、科研院所、国有企业
_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")


@lru_cache(maxsize=4096)
def short_place(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip()
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


@dataclass(frozen=True)
class Scope:
    year: int
    province: str | None = None
    city: str | None = None
    park_members: tuple[int, ...] | None = None  # a park programme counts only its member organisations

    def covers(self, organisation_id: int | None, province: str | None, city: str | None) -> bool:
        if self.park_members is not None:
            return organisation_id is not None and organisation_id in self.park_members
        if self.province and short_place(province) != short_place(self.province):
            return False
        return not (self.city and short_place(city) != short_place(self.city))

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.year, 12, 31)


@dataclass
class Context:
    """Per-request caches: organisations, enterprise sizes and their history."""

    session: Session
    _organisations: dict[int, Organisation] | None = None
    _by_name: dict[str, Organisation] | None = None
    _sizes: dict[int, tuple[int, str | None]] | None = None  # organisation id → (profile id, current size)
    _history: dict[int, list[tuple[dt.datetime, str | None]]] = field(default_factory=dict)
    _history_loaded: bool = False
    memo: dict = field(default_factory=dict)  # what computations share within one report (e.g. the counted deals)

    def organisation(self, organisation_id: int | None) -> Organisation | None:
        if organisation_id is None:
            return None
        if self._organisations is None:
            rows = self.session.scalars(select(Organisation)).all()
            self._organisations = {row.id: row for row in rows}
            self._by_name = {row.name: row for row in rows}
        return self._organisations.get(organisation_id)

    def organisation_named(self, organisation_id: int | None, name: str | None) -> Organisation | None:
        """The organisation by id, else by its exact registered name (a deal entered with names only)."""
        found = self.organisation(organisation_id)
        if found is None and name:
            self.organisation(-1)  # load the caches
            found = self._by_name.get(name.strip())
        return found

    def region_of_name(self, name: str | None, organisation_id: int | None = None):
        """(organisation id, province, city) of a party known by organisation or only by name (pledgor, licensee)."""
        organisation = self.organisation_named(organisation_id, name)
        if organisation is not None:
            return organisation.id, organisation.province, organisation.city
        region = detect_region(name) if name else None
        return None, (region.province if region else None), (region.city if region else None)

    def size_on(self, organisation_id: int | None, day: dt.date) -> str | None:
        """The enterprise's size class on `day` (None: no enterprise file, so not counted as an SME)."""
        if organisation_id is None:
            return None
        if self._sizes is None:
            self._sizes = {org: (pid, size) for pid, org, size in self.session.execute(
                select(EnterpriseProfile.id, EnterpriseProfile.organisation_id, EnterpriseProfile.size_class))}
        if organisation_id not in self._sizes:
            return None
        profile_id, size = self._sizes[organisation_id]
        if not self._history_loaded:
            self._load_history()
        moment = dt.datetime.combine(day, dt.time.max)
        # The first change after that day tells what the size was before it; no later change: the size is today's.
        for at, before in self._history.get(profile_id, ()):
            if at > moment:
                return before
        return size

    def _load_history(self) -> None:
        rows = self.session.execute(
            select(AuditEntry.entity_id, AuditEntry.at, AuditEntry.before)
            .where(AuditEntry.entity == "enterprise_profiles", AuditEntry.action == "update")
            .order_by(AuditEntry.at, AuditEntry.id))
        for entity_id, at, before in rows:
            if before and "size_class" in before:
                self._history.setdefault(int(entity_id), []).append((at, before["size_class"]))
        self._history_loaded = True

    def is_sme_on(self, organisation_id: int | None, day: dt.date) -> bool:
        return self.size_on(organisation_id, day) in SME_SIZES
