"""Model-selection maths shared by every recipe: folds, thresholds, cross-fitting and F1s.

All choices are made on train only. Reported scores are *cross-fitted*: the thresholds
applied to a part of the data were chosen on the other part, so a score is never tuned
on what it measures. Arrays follow one convention: ``y`` and ``p`` are (rows, labels)
0/1 labels and probabilities (or ``y`` a class index per row for genre), ``langs`` and
``groups`` (the article of each row) one value per row.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from sklearn.metrics import f1_score
from sklearn.model_selection import GroupKFold

from ..labels import GENRES

THRESHOLD_GRID = np.round(np.arange(0.05, 0.801, 0.025), 3)
# a label gets a threshold of its own only with this many positive rows
MIN_POSITIVES_PER_LABEL_THRESHOLD = 40
BLEND_WEIGHTS = np.round(np.arange(0.0, 1.001, 0.1), 2)  # candidate weights of a two-model average
IndexTable = dict[str, dict[str, float]]  # lang | "*" -> str(label index) -> threshold


def micro_f1(y: np.ndarray, pred: np.ndarray) -> float:
    """Micro-F1 of multi-label decisions (1.0 when nothing is to be found and nothing is)."""
    return float(f1_score(y, pred, average="micro", zero_division=1)) if len(y) else float("nan")


def macro_f1(y: np.ndarray, pred: np.ndarray, n_classes: int = len(GENRES)) -> float:
    """Macro-F1 over ``n_classes`` classes (the official genre metric); absent classes count 0."""
    return float(f1_score(y, pred, labels=list(range(n_classes)), average="macro", zero_division=0))


def per_language(
    fn: Callable[[np.ndarray, np.ndarray], float], y: np.ndarray, pred: np.ndarray, langs: np.ndarray
) -> dict[str, float]:
    """``fn`` on each language's rows, rounded to 4 places."""
    return {str(lang): round(fn(y[langs == lang], pred[langs == lang]), 4) for lang in np.unique(langs)}


def reliability_row(marked: int, right: int, annotated: int) -> dict[str, Any]:
    """How often a label's marks were right (precision) and how many annotated ones it found
    (recall), with the counts; None where nothing was marked or annotated."""
    return {
        "marked": marked,
        "right": right,
        "annotated": annotated,
        "precision": round(right / marked, 3) if marked else None,
        "recall": round(right / annotated, 3) if annotated else None,
    }


def best_global_f1(y: np.ndarray, p: np.ndarray) -> float:
    """Micro-F1 at the best single threshold of the grid (a quick, optimistic comparison)."""
    t = max(THRESHOLD_GRID, key=lambda th: micro_f1(y, p >= th))
    return micro_f1(y, p >= t)


def group_folds(groups: np.ndarray, k: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """k (train, test) row splits keeping every group's rows in one fold; groups shuffled by seed."""
    rng = np.random.RandomState(seed)
    uniq = np.unique(groups)
    perm = dict(zip(uniq, rng.permutation(len(uniq))))
    g = np.array([perm[x] for x in groups])
    return list(GroupKFold(n_splits=k).split(np.zeros(len(g)), groups=g))


def choose_thresholds(p: np.ndarray, y: np.ndarray, langs: np.ndarray) -> IndexTable:
    """A global threshold, per-label ones for frequent labels, then per-language shifts.

    A language gets its own (shifted) row only when the shift raises its micro-F1 by more
    than .005.
    """
    best_t = max(THRESHOLD_GRID, key=lambda t: micro_f1(y, p >= t))
    t = np.full(y.shape[1], best_t)
    for j in range(y.shape[1]):
        if y[:, j].sum() < MIN_POSITIVES_PER_LABEL_THRESHOLD:
            continue
        scores = []
        for cand in THRESHOLD_GRID:
            tt = t.copy()
            tt[j] = cand
            scores.append(micro_f1(y, p >= tt))
        t[j] = THRESHOLD_GRID[int(np.argmax(scores))]
    table = {"*": {str(j): float(t[j]) for j in range(len(t))}}
    for lang in np.unique(langs):
        m = langs == lang
        base = micro_f1(y[m], p[m] >= t)
        shifts = np.round(np.arange(-0.15, 0.151, 0.025), 3)
        scores = [micro_f1(y[m], p[m] >= np.clip(t + s, 0.01, 0.99)) for s in shifts]
        s = shifts[int(np.argmax(scores))]
        if max(scores) > base + 0.005 and s != 0:
            table[str(lang)] = {str(j): float(np.clip(t[j] + s, 0.01, 0.99)) for j in range(len(t))}
    return table


def apply_thresholds(table: IndexTable, p: np.ndarray, langs: np.ndarray) -> np.ndarray:
    """Decisions of a threshold table (each language's row, else the pooled one)."""
    out = np.zeros_like(p, dtype=bool)
    for lang in np.unique(langs):
        row = table.get(str(lang), table["*"])
        t = np.array([row[str(j)] for j in range(p.shape[1])])
        out[langs == lang] = p[langs == lang] >= t
    return out


def named_thresholds(table: IndexTable, labels: list[str]) -> dict[str, dict[str, float]]:
    """A threshold table keyed by label name, as model directories store it."""
    return {lang: {labels[int(j)]: t for j, t in row.items()} for lang, row in table.items()}


def cross_fitted_folds(
    p: np.ndarray, y: np.ndarray, langs: np.ndarray, folds: list[tuple[np.ndarray, np.ndarray]]
) -> np.ndarray:
    """Decisions where each fold's rows get thresholds chosen on the other folds."""
    pred = np.zeros_like(p, dtype=bool)
    for tr, te in folds:
        pred[te] = apply_thresholds(choose_thresholds(p[tr], y[tr], langs[tr]), p[te], langs[te])
    return pred


def cross_fitted(
    p: np.ndarray, y: np.ndarray, langs: np.ndarray, groups: np.ndarray, seed: int
) -> np.ndarray:
    """Decisions where each half of the articles gets thresholds chosen on the other half."""
    uniq = np.unique(groups)
    half = set(np.random.RandomState(seed).permutation(uniq)[: len(uniq) // 2].tolist())
    a = np.array([g in half for g in groups])
    out = np.zeros_like(p, dtype=bool)
    for fit, apply in ((a, ~a), (~a, a)):
        out[apply] = apply_thresholds(choose_thresholds(p[fit], y[fit], langs[fit]), p[apply], langs[apply])
    return out
