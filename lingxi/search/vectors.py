"""Vector index for semantic search: faiss HNSW (inner product on L2-normalised vectors = cosine) with deletions,
id filters, a verified on-disk format, and one index per language.

Why HNSW: exact search is ~20 ms per query at 100k vectors and grows linearly (~200 ms at 1M), past the 60 ms
semantic target; HNSW answers in about a millisecond at both sizes. faiss HNSW cannot delete, so a removed or
re-added document leaves a tombstoned slot that searches skip (faiss IDSelectorBitmap over live slots) and `compact`
rebuilds when tombstones pile up. Small filtered searches (few allowed ids) are scored exactly over the index's own flat vector storage
under a bitmap, and small indexes exactly in NumPy: a graph walk through a sparse filter misses results.

On disk (a directory under the data directory): `vectors.faiss`, `slots.npy` (slot → document id, −1 = deleted) and
`manifest.json` (format, model name/version, dim, counts, size and BLAKE2 checksum of both files), written last so a
half-written save is detected as corrupt. `load` refuses a missing, corrupt or mismatched (other model/dim) index
with `VectorIndexError`; the caller rebuilds it from the store.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np

FORMAT = "lingxi-vectors-1"
EXACT_BELOW = 20_000  # vectors (or allowed ids) scored exactly: ≤ 20k × 384 is ~2 ms of NumPy
COMPACT_RATIO = 0.25  # rebuild the graph on save when this share of slots is tombstoned
CENTER_DEPTH = 50  # hits per language whose mean cosine is that language's baseline in the `centered` merge


class VectorIndexError(RuntimeError):
    """The on-disk index is missing, corrupt, or was built by another model: rebuild it."""


def _checksum(path: Path) -> str:
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 22), b""):
            h.update(block)
    return h.hexdigest()


class VectorIndex:
    """Document id (int64) → one vector. `search` returns [(id, cosine)] best first."""

    def __init__(
        self,
        dim: int,
        model: str,
        model_version: str,
        path: Path | None = None,
        hnsw_m: int = 32,
        ef_construction: int = 80,
        ef_search: int = 96,
    ):
        self.dim = dim
        self.model = model
        self.model_version = model_version
        self.path = Path(path) if path else None
        self.hnsw_m = hnsw_m
        self.ef_construction = ef_construction
        self.ef_search = ef_search
        self._index = self._new_index()
        self._slots = np.zeros(0, dtype=np.int64)  # slot → document id, -1 for a tombstone
        self._slot_of: dict[int, int] = {}
        self._lookup: tuple[np.ndarray, np.ndarray, np.ndarray | None] | None = None  # rebuilt after changes

    # ------------------------------------------------------------------ building
    def _new_index(self):
        import faiss

        index = faiss.IndexHNSWFlat(self.dim, self.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = self.ef_construction
        index.hnsw.efSearch = self.ef_search
        return index

    @property
    def count(self) -> int:
        """Live documents."""
        return len(self._slot_of)

    @property
    def tombstones(self) -> int:
        return len(self._slots) - len(self._slot_of)

    def __contains__(self, doc_id: int) -> bool:
        return int(doc_id) in self._slot_of

    def add(self, ids: Iterable[int] | np.ndarray, vectors: np.ndarray) -> None:
        """Add (or replace) vectors; an id already present is updated (its old slot becomes a tombstone)."""
        ids = np.asarray(list(ids) if not isinstance(ids, np.ndarray) else ids, dtype=np.int64).reshape(-1)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1, self.dim) if len(ids) else None
        if not len(ids):
            return
        if vectors.shape != (len(ids), self.dim):
            raise ValueError(f"vectors must be ({len(ids)}, {self.dim}), got {vectors.shape}")
        if len(set(ids.tolist())) != len(ids):
            # keep the last vector of an id given twice in one call
            last = {int(i): n for n, i in enumerate(ids)}
            keep = np.array(sorted(last.values()))
            ids, vectors = ids[keep], vectors[keep]
        self.remove(ids)
        first = len(self._slots)
        self._index.add(vectors)
        self._slots = np.concatenate([self._slots, ids])
        self._lookup = None
        for n, doc_id in enumerate(ids.tolist()):
            self._slot_of[doc_id] = first + n

    def remove(self, ids: Iterable[int] | np.ndarray) -> int:
        """Tombstone these ids; unknown ids are ignored. Returns how many were removed."""
        removed = 0
        for doc_id in np.asarray(list(ids) if not isinstance(ids, np.ndarray) else ids, dtype=np.int64).tolist():
            slot = self._slot_of.pop(doc_id, None)
            if slot is not None:
                self._slots[slot] = -1
                removed += 1
        if removed:
            self._lookup = None
        return removed

    def _lookups(self) -> tuple[np.ndarray | None, np.ndarray, np.ndarray, np.ndarray | None]:
        """Cached until the next change: (dense id → slot table or None, sorted live ids, their slots, live-slot
        bitmap or None when nothing is tombstoned). Patent ids are database keys, nearly dense, so a filter of 100k
        ids maps to slots by one array gather (~0.3 ms at 1M) instead of 100k dict lookups or a sort."""
        if self._lookup is None:
            live = np.flatnonzero(self._slots >= 0)
            live_ids = self._slots[live]
            order = np.argsort(live_ids, kind="stable")
            bitmap = None if len(live) == len(self._slots) else np.packbits(self._slots >= 0, bitorder="little")
            table = None
            top = int(live_ids.max()) if len(live_ids) else -1
            if 0 <= top <= 4 * len(live_ids) + 1_000_000:  # ≤ 8 bytes × (4n + 1M): a few MB even at 1M
                table = np.full(top + 1, -1, dtype=np.int64)
                table[live_ids] = live
            self._lookup = (table, live_ids[order], live[order], bitmap)
        return self._lookup

    def _slots_for(self, ids: Iterable[int]) -> np.ndarray:
        """Slots of the live ids among `ids` (unknown ids dropped; duplicates harmless for the bitmap users)."""
        ids = np.asarray(ids if isinstance(ids, np.ndarray) else list(ids), dtype=np.int64).reshape(-1)
        table, sorted_ids, sorted_slots, _ = self._lookups()
        if not len(sorted_ids) or not len(ids):
            return np.zeros(0, dtype=np.int64)
        if table is not None:
            inside = ids[(ids >= 0) & (ids < len(table))]
            slots = table[inside]
            return slots[slots >= 0]
        pos = np.minimum(np.searchsorted(sorted_ids, ids), len(sorted_ids) - 1)
        return sorted_slots[pos[sorted_ids[pos] == ids]]

    def vectors(self) -> np.ndarray:
        """All stored vectors by slot (a view into the index, not a copy)."""
        import faiss

        n = self._index.ntotal
        if n == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        flat = faiss.downcast_index(self._index.storage)
        return faiss.rev_swig_ptr(flat.get_xb(), n * self.dim).reshape(n, self.dim)

    def get(self, doc_id: int) -> np.ndarray | None:
        slot = self._slot_of.get(int(doc_id))
        return None if slot is None else self.vectors()[slot].copy()

    def compact(self) -> None:
        """Rebuild the graph from live vectors only (drops tombstones)."""
        live = np.flatnonzero(self._slots >= 0)
        vectors = self.vectors()[live].copy()
        ids = self._slots[live].copy()
        self._index = self._new_index()
        self._slots = np.zeros(0, dtype=np.int64)
        self._slot_of = {}
        self._lookup = None
        self.add(ids, vectors)

    # ------------------------------------------------------------------ searching
    def search(
        self, vector: np.ndarray, k: int = 10, allowed_ids: Iterable[int] | None = None
    ) -> list[tuple[int, float]]:
        """Top-k live documents by cosine, restricted to `allowed_ids` when given."""
        if k <= 0 or not self._slot_of:
            return []
        query = np.ascontiguousarray(vector, dtype=np.float32).reshape(1, self.dim)
        if allowed_ids is not None:
            slots_arr = self._slots_for(allowed_ids)
            if not len(slots_arr):
                return []
            if len(slots_arr) <= EXACT_BELOW:
                return self._exact_filtered(query, k, slots_arr)
            return self._graph(query, k, slots_arr)
        if len(self._slots) <= EXACT_BELOW:
            return self._exact(query, k, np.flatnonzero(self._slots >= 0))
        return self._graph(query, k, None)

    def _exact(self, query: np.ndarray, k: int, slots: np.ndarray) -> list[tuple[int, float]]:
        scores = self.vectors()[slots] @ query[0]
        top = np.argsort(-scores)[:k] if len(scores) <= 4 * k else np.argpartition(-scores, k)[:k]
        top = top[np.argsort(-scores[top])]
        return [(int(self._slots[slots[i]]), float(scores[i])) for i in top]

    def _exact_filtered(self, query: np.ndarray, k: int, slots: np.ndarray) -> list[tuple[int, float]]:
        # the flat vector storage scanned under a bitmap: only allowed rows are scored, nothing is copied
        # (gathering 10k scattered rows out of a 1.5 GB array in NumPy was 10× slower at 1M vectors)
        import faiss

        n = len(self._slots)
        mask = np.zeros(n, dtype=bool)
        mask[slots] = True
        bitmap = np.packbits(mask, bitorder="little")
        params = faiss.SearchParameters(sel=faiss.IDSelectorBitmap(n, faiss.swig_ptr(bitmap)))
        storage = faiss.downcast_index(self._index.storage)
        scores, found = storage.search(query, min(k, len(slots)), params=params)
        return [(int(self._slots[s]), float(sc)) for s, sc in zip(found[0], scores[0], strict=True) if s >= 0]

    def _graph(self, query: np.ndarray, k: int, allowed_slots: np.ndarray | None) -> list[tuple[int, float]]:
        import faiss

        n = len(self._slots)
        if allowed_slots is None:
            bitmap = self._lookups()[3]
            live_share = len(self._slot_of) / n
        else:
            mask = np.zeros(n, dtype=bool)
            mask[allowed_slots] = True
            live_share = len(allowed_slots) / n
            bitmap = np.packbits(mask, bitorder="little")  # faiss reads bit i of byte i>>3, LSB first
        if bitmap is not None:
            selector = faiss.IDSelectorBitmap(n, faiss.swig_ptr(bitmap))
            # a filter that passes few slots needs a wider beam to still collect k good results; growing it with
            # 1/sqrt(share) rather than 1/share halves the time at a 10 % filter (filters under EXACT_BELOW ids
            # never get here)
            ef = int(min(2048, max(self.ef_search, k) / np.sqrt(max(live_share, 0.01))))
            params = faiss.SearchParametersHNSW(sel=selector, efSearch=ef)
        else:
            params = faiss.SearchParametersHNSW(efSearch=max(self.ef_search, k))
        scores, slots = self._index.search(query, k, params=params)
        return [(int(self._slots[s]), float(sc)) for s, sc in zip(slots[0], scores[0], strict=True) if s >= 0]

    # ------------------------------------------------------------------ persistence
    def save(self, path: Path | None = None) -> Path:
        import faiss

        path = Path(path or self.path or "")
        if not str(path):
            raise ValueError("no path to save the vector index to")
        path.mkdir(parents=True, exist_ok=True)
        if self._slots.size and self.tombstones / len(self._slots) >= COMPACT_RATIO:
            self.compact()
        files = {"index": path / "vectors.faiss", "slots": path / "slots.npy"}
        tmp = {key: p.with_name(p.name + ".tmp") for key, p in files.items()}
        faiss.write_index(self._index, str(tmp["index"]))
        with open(tmp["slots"], "wb") as f:
            np.save(f, self._slots)
        manifest = {
            "format": FORMAT,
            "model": self.model,
            "model_version": self.model_version,
            "dim": self.dim,
            "count": self.count,
            "slots": len(self._slots),
            "hnsw_m": self.hnsw_m,
            "files": {
                key: {"name": file.name, "bytes": tmp[key].stat().st_size, "blake2b": _checksum(tmp[key])}
                for key, file in files.items()
            },
        }
        for key, file in files.items():
            os.replace(tmp[key], file)
        manifest_tmp = path / "manifest.json.tmp"
        manifest_tmp.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        os.replace(manifest_tmp, path / "manifest.json")  # the commit point
        self.path = path
        return path

    @classmethod
    def load(
        cls,
        path: Path,
        model: str | None = None,
        model_version: str | None = None,
        dim: int | None = None,
        verify: bool = True,
    ) -> VectorIndex:
        """Open a saved index; with model/model_version/dim given, refuse one built differently."""
        import faiss

        path = Path(path)
        manifest_path = path / "manifest.json"
        if not manifest_path.exists():
            raise VectorIndexError(f"{path}: no vector index (manifest.json missing)")
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            files = manifest["files"]
            if manifest["format"] != FORMAT:
                raise VectorIndexError(f"{path}: unknown format {manifest['format']!r}")
        except (ValueError, KeyError, TypeError) as exc:
            raise VectorIndexError(f"{path}: unreadable manifest ({exc})") from exc
        expected = {"model": model, "model_version": model_version, "dim": dim}
        for key, want in expected.items():
            if want is not None and manifest.get(key) != want:
                raise VectorIndexError(f"{path}: built with {key}={manifest.get(key)!r}, expected {want!r}")
        for key, meta in files.items():
            file = path / meta["name"]
            if not file.exists() or file.stat().st_size != meta["bytes"]:
                raise VectorIndexError(f"{path}: {meta['name']} missing or truncated")
            if verify and _checksum(file) != meta["blake2b"]:
                raise VectorIndexError(f"{path}: {meta['name']} checksum mismatch (corrupt)")
        self = cls(manifest["dim"], manifest["model"], manifest["model_version"], path, hnsw_m=manifest["hnsw_m"])
        try:
            self._index = faiss.read_index(str(path / files["index"]["name"]))
            self._slots = np.load(path / files["slots"]["name"])
        except Exception as exc:  # faiss raises RuntimeError with C++ text; either way the file is unusable
            raise VectorIndexError(f"{path}: cannot read index ({exc})") from exc
        if self._index.ntotal != len(self._slots) or self._index.d != self.dim:
            raise VectorIndexError(f"{path}: index holds {self._index.ntotal} vectors, slots {len(self._slots)}")
        self._index.hnsw.efSearch = self.ef_search
        self._slot_of = {int(d): s for s, d in enumerate(self._slots.tolist()) if d >= 0}
        if len(self._slot_of) != manifest["count"]:
            raise VectorIndexError(f"{path}: {len(self._slot_of)} live vectors, manifest says {manifest['count']}")
        return self


def _language_key(lang: str) -> str:
    # zh and en are the languages of the data; anything else gets its own list so it is never outvoted
    return lang if lang in ("zh", "en") else "other"


class MultilingualVectorStore:
    """One VectorIndex per document language, searched together.

    multilingual-e5 scores a same-language passage higher than an equally relevant one in the other language
    (MODELS.md: in one mixed index the same-language passage came first every time). So each language keeps its own
    index and a query takes the best of each list on equal terms — by rank (`merge="rank"`), or by cosine after
    shifting each list by its own mean score (`merge="centered"`), or by raw cosine (`merge="raw"`, biased; for
    comparison). bench/search_quality.py measures the three.
    """

    LANGS = ("zh", "en", "other")

    def __init__(self, dim: int, model: str, model_version: str, root: Path | None = None, merge: str = "centered"):
        self.dim, self.model, self.model_version = dim, model, model_version
        self.root = Path(root) if root else None
        self.merge = merge
        self.indexes: dict[str, VectorIndex] = {}
        self._lang_of: dict[int, str] = {}

    def _index(self, key: str) -> VectorIndex:
        if key not in self.indexes:
            path = self.root / key if self.root else None
            self.indexes[key] = VectorIndex(self.dim, self.model, self.model_version, path)
        return self.indexes[key]

    @property
    def count(self) -> int:
        return sum(ix.count for ix in self.indexes.values())

    def __contains__(self, doc_id: int) -> bool:
        return int(doc_id) in self._lang_of

    def ids(self) -> set[int]:
        """Every document id held, whatever its language (e.g. to embed only what an import added)."""
        return set(self._lang_of)

    def add(self, ids: Iterable[int], vectors: np.ndarray, langs: Iterable[str]) -> None:
        ids = np.asarray(list(ids), dtype=np.int64)
        keys = np.array([_language_key(lang) for lang in langs])
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(ids), self.dim)
        self.remove(ids)  # a document whose language changed must leave its old index
        for key in np.unique(keys):
            sel = keys == key
            self._index(str(key)).add(ids[sel], vectors[sel])
        for doc_id, key in zip(ids.tolist(), keys.tolist(), strict=True):
            self._lang_of[doc_id] = key

    def remove(self, ids: Iterable[int]) -> int:
        removed = 0
        by_key: dict[str, list[int]] = {}
        for doc_id in map(int, ids):
            key = self._lang_of.pop(doc_id, None)
            if key:
                by_key.setdefault(key, []).append(doc_id)
        for key, key_ids in by_key.items():
            removed += self.indexes[key].remove(key_ids)
        return removed

    def search(
        self, vector: np.ndarray, k: int = 10, allowed_ids: Iterable[int] | None = None, merge: str | None = None
    ) -> list[tuple[int, float]]:
        merge = merge or self.merge
        allowed = None if allowed_ids is None else list(allowed_ids)
        # the centering baseline is the mean of each list's top CENTER_DEPTH, whatever k is, so a hit's merged
        # position does not depend on how many results were asked for
        depth = max(k, CENTER_DEPTH) if merge == "centered" else k
        lists = [ix.search(vector, depth, allowed) for ix in self.indexes.values() if ix.count]
        lists = [hits for hits in lists if hits]
        # each hit keeps its cosine; only the ordering key differs between merge strategies
        keyed: list[tuple[float, int, float]] = []
        for hits in lists:
            if merge == "raw":
                keyed.extend((score, doc_id, score) for doc_id, score in hits)
            elif merge == "centered":
                base = float(np.mean([score for _, score in hits[:CENTER_DEPTH]]))
                keyed.extend((score - base, doc_id, score) for doc_id, score in hits)
            elif merge == "rank":
                keyed.extend((1.0 / (60 + rank), doc_id, score) for rank, (doc_id, score) in enumerate(hits, 1))
            else:
                raise ValueError(f"unknown merge {merge!r} (centered, rank or raw)")
        keyed.sort(key=lambda hit: -hit[0])
        return [(doc_id, score) for _, doc_id, score in keyed[:k]]

    def save(self) -> None:
        if not self.root:
            raise ValueError("no root directory to save to")
        for key, index in self.indexes.items():
            index.save(self.root / key)

    @classmethod
    def load(cls, root: Path, model: str, model_version: str, dim: int, verify: bool = True, merge: str = "centered"):
        """Open every per-language index under root; raises VectorIndexError if any is missing/corrupt/mismatched."""
        self = cls(dim, model, model_version, root, merge)
        root = Path(root)
        for key in cls.LANGS:
            if (root / key).exists():
                index = VectorIndex.load(root / key, model, model_version, dim, verify)
                self.indexes[key] = index
                for doc_id in index._slot_of:
                    self._lang_of[doc_id] = key
        return self

    def add_texts(self, ids: Iterable[int], texts: list[str], embedder, progress=None) -> None:
        """Embed documents' texts (title + abstract) with `embedder` and add them to their language's index.
        The embedder must be the one this store was built for (name/version are checked)."""
        if (embedder.name, embedder.version, embedder.dim) != (self.model, self.model_version, self.dim):
            raise VectorIndexError(
                f"store holds {self.model} {self.model_version} ({self.dim}-d) vectors, "
                f"embedder is {embedder.name} {embedder.version} ({embedder.dim}-d)"
            )
        from lingxi.text.segment import detect_language

        ids = list(ids)
        vectors = embedder.embed_passages(texts, progress=progress)
        self.add(ids, vectors, [detect_language(text) for text in texts])

    def search_text(self, query: str, embedder, k: int = 10, allowed_ids: Iterable[int] | None = None):
        """Embed a query sentence and search every language (the query embedding is one call, ~5-15 ms)."""
        return self.search(embedder.embed_query(query), k, allowed_ids)


def open_vector_store(folder: Path, embedder, verify: bool = True) -> MultilingualVectorStore:
    """The per-language vector store under `folder` (folder/zh, folder/en, …) for this embedder.

    A folder without any index gives an empty store that `save()` will write there; an index that is corrupt,
    half-written, or built by another model/version raises VectorIndexError — rebuild it (re-embed) then."""
    folder = Path(folder)
    if not any((folder / key / "manifest.json").exists() for key in MultilingualVectorStore.LANGS):
        return MultilingualVectorStore(embedder.dim, embedder.name, embedder.version, folder)
    return MultilingualVectorStore.load(folder, embedder.name, embedder.version, embedder.dim, verify=verify)


def embed_into_store(
    store: MultilingualVectorStore,
    embedder,
    documents: Iterable[tuple[int, str]],
    total: int | None = None,
    batch: int = 256,
    progress=None,
    save_every: int = 20_000,
) -> int:
    """Embed (patent id, text) pairs into the store in batches — the body of a background (re)indexing job.

    `progress(done, total)` is called after every batch. The store is saved every `save_every` documents and at the
    end, so a job that is killed loses at most that much work; run again, it should be given only the ids the store
    does not hold yet (`store.ids()`). Returns documents embedded."""
    done = 0
    since_save = 0
    pending: list[tuple[int, str]] = []

    def flush() -> None:
        nonlocal done, since_save
        ids, texts = zip(*pending, strict=True)
        store.add_texts(ids, list(texts), embedder)
        done += len(pending)
        since_save += len(pending)
        pending.clear()
        if progress:
            progress(done, total)
        if store.root and since_save >= save_every:
            store.save()
            since_save = 0

    for doc_id, text in documents:
        pending.append((int(doc_id), text or ""))
        if len(pending) >= batch:
            flush()
    if pending:
        flush()
    if store.root:
        store.save()
    return done
