"""Semantic search over the per-language vector indexes (lingxi.search.vectors, built by lingxi.search.vector_jobs).

    hits, notes = semantic_search(settings, db, "怎样让锂电池用得更久", k=200, allowed_ids=None, documents=n)

The store is opened once per process and shared (`vector_manager`). While vectors are incomplete the search uses
those that exist and says so in a note ("semantic index 40% built …"); with none yet, or with an index that is
missing, corrupt or of another model, `SemanticUnavailable` says why — the service then answers from the keyword
index, with that note — and a rebuild is scheduled in the background (in the server) or suggested (CLI).
"""

from __future__ import annotations

from lingxi.db import Database
from lingxi.settings import Settings

LANGUAGES = ("zh", "en", "other")  # one index per language: a mixed index ranks the query's own language first


class SemanticUnavailable(RuntimeError):
    pass


def _how_to_finish(manager) -> str:
    if manager.running:
        done, total = manager.progress
        return f"embedding in the background ({done:,} of {total:,} this run)" if total else "embedding in the background"
    if manager.background:
        return "embedding scheduled in the background"
    return "run `lingxi index embed` (or start the server, which embeds in the background)"


def query_language(sentence: str) -> str:
    from lingxi.text.segment import detect_language

    lang = detect_language(sentence)
    return lang if lang in ("zh", "en") else "other" if lang != "und" else "en"


def semantic_search(settings: Settings, db: Database, sentence: str, k: int, allowed_ids: set[int] | None = None,
                    documents: int | None = None, per_language: bool = False):
    """Nearest patents to a sentence → (hits, notes). hits: [(patent id, cosine)] merged over languages (each
    language's cosines centered on its own top-50 mean), or with `per_language` {language: [(id, cosine)]}.
    `documents` is how many patents the store holds (for the coverage note)."""
    from lingxi.search.vector_jobs import vector_manager
    from lingxi.search.vectors import VectorIndexError

    manager = vector_manager(settings.indexes_dir, db)
    try:
        store = manager.store()
    except VectorIndexError as error:
        manager.schedule(rebuild=True)
        raise SemanticUnavailable(f"vector index unusable ({error}); it is rebuilt — {_how_to_finish(manager)}"
                                  ) from None
    except Exception as error:  # noqa: BLE001 - a missing model package must not break keyword search
        raise SemanticUnavailable(f"embedding model not available: {error}") from None
    notes: list[str] = []
    held = store.count
    if documents is not None and held < documents:
        percent = int(100 * held / documents) if documents else 0
        if not manager.running:
            manager.schedule()
        message = f"semantic index {percent}% built ({held:,} of {documents:,} patents embedded)"
        if held == 0:
            raise SemanticUnavailable(f"{message}; {_how_to_finish(manager)}")
        notes.append(f"{message}: semantic results cover the embedded patents only; {_how_to_finish(manager)}")
    if held == 0:
        raise SemanticUnavailable(f"no vectors built yet under {manager.folder}; {_how_to_finish(manager)}")
    if allowed_ids is not None and not allowed_ids:
        return ({} if per_language else []), notes
    try:
        vector = manager.embedder().embed_query(sentence)
    except Exception as error:  # noqa: BLE001
        raise SemanticUnavailable(f"embedding model not available: {error}") from None
    return manager.search(vector, k, allowed_ids, per_language=per_language), notes
