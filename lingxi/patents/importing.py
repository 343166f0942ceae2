"""Import jobs: files → importer → canonical records → store, with progress, counts and rejections.

Each batch is one transaction that also advances the job's counters, so a job killed at any moment
leaves only whole batches behind; running it again finds those records unchanged and completes the
rest, ending with the same patents as an uninterrupted run.
"""

from __future__ import annotations

import csv
import gc
import os
import socket
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from sqlalchemy import insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from lingxi.db import Database
from lingxi.db.base import utcnow
from lingxi.db.models import ImportJob, ImportRejection
from lingxi.parties.register import apply_register
from lingxi.patents.importers import (
    ImportOptions,
    UnknownFormat,
    detect_importer,
    importer_by_name,
    leave_out_description,
)
from lingxi.patents.normalise import InvalidRecord, PreparedRecord, prepare
from lingxi.patents.parse_worker import ParseWorkers, parallel_worth_it
from lingxi.patents.records import ParseResult, Rejection, SourceLocation
from lingxi.patents.store import BatchCounts, PatentWriter


class ImportProgress(Protocol):
    def file_started(self, path: Path, format_name: str, total: int | None) -> None: ...
    def advanced(self, documents: int) -> None: ...
    def file_finished(self, path: Path) -> None: ...


class _SilentProgress:
    def file_started(self, path: Path, format_name: str, total: int | None) -> None:
        pass

    def advanced(self, documents: int) -> None:
        pass

    def file_finished(self, path: Path) -> None:
        pass


@dataclass
class ImportSummary:
    job_id: int
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    descriptions_left_out: int = 0  # documents whose description was not kept (ImportOptions.include_description)
    seconds: float = 0.0
    files: list[dict] = field(default_factory=list)
    rejection_report: Path | None = None

    @property
    def documents(self) -> int:
        return self.new + self.updated + self.unchanged + self.rejected

    @property
    def documents_per_second(self) -> float:
        return self.documents / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict:
        return {
            "job_id": self.job_id,
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "descriptions_left_out": self.descriptions_left_out,
            "documents": self.documents,
            "seconds": round(self.seconds, 3),
            "documents_per_second": round(self.documents_per_second, 1),
            "files": self.files,
            "rejection_report": str(self.rejection_report) if self.rejection_report else None,
        }


def run_import(
    db: Database,
    paths: Iterable[Path],
    options: ImportOptions | None = None,
    *,
    format_name: str | None = None,
    progress: ImportProgress | None = None,
    batch_size: int = 1000,
    reports_dir: Path | None = None,
    created_by: int | None = None,
    on_job_started: Callable[[int], None] | None = None,
    on_finished: Callable[[ImportSummary], None] | None = None,
) -> ImportSummary:
    """Import files (directories are walked) and return what happened.

    `on_job_started` receives the job id as soon as the job exists, so a caller running the import in the
    background can point its user at the job's progress. `on_finished` runs after the job is recorded as
    finished (the interfaces pass the search index update, which lives in a layer above this one).
    """
    options = options or ImportOptions()
    progress = progress or _SilentProgress()
    files = list(expand_paths(paths))
    with _collector_kept_short() as settle:
        job = _ImportJobRunner(db, source=" ".join(str(p) for p in paths), batch_size=batch_size, settle=settle,
                               created_by=created_by)
        if on_job_started is not None:
            on_job_started(job.job_id)
        for path in files:
            job.import_file(path, options, format_name, progress)
        return _finished(job.finish(reports_dir), on_finished)


def import_parsed(
    db: Database, results: Iterable[ParseResult], source: str, *, batch_size: int = 1000,
    reports_dir: Path | None = None, on_finished: Callable[[ImportSummary], None] | None = None,
) -> ImportSummary:
    """Import records produced in code (e.g. the demo generator) through the same pipeline as files."""
    with _collector_kept_short() as settle:
        job = _ImportJobRunner(db, source=source, batch_size=batch_size, settle=settle)
        job.consume(_prepared_in_process(results, ImportOptions(include_description=True)), _SilentProgress())
        return _finished(job.finish(reports_dir), on_finished)


def _finished(summary: ImportSummary, on_finished: Callable[[ImportSummary], None] | None) -> ImportSummary:
    if on_finished is not None:
        on_finished(summary)
    return summary


