"""The facts value operations reason about, loaded in bulk: patent rights, their holders, events, tags, scores.

A patent right (one application) is often stored as two publications (the CN A and its B, a US A1 and B2). Flags,
catalogue rows and sleeping-patent lists count rights, not publications, so every function here groups the rows
of one application and speaks through a representative row: the grant publication when there is one.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingxi.db import in_batches
from lingxi.db.models import (
    Deal,
    DealPatent,
    OpenLicenceDeclaration,
    Party,
    Patent,
    PatentLegalEvent,
    PatentParty,
    PatentTag,
    PledgeRecord,
    TaxonomyVersion,
)
from lingxi.market.deal_states import IN_FORCE

# Words of the legal-status texts the importers keep (demo vocabulary, CNIPA-style exports, USPTO).
_ENDED = ("lapsed", "expired", "withdrawn", "rejected", "invalid", "revoked", "abandon", "失效", "终止", "届满",
          "无效", "撤回", "驳回", "放弃", "未缴年费")
_GRANTED = ("granted", "valid", "in force", "active", "有效", "有权", "授权", "维持")
TERM_YEARS = {"invention": 20, "utility_model": 10, "design": 15}  # from filing, Chinese Patent Law as of 2021
ACTIVITY_EVENTS = ("transfer", "licence", "pledge", "open_licence")
# Market deals (SPEC §6) that happened: signed or later; a closed deal happened too, a cancelled one did not.
DEAL_DONE_STATES = tuple(sorted(IN_FORCE | {"closed"}))


@dataclass
class PlatformDeal:
    """A market deal on the right, dated by its latest step (see deal_activity_day)."""

    id: int
    kind: str
    state: str
    day: dt.date | None


@dataclass
class Holder:
    party_id: int
    name: str
    party_type: str
    province: str | None
    city: str | None


@dataclass
class Right:
    patent_id: int  # representative publication
    patent_ids: list[int]
    key: str
    number: str
    title: str
    country: str | None
    doc_type: str | None
    application_number: str | None
    application_date: dt.date | None
    grant_date: dt.date | None
    legal_status: str | None
    family_id: str | None
    in_force: bool = False
    status_reason: str = ""
    holders: list[Holder] = field(default_factory=list)
    events: dict[str, list[dt.date | None]] = field(default_factory=lambda: defaultdict(list))
    deals: list[PlatformDeal] = field(default_factory=list)  # market deals signed or later
    declared_open_licence: tuple[int, dt.date | None] | None = None  # (declaration id, published on) if published

    @property
    def region(self) -> tuple[str | None, str | None]:
        first = next((h for h in self.holders if h.province), None)
        return (first.province, first.city) if first else (None, None)

    @property
    def holder_names(self) -> str:
        return "；".join(h.name for h in self.holders)


def term_end(doc_type: str | None, filed: dt.date | None) -> dt.date | None:
    years = TERM_YEARS.get(doc_type or "")
    if filed is None or years is None:
        return None
    try:
        return filed.replace(year=filed.year + years)
    except ValueError:  # 29 February
        return filed.replace(year=filed.year + years, day=28)


def judge_in_force(right: Right, today: dt.date) -> tuple[bool, str]:
    """Whether the right is granted and in force on `today`, and the reason, from status, events and term."""
    status = (right.legal_status or "").lower()
    if right.grant_date is None and not any(word in status for word in _GRANTED):
        return False, "not granted"
    if any(word in status for word in _ENDED):
        return False, f"legal status {right.legal_status!r}"
    end = term_end(right.doc_type, right.application_date)
    if end is not None and end <= today:
        return False, f"term ended {end.isoformat()}"
    lapses = [d for d in right.events.get("lapse", []) if d is not None and d <= today]
    if lapses and (right.grant_date is None or max(lapses) >= right.grant_date):
        return False, f"lapse event {max(lapses).isoformat()}"
    if any(word in status for word in _GRANTED):
        return True, f"legal status {right.legal_status!r}"
    return True, "granted, no lapse recorded (legal status not given)"


def _representative(rows: list) -> object:
    if len(rows) == 1:
        return rows[0]

    def rank(row):
        granted = row.grant_date is not None and row.publication_date is not None \
            and row.publication_date >= row.grant_date
        return (0 if granted else 1, -(row.publication_date or dt.date.min).toordinal(), row.id)
    return min(rows, key=rank)


def load_rights(session: Session, patent_ids: list[int] | None = None, today: dt.date | None = None) -> list[Right]:
    """Every patent right (or those the given publications belong to), with holders and legal events."""
    today = today or dt.date.today()
    columns = (Patent.id, Patent.key, Patent.publication_number, Patent.title, Patent.country, Patent.doc_type,
               Patent.application_number, Patent.application_date, Patent.publication_date, Patent.grant_date,
               Patent.legal_status, Patent.family_id)
    query = select(*columns)
    if patent_ids is not None:
        if not patent_ids:
            return []
        seeds = session.execute(select(Patent.id, Patent.application_number)
                                .where(Patent.id.in_(patent_ids))).all()
        applications = {a for _, a in seeds if a}
        query = query.where(Patent.id.in_([i for i, _ in seeds]) | Patent.application_number.in_(applications))
    groups: dict[str, list] = defaultdict(list)
    for row in session.execute(query):
        groups[row.application_number or f"key:{row.key}"].append(row)
    rights: dict[int, Right] = {}
    owner_of: dict[int, Right] = {}
    for rows in groups.values():
        best = _representative(rows)
        right = Right(patent_id=best.id, patent_ids=sorted(r.id for r in rows), key=best.key,
                      number=best.publication_number or best.key, title=best.title, country=best.country,
                      doc_type=best.doc_type, application_number=best.application_number,
                      application_date=best.application_date,
                      grant_date=next((r.grant_date for r in rows if r.grant_date), None),
                      legal_status=best.legal_status, family_id=best.family_id)
        rights[best.id] = right
        for r in rows:
            owner_of[r.id] = right
    ids = list(owner_of)
    for patent_id, event_class, date in rows_for(
            session, select(PatentLegalEvent.patent_id, PatentLegalEvent.event_class, PatentLegalEvent.date), ids):
        owner_of[patent_id].events[event_class].append(date)
    mentions = rows_for(session, select(PatentParty.patent_id, PatentParty.role, PatentParty.sequence, Party.id,
                                        Party.name, Party.party_type, Party.province, Party.city)
                        .join(Party, Party.id == PatentParty.party_id)
                        .where(PatentParty.role.in_(("applicant", "assignee")))
                        .order_by(PatentParty.patent_id, PatentParty.sequence, PatentParty.id), ids)
    by_patent: dict[int, list] = defaultdict(list)
    for mention in mentions:
        by_patent[mention.patent_id].append(mention)
    for patent_id, found in by_patent.items():
        right = owner_of[patent_id]
        if patent_id != right.patent_id and right.holders:
            continue
        # the current owners: assignees recorded after a transfer replace the original applicants
        chosen = [m for m in found if m.role == "assignee"] or found
        right.holders = _unique_holders(chosen)
    for patent_id, pledged_on in rows_for(session, select(PledgeRecord.patent_id, PledgeRecord.registered_on), ids):
        owner_of[patent_id].events["pledge_record"].append(pledged_on)
    _market_facts(session, owner_of, ids, today)
    for right in rights.values():
        right.in_force, right.status_reason = judge_in_force(right, today)
    return list(rights.values())


def deal_activity_day(today: dt.date, signed_on, effective_on, filed_on, registered_on, closed_on,
                      licence_end) -> dt.date | None:
    """The last day a deal shows the right in use: its latest step (signing, taking effect, filing, registration,
    closing), or the licence end when that is later (a licence running in the window is activity in the window),
    never later than today. None when the deal has no date at all."""
    days = [d for d in (signed_on, effective_on, filed_on, registered_on, closed_on) if d is not None]
    if licence_end is not None:
        days.append(min(licence_end, today))
    return max(days) if days else None


def _market_facts(session: Session, owner_of: dict[int, Right], ids: list[int], today: dt.date) -> None:
    """Platform deals (signed or later) and published open-licence declarations of the rights' publications."""
    seen: set[tuple[int, int]] = set()
    for row in rows_for(session, select(DealPatent.patent_id, Deal.id, Deal.kind, Deal.state, Deal.signed_on,
                                        Deal.effective_on, Deal.filed_on, Deal.registered_on, Deal.closed_on,
                                        Deal.licence_end)
                        .join(Deal, Deal.id == DealPatent.deal_id).where(Deal.state.in_(DEAL_DONE_STATES))
                        .order_by(Deal.id), ids):
        right = owner_of[row[0]]
        if (right.patent_id, row[1]) in seen:  # one deal naming the A and the B of one application
            continue
        seen.add((right.patent_id, row[1]))
        right.deals.append(PlatformDeal(row[1], row[2], row[3], deal_activity_day(today, *row[4:])))
    for patent_id, declaration_id, published_on in rows_for(
            session, select(OpenLicenceDeclaration.patent_id, OpenLicenceDeclaration.id,
                            OpenLicenceDeclaration.published_on)
            .where(OpenLicenceDeclaration.status == "published").order_by(OpenLicenceDeclaration.id), ids):
        right = owner_of[patent_id]
        if right.declared_open_licence is None:
            right.declared_open_licence = (declaration_id, published_on)


