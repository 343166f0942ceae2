"""Keeping the vector indexes true to the store: the embedding job, its manifest, coverage, a background thread.

Embedding is slow (multilingual-e5-small: ~35 patents/s on 2 cores, so 3,000 demo patents take ~90 s and 100,000
take ~50 min), so vectors are built by a job, never on a request's path:

- `VectorIndexManager.embed()` embeds every patent that has no vector for the current model yet, plus those that
  import jobs changed since the last run (the import-job watermark, as the keyword index keeps it), and drops
  vectors of patents no longer in the store. It embeds in batches outside any lock and adds each batch under a
  short write lock, saves every `SAVE_EVERY` patents and at the end, so a killed job resumes where it stopped.
- `lingxi-vectors.json` (the manifest, beside the per-language indexes) ties the vectors to the store (the keyword
  index's store fingerprint), the model and version, and the job watermark. A vector index that is missing, fails its
  checksums (`lingxi.search.vectors`), was built by another model or from another store is rebuilt — never used.
- One manager per vectors folder and process (`vector_manager`): the store is loaded once (loading verifies
  checksums) and shared by every search in the process; searches hold a read lock, adding/removing/saving a write
  lock. A change written by another process (a `lingxi index embed` beside a running server) is noticed through
  the manifest's modification stamp and the store reloaded.
- In the web server (`start_background_embedding`, called at start-up) the job runs in one background thread,
  one run at a time, re-run when more work arrives; a file lock keeps two processes (several workers, or the CLI)
  from embedding into the same folder at once. Elsewhere (CLI imports) small imports are embedded inline and larger
  ones are left to `lingxi index embed` or the server's background job.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from lingxi.db import Database
from lingxi.db.models import Patent
from lingxi.search.manifests import JsonManifest

log = logging.getLogger(__name__)

MANIFEST = "lingxi-vectors.json"
LOCK_FILE = ".embedding.lock"
BATCH = 64  # patents per embedding call: ~2 s of e5 on 2 cores, the progress and write-lock granularity
SAVE_EVERY = 2_000  # patents between saves (a killed job loses at most this much work)
INLINE_LIMIT = 300  # outside the server, an import with at most this many patents to embed (~10 s) embeds inline
RECHECK_SECONDS = 2.0  # how often a search looks whether another process rewrote the vectors
Progress = Callable[[int, int], None]  # (done, total)


# Further vector stores built by the same job after the e5 vectors: factories (indexes dir, db) → a manager, or their
# "module:function" path (imported when the job runs, so no import order matters): the matching's second-opinion USE
# vectors (docs/matching.md). A companion whose module cannot be imported is skipped.
COMPANIONS: list = ["lingxi.matching.second_opinion:second_opinion"]


class EmbeddingBusy(RuntimeError):
    """Another process (or thread) is embedding into this vectors folder right now."""


@dataclass
class VectorManifest(JsonManifest):
    FILE = MANIFEST
    model: str
    model_version: str
    store: str  # the store fingerprint (KeywordIndexManager.store_fingerprint): vectors are keyed by its patent ids
    job_watermark: int = 0  # every patent written by import jobs ≤ this has its current text embedded
    jobs_state: list = field(default_factory=list)
    vectors: int = 0
    generation: int = 0  # +1 on every save
    complete: bool = False  # the last job embedded everything it found
    updated_at: float = 0.0


@dataclass
class VectorStatus:
    state: str  # ok | building | behind | missing | corrupt | mismatch
    problems: list[str]
    vectors: int = 0
    store_documents: int | None = None
    coverage: float = 0.0  # vectors / patents in the store
    running: bool = False  # a background job is embedding in this process
    model: str = ""
    path: str = ""

    @property
    def ok(self) -> bool:
        return self.state == "ok"

    @property
    def percent(self) -> int:
        return int(self.coverage * 100)  # rounded down: 99.6 % is not "100 % built"

    def as_dict(self) -> dict:
        return {**asdict(self), "percent": self.percent}


class _ReadWriteLock:
    """Many searches at once, or one writer (add/remove/save/swap) alone; a waiting writer holds off new readers."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writer = False
        self._waiting_writers = 0

    def read(self):
        return _Held(self, False)

    def write(self):
        return _Held(self, True)

    def acquire(self, write: bool) -> None:
        with self._cond:
            if write:
                self._waiting_writers += 1
                while self._writer or self._readers:
                    self._cond.wait()
                self._waiting_writers -= 1
                self._writer = True
            else:
                while self._writer or self._waiting_writers:
                    self._cond.wait()
                self._readers += 1

    def release(self, write: bool) -> None:
        with self._cond:
            if write:
                self._writer = False
            else:
                self._readers -= 1
            self._cond.notify_all()


