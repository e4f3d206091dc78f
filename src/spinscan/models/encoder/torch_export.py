"""The ONNX graphs of a model on a Hugging Face backbone, written by torch's exporter.

Same two graphs, same inputs and outputs as e5's hand-written ones (``graph``), so
:class:`~.onnx_forward.OnnxForward` runs either: ``lower.onnx`` (ids, mask -> the states after the
frozen layers) and one ``top<k>.onnx`` per member (states, mask -> paragraph and token logits).
The torch modules are the very ones the torch backend runs (:mod:`.network`), traced in eval mode
with eager attention and a padded row, so masks are traced as data, not as constants.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

OPSET = 17
AXES = {0: "batch", 1: "tokens"}


def _export(module, args: tuple, path: Path, inputs: list[str], outputs: list[str]) -> None:
    import torch

    module.eval()
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # (the tracer's advice on shapes it keeps dynamic)
        torch.onnx.export(
            module,
            args,
            str(path),
            input_names=inputs,
            output_names=outputs,
            dynamic_axes={k: ({0: "batch"} if k == "paragraph_logits" else AXES) for k in inputs + outputs},
            opset_version=OPSET,
            dynamo=False,
        )


def write_hf_graphs(model, backbone, folder: Path, quantise: str) -> None:
    """``lower.onnx`` and ``top<k>.onnx`` of ``model`` (its backbone is ``backbone``) in ``folder``;
    float32 whatever ``quantise`` says but int8 requests (applied after, as for e5)."""
    import torch

    from .export import QUANTISATIONS, requantise
    from .network import TopStack

    s = model.settings
    _, lower_ops, top_ops = QUANTISATIONS[quantise]
    stack = backbone.torch_stack()
    n = min(16, s.max_tokens)
    ids = torch.full((2, n), int(backbone.spec.special["pad"]), dtype=torch.long)
    ids[:, 0] = backbone.spec.special["cls"]
    ids[0, 1 : n - 1] = torch.arange(n - 2) % 50 + 5
    ids[0, n - 1] = ids[1, n // 2] = backbone.spec.special["sep"]
    ids[1, 1 : n // 2] = torch.arange(n // 2 - 1) % 50 + 7
    mask = (torch.arange(n)[None, :] < torch.tensor([[n], [n // 2 + 1]])).long()
    tops = []
    for member in model.top_states:
        top = TopStack(stack, s.n_frozen, len(s.labels))
        top.load_state_dict({k: torch.from_numpy(v.astype(np.float32)) for k, v in member.items()})
        tops.append(top)
    lower = stack.lower(s.n_frozen)
    del stack
    plain = folder / "lower-plain.onnx"
    _export(lower, (ids, mask), plain, ["input_ids", "attention_mask"], ["hidden"])
    requantise(plain, folder / "lower.onnx", lower_ops)
    with torch.no_grad():
        h = lower.eval()(ids, mask)
    for k, top in enumerate(tops):
        plain = folder / f"top{k}-plain.onnx"
        _export(top, (h, mask), plain, ["hidden", "attention_mask"], ["paragraph_logits", "token_logits"])
        requantise(plain, folder / f"top{k}.onnx", top_ops)
    log.info("exported %s's graphs (%d member(s)) to %s", backbone.spec.name, len(tops), folder)
