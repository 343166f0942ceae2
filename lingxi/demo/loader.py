"""Load the fictional demo province through the normal import pipeline."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select

from lingxi.db import Database
from lingxi.db.models import ImportJob
from lingxi.demo.accounts import ensure_demo_accounts
from lingxi.demo.catalogue import DEMO_PROVINCE, ORGANISATIONS
from lingxi.demo.generator import generate_demo_records
from lingxi.parties.identity import KnownOrganisation, register_known_organisations
from lingxi.parties.types import PartyType
from lingxi.patents.importing import ImportSummary, import_parsed
from lingxi.patents.records import ParsedRecord, SourceLocation

DEMO_SOURCE = "demo"


def register_demo_organisations() -> None:
    """Tell party typing which demo organisations are SOEs and where the fictional province's bodies are."""
    kinds = {kind.value: kind for kind in PartyType}
    known = []
    for organisation in ORGANISATIONS:
        if organisation.kind == "foreign":
            party_type, province, city = PartyType.ENTERPRISE, None, None
        else:
            party_type = PartyType.SOE if organisation.soe else kinds.get(organisation.kind)
            province = DEMO_PROVINCE.removesuffix("省")
            city = organisation.city.removesuffix("市") if organisation.city else None
        known += [KnownOrganisation(name, party_type, province, city) for name in organisation.all_names]
    register_known_organisations(known)


def load_demo(db: Database, size: int = 3000, seed: int = 20261121, reports_dir: Path | None = None,
              on_finished: Callable[[ImportSummary], None] | None = None) -> ImportSummary:
    register_demo_organisations()
    records = generate_demo_records(seed=seed, size=size)
    parsed = (
        ParsedRecord(record, SourceLocation(DEMO_SOURCE, document=index))
        for index, record in enumerate(records, start=1)
    )
    summary = import_parsed(db, parsed, source=DEMO_SOURCE, reports_dir=reports_dir, on_finished=on_finished)
    ensure_demo_accounts(db)  # after the patents, so demo organisations link to their patent parties
    _install_taxonomies(db)
    return summary


def _install_taxonomies(db: Database) -> None:
    """The shipped taxonomies (SEI 2018, WIPO fields, three chains), so the taxonomy pages are never empty."""
    from lingxi.tagging.store import install_shipped

    with db.sessions() as session:
        install_shipped(session)
        session.commit()


def demo_loaded(db: Database) -> bool:
    with db.sessions() as session:
        finished = select(func.count(ImportJob.id)).where(
            ImportJob.source == DEMO_SOURCE, ImportJob.status == "finished"
        )
        return bool(session.scalar(finished))
