"""Import jobs as the web platform runs them: an uploaded file imported in the background, with progress.

The import itself is the same `run_import` the CLI uses; this module adds permission checks, a safe place for
uploads under the data directory, and reading jobs back for progress pages and rejection reports.
"""

from __future__ import annotations

import csv
import io
import re
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.accounts.roles import PATENTS_IMPORT, require
from lingxi.db import Database
from lingxi.db.audit import acting_as, record_event
from lingxi.db.models import ImportJob, ImportRejection
from lingxi.db.pagination import Page, paginate
from lingxi.errors import InvalidInput, NotFound
from lingxi.patents.importers import ImportOptions
from lingxi.patents.importing import ImportSummary, run_import
from lingxi.settings import Settings

MAX_UPLOAD_BYTES = 512 * 1024 * 1024
_UNSAFE = re.compile(r"[^\w.\-一-鿿]+")


def job_view(job: ImportJob) -> dict[str, Any]:
    processed = job.new + job.updated + job.unchanged + job.rejected
    total = job.documents_total if job.documents_total else None
    return {
        "id": job.id, "source": job.source, "status": job.status, "started_at": job.started_at,
        "finished_at": job.finished_at, "new": job.new, "updated": job.updated, "unchanged": job.unchanged,
        "rejected": job.rejected, "descriptions_left_out": job.descriptions_left_out,
        "documents_done": processed, "documents_total": total,
        "percent": 100 if job.status == "finished" else (min(99, round(100 * processed / total)) if total else None),
        "files": job.files or [], "error": job.error,
    }


def list_import_jobs(session: Session, actor: Principal, page: int = 1, page_size: int = 20) -> Page[dict]:
    require(actor, PATENTS_IMPORT)
    return paginate(session, select(ImportJob).order_by(ImportJob.id.desc()), page, page_size).map(job_view)


def get_import_job(session: Session, actor: Principal, job_id: int) -> dict[str, Any]:
    require(actor, PATENTS_IMPORT)
    job = session.get(ImportJob, job_id)
    if job is None:
        raise NotFound(f"import job {job_id} does not exist")
    return job_view(job)


def rejection_report_csv(session: Session, actor: Principal, job_id: int) -> bytes:
    """The job's rejections as CSV, UTF-8 with BOM so Excel shows Chinese; built from the store, so it exists for
    every job wherever it ran."""
    get_import_job(session, actor, job_id)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["file", "line", "document", "identifier", "reason", "excerpt"])
    rows = session.scalars(select(ImportRejection).where(ImportRejection.job_id == job_id).order_by(ImportRejection.id))
    for r in rows:
        writer.writerow([Path(r.file).name, r.line or "", r.document or "", r.identifier or "", r.reason,
                         r.excerpt or ""])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def start_upload_import(db: Database, settings: Settings, actor: Principal, filename: str, content: BinaryIO,
                        on_finished: Callable[[ImportSummary], None] | None = None,
                        include_description: bool = False) -> int:
    """Save an uploaded file under the data directory and import it in a background thread; returns the job id.

    `on_finished` runs after the import (the web layer passes the search-index update); `include_description`
    keeps full-text descriptions (ImportOptions).
    """
    require(actor, PATENTS_IMPORT)
    name = _UNSAFE.sub("_", Path(filename or "").name).strip("._")
    if not name:
        raise InvalidInput("choose a file to import", field="file")
    folder = settings.home / "uploads" / uuid.uuid4().hex
    folder.mkdir(parents=True)
    path = folder / name
    size = 0
    with path.open("wb") as out:
        while chunk := content.read(1 << 20):
            size += len(chunk)
            if size > MAX_UPLOAD_BYTES:
                out.close()
                path.unlink()
                raise InvalidInput(f"the file is larger than {MAX_UPLOAD_BYTES >> 20} MB; import it with the CLI",
                                   field="file")
            out.write(chunk)
    if size == 0:
        path.unlink()
        raise InvalidInput("the uploaded file is empty", field="file")
    started = threading.Event()
    job_ids: list[int] = []

    def job_started(job_id: int) -> None:
        job_ids.append(job_id)
        started.set()

    def work() -> None:
        try:
            run_import(db, [path], ImportOptions(include_description=include_description),
                       batch_size=settings.import_batch_size, reports_dir=settings.reports_dir,
                       created_by=actor.user_id, on_job_started=job_started, on_finished=on_finished)
        except Exception as error:  # the job must not stay "running" for ever: say what stopped it
            if job_ids:
                _mark_failed(db, job_ids[0], error)
            raise
        finally:
            started.set()  # never leave the request waiting, even if the job could not start

    threading.Thread(target=work, name=f"import-{name}", daemon=True).start()
    started.wait(timeout=60)
    if not job_ids:
        raise InvalidInput(f"the import of {name} could not start; see the server log", field="file")
    with db.sessions() as session, session.begin():
        acting_as(session, actor)
        record_event(session, "import", "import_jobs", job_ids[0], f"uploaded {name} ({size:,} bytes)")
    return job_ids[0]


def _mark_failed(db: Database, job_id: int, error: Exception) -> None:
    with db.sessions() as session, session.begin():
        job = session.get(ImportJob, job_id)
        if job is not None:
            job.status, job.error = "failed", f"{type(error).__name__}: {error}"[:2000]