def _unique_holders(mentions) -> list[Holder]:
    seen, holders = set(), []
    for m in mentions:
        if m.id not in seen:
            seen.add(m.id)
            holders.append(Holder(m.id, m.name, m.party_type, m.province, m.city))
    return holders


BULK = 2000  # above this many ids, one scan filtered in Python beats IN lists (building them costs more)


def rows_for(session: Session, statement, ids):
    """Rows of `statement` whose FIRST column is one of `ids`: chunked IN lists for a few ids, one filtered scan
    for many (reports over a whole province ask for every patent)."""
    ids = list(ids)
    column = statement.selected_columns[0]
    if len(ids) > BULK:
        wanted = set(ids)
        return [row for row in session.execute(statement) if row[0] in wanted]
    rows = []
    for part in in_batches(ids):
        rows.extend(session.execute(statement.where(column.in_(part))))
    return rows


def tags_of(session: Session, patent_ids: list[int], taxonomy: str | None = None,
            chains_only: bool = False) -> dict[int, list[tuple[str, str]]]:
    """patent id → [(taxonomy, node key)] of tags not rejected by a reviewer."""
    found: dict[int, list[tuple[str, str]]] = defaultdict(list)
    chain_names = None
    if chains_only:
        chain_names = set(session.execute(select(TaxonomyVersion.name).where(TaxonomyVersion.kind == "chain"))
                          .scalars())
    query = select(PatentTag.patent_id, PatentTag.taxonomy_name, PatentTag.node_key).where(
        PatentTag.status != "rejected")
    if taxonomy:
        query = query.where(PatentTag.taxonomy_name == taxonomy)
    elif chain_names is not None:
        query = query.where(PatentTag.taxonomy_name.in_(sorted(chain_names)))
    for patent_id, name, node in rows_for(session, query, patent_ids):
        if chain_names is None or name in chain_names:
            if (name, node) not in found[patent_id]:
                found[patent_id].append((name, node))
    return found


