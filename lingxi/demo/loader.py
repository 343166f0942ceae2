"""Load the fictional demo province through the normal import pipeline."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from lingxi.db import Database
from lingxi.db.models import ImportJob
from lingxi.demo.generator import generate_demo_records
from lingxi.patents.importing import ImportSummary, import_parsed
from lingxi.patents.records import ParsedRecord, SourceLocation

DEMO_SOURCE = "demo"


def load_demo(db: Database, size: int = 3000, seed: int = 20261121, reports_dir: Path | None = None) -> ImportSummary:
    records = generate_demo_records(seed=seed, size=size)
    parsed = (
        ParsedRecord(record, SourceLocation(DEMO_SOURCE, document=index))
        for index, record in enumerate(records, start=1)
    )
    return import_parsed(db, parsed, source=DEMO_SOURCE, reports_dir=reports_dir)


def demo_loaded(db: Database) -> bool:
    with db.sessions() as session:
        finished = select(func.count(ImportJob.id)).where(
            ImportJob.source == DEMO_SOURCE, ImportJob.status == "finished"
        )
        return bool(session.scalar(finished))
