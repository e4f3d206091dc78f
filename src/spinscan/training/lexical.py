"""Training the lexical model, with every choice made by grouped cross-validation on train.

What is chosen, per subtask: the regularisation C (from a small grid) and the
decision thresholds (per label where the label has enough positives, then a
per-language shift where it helps). Scores reported in metrics.json are
cross-fitted: the thresholds applied to a fold were chosen on the other folds.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from joblib import Parallel, delayed
from sklearn.linear_model import LogisticRegression

from .. import __version__
from ..labels import FRAMES, GENRES, TECHNIQUES, TRAIN_LANGUAGES
from ..models.base import write_json
from ..models.heads import LinearHead
from ..models.lexical import DEFAULT_FEATURES, Featurizer, LexicalModel
from ..semeval.data import Dataset
from .cards import lexical_card
from .selection import (
    THRESHOLD_GRID,
    choose_thresholds,
    cross_fitted_folds,
    group_folds,
    macro_f1,
    micro_f1,
    named_thresholds,
    per_language,
)
from .tables import build_tables

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class TrainConfig:
    """Everything that decides the trained model; stored in config.json."""

    languages: tuple[str, ...] = TRAIN_LANGUAGES
    folds: int = 5
    seed: int = 13
    c_grid: dict[str, list[float]] = field(
        default_factory=lambda: {
            "genre": [1.0, 4.0, 16.0],
            "frames": [1.0, 4.0, 16.0],
            "techniques": [1.0, 4.0],
        }
    )
    features: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_FEATURES))
    max_articles_per_language: int | None = None  # for tiny test models
    n_jobs: int = 2


def _fit_binary(x, y: np.ndarray, c: float) -> tuple[np.ndarray, float]:
    if y.sum() == 0:  # a label never seen: never predicted
        return np.zeros(x.shape[1], dtype=np.float32), -20.0
    m = LogisticRegression(C=c, solver="liblinear", max_iter=200).fit(x, y)
    return m.coef_[0].astype(np.float32), float(m.intercept_[0])


def fit_head(
    x, y: np.ndarray, c: float, labels: list[str], n_jobs: int = 2, sample_weight=None
) -> LinearHead:
    """One-vs-rest logistic regression (multi-label) or softmax (genre): classes balanced, or
    weighed by ``sample_weight`` where given (softmax only)."""
    if y.ndim == 1 and len(np.unique(y)) < 2:  # one class only (tiny folds): predict it
        icpt = np.full(len(labels), -20.0, dtype=np.float32)
        icpt[int(y[0])] = 0.0
        head = LinearHead(labels, np.zeros((len(labels), x.shape[1]), dtype=np.float32), icpt, softmax=True)
    elif y.ndim == 1:
        balanced = "balanced" if sample_weight is None else None
        m = LogisticRegression(C=c, class_weight=balanced, max_iter=2000).fit(
            x, y, sample_weight=sample_weight
        )
        coef = np.zeros((len(labels), x.shape[1]), dtype=np.float32)
        icpt = np.full(len(labels), -20.0, dtype=np.float32)
        if len(m.classes_) == 2:  # sklearn's binary form: one row for the second class; as softmax
            coef[m.classes_] = np.stack([-m.coef_[0] / 2, m.coef_[0] / 2])
            icpt[m.classes_] = [-m.intercept_[0] / 2, m.intercept_[0] / 2]
        else:
            coef[m.classes_] = m.coef_
            icpt[m.classes_] = m.intercept_
        head = LinearHead(labels, coef, icpt, softmax=True)
    else:
        res = Parallel(n_jobs=n_jobs, prefer="threads")(
            delayed(_fit_binary)(x, y[:, j], c) for j in range(y.shape[1])
        )
        head = LinearHead(
            labels, np.stack([r[0] for r in res]), np.array([r[1] for r in res], dtype=np.float32)
        )
    # Round to float16 now, so validation sees exactly the weights that get saved.
    head.coef = head.coef.astype(np.float16).astype(np.float32)
    return head


def train_lexical(
    data_dir: str | Path,
    out_dir: str | Path,
    cfg: TrainConfig | None = None,
    progress: Progress | None = None,
) -> tuple[LexicalModel, dict[str, Any]]:
    """Choose by CV, fit on all train data, save the model directory; return it and its metrics."""
    cfg = cfg or TrainConfig()
    progress = progress or (lambda stage, done, total: None)
    t0 = time.time()
    ds = Dataset(data_dir)
    tabs = build_tables(ds, cfg.languages, cfg.max_articles_per_language)
    log.info("training rows: %s", {k: len(v.texts) for k, v in tabs.items()})
    feat = Featurizer.fit(tabs["techniques"].texts, cfg.features)
    log.info("features: %d", feat.n_features)
    labels = {"genre": list(GENRES), "frames": list(FRAMES), "techniques": list(TECHNIQUES)}
    n_steps = sum(len(cfg.c_grid[n]) * cfg.folds for n in labels) + len(labels)
    step = 0
    metrics: dict[str, Any] = {"cv_folds": cfg.folds, "metric": {}, "cv": {}, "chosen": {}}
    heads, thresholds = {}, {}
    for name in ("genre", "frames", "techniques"):
        tab = tabs[name]
        x = feat.transform(tab.texts)
        folds = group_folds(tab.groups, cfg.folds, cfg.seed)
        best = None
        for c in cfg.c_grid[name]:
            p = np.zeros((len(tab.texts), len(labels[name])), dtype=np.float32)
            for tr, te in folds:
                head = fit_head(x[tr], tab.y[tr], c, labels[name], cfg.n_jobs)
                p[te] = head.proba(x[te])
                step += 1
                progress(f"CV {name} C={c}", step, n_steps)
            if name == "genre":
                score = macro_f1(tab.y, p.argmax(1))
            else:
                score = micro_f1(tab.y, p >= max(THRESHOLD_GRID, key=lambda t: micro_f1(tab.y, p >= t)))
            log.info("CV %s C=%s: %.4f", name, c, score)
            if best is None or score > best[0]:
                best = (score, c, p)
        _, c, p = best
        metrics["chosen"][name] = {"C": c}
        if name == "genre":
            pred = p.argmax(1)
            metrics["metric"][name] = "macro-F1"
            metrics["cv"][name] = {
                "all": round(macro_f1(tab.y, pred), 4),
                **per_language(macro_f1, tab.y, pred, tab.langs),
            }
        else:
            # Cross-fitted: thresholds for each fold come from the other folds only.
            pred = cross_fitted_folds(p, tab.y, tab.langs, folds)
            metrics["metric"][name] = "micro-F1"
            metrics["cv"][name] = {
                "all": round(micro_f1(tab.y, pred), 4),
                **per_language(micro_f1, tab.y, pred, tab.langs),
            }
            table = choose_thresholds(p, tab.y, tab.langs)
            thresholds[name] = named_thresholds(table, labels[name])
            metrics["chosen"][name]["threshold_languages"] = sorted(k for k in table if k != "*")
        log.info("CV %s: %s", name, metrics["cv"][name])
        heads[name] = fit_head(x, tab.y, c, labels[name], cfg.n_jobs)
        step += 1
        progress(f"fit {name}", step, n_steps)
    config = {
        "kind": "lexical",
        "name": "spinscan-lexical",
        "version": __version__,
        "languages": list(cfg.languages),
        "features": cfg.features,
        "train": {"folds": cfg.folds, "seed": cfg.seed, "c_grid": cfg.c_grid, "n_features": feat.n_features},
    }
    model = LexicalModel(config, feat, heads, thresholds)
    metrics["train_seconds"] = round(time.time() - t0, 1)
    out = Path(out_dir)
    model.save(out)
    write_json(out / "metrics.json", metrics)
    (out / "README.md").write_text(lexical_card(metrics), encoding="utf-8")
    return model, metrics