class _Held:
    def __init__(self, lock: _ReadWriteLock, write: bool):
        self.lock, self.write = lock, write

    def __enter__(self):
        self.lock.acquire(self.write)

    def __exit__(self, *exc):
        self.lock.release(self.write)


def document_text(title: str | None, abstract: str | None) -> str:
    """What is embedded for a patent: title and abstract, joined as the language writes them."""
    from lingxi.text.segment import detect_language

    title, abstract = (title or "").strip(), (abstract or "").strip()
    if not abstract:
        return title
    chinese = detect_language(title + abstract) == "zh"
    return f"{title}。{abstract}" if chinese else f"{title}. {abstract}"


class VectorIndexManager:
    """The vector store of one data directory, shared by every search and job in the process (see module doc)."""

    companion = False  # a companion store (COMPANIONS) does not run companions of its own

    def __init__(self, indexes_dir: Path, db: Database):
        self.folder = indexes_dir / "vectors"
        self.db = db
        self._store = None
        self._manifest: VectorManifest | None = None
        self._stamp: tuple[int, int] | None = None  # manifest (mtime_ns, size) of the loaded store
        self._load_error: tuple | None = None  # (stamp, error) of the last failed load
        self._checked_at = 0.0
        self._rw = _ReadWriteLock()
        self._open_lock = threading.Lock()
        self._job_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._again = False
        self._rebuild_requested = False
        self._stop = threading.Event()
        self.background = False  # set by start_background_embedding (the web server)
        self.progress: tuple[int, int] = (0, 0)  # the running job's (done, total)
        self.last_error: str | None = None

    # --- opening ------------------------------------------------------------------------------------------------

    @staticmethod
    def embedder():
        from lingxi.text.embedding import default_embedder

        return default_embedder()

    def store_fingerprint(self) -> str:
        """Which store the vectors' patent ids belong to: the backend and the first import job (id and start time).
        Unlike the keyword index's fingerprint it leaves out the database's path, so a moved data directory keeps
        its vectors (re-embedding 1M patents takes hours) while a recreated store does not."""
        import hashlib

        from lingxi.db.models import ImportJob

        with self.db.sessions() as session:
            first = session.execute(select(ImportJob.id, ImportJob.started_at).order_by(ImportJob.id).limit(1)).first()
        identity = f"{self.db.engine.url.get_backend_name()}:{first[0] if first else ''}:{first[1] if first else ''}"
        return hashlib.sha1(identity.encode()).hexdigest()[:16]

    def _manifest_stamp(self) -> tuple[int, int] | None:
        try:
            stat = (self.folder / MANIFEST).stat()
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def _has_vectors_on_disk(self) -> bool:
        return any((self.folder / key / "manifest.json").exists() for key in ("zh", "en", "other"))

    def _load(self, embedder, verify: bool = True):
        """Open the on-disk store after checking it belongs to this store and model. Raises VectorIndexError."""
        from lingxi.search.vectors import MultilingualVectorStore, VectorIndexError, open_vector_store

        manifest = VectorManifest.read(self.folder)
        if not self._has_vectors_on_disk():
            if manifest is not None and manifest.vectors:
                raise VectorIndexError(f"{self.folder}: manifest records {manifest.vectors} vectors, none on disk")
            return MultilingualVectorStore(embedder.dim, embedder.name, embedder.version, self.folder), manifest
        if manifest is None:
            raise VectorIndexError(f"{self.folder}: vectors without a readable {MANIFEST} (interrupted build?)")
        if (manifest.model, manifest.model_version) != (embedder.name, embedder.version):
            raise VectorIndexError(f"{self.folder}: built with {manifest.model} {manifest.model_version}, "
                                   f"this version embeds with {embedder.name} {embedder.version}")
        if manifest.store != self.store_fingerprint():
            raise VectorIndexError(f"{self.folder}: built from a different store (database)")
        store = open_vector_store(self.folder, embedder, verify=verify)
        if store.count != manifest.vectors:
            raise VectorIndexError(f"{self.folder}: {store.count} vectors on disk, manifest records {manifest.vectors}")
        return store, manifest

    def store(self):
        """The shared, verified store; reloaded when another process rewrote it. Raises VectorIndexError."""
        now = time.monotonic()
        if self._store is not None and (now - self._checked_at < RECHECK_SECONDS or self._job_lock.locked()):
            return self._store
        with self._open_lock:
            stamp = self._manifest_stamp()
            if self._store is not None and stamp == self._stamp:
                self._checked_at = now
                return self._store
            if self._load_error is not None and self._load_error[0] == stamp:
                raise self._load_error[1]  # the same unusable files: do not re-verify them on every search
            try:
                store, manifest = self._load(self.embedder())
            except Exception as error:
                self._load_error = (stamp, error)
                raise
            self._load_error = None
            with self._rw.write():
                self._store, self._manifest, self._stamp = store, manifest, stamp
            self._checked_at = time.monotonic()
            return store

    def search(self, vector, k: int, allowed_ids=None, per_language: bool = False):
        """Nearest patents: one centered-merged list, or {language: list} for the hybrid fusion."""
        store = self.store()
        with self._rw.read():
            if per_language:
                allowed = None if allowed_ids is None else list(allowed_ids)
                return {key: index.search(vector, k, allowed) for key, index in store.indexes.items() if index.count}
            return store.search(vector, k, allowed_ids=allowed_ids)

    def language_of(self, patent_id: int) -> str | None:
        return self._store._lang_of.get(int(patent_id)) if self._store is not None else None

    # --- status ---------------------------------------------------------------------------------------------------

    def status(self, documents: int | None = None, *, verify: bool = False) -> VectorStatus:
        """Coverage and health. `documents` (patents in the store) is counted when not given; `verify` re-reads
        the files and checksums instead of trusting the store this process holds."""
        from lingxi.search.vectors import VectorIndexError

        status = VectorStatus("ok", [], path=str(self.folder), running=self.running)
        if documents is None:
            with self.db.sessions() as session:
                documents = session.scalar(select(func.count(Patent.id))) or 0
        status.store_documents = documents
        try:
            embedder = self.embedder()
            status.model = f"{embedder.name} {embedder.version}"
            store, manifest = self._load(embedder) if verify else (self.store(), self._manifest)
        except VectorIndexError as error:
            status.state = "corrupt" if "built" not in str(error) else "mismatch"
            status.problems.append(str(error))
            return status
        except Exception as error:  # noqa: BLE001 - no embedding model: semantic search is off, say so
            status.state, status.problems = "missing", [f"embedding model unavailable: {error}"]
            return status
        status.vectors = store.count
        status.coverage = min(1.0, store.count / documents) if documents else 1.0
        if manifest is None and documents:
            status.state = "missing"
            status.problems.append(f"no vectors built yet under {self.folder}")
        elif store.count < documents or (manifest is not None and not manifest.complete and documents):
            status.state = "building" if status.running else "behind"
            status.problems.append(f"{store.count:,} of {documents:,} patents embedded ({status.percent} %)")
        elif manifest is not None and self._pending_jobs(manifest):
            status.state = "building" if status.running else "behind"
            status.problems.append(f"import jobs after #{manifest.job_watermark} are not embedded yet")
        return status

    def _pending_jobs(self, manifest: VectorManifest) -> bool:
        from lingxi.search.indexer import KeywordIndexManager

        with self.db.sessions() as session:
            watermark, state = KeywordIndexManager._job_state(session, manifest.job_watermark)
        return state != manifest.jobs_state or watermark != manifest.job_watermark

    # --- the embedding job ------------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _wipe(self) -> None:
        for key in ("zh", "en", "other"):
            shutil.rmtree(self.folder / key, ignore_errors=True)
        (self.folder / MANIFEST).unlink(missing_ok=True)

    def embed(self, limit: int | None = None, progress: Progress | None = None, rebuild: bool = False,
              companions: bool = True) -> int:
        """Embed what the store holds and the vectors lack (see module doc); returns patents embedded.
        `rebuild` starts from nothing; an unusable on-disk index is rebuilt too. Raises EmbeddingBusy.
        Then, unless `companions` is False, the COMPANIONS stores catch up the same way."""
        if not self._job_lock.acquire(blocking=False):
            raise EmbeddingBusy("an embedding job is already running in this process")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with _FileLock(self.folder / LOCK_FILE):
                done = self._embed(limit, progress, rebuild)
        finally:
            self.progress = (0, 0)
            self._job_lock.release()
        if companions and not self.companion:
            self._embed_companions(limit, rebuild)
        return done

    def _embed_companions(self, limit: int | None, rebuild: bool) -> None:
        """Each companion store after the e5 vectors, stopped with this job; one failing never fails the e5 job."""
        for factory in COMPANIONS:
            if self._stop.is_set():
                return
            try:
                if isinstance(factory, str):
                    import importlib

                    module, _, name = factory.partition(":")
                    factory = getattr(importlib.import_module(module), name)
                other = factory(self.folder.parent, self.db)
                other._stop = self._stop  # stop() of this job stops the companion's batches too
                other.embed(limit=limit, rebuild=rebuild)
            except EmbeddingBusy:
                log.info("a companion vector store is being embedded elsewhere")
            except Exception:  # a companion failing never fails the e5 job
                log.exception("embedding a companion vector store failed")

    def _embed(self, limit: int | None, progress: Progress | None, rebuild: bool) -> int:
        from lingxi.search.indexer import KeywordIndexManager
        from lingxi.search.vectors import MultilingualVectorStore, VectorIndexError
        from lingxi.text.segment import detect_language

        embedder = self.embedder()
        fingerprint = self.store_fingerprint()
        store = manifest = None
        if not rebuild:
            try:
                store, manifest = self._load(embedder)
            except VectorIndexError as error:
                log.warning("vector index unusable, rebuilding it: %s", error)
        if store is None:
            self._wipe()
            store = MultilingualVectorStore(embedder.dim, embedder.name, embedder.version, self.folder)
        if manifest is None:
            manifest = VectorManifest(embedder.name, embedder.version, fingerprint)
        with self._rw.write():  # searches now see the store being built (and its coverage)
            self._store, self._manifest, self._load_error = store, manifest, None

        with self.db.sessions() as session:
            watermark, jobs_state = KeywordIndexManager._job_state(session, manifest.job_watermark)
            all_ids = set(session.scalars(select(Patent.id)))
            changed = set()
            if manifest.job_watermark or manifest.vectors:  # an existing index: re-embed what imports changed
                changed = set(session.scalars(select(Patent.id).where(Patent.last_job_id > manifest.job_watermark)))
        held = store.ids()
        gone = held - all_ids
        todo = sorted((all_ids - held) | (changed & held))
        truncated = limit is not None and len(todo) > limit
        if truncated:
            todo = todo[:limit]
        if gone:
            with self._rw.write():
                store.remove(gone)
        total, done, since_save = len(todo), 0, 0
        self.progress = (0, total)
        if progress:
            progress(0, total)

        def save(complete: bool) -> None:
            with self._rw.write():
                store.save()
                manifest.vectors = store.count
                manifest.generation += 1
                manifest.complete = complete
                if complete:
                    manifest.job_watermark, manifest.jobs_state = watermark, jobs_state
                manifest.write(self.folder)
                self._stamp = self._manifest_stamp()

        for start in range(0, total, BATCH):
            if self._stop.is_set():
                break
            ids = todo[start : start + BATCH]
            with self.db.sessions() as session:
                rows = session.execute(select(Patent.id, Patent.title, Patent.abstract).where(Patent.id.in_(ids))).all()
            texts = [document_text(row.title, row.abstract) for row in rows]
            vectors = embedder.embed_passages(texts)  # the slow part, outside every lock
            with self._rw.write():
                store.add([row.id for row in rows], vectors, [detect_language(text) for text in texts])
            done += len(ids)
            since_save += len(ids)
            self.progress = (done, total)
            if progress:
                progress(done, total)
            if since_save >= SAVE_EVERY:
                save(False)
                since_save = 0
        save(complete=not truncated and done == total)
        return done

    # --- after imports, and in the background -----------------------------------------------------------------

    def pending(self) -> int | None:
        """Patents waiting for a vector (None when the index is unusable and needs a full rebuild)."""
        from lingxi.search.vectors import VectorIndexError

        try:
            store = self.store()
        except VectorIndexError:
            return None
        with self.db.sessions() as session:
            all_ids = set(session.scalars(select(Patent.id)))
            manifest = self._manifest
            changed = set()
            if manifest is not None and (manifest.job_watermark or manifest.vectors):
                changed = set(session.scalars(select(Patent.id).where(Patent.last_job_id > manifest.job_watermark)))
        held = store.ids()
        return len((all_ids - held) | (changed & held)) + len(held - all_ids)

    def after_import(self) -> str:
        """The import hook's part: schedule (server), embed inline (small CLI import) or leave for later."""
        if self.background:
            self.schedule()
            return "scheduled"
        waiting = self.pending()
        if waiting is not None and waiting <= INLINE_LIMIT:
            try:
                self.embed(companions=False)  # companions (slower) wait for `lingxi index embed` or the server
            except EmbeddingBusy:
                return "busy"
            return "embedded"
        log.info("%s patents wait for semantic vectors: run `lingxi index embed`, or start the server, which "
                 "embeds them in the background", "all" if waiting is None else waiting)
        return "deferred"

    def schedule(self, rebuild: bool = False) -> bool:
        """Run the job in the background thread (one at a time; a request while it runs makes it run again)."""
        if not self.background:
            return False
        with self._open_lock:
            self._rebuild_requested |= rebuild
            if self.running:
                self._again = True
                return True
            self._stop.clear()
            self._thread = threading.Thread(target=self._background_loop, name="lingxi-embedding", daemon=True)
            self._thread.start()
            return True

    def _background_loop(self) -> None:
        while not self._stop.is_set():
            with self._open_lock:
                rebuild, self._rebuild_requested, self._again = self._rebuild_requested, False, False
            try:
                started = time.monotonic()
                count = self.embed(rebuild=rebuild)
                self.last_error = None
                if count:
                    log.info("embedded %d patents for semantic search in %.0f s", count, time.monotonic() - started)
            except EmbeddingBusy:
                self.last_error = "another process is embedding into this folder"
                return
            except Exception as error:
                self.last_error = str(error)
                log.exception("background embedding failed")
                return
            with self._open_lock:
                if not self._again:
                    self._thread = None
                    return

    def stop(self, timeout: float = 30.0) -> None:
        """Ask the background job to stop after its current batch (and save), and wait for it."""
        self._stop.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        self.background = False
        self._stop.clear()  # a later `embed()` (CLI, tests) runs to the end


