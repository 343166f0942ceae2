"""Keeping the keyword index true to the store: manifest, check, rebuild, incremental updates.

The manifest (inside the index folder) records which store the index was built from (a fingerprint), the schema
and analyzer versions, how many documents it holds, and the import-job watermark: every patent written by a job up
to the watermark is indexed. An index that is missing, unreadable, from another store, of another schema/analyzer
or with a different document count is rebuilt; one that is merely behind is caught up from the jobs after its
watermark. So a crash between an import commit and the index update, or an import run without the hook, costs a
catch-up, never a silently wrong answer.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from lingxi.db import Database
from lingxi.db.models import ImportJob, Patent
from lingxi.search.analysis import analyzer_version
from lingxi.search.documents import batches, load_documents
from lingxi.search.keyword import SCHEMA_VERSION, IndexUnavailable, KeywordIndex
from lingxi.search.manifests import JsonManifest

MANIFEST = "lingxi-manifest.json"
Progress = Callable[[int, int], None]  # (done, total)


@dataclass
class Manifest(JsonManifest):
    FILE = MANIFEST
    schema_version: int
    analyzer: str
    store: str
    documents: int
    job_watermark: int  # every patent written by import jobs ≤ this is in the index
    jobs_state: list = field(default_factory=list)  # [max job id, new+updated after the watermark] last seen
    built_at: float = 0.0
    updated_at: float = 0.0


@dataclass
class IndexStatus:
    state: str  # ok | behind | missing | corrupt | mismatch
    problems: list[str]
    index_documents: int | None = None
    store_documents: int | None = None
    path: str = ""

    @property
    def ok(self) -> bool:
        return self.state == "ok"

    def as_dict(self) -> dict:
        return asdict(self)


class KeywordIndexManager:
    """One per data directory and process; safe to share between threads."""

    def __init__(self, indexes_dir: Path, db: Database):
        self.folder = indexes_dir / "keyword"
        self.db = db
        self._index: KeywordIndex | None = None
        self._lock = threading.RLock()
        self._checked_at = 0.0

    # --- reading -------------------------------------------------------------------------------------------

    def store_fingerprint(self) -> str:
        """Which store this is: the database plus the start of its first import (a recreated store differs)."""
        with self.db.sessions() as session:
            first = session.execute(select(ImportJob.id, ImportJob.started_at).order_by(ImportJob.id).limit(1)).first()
        url = self.db.engine.url
        identity = f"{url.get_backend_name()}:{url.database}:{first[0] if first else ''}:{first[1] if first else ''}"
        return hashlib.sha1(identity.encode()).hexdigest()[:16]

    def check(self, *, count_store: bool = True) -> IndexStatus:
        """Compare the index with the store; never changes anything."""
        status = IndexStatus("ok", [], path=str(self.folder))
        if count_store:
            with self.db.sessions() as session:
                status.store_documents = session.scalar(select(func.count(Patent.id)))
        manifest = Manifest.read(self.folder)
        if not (self.folder / "meta.json").exists():
            status.state = "missing"
            status.problems.append(f"no keyword index at {self.folder}")
            return status
        try:
            index = KeywordIndex.open(self.folder)
        except IndexUnavailable as error:
            status.state, status.problems = "corrupt", [str(error)]
            return status
        status.index_documents = index.count
        if manifest is None:
            status.state = "corrupt"
            status.problems.append("the index has no readable manifest (interrupted build?)")
            return status
        if manifest.schema_version != SCHEMA_VERSION:
            status.problems.append(f"index schema {manifest.schema_version}, this version needs {SCHEMA_VERSION}")
        if manifest.analyzer != analyzer_version():
            status.problems.append(f"index cut by analyzer {manifest.analyzer}, this version uses {analyzer_version()}")
        if manifest.store != self.store_fingerprint():
            status.problems.append("index was built from a different store (database)")
        if manifest.documents != status.index_documents:
            status.problems.append(
                f"manifest says {manifest.documents} documents, index holds {status.index_documents}"
            )
        if status.problems:
            status.state = "mismatch"
            return status
        pending = self._pending_jobs(manifest)
        if pending:
            status.state = "behind"
            status.problems.append(f"import jobs after #{manifest.job_watermark} are not indexed yet")
        elif count_store and status.store_documents != status.index_documents:
            status.state = "mismatch"
            status.problems.append(
                f"store holds {status.store_documents} patents, index {status.index_documents}"
            )
        return status

    def ensure(self, progress: Progress | None = None, *, recheck_seconds: float = 2.0) -> tuple[KeywordIndex, list[str]]:
        """The index, ready to query: rebuilt when unusable, caught up when behind. Returns notes on what was done."""
        notes: list[str] = []
        with self._lock:
            if self._index is not None and time.monotonic() - self._checked_at < recheck_seconds:
                return self._index, notes
            if self._index is None:
                status = self.check()
                if status.state in ("missing", "corrupt", "mismatch"):
                    notes.append(f"keyword index rebuilt: {'; '.join(status.problems)}")
                    self.rebuild(progress)
                else:
                    self._index = KeywordIndex.open(self.folder)
            try:
                caught_up = self.catch_up()
            except ValueError as error:  # tantivy: the index writer is held by another process (an import)
                caught_up = 0
                notes.append(f"keyword index not yet caught up with the newest import ({error}); retrying shortly")
            if caught_up:
                notes.append(f"keyword index caught up: {caught_up} patents from new imports")
            self._checked_at = time.monotonic()
            return self._index, notes

    # --- writing -------------------------------------------------------------------------------------------

    def rebuild(self, progress: Progress | None = None) -> int:
        """Build a fresh index from the store beside the old one, then swap it in. Returns the document count."""
        with self._lock:
            building = self.folder.with_name(self.folder.name + ".building")
            index = KeywordIndex.create(building)
            with self.db.sessions() as session:
                watermark, state = self._job_state(session)
                all_ids = [ids for ids in batches(session)]
                total = sum(len(ids) for ids in all_ids)
                writer = index.bulk_writer()
                done = 0
                if progress:
                    progress(0, total)
                for ids in all_ids:
                    for document in load_documents(session, ids):
                        writer.add_document(document)
                    done += len(ids)
                    if progress:
                        progress(done, total)
                writer.commit()
                writer.wait_merging_threads()
            index.reload()
            count = index.count
            Manifest(SCHEMA_VERSION, analyzer_version(), self.store_fingerprint(), count, watermark, state,
                     built_at=time.time()).write(building)
            self._swap_in(building)
            self._index = KeywordIndex.open(self.folder)
            self._checked_at = time.monotonic()
            return count

    def _swap_in(self, building: Path) -> None:
        old = self.folder.with_name(self.folder.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if self.folder.exists():
            os.replace(self.folder, old)
        os.replace(building, self.folder)
        shutil.rmtree(old, ignore_errors=True)

    def index_patents(self, ids: list[int]) -> int:
        """(Re-)index these patents now; those no longer in the store are removed from the index."""
        with self._lock:
            index = self._open_for_write()
            written = 0
            with self.db.sessions() as session:
                for chunk in batches(session, list(ids)):
                    documents = load_documents(session, chunk)
                    index.write(documents, delete_ids=chunk)
                    written += len(documents)
            manifest = Manifest.read(self.folder)
            if manifest is not None:
                manifest.documents = index.count
                manifest.write(self.folder)
            return written

    def catch_up(self) -> int:
        """Index the patents written by import jobs after the watermark; 0 when there were none (one small query)."""
        with self._lock:
            manifest = Manifest.read(self.folder)
            if manifest is None:
                return 0
            with self.db.sessions() as session:
                watermark, state = self._job_state(session, manifest.job_watermark)
                if state == manifest.jobs_state and watermark == manifest.job_watermark:
                    return 0
                ids = list(session.scalars(
                    select(Patent.id).where(Patent.last_job_id > manifest.job_watermark).order_by(Patent.id)
                ))
            written = self.index_patents(ids) if ids else 0
            manifest = Manifest.read(self.folder) or manifest
            manifest.job_watermark, manifest.jobs_state = watermark, state
            manifest.documents = self._open_for_write().count
            manifest.write(self.folder)
            return written

    def _open_for_write(self) -> KeywordIndex:
        if self._index is None:
            self._index = KeywordIndex.open(self.folder)
        return self._index

    def _pending_jobs(self, manifest: Manifest) -> bool:
        with self.db.sessions() as session:
            watermark, state = self._job_state(session, manifest.job_watermark)
        return state != manifest.jobs_state or watermark != manifest.job_watermark

    @staticmethod
    def _job_state(session, after: int = 0) -> tuple[int, list]:
        """The new watermark (last job before the first one still running) and a fingerprint of later jobs."""
        rows = session.execute(
            select(ImportJob.id, ImportJob.status, ImportJob.new, ImportJob.updated)
            .where(ImportJob.id > after).order_by(ImportJob.id)
        ).all()
        watermark = after
        for job_id, status, _, _ in rows:
            if status == "running":
                break
            watermark = job_id
        changed = sum((new or 0) + (updated or 0) for job_id, _, new, updated in rows if job_id > watermark)
        last = rows[-1][0] if rows else after
        return watermark, [last, changed]