@contextmanager
def _collector_kept_short() -> Iterator[Callable[[], None]]:
    """Keep the cyclic garbage collector from walking what an import keeps for its whole length.

    The party caches grow by the hundred thousand entries, and each full collection walked them all: a tenth
    of the importing process's time on a large file. After each batch the objects alive are frozen (set aside
    from collections; gc.freeze) and at the end handed back to the collector, so nothing is lost for good.
    A process that freezes objects itself, or runs without the collector, is left as it is.
    What the process holds before the import (modules, SQLAlchemy's metadata) is set aside at once: the full
    collection the first batch set off walked it all (0.1 s of the importing process's time).
    """
    if gc.get_freeze_count() or not gc.isenabled():
        yield lambda: None
        return
    try:
        gc.freeze()
        yield gc.freeze
    finally:
        gc.unfreeze()


def expand_paths(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        else:
            yield path


class _ImportJobRunner:
    def __init__(self, db: Database, source: str, batch_size: int, settle: Callable[[], None] = lambda: None,
                 created_by: int | None = None):
        self.db = db
        self.settle = settle  # called after each batch (see _collector_kept_short)
        self.batch_size = batch_size
        self.started = time.perf_counter()
        self.session = db.sessions()
        with self.session.begin():
            _mark_interrupted_jobs(self.session)
            job = ImportJob(source=source, files=[], host=socket.gethostname(), pid=os.getpid(), created_by_id=created_by)
            self.session.add(job)
            self.session.flush()
            self.job_id = job.id
        self.summary = ImportSummary(job_id=self.job_id)
        self.writer = PatentWriter(self.session, self.job_id)
        self.pending: dict[str, PreparedRecord] = {}
        self.pending_rejections: list[Rejection] = []
        self.locations: dict[str, SourceLocation] = {}  # where each pending record came from
        self.documents_total: int | None = 0  # None once a file could not be counted

    def import_file(self, path: Path, options: ImportOptions, format_name: str | None, progress) -> None:
        try:
            importer = importer_by_name(format_name) if format_name else detect_importer(path)
        except (UnknownFormat, OSError) as error:
            self._reject(Rejection(SourceLocation(str(path)), _file_error(path, error)))
            self.flush()
            return
        workers = _start_workers(path, importer.name, options) if parallel_worth_it(path) else None
        if workers is not None:
            with workers:
                # Counting (a scan of the file, for the progress bar) overlaps with the workers' start.
                progress.file_started(path, importer.name, self._counted(importer, path, options))
                documents = self.consume(workers, progress, path)
        else:
            progress.file_started(path, importer.name, self._counted(importer, path, options))
            documents = self.consume(_prepared_in_process(importer.parse(path, options), options), progress, path)
        self.summary.files.append({"path": str(path), "format": importer.name, "documents": documents})
        progress.file_finished(path)

    def _counted(self, importer, path: Path, options: ImportOptions) -> int | None:
        total = _safe_count(importer, path, options)
        self.documents_total = None if total is None or self.documents_total is None else self.documents_total + total
        return total

    def consume(self, items: Iterable[tuple], progress, path: Path | None = None) -> int:
        """Batch ("record", PreparedRecord, location) and ("rejection", Rejection) items, in order."""
        documents = 0
        try:
            for item in items:
                documents += 1
                if item[0] == "record":
                    self._add(item[1], item[2])
                else:
                    self._reject(item[1])
                if documents % 100 == 0:
                    progress.advanced(100)
        except Exception as error:  # an importer bug or an I/O error must not lose what was read so far
            where = SourceLocation(str(path) if path else "input", document=documents + 1)
            self._reject(Rejection(where, f"reading stopped: {type(error).__name__}: {error}"))
        progress.advanced(documents % 100)
        self.flush()
        return documents

    def _add(self, prepared: PreparedRecord, location: SourceLocation) -> None:
        if prepared.description_left_out:
            self.summary.descriptions_left_out += 1
        if prepared.key in self.pending:
            self.flush()  # the same patent twice in a row: store the first so the second counts as an update
        self.pending[prepared.key] = prepared
        self.locations[prepared.key] = location
        if len(self.pending) >= self.batch_size:
            self.flush()

    def _reject(self, rejection: Rejection) -> None:
        self.pending_rejections.append(rejection)
        if len(self.pending_rejections) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        batch = list(self.pending.values())
        rejections = self.pending_rejections
        self.pending, self.pending_rejections = {}, []
        try:
            self._write(batch, rejections)
        except SQLAlchemyError:
            self.session.rollback()
            self.writer.parties.forget()
            self._write_one_by_one(batch, rejections)
        self.locations.clear()
        self.settle()

    def _write(self, batch: list[PreparedRecord], rejections: list[Rejection]) -> None:
        with self.session.begin():
            counts = self.writer.write(batch) if batch else BatchCounts()
            self._record(counts, rejections)

    def _write_one_by_one(self, batch: list[PreparedRecord], rejections: list[Rejection]) -> None:
        """After a failed batch, find the record the database refused and report it instead of failing the job."""
        for prepared in batch:
            try:
                self._write([prepared], [])
            except SQLAlchemyError as error:
                self.session.rollback()
                self.writer.parties.forget()
                location = self.locations.get(prepared.key, SourceLocation("input", identifier=prepared.key))
                reason = f"database refused the record: {str(error.orig if hasattr(error, 'orig') else error)[:300]}"
                rejections.append(Rejection(location, reason))
        with self.session.begin():
            self._record(BatchCounts(), rejections)

    def _record(self, counts: BatchCounts, rejections: list[Rejection]) -> None:
        if rejections:
            self.session.execute(insert(ImportRejection), [_rejection_row(self.job_id, r) for r in rejections])
        self.summary.new += counts.new
        self.summary.updated += counts.updated
        self.summary.unchanged += counts.unchanged
        self.summary.rejected += len(rejections)
        self.session.execute(
            update(ImportJob)
            .where(ImportJob.id == self.job_id)
            .values(
                new=self.summary.new,
                updated=self.summary.updated,
                unchanged=self.summary.unchanged,
                rejected=self.summary.rejected,
                descriptions_left_out=self.summary.descriptions_left_out,
                documents_total=self.documents_total,
            )
        )

    def finish(self, reports_dir: Path | None) -> ImportSummary:
        self.flush()
        self.summary.seconds = time.perf_counter() - self.started
        if reports_dir is not None and self.summary.rejected:
            self.summary.rejection_report = write_rejection_report(self.db, self.job_id, reports_dir)
        with self.session.begin():
            apply_register(self.session)  # organisations this import brought in, as the operator's list has them
            self.session.execute(
                update(ImportJob)
                .where(ImportJob.id == self.job_id)
                .values(status="finished", finished_at=utcnow(), files=self.summary.files,
                        documents_total=self.summary.new + self.summary.updated + self.summary.unchanged
                        + self.summary.rejected)
            )
            self.writer.relax()
        self.session.close()
        return self.summary


def _mark_interrupted_jobs(session) -> None:
    """Jobs still 'running' whose process on this host is gone were killed: say so instead of 'running' forever.

    Their committed batches are kept; importing the same files again completes them.
    """
    running = session.execute(
        select(ImportJob).where(ImportJob.status == "running", ImportJob.host == socket.gethostname())
    ).scalars()
    for job in running:
        if job.pid is not None and not _process_alive(job.pid):
            job.status = "interrupted"


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_rejection_report(db: Database, job_id: int, reports_dir: Path) -> Path:
    """CSV (UTF-8 with BOM so Excel shows Chinese correctly) listing every rejection of a job."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    path = reports_dir / f"import-{job_id}-rejections.csv"
    with db.sessions() as session, path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "line", "document", "identifier", "reason", "excerpt"])
        rows = session.execute(
            select(ImportRejection).where(ImportRejection.job_id == job_id).order_by(ImportRejection.id)
        ).scalars()
        for r in rows:
            writer.writerow([r.file, r.line or "", r.document or "", r.identifier or "", r.reason, r.excerpt or ""])
    return path


def _rejection_row(job_id: int, rejection: Rejection) -> dict:
    location = rejection.location
    return {
        "job_id": job_id,
        "file": location.file,
        "line": location.line,
        "document": location.document,
        "identifier": (location.identifier or "")[:120] or None,
        "reason": rejection.reason,
        "excerpt": (rejection.excerpt or "")[:500] or None,
    }


def _start_workers(path: Path, format_name: str, options: ImportOptions) -> ParseWorkers | None:
    try:
        return ParseWorkers(path, format_name, options)
    except OSError:  # no process or pipe to be had: parse in this process instead
        return None


def _prepared_in_process(results: Iterable[ParseResult], options: ImportOptions) -> Iterator[tuple]:
    """Importer results normalised here, as the items consume() takes (what parse workers send)."""
    for result in results:
        if isinstance(result, Rejection):
            yield ("rejection", result)
            continue
        left_out = leave_out_description(result, options)
        try:
            prepared = prepare(result.record)
            prepared.description_left_out = left_out
            yield ("record", prepared, result.location)
        except InvalidRecord as error:
            yield ("rejection", Rejection(result.location, str(error)))


def _safe_count(importer, path: Path, options: ImportOptions) -> int | None:
    try:
        return importer.count(path, options)
    except Exception:  # a count is only for the progress bar
        return None


def _file_error(path: Path, error: Exception) -> str:
    if isinstance(error, FileNotFoundError):
        return f"file not found: {path}"
    return str(error)
