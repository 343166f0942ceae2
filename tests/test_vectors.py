"""VectorIndex (faiss HNSW + tombstones + verified files) and the per-language MultilingualVectorStore."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest

from lingxi.search import vectors as vectors_module
from lingxi.search.vectors import MultilingualVectorStore, VectorIndex, VectorIndexError

DIM = 32


def unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


@pytest.fixture
def data():
    rng = np.random.default_rng(42)
    return np.arange(1000, 1500, dtype=np.int64), unit(rng.standard_normal((500, DIM)))


def make(ids, vecs, path=None) -> VectorIndex:
    index = VectorIndex(DIM, "test-model", "v1", path)
    index.add(ids, vecs)
    return index


def brute_force(ids, vecs, query, k, allowed=None):
    scores = vecs @ query
    order = [i for i in np.argsort(-scores) if allowed is None or ids[i] in allowed]
    return [int(ids[i]) for i in order[:k]]


def test_search_finds_nearest(data):
    ids, vecs = data
    index = make(ids, vecs)
    assert index.count == 500
    hits = index.search(vecs[17], 5)
    assert hits[0][0] == 1017 and hits[0][1] == pytest.approx(1.0, abs=1e-5)
    assert [h[0] for h in hits] == brute_force(ids, vecs, vecs[17], 5)
    assert all(a[1] >= b[1] for a, b in itertools.pairwise(hits))


@pytest.mark.parametrize("exact_below", [0, 10**9])  # the HNSW graph path and the exact path
def test_remove_and_filter(data, monkeypatch, exact_below):
    monkeypatch.setattr(vectors_module, "EXACT_BELOW", exact_below)
    ids, vecs = data
    index = make(ids, vecs)
    assert index.remove([1017, 99999]) == 1
    assert 1017 not in index and index.count == 499
    assert 1017 not in [h[0] for h in index.search(vecs[17], 20)]
    allowed = {1003, 1100, 1200, 1017}
    hits = index.search(vecs[100], 10, allowed_ids=allowed)
    assert {h[0] for h in hits} == {1003, 1100, 1200}  # the removed one stays removed under a filter
    assert hits[0][0] == 1100
    assert index.search(vecs[0], 5, allowed_ids=[]) == []


def test_readding_an_id_replaces_its_vector(data):
    ids, vecs = data
    index = make(ids, vecs)
    index.add([1017], vecs[200:201])
    assert index.count == 500 and index.tombstones == 1
    hits = index.search(vecs[200], 2)
    assert {h[0] for h in hits} == {1017, 1200}
    assert np.allclose(index.get(1017), vecs[200])


def test_save_load_round_trip_and_compaction(data, tmp_path):
    ids, vecs = data
    index = make(ids, vecs, tmp_path / "ix")
    index.remove(ids[:200])  # 40 % tombstones: save compacts
    index.save()
    loaded = VectorIndex.load(tmp_path / "ix", "test-model", "v1", DIM)
    assert loaded.count == 300 and loaded.tombstones == 0
    assert loaded.search(vecs[250], 3) == index.search(vecs[250], 3)
    manifest = json.loads((tmp_path / "ix" / "manifest.json").read_text())
    assert manifest["model"] == "test-model" and manifest["dim"] == DIM and manifest["count"] == 300


def test_mismatched_model_or_dim_is_refused(data, tmp_path):
    ids, vecs = data
    make(ids, vecs, tmp_path).save()
    with pytest.raises(VectorIndexError, match="model_version"):
        VectorIndex.load(tmp_path, "test-model", "v2")
    with pytest.raises(VectorIndexError, match="dim"):
        VectorIndex.load(tmp_path, dim=64)
    with pytest.raises(VectorIndexError, match="missing"):
        VectorIndex.load(tmp_path / "nothing-here")


def test_corrupt_files_are_detected(data, tmp_path):
    ids, vecs = data
    make(ids, vecs, tmp_path).save()
    faiss_file = tmp_path / "vectors.faiss"
    raw = bytearray(faiss_file.read_bytes())
    raw[len(raw) // 2] ^= 0xFF  # same size, one flipped byte
    faiss_file.write_bytes(bytes(raw))
    with pytest.raises(VectorIndexError, match="checksum"):
        VectorIndex.load(tmp_path)
    faiss_file.write_bytes(bytes(raw[:-100]))
    with pytest.raises(VectorIndexError, match="truncated"):
        VectorIndex.load(tmp_path)


def test_corrupt_manifest_is_detected(data, tmp_path):
    ids, vecs = data
    make(ids, vecs, tmp_path).save()
    (tmp_path / "manifest.json").write_text('{"format": "lingxi-vectors-1", "model"')
    with pytest.raises(VectorIndexError, match="manifest"):
        VectorIndex.load(tmp_path)
    (tmp_path / "manifest.json").write_text(json.dumps({"format": "something-else", "files": {}}))
    with pytest.raises(VectorIndexError, match="format"):
        VectorIndex.load(tmp_path)


def test_multilingual_store_merges_languages_fairly(tmp_path):
    # Same-language cosines run higher across the board (as e5's do): zh docs all score ~0.8-0.85, en docs ~0.7-0.78.
    # The best en document stands out within its language; raw cosine buries it, the centered merge does not.
    rng = np.random.default_rng(1)
    query = unit(rng.standard_normal((1, DIM)))[0]

    def docs_at(cosines):
        out = []
        for c in cosines:
            noise = rng.standard_normal(DIM)
            noise -= noise @ query * query
            noise /= np.linalg.norm(noise)
            out.append(c * query + np.sqrt(1 - c * c) * noise)
        return unit(np.array(out))

    zh = docs_at(np.linspace(0.85, 0.80, 20))
    en = docs_at([0.78] + list(np.linspace(0.71, 0.70, 19)))
    store = MultilingualVectorStore(DIM, "m", "v", tmp_path)
    store.add(range(100, 120), zh, ["zh"] * 20)
    store.add(range(200, 220), en, ["en"] * 20)
    assert store.count == 40
    raw = [h[0] for h in store.search(query, 10, merge="raw")]
    assert 200 not in raw
    centered = store.search(query, 10, merge="centered")
    assert 200 in [h[0] for h in centered[:3]]
    assert dict(centered)[200] == pytest.approx(0.78, abs=1e-3)  # scores stay cosines
    assert [h[0] for h in store.search(query, 2, merge="rank")] in ([100, 200], [200, 100])

    store.remove([200])
    store.add([101], en[1:2], ["en"])  # a document whose language changed leaves its old index
    assert store.indexes["zh"].count == 19 and store.indexes["en"].count == 20
    store.save()
    loaded = MultilingualVectorStore.load(tmp_path, "m", "v", DIM)
    assert loaded.count == 39
    assert loaded.search(query, 5) == store.search(query, 5)
    assert loaded.search(query, 5, allowed_ids=[101, 105]) == store.search(query, 5, allowed_ids=[101, 105])


def test_open_vector_store_with_a_real_embedder(tmp_path):
    from lingxi.search.vectors import open_vector_store
    from lingxi.text.embedding import StaticEmbedder

    embedder = StaticEmbedder()  # the small static model: real, and fast enough for a unit test
    store = open_vector_store(tmp_path / "vectors", embedder)
    assert store.count == 0
    texts = ["一种锂离子电池隔膜及其制备方法", "一种雨伞干燥装置", "A golf putter head", "A smoke detector"]
    store.add_texts([1, 2, 3, 4], texts, embedder)
    assert store.indexes["zh"].count == 2 and store.indexes["en"].count == 2
    store.save()
    reopened = open_vector_store(tmp_path / "vectors", embedder)
    assert reopened.search_text("一种雨伞干燥装置", embedder, k=1)[0][0] == 2

    other = MultilingualVectorStore(embedder.dim, "another-model", "1", tmp_path / "other")
    other.add([1], np.ones((1, embedder.dim), dtype=np.float32) / np.sqrt(embedder.dim), ["zh"])
    other.save()
    with pytest.raises(VectorIndexError, match="model"):
        open_vector_store(tmp_path / "other", embedder)
    with pytest.raises(VectorIndexError):
        other.add_texts([2], ["text"], embedder)
    (tmp_path / "vectors" / "en" / "manifest.json").unlink()  # a half-deleted index is not silently half-used
    with pytest.raises(VectorIndexError, match="manifest"):
        open_vector_store(tmp_path / "vectors", embedder)


def test_embed_into_store_streams_batches_saves_and_resumes(tmp_path):
    from lingxi.search.vectors import embed_into_store, open_vector_store
    from lingxi.text.embedding import StaticEmbedder

    embedder = StaticEmbedder()
    docs = [(i, f"一种第{i}号锂电池隔膜" if i % 2 else f"battery separator number {i}") for i in range(1, 51)]
    store = open_vector_store(tmp_path, embedder)
    seen = []
    assert embed_into_store(store, embedder, docs[:30], total=30, batch=8, progress=lambda d, t: seen.append(d)) == 30
    assert seen == [8, 16, 24, 30]
    store = open_vector_store(tmp_path, embedder)  # as a restarted job would
    assert store.ids() == set(range(1, 31)) and 7 in store
    todo = [d for d in docs if d[0] not in store.ids()]
    embed_into_store(store, embedder, todo)
    assert open_vector_store(tmp_path, embedder).count == 50


@pytest.mark.parametrize("id_scale", [1, 10**9])  # dense database ids (lookup table) and sparse ones (sorted search)
def test_filters_map_ids_whatever_their_spread(data, id_scale, monkeypatch):
    monkeypatch.setattr(vectors_module, "EXACT_BELOW", 0)  # force the graph path with a bitmap
    ids, vecs = data
    ids = ids * id_scale
    index = make(ids, vecs)
    allowed = [int(ids[i]) for i in range(0, 500, 3)] + [-5, 123, int(ids[3])]  # unknown and duplicate ids too
    hits = index.search(vecs[9], 10, allowed_ids=allowed)
    assert [h[0] for h in hits] == brute_force(ids, vecs, vecs[9], 10, allowed=set(allowed))
