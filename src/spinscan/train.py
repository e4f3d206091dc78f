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
from sklearn.metrics import f1_score
from sklearn.model_selection import GroupKFold

from . import __version__
from .data import Dataset
from .errors import DataError
from .labels import FRAMES, GENRES, TECHNIQUES, TRAIN_LANGUAGES
from .models.base import write_json
from .models.lexical import DEFAULT_FEATURES, Featurizer, LexicalModel, LinearHead

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (stage, done, total)
THRESHOLD_GRID = np.round(np.arange(0.05, 0.801, 0.025), 3)
MIN_POSITIVES_PER_LABEL_THRESHOLD = 40


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


@dataclass
class Table:
    """One subtask's training table: texts, label matrix, languages and CV groups."""

    texts: list[str]
    y: np.ndarray  # (n, n_labels) 0/1, or (n,) class index for genre
    langs: np.ndarray
    groups: np.ndarray


def _tables(ds: Dataset, cfg: TrainConfig) -> dict[str, Table]:
    rows: dict[str, list[tuple[str, Any, str, str]]] = {"genre": [], "frames": [], "techniques": []}
    for lang in cfg.languages:
        if lang not in ds.languages("train"):
            raise DataError(f"{ds.root}/{lang}: no train split for language {lang!r}")
        for st, name in ((1, "genre"), (2, "frames"), (3, "techniques")):
            if not ds.has_gold(lang, "train", st):
                raise DataError(
                    f"{ds.root}/{lang}: train gold of subtask {st} is missing; "
                    "training needs the labels of all three subtasks"
                )
            arts = ds.articles(lang, "train", st)[: cfg.max_articles_per_language]
            for a in arts:
                if st == 1 and a.genre is not None:
                    rows[name].append((a.text, GENRES.index(a.genre), lang, a.id))
                elif st == 2 and a.frames is not None:
                    rows[name].append((a.text, [FRAMES.index(f) for f in a.frames], lang, a.id))
                elif st == 3 and a.techniques is not None:
                    for p in a.paragraphs:
                        labs = [TECHNIQUES.index(t) for t in a.techniques.get(p.line_no, [])]
                        rows[name].append((p.text.strip(), labs, lang, a.id))
    out = {}
    for name, rs in rows.items():
        if name == "genre":
            y = np.array([r[1] for r in rs], dtype=np.int64)
        else:
            y = np.zeros((len(rs), len(FRAMES if name == "frames" else TECHNIQUES)), dtype=np.int8)
            for i, r in enumerate(rs):
                y[i, r[1]] = 1
        out[name] = Table([r[0] for r in rs], y, np.array([r[2] for r in rs]), np.array([r[3] for r in rs]))
    return out


def _fit_binary(x, y: np.ndarray, c: float) -> tuple[np.ndarray, float]:
    if y.sum() == 0:  # a label never seen: never predicted
        return np.zeros(x.shape[1], dtype=np.float32), -20.0
    m = LogisticRegression(C=c, solver="liblinear", max_iter=200).fit(x, y)
    return m.coef_[0].astype(np.float32), float(m.intercept_[0])


def fit_head(x, y: np.ndarray, c: float, labels: list[str], n_jobs: int = 2) -> LinearHead:
    """One-vs-rest logistic regression (multi-label) or balanced softmax (genre)."""
    if y.ndim == 1 and len(np.unique(y)) < 2:  # one class only (tiny folds): predict it
        icpt = np.full(len(labels), -20.0, dtype=np.float32)
        icpt[int(y[0])] = 0.0
        head = LinearHead(labels, np.zeros((len(labels), x.shape[1]), dtype=np.float32), icpt, softmax=True)
    elif y.ndim == 1:
        m = LogisticRegression(C=c, class_weight="balanced", max_iter=2000).fit(x, y)
        coef = np.zeros((len(labels), x.shape[1]), dtype=np.float32)
        icpt = np.full(len(labels), -20.0, dtype=np.float32)
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


def micro_f1(y: np.ndarray, pred: np.ndarray) -> float:
    return float(f1_score(y, pred, average="micro", zero_division=1)) if len(y) else float("nan")


