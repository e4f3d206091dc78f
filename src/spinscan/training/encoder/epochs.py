"""What a fine-tuning run leaves per epoch in its work folder, and reading it back.

``heldout-epoch<E>.npy`` (held-out paragraph probabilities), ``heldout-tokens-epoch<E>.npz``
(held-out token probabilities, float16, flat with row offsets) and ``top-epoch<E>.pt`` (the
fine-tuned top's weights). Epoch 0 is the starting point of a continuation.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


class EpochFiles:
    """The per-epoch files of one member's work folder."""

    def __init__(self, work: Path) -> None:
        self.work = Path(work)

    def done(self) -> set[int]:
        """Epochs whose held-out probabilities are saved."""
        return {int(p.stem.split("epoch")[1]) for p in self.work.glob("heldout-epoch*.npy")}

    def save(self, epoch: int, probs: np.ndarray, token_probs: list[np.ndarray], top_state: dict) -> None:
        import torch

        np.save(self.work / f"heldout-epoch{epoch}.npy", probs)
        np.savez(
            self.work / f"heldout-tokens-epoch{epoch}.npz",
            probs=np.concatenate(token_probs).astype(np.float16),
            offsets=np.cumsum([0] + [len(t) for t in token_probs]),
        )
        torch.save(top_state, self.work / f"top-epoch{epoch}.pt")

    def has_top(self, epoch: int) -> bool:
        return (self.work / f"top-epoch{epoch}.pt").is_file()

    def probs(self, epoch: int) -> np.ndarray:
        """Held-out paragraph probabilities of an epoch (rows, labels)."""
        return np.load(self.work / f"heldout-epoch{epoch}.npy")

    def token_probs(self, epoch: int, divide_by: int = 1) -> list[np.ndarray]:
        """Held-out token probabilities of an epoch, one (tokens, labels) float32 array per row,
        divided by ``divide_by`` (the number of members to average)."""
        z = np.load(self.work / f"heldout-tokens-epoch{epoch}.npz")
        off, probs = z["offsets"], z["probs"].astype(np.float32) / divide_by
        return [probs[off[k] : off[k + 1]] for k in range(len(off) - 1)]

    def top_state(self, epoch: int) -> dict[str, np.ndarray]:
        """The fine-tuned top of an epoch, as numpy arrays."""
        import torch

        state = torch.load(self.work / f"top-epoch{epoch}.pt", weights_only=True)
        return {k: v.numpy() for k, v in state.items()}
