"""The torch part of the encoder model: a frozen lower stack of a pretrained encoder and a
fine-tuned top.

The lower ``n_frozen`` layers (and the embeddings) stay as the backbone ships them, so their
outputs can be computed once and cached during training, and a saved model only holds the
fine-tuned top layers and the heads. :class:`Stack` hides how a family calls its layers: BERT,
RoBERTa/XLM-R, ELECTRA and e5 take an additive mask layer by layer; DeBERTa-v2/v3 layers need
their encoder's relative positions, so they run inside a copy of that encoder.
"""

from __future__ import annotations

import copy
import logging

import numpy as np
import torch
from torch import nn

from ...errors import ModelError
from .tokens import Encoding

log = logging.getLogger(__name__)

FAMILIES = ("bert", "deberta")


def additive_mask(mask: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """(B, T) 1/0 mask -> (B, 1, 1, T) additive mask, as BERT layers take it."""
    return (1.0 - mask[:, None, None, :].to(dtype)) * torch.finfo(dtype).min


def pad_batch(encs: list[Encoding], pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    n = max(len(e.ids) for e in encs)
    ids = torch.full((len(encs), n), pad_id, dtype=torch.long)
    mask = torch.zeros((len(encs), n), dtype=torch.long)
    for i, e in enumerate(encs):
        ids[i, : len(e.ids)] = torch.tensor(e.ids)
        mask[i, : len(e.ids)] = 1
    return ids, mask


def layer_out(out):
    """A transformers layer's hidden states (older versions return a tuple)."""
    return out[0] if isinstance(out, tuple) else out


def run_bert_layers(layers: nn.ModuleList, h: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """BERT-like layers (BERT, RoBERTa/XLM-R, ELECTRA, e5) in turn, each given the additive mask."""
    ext = additive_mask(mask, h.dtype)
    for layer in layers:
        h = layer_out(layer(h, attention_mask=ext))
    return h


def family_of(model_type: str | None) -> str:
    return "deberta" if (model_type or "").startswith("deberta") else "bert"


def _shell(encoder: nn.Module, layers: list[nn.Module]) -> nn.Module:
    """A copy of a DeBERTa encoder (its relative-position parts) holding only ``layers``."""
    own = encoder.layer
    encoder.layer = nn.ModuleList()
    try:
        shell = copy.deepcopy(encoder)
    finally:
        encoder.layer = own
    shell.layer = nn.ModuleList(layers)
    return shell


class Layers(nn.Module):
    """A run of a backbone's layers, called the way its family calls them."""

    def __init__(self, family: str, layers: list[nn.Module], encoder: nn.Module | None = None) -> None:
        super().__init__()
        self.family = family
        if family == "deberta":
            if getattr(encoder, "conv", None) is not None:
                raise ModelError(
                    "DeBERTa backbones with a convolution layer (conv_kernel_size) are not supported"
                )
            self.encoder = _shell(encoder, layers)
        else:
            self.layer = nn.ModuleList(layers)

    def forward(self, h: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        if self.family == "deberta":
            if not len(self.encoder.layer):
                return h
            return self.encoder(h, mask, output_hidden_states=False).last_hidden_state
        return run_bert_layers(self.layer, h, mask)


class Stack:
    """A pretrained encoder (a transformers model) seen as embeddings + a list of layers."""

    def __init__(self, model: nn.Module, family: str) -> None:
        if family not in FAMILIES:
            raise ModelError(f"unknown encoder family {family!r}")
        self.model, self.family = model, family
        self.hidden = int(model.config.hidden_size)

    @classmethod
    def of(cls, model: nn.Module, family: str | None = None) -> Stack:
        return cls(model, family or family_of(getattr(model.config, "model_type", None)))

    @property
    def layers(self) -> nn.ModuleList:
        return self.model.encoder.layer

    def lower(self, n_frozen: int) -> LowerNet:
        return LowerNet(self, n_frozen)

    def top_layers(self, n_frozen: int) -> Layers:
        """Copies of the layers above ``n_frozen``, to fine-tune."""
        return Layers(self.family, [copy.deepcopy(x) for x in self.layers[n_frozen:]], self.model.encoder)


class LowerNet(nn.Module):
    """Embeddings and the first ``n_frozen`` layers: ids and mask in, hidden states out."""

    def __init__(self, stack: Stack, n_frozen: int) -> None:
        super().__init__()
        m = stack.model
        self.family = stack.family
        self.embeddings = m.embeddings
        self.project = getattr(m, "embeddings_project", None)  # ELECTRA: embedding width -> hidden
        self.layers = Layers(stack.family, list(stack.layers[:n_frozen]), m.encoder)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        if self.family == "deberta":
            h = self.embeddings(input_ids=ids, mask=mask)
        else:
            h = self.embeddings(input_ids=ids)
        if self.project is not None:
            h = self.project(h)
        return self.layers(h, mask)


@torch.no_grad()
def lower_states(lower: LowerNet, encs: list[Encoding], pad_id: int, device: str = "cpu") -> list[np.ndarray]:
    """Hidden states after the frozen layers, one (len, H) float16 array per text."""
    ids, mask = pad_batch(encs, pad_id)
    h = lower(ids.to(device), mask.to(device)).float().cpu()
    return [h[i, : len(e.ids)].to(torch.float16).numpy() for i, e in enumerate(encs)]


class TopStack(nn.Module):
    """The fine-tuned upper layers, then a paragraph head (mean pooling) and a token head.

    The token head tags every token with the techniques whose spans cover it (one sigmoid
    per technique, since spans of different techniques overlap).
    """

    def __init__(self, stack: Stack, n_frozen: int, n_labels: int, dropout: float = 0.1) -> None:
        super().__init__()
        top = stack.top_layers(n_frozen)
        if stack.family == "deberta":  # (its layers live in the copied encoder)
            self.encoder = top
        else:  # (tensor names as e5 models have always saved them: layers.<k>.<BertLayer name>)
            self.layers = top.layer
        self.family = stack.family
        self.dropout = nn.Dropout(dropout)
        self.paragraph_head = nn.Linear(stack.hidden, n_labels)
        self.token_head = nn.Linear(stack.hidden, n_labels)

    def layer_parameters(self) -> list[nn.Parameter]:
        return list((self.encoder if self.family == "deberta" else self.layers).parameters())

    def forward(self, h: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(paragraph logits (B, L), token logits (B, T, L))."""
        h = self.encoder(h, mask) if self.family == "deberta" else run_bert_layers(self.layers, h, mask)
        m = mask.unsqueeze(-1).to(h.dtype)
        pooled = (h * m).sum(1) / m.sum(1).clamp(min=1.0)
        return self.paragraph_head(self.dropout(pooled)), self.token_head(self.dropout(h))


class TorchForward:
    """The forward stage on torch: the frozen layers once per batch, then each member's
    fine-tuned top where it has weight (see :class:`~.inference.Forward`)."""

    def __init__(
        self, backbone, top_states: list[dict[str, np.ndarray]], n_frozen: int, n_labels: int
    ) -> None:
        import os

        threads = os.environ.get("SPINSCAN_THREADS")
        if threads:
            torch.set_num_threads(int(threads))
        self.device = (
            "cuda" if torch.cuda.is_available() and os.environ.get("SPINSCAN_DEVICE") != "cpu" else "cpu"
        )
        stack = backbone.torch_stack()
        self.tops = []
        for member in top_states:
            top = TopStack(stack, n_frozen, n_labels)
            top.load_state_dict({k: torch.from_numpy(v.astype(np.float32)) for k, v in member.items()})
            self.tops.append(top.eval().to(self.device))
        self.lower = stack.lower(n_frozen).eval().to(self.device)  # (the upper layers are freed with stack)
        self.n_labels = n_labels
        self.tokenizer = backbone.tokenizer()
        self.pad_id = self.tokenizer.special["pad"]

    @torch.no_grad()
    def __call__(self, encs: list[Encoding], member_weights: np.ndarray):
        from .interfaces import ForwardOut

        ids, mask = pad_batch(encs, self.pad_id)
        ids, mask = ids.to(self.device), mask.to(self.device)
        h = self.lower(ids, mask)
        probs = np.zeros((len(encs), self.n_labels), np.float32)
        tp = np.zeros((*ids.shape, self.n_labels), np.float32)
        wb = member_weights
        for i_top, top in enumerate(self.tops):  # members: weighted mean, run only where weighted
            rows = np.flatnonzero(wb[:, i_top] > 0)
            if not len(rows):
                continue
            sel = torch.from_numpy(rows).to(self.device)
            pl, tl = top(h[sel], mask[sel])
            probs[rows] += wb[rows, i_top, None] * torch.sigmoid(pl).float().cpu().numpy()
            tp[rows] += wb[rows, i_top, None, None] * torch.sigmoid(tl).float().cpu().numpy()
        hc = h.float().cpu()
        sums = np.stack([hc[j, : len(e.ids)].sum(0).numpy() for j, e in enumerate(encs)])
        return ForwardOut(probs, tp, sums)