def right_tags(rights: list[Right], tags: dict[int, list[tuple[str, str]]]) -> dict[int, list[tuple[str, str]]]:
    """Tags of any publication of a right, keyed by the representative id."""
    merged: dict[int, list[tuple[str, str]]] = {}
    for right in rights:
        seen: list[tuple[str, str]] = []
        for patent_id in right.patent_ids:
            for tag in tags.get(patent_id, []):
                if tag not in seen:
                    seen.append(tag)
        merged[right.patent_id] = seen
    return merged


def node_names(session: Session) -> dict[tuple[str, str], tuple[str, str]]:
    """(taxonomy, node key) → (Chinese name, English name), from the latest version of each taxonomy."""
    from lingxi.db.models import TaxonomyNodeRow

    latest: dict[str, int] = {}
    rows = session.execute(select(TaxonomyVersion.id, TaxonomyVersion.name, TaxonomyVersion.version)
                           .order_by(TaxonomyVersion.version))
    for taxonomy_id, name, version in rows:
        latest[name] = taxonomy_id
    names = {}
    by_id = {v: k for k, v in latest.items()}
    for taxonomy_id, key, zh, en in session.execute(
            select(TaxonomyNodeRow.taxonomy_id, TaxonomyNodeRow.key, TaxonomyNodeRow.name_zh, TaxonomyNodeRow.name_en)
            .where(TaxonomyNodeRow.taxonomy_id.in_(list(latest.values())))):
        names[(by_id[taxonomy_id], key)] = (zh, en or zh)
    return names
