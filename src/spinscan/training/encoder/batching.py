"""Batching for training the encoder's top: length-sorted batches and padding of cached rows."""

from __future__ import annotations

import numpy as np
import torch


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


def autocast(device: str, precision: str):
    """Mixed precision where the run asks for it (bf16 or fp16 on a GPU, bf16 on a CPU too)."""
    dtype = {"bf16": torch.bfloat16, "fp16": torch.float16}.get(precision)
    return torch.autocast(device.split(":")[0], dtype=dtype or torch.float32, enabled=dtype is not None)
