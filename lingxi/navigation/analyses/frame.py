"""The scope's patents loaded once, as plain rows, for every analysis of a report.

Each table is read with one set-based query filtered by the scope (`IN (SELECT …)`), and a patent and its later
grant publication (same application number) count as one application: trends and rankings count applications.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Integer, cast, extract, func, select
from sqlalchemy.orm import Session

from lingxi.db.models import (
    Party,
    Patent,
    PatentAnnotation,
    PatentCitation,
    PatentClassification,
    PatentLegalEvent,
    PatentParty,
    PatentTag,
    PatentValueScore,
)
from lingxi.navigation.scope import Resolved
from lingxi.patents.inventions import invention_key


@dataclass(slots=True)
class Application:
    key: str
    patent_ids: list[int]
    year: int | None
    doc_type: str | None
    granted_year: int | None
    country: str | None
    title: str
    publication_number: str | None
    family_id: str | None
    legal_status: str | None


@dataclass
class Frame:
    apps: dict[str, Application] = field(default_factory=dict)
    app_of: dict[int, str] = field(default_factory=dict)  # patent id → application key
    applicants: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))  # app → party ids
    inventors: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    parties: dict[int, tuple[str, str, str | None, str | None, str | None]] = field(default_factory=dict)
    ipc: dict[str, str] = field(default_factory=dict)  # app → main IPC subclass (H01M)
    tags: dict[str, set[tuple[str, str]]] = field(default_factory=lambda: defaultdict(set))  # app → (taxonomy, node)
    effects: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # app → effect term labels
    value: dict[str, tuple[float, str]] = field(default_factory=dict)  # app → best (score, grade)
    forward: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # app → forward citations
    backward: int = 0
    events: list[tuple[str, str, int | None]] = field(default_factory=list)  # (app, event class, year)
    as_of: dt.date | None = None

    @property
    def patent_count(self) -> int:
        return len(self.app_of)


def _year(column):
    return cast(extract("year", column), Integer)  # PostgreSQL's EXTRACT answers a numeric, SQLite's an integer


def load_frame(session: Session, scope: Resolved, value_scenario: str = "licensing") -> Frame:
    frame = Frame()
    in_scope = scope.where
    # Core rows, not ORM rows: at 100k patents the ORM's per-row bookkeeping was a sixth of the load time
    connection = session.connection()

    def run(statement):
        return connection.execute(statement).all()  # one fetchall, not a fetchone per row
    # years computed by the database (EXTRACT): parsing 100k date strings in Python cost more than the query
    for pid, key, app_no, app_year, doc_type, grant_year, country, title, pub, family, status in run(
            select(Patent.id, Patent.key, Patent.application_number, _year(Patent.application_date),
                   Patent.doc_type, _year(Patent.grant_date), Patent.country, Patent.title,
                   Patent.publication_number, Patent.family_id,
                   Patent.legal_status).where(in_scope(Patent.id)).order_by(Patent.id)):
        app_key = invention_key(app_no, key)
        frame.app_of[pid] = app_key
        app = frame.apps.get(app_key)
        if app is None:
            frame.apps[app_key] = Application(app_key, [pid], app_year, doc_type, grant_year, country, title, pub,
                                              family, status)
            continue
        app.patent_ids.append(pid)
        if app.year is None and app_year:
            app.year = app_year
        if grant_year and (app.granted_year is None or grant_year < app.granted_year):
            app.granted_year = grant_year
        if grant_year or not app.publication_number:
            app.publication_number, app.legal_status = pub, status  # the grant publication speaks for the application
    app_of = frame.app_of

    parties, applicants, inventors = frame.parties, frame.applicants, frame.inventors
    for role, listing, ordered in (("applicant", applicants, True), ("inventor", inventors, False)):
        statement = select(PatentParty.patent_id, PatentParty.party_id).where(
            in_scope(PatentParty.patent_id), PatentParty.role == role)
        if ordered:  # the first applicant places an application on the map; inventors' order does not matter
            statement = statement.order_by(PatentParty.patent_id, PatentParty.sequence)
        for pid, party_id in run(statement):
            listed = listing[app_of[pid]]
            if party_id not in listed:  # the A and B publication of one application name the same parties
                listed.append(party_id)
    # each party once (a mention row per patent would carry the same name a hundred times)
    for party_id, name, party_type, province, city, country in run(
            select(Party.id, Party.name, Party.party_type, Party.province, Party.city, Party.country)
            .where(Party.id.in_(select(PatentParty.party_id).where(
                in_scope(PatentParty.patent_id), PatentParty.role.in_(("applicant", "inventor")))))):
        parties[party_id] = (name, party_type, province, city, country)

    for pid, code in run(
            select(PatentClassification.patent_id, PatentClassification.code)
            .where(in_scope(PatentClassification.patent_id), PatentClassification.scheme == "IPC",
                   PatentClassification.is_main.is_(True))):
        frame.ipc.setdefault(app_of[pid], code.replace(" ", "")[:4].upper())

    for pid, taxonomy, node in run(
            select(PatentTag.patent_id, PatentTag.taxonomy_name, PatentTag.node_key)
            .where(in_scope(PatentTag.patent_id), PatentTag.status != "rejected")):
        frame.tags[app_of[pid]].add((taxonomy, node))

    # only the effect labels travel (JSON path in the database), not the problem/means text around them
    for pid, labels in run(
            select(PatentAnnotation.patent_id, PatentAnnotation.data["effect_labels"])
            .where(in_scope(PatentAnnotation.patent_id), PatentAnnotation.kind == "pme")):
        for label in labels or []:
            frame.effects[app_of[pid]].add(label.get("zh") or label.get("id"))

    for pid, score, grade in run(
            select(PatentValueScore.patent_id, PatentValueScore.score, PatentValueScore.grade)
            .where(in_scope(PatentValueScore.patent_id), PatentValueScore.scenario == value_scenario)):
        app_key = app_of[pid]
        if app_key not in frame.value or frame.value[app_key][0] < score:
            frame.value[app_key] = (float(score), grade)

    # forward citations: other documents citing this one's number (citations join on number_base). Counted per
    # number base, not per publication: an A and its B grant usually share the base, and a citation of it is one
    counted: set[tuple[str, str]] = set()
    for pid, base, count in run(
            select(Patent.id, Patent.number_base, func.count(PatentCitation.id))
            .join(PatentCitation, PatentCitation.cited_base == Patent.number_base)
            .where(in_scope(Patent.id), Patent.number_base.is_not(None))
            .group_by(Patent.id, Patent.number_base)):
        app_key = app_of[pid]
        if len(frame.apps[app_key].patent_ids) > 1:  # only then can a base be seen twice
            if (app_key, base) in counted:
                continue
            counted.add((app_key, base))
        frame.forward[app_key] += int(count)
    frame.backward = connection.execute(
        select(func.count(PatentCitation.id)).where(in_scope(PatentCitation.patent_id))).scalar_one()

    for pid, event_class, year in run(
            select(PatentLegalEvent.patent_id, PatentLegalEvent.event_class, _year(PatentLegalEvent.date))
            .where(in_scope(PatentLegalEvent.patent_id), PatentLegalEvent.event_class != "other")):
        frame.events.append((app_of[pid], event_class, int(year) if year else None))
    frame.events.sort(key=lambda e: (e[0], e[1], e[2] or 0))
    return frame
