"""Semantic search over the vector indexes the text engineer's code builds (lingxi.text.embedding,
lingxi.search.vectors). Until those exist, or while no vectors have been built, SemanticUnavailable says so and
the service answers hybrid requests from the keyword index alone, with a note."""

from __future__ import annotations

from lingxi.settings import Settings

LANGUAGES = ("zh", "en")  # one index per language: a mixed index ranks the query's own language first


class SemanticUnavailable(RuntimeError):
    pass


def semantic_search(settings: Settings, sentence: str, k: int, allowed_ids: set[int] | None = None
                    ) -> list[tuple[int, float]]:
    """Nearest patents to a sentence in every language's index, merged by cosine similarity."""
    try:
        from lingxi.search.vectors import VectorIndex
        from lingxi.text.embedding import default_embedder
    except ImportError as error:
        raise SemanticUnavailable(f"embedding or vector index code not installed: {error}") from None
    folder = settings.indexes_dir / "vectors"
    paths = [folder / lang for lang in LANGUAGES if (folder / lang).exists()]
    if not paths:
        raise SemanticUnavailable(f"no vector index built yet under {folder}")
    if allowed_ids is not None and not allowed_ids:
        return []
    try:
        embedder = default_embedder()
        vector = embedder.embed_query(sentence)
    except Exception as error:  # a missing model package must not break keyword search
        raise SemanticUnavailable(f"embedder not available: {error}") from None
    import numpy as np

    allowed = np.fromiter(sorted(allowed_ids), dtype=np.int64) if allowed_ids is not None else None
    best: dict[int, float] = {}
    for path in paths:
        index = VectorIndex(path, embedder.dim)
        for patent_id, score in index.search(vector, k, allowed_ids=allowed):
            best[int(patent_id)] = max(float(score), best.get(int(patent_id), -1.0))
    return sorted(best.items(), key=lambda item: -item[1])[:k]
