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

    def proba_in(self, x, langs: list[str | None]) -> np.ndarray:
        """Probabilities of rows whose articles are in ``langs`` (which only a CentredHead uses)."""
        return self.proba(x)


class CentredHead(StandardisedHead):
    """A standardised head over inputs centred per language first (minus the language's mean
    input over many articles, no labels used): where a language sits in the encoder's space
    says nothing about genre, and a head that learns it fails on other sources."""

    def __init__(self, labels, coef, intercept, softmax, mean, scale, centres: dict[str, np.ndarray]) -> None:
        super().__init__(labels, coef, intercept, softmax, mean, scale)
        self.centres = centres
        # an article of another language is centred on the average language
        self.default = np.mean(list(centres.values()), axis=0) if centres else 0.0

    def centre(self, x, langs: list[str | None]) -> np.ndarray:
        return np.asarray(x) - np.stack([self.centres.get(lang or "", self.default) for lang in langs])

    def proba_in(self, x, langs: list[str | None]) -> np.ndarray:
        return self.proba(self.centre(x, langs))


def thresholds_for(table: Thresholds, lang: str | None, labels: list[str]) -> np.ndarray:
    """Per-label thresholds: the language's own where chosen, else the pooled ones ('*')."""
    row = table.get(lang or "*", table["*"])
    base = table["*"]
    return np.array([row.get(lab, base[lab]) for lab in labels], dtype=np.float32)


def decide(
    table: Thresholds, lang: str | None, labels: list[str], row: np.ndarray, shift: float = 0.0
) -> tuple[dict[str, float], list[str]]:
    """Scores by label, and the labels over their thresholds (each moved by ``shift``, as for a
    language analysed zero-shot), most probable first."""
    t = thresholds_for(table, lang, labels)
    if shift:
        t = np.clip(t + shift, 0.01, 0.99)
    chosen = [labels[j] for j in np.argsort(-row, kind="stable") if row[j] >= t[j]]
    return {lab: float(row[j]) for j, lab in enumerate(labels)}, chosen


def with_class_weights(p: np.ndarray, weights) -> np.ndarray:
    """Probabilities with each class's scaled by its weight (class priors), rows renormalised."""
    q = np.asarray(p) * np.asarray(weights, dtype=np.float32)
    return q / np.maximum(q.sum(-1, keepdims=True), 1e-12)  # (a row of zeros stays zeros)


def with_temperature(p: np.ndarray, t: float) -> np.ndarray:
    """Probabilities (rows summing to 1) softened (t > 1) or sharpened (t < 1): p^(1/t), renormalised."""
    z = np.log(np.clip(np.asarray(p, dtype=np.float64), 1e-9, 1.0)) / t
    z = z - z.max(-1, keepdims=True)
    q = np.exp(z)
    return (q / q.sum(-1, keepdims=True)).astype(np.float32)


def decide_genre(labels: list[str], row: np.ndarray) -> tuple[dict[str, float], str]:
    """Scores by genre, and the most probable genre."""
    return {lab: float(row[j]) for j, lab in enumerate(labels)}, labels[int(np.argmax(row))]
