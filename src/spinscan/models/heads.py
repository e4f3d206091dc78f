"""Linear heads over features, and turning a head's probabilities into decisions.

Both model kinds decide the same way: genre is the most probable class; frames and
techniques are every label at or over its threshold (the language's own threshold
where one was chosen for it, else the pooled one, ``"*"``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

Thresholds = dict[str, dict[str, float]]  # lang | "*" -> label -> threshold


@dataclass
class LinearHead:
    """A linear layer over the features: sigmoid per label, or softmax over labels."""

    labels: list[str]
    coef: np.ndarray  # (n_labels, n_features)
    intercept: np.ndarray  # (n_labels,)
    softmax: bool = False

    def proba(self, x: sp.csr_matrix | np.ndarray) -> np.ndarray:
        z = np.asarray(x @ self.coef.T) + self.intercept
        if self.softmax:
            z = z - z.max(axis=1, keepdims=True)
            e = np.exp(z)
            return e / e.sum(axis=1, keepdims=True)
        return 1.0 / (1.0 + np.exp(-z))


class StandardisedHead(LinearHead):
    """A linear head over standardised features ((x - mean) / scale)."""

    def __init__(self, labels, coef, intercept, softmax, mean, scale) -> None:
        super().__init__(labels, coef, intercept, softmax)
        self.mean = mean
        self.scale = scale

    def proba(self, x) -> np.ndarray:
        return super().proba((np.asarray(x) - self.mean) / self.scale)


def thresholds_for(table: Thresholds, lang: str | None, labels: list[str]) -> np.ndarray:
    """Per-label thresholds: the language's own where chosen, else the pooled ones ('*')."""
    row = table.get(lang or "*", table["*"])
    base = table["*"]
    return np.array([row.get(lab, base[lab]) for lab in labels], dtype=np.float32)


def decide(
    table: Thresholds, lang: str | None, labels: list[str], row: np.ndarray
) -> tuple[dict[str, float], list[str]]:
    """Scores by label, and the labels over their thresholds, most probable first."""
    t = thresholds_for(table, lang, labels)
    chosen = [labels[j] for j in np.argsort(-row, kind="stable") if row[j] >= t[j]]
    return {lab: float(row[j]) for j, lab in enumerate(labels)}, chosen


def decide_genre(labels: list[str], row: np.ndarray) -> tuple[dict[str, float], str]:
    """Scores by genre, and the most probable genre."""
    return {lab: float(row[j]) for j, lab in enumerate(labels)}, labels[int(np.argmax(row))]