def choose_thresholds(p: np.ndarray, y: np.ndarray, langs: np.ndarray) -> dict[str, dict[str, float]]:
    """A global threshold, per-label ones for frequent labels, then per-language shifts."""
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


def _apply(table: dict[str, dict[str, float]], p: np.ndarray, langs: np.ndarray) -> np.ndarray:
    out = np.zeros_like(p, dtype=bool)
    for lang in np.unique(langs):
        row = table.get(str(lang), table["*"])
        t = np.array([row[str(j)] for j in range(p.shape[1])])
        out[langs == lang] = p[langs == lang] >= t
    return out


def _folds(tab: Table, k: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    # GroupKFold keeps every article's paragraphs in one fold; shuffling groups by seed.
    rng = np.random.RandomState(seed)
    uniq = np.unique(tab.groups)
    perm = dict(zip(uniq, rng.permutation(len(uniq))))
    g = np.array([perm[x] for x in tab.groups])
    return list(GroupKFold(n_splits=k).split(np.zeros(len(g)), groups=g))


def _per_lang(fn, y, pred, langs) -> dict[str, float]:
    return {str(lang): round(fn(y[langs == lang], pred[langs == lang]), 4) for lang in np.unique(langs)}


def _macro_f1(y: np.ndarray, pred: np.ndarray) -> float:
    return float(f1_score(y, pred, labels=list(range(len(GENRES))), average="macro", zero_division=0))


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
    tabs = _tables(ds, cfg)
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
        folds = _folds(tab, cfg.folds, cfg.seed)
        best = None
        for c in cfg.c_grid[name]:
            p = np.zeros((len(tab.texts), len(labels[name])), dtype=np.float32)
            for tr, te in folds:
                head = fit_head(x[tr], tab.y[tr], c, labels[name], cfg.n_jobs)
                p[te] = head.proba(x[te])
                step += 1
                progress(f"CV {name} C={c}", step, n_steps)
            if name == "genre":
                score = _macro_f1(tab.y, p.argmax(1))
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
                "all": round(_macro_f1(tab.y, pred), 4),
                **_per_lang(_macro_f1, tab.y, pred, tab.langs),
            }
        else:
            # Cross-fitted: thresholds for each fold come from the other folds only.
            pred = np.zeros_like(p, dtype=bool)
            for tr, te in folds:
                pred[te] = _apply(choose_thresholds(p[tr], tab.y[tr], tab.langs[tr]), p[te], tab.langs[te])
            metrics["metric"][name] = "micro-F1"
            metrics["cv"][name] = {
                "all": round(micro_f1(tab.y, pred), 4),
                **_per_lang(micro_f1, tab.y, pred, tab.langs),
            }
            table = choose_thresholds(p, tab.y, tab.langs)
            thresholds[name] = {
                lang: {labels[name][int(j)]: t for j, t in row.items()} for lang, row in table.items()
            }
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
    _write_readme(out, metrics)
    return model, metrics


def _write_readme(out: Path, metrics: dict[str, Any]) -> None:
    langs = [k for k in metrics["cv"]["techniques"] if k != "all"]
    lines = [
        "# spinscan lexical model",
        "",
        "TF-IDF word (1-2) and character (2-5) n-grams; balanced softmax for genre, one-vs-rest",
        "logistic regression for frames and techniques; thresholds chosen by grouped CV on train.",
        "Rebuild with `spinscan train --data DIR --out DIR`.",
        "",
        f"Cross-validated scores ({metrics['cv_folds']}-fold, grouped by article, thresholds cross-fitted):",
        "",
        "| lang | ST1 macro-F1 | ST2 micro-F1 | ST3 micro-F1 |",
        "|---|---|---|---|",
    ]
    for lang in langs + ["all"]:
        cv = metrics["cv"]
        cells = [cv["genre"].get(lang, float("nan")), cv["frames"][lang], cv["techniques"][lang]]
        lines.append(f"| {lang} | " + " | ".join(f"{x:.3f}" for x in cells) + " |")
    (out / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