class _FileLock:
    """An exclusive, non-blocking lock on a file: one embedding job per folder across processes."""

    def __init__(self, path: Path):
        self.path = path
        self._handle = None

    def __enter__(self):
        import fcntl

        self._handle = open(self.path, "a+")
        try:
            fcntl.flock(self._handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._handle.close()
            raise EmbeddingBusy(f"another process is embedding into {self.path.parent}") from None
        return self

    def __exit__(self, *exc):
        import fcntl

        fcntl.flock(self._handle, fcntl.LOCK_UN)
        self._handle.close()


_managers: dict[Path, VectorIndexManager] = {}
_managers_lock = threading.Lock()


def vector_manager(indexes_dir: Path, db: Database) -> VectorIndexManager:
    """The process's manager for this data directory (the store is loaded once per process)."""
    folder = Path(indexes_dir).resolve()
    with _managers_lock:
        manager = _managers.get(folder)
        if manager is None:
            manager = _managers[folder] = VectorIndexManager(folder, db)
        elif not manager.running:
            manager.db = db  # the newest database handle (an older one may have been disposed)
        return manager


def start_background_embedding(settings, db: Database) -> VectorIndexManager:
    """At server start: embed whatever lacks vectors in the background; searches answer meanwhile."""
    manager = vector_manager(settings.indexes_dir, db)
    manager.background = True
    manager.schedule()
    return manager


def stop_background_embedding(settings) -> None:
    with _managers_lock:
        manager = _managers.get(Path(settings.indexes_dir).resolve())
    if manager is not None:
        manager.stop()
