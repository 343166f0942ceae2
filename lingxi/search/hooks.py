"""The import → index hook the interfaces pass to run_import / load_demo as `on_finished`."""

from __future__ import annotations

import logging
from collections.abc import Callable

from lingxi.db import Database
from lingxi.settings import Settings

log = logging.getLogger(__name__)


def index_updater(settings: Settings, db: Database, service=None) -> Callable[[object], None]:
    """After an import job: index what it wrote (or rebuild an unusable index), and embed it for semantic search
    (in the web server in a background thread; elsewhere inline when few, else left to `lingxi index embed`).
    A failure here never fails the import — the data is safely stored, and the next search or `lingxi index check`
    catches the index up. A process that already has a SearchService (the web server) passes it, so one index
    manager (and one index writer) serves both its searches and its imports."""

    def update(_summary: object) -> None:
        from lingxi.search.service import SearchService

        nonlocal service
        service = service or SearchService(settings, db)
        try:
            service.catch_up()
        except Exception as error:  # e.g. another process holds the index writer lock
            log.warning("search index not updated after the import (%s); it catches up on next use", error)
        try:  # semantic vectors: in the server a background job, in the CLI inline when few (vector_jobs)
            service.vectors.after_import()
        except Exception as error:  # noqa: BLE001 - e.g. the embedding model is not installed
            log.warning("semantic vectors not updated after the import (%s); `lingxi index embed` does it", error)

    return update
