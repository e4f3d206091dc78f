"""The last stage of the encoder recipe: choices made on held-out data, and the model directory.

- Techniques: the epoch with the best held-out micro-F1; the weight of the encoder in its
  average with a lexical model trained on the same non-held-out articles; thresholds.
  Reported held-out scores are cross-fitted (two halves of the held-out articles choose
  each other's thresholds), so they are not tuned on what they measure.
- Genre: chosen leave-one-language-out among article vectors and style features
  (``training.genre``); the grouped-CV head of 0.2 is reported beside it.
- Frames: logistic regression on article vectors (mean of the paragraphs' frozen-layer
  states), its C and its weight in the average with the lexical heads chosen by grouped
  5-fold cross-validation on train.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import numpy as np

from ... import __version__
from ...labels import FRAMES, GENRES, TECHNIQUES
from ...models.base import load_model, read_json, write_json
from ...models.encoder import EncoderModel
from ...models.heads import StandardisedHead
from ...models.lexical import Featurizer
from ...semeval.evaluate import evaluate_ptc_si
from ..cards import encoder_card
from ..genre import GenreData, choose_genre_head, pool_centres
from ..lexical import fit_head
from ..selection import (
    BLEND_WEIGHTS,
    best_global_f1,
    choose_thresholds,
    cross_fitted,
    cross_fitted_folds,
    group_folds,
    macro_f1,
    micro_f1,
    named_thresholds,
    per_language,
)
from .run import EncoderRun
from .spans import spans

log = logging.getLogger(__name__)


def lexical_partner(run: EncoderRun, lexical_dir: str | Path) -> tuple[Featurizer, dict[str, float]]:
    """The lexical model's features as it fits them (on all train paragraphs; no labels used) and
    its chosen C per head, to refit it on the run's non-held-out articles."""
    lex_cfg = read_json(Path(lexical_dir) / "config.json")
    lex_metrics = read_json(Path(lexical_dir) / "metrics.json")
    chosen_c = {k: v["C"] for k, v in lex_metrics["chosen"].items()}
    return Featurizer.fit(run.data.paragraphs.texts, lex_cfg["features"]), chosen_c


def heldout_lexical_probs(run: EncoderRun, feat: Featurizer, lexical_c: float) -> np.ndarray:
    """ST3 probabilities of the held-out rows from a lexical model fitted on the other rows."""
    tab, held = run.data.paragraphs, run.data.heldout()
    x = feat.transform(tab.texts)
    return fit_head(x[~held], tab.y[~held], lexical_c, list(TECHNIQUES)).proba(x[held])


def techniques(
    run: EncoderRun, lexical_c: float, feat: Featurizer
) -> tuple[int, float, dict, dict, np.ndarray]:
    """Best epoch, encoder weight, thresholds, held-out metrics and held-out decisions for ST3."""
    tab = run.data.paragraphs
    held = run.data.heldout()
    hi = np.flatnonzero(held)
    y, langs, groups = tab.y[hi], tab.langs[hi], tab.groups[hi]
    epochs = run.epochs_done()
    if not epochs:
        raise RuntimeError(f"{run.work}: no epoch that every member finished; run the fine-tuning first")
    per_member = {e: run.heldout_member_probs(e) for e in epochs}
    members = {  # each member alone, for the record (best single threshold per epoch)
        str(r.cfg.member): {
            "init_seed": r.init_seed,
            "epochs": {str(e): round(best_global_f1(y, per_member[e][m]), 4) for e in epochs},
        }
        for m, r in enumerate(run.members())
    }
    mean = {e: np.mean(ps, axis=0) for e, ps in per_member.items()}
    scores = {e: best_global_f1(y, p) for e, p in mean.items()}
    best = max(scores, key=scores.get)
    p_enc = mean[best]
    log.info("held-out micro-F1 by epoch: %s", scores)
    p_lex = heldout_lexical_probs(run, feat, lexical_c)  # trained on the same articles, for the ensemble
    w = max(BLEND_WEIGHTS, key=lambda w: best_global_f1(y, w * p_enc + (1 - w) * p_lex))
    p = w * p_enc + (1 - w) * p_lex
    metrics = {
        "epochs": {str(e): round(s, 4) for e, s in scores.items()},
        "best_epoch": best,
        "members": members,
        "weight": float(w),
    }
    for name, q in (("lexical", p_lex), ("encoder", p_enc), ("ensemble", p)):
        pred = cross_fitted(q, y, langs, groups, run.cfg.seed)
        metrics[name] = {"all": round(micro_f1(y, pred), 4), **per_language(micro_f1, y, pred, langs)}
    log.info("ST3 held-out (cross-fitted thresholds): %s", metrics)
    return best, float(w), named_thresholds(choose_thresholds(p, y, langs), list(TECHNIQUES)), metrics, pred


def article_head(
    run: EncoderRun, name: str, lexical_c: float, feat: Featurizer
) -> tuple[StandardisedHead, float, dict, dict]:
    """C and blend weight by grouped CV; returns the head fitted on all, weight, thresholds, metrics."""
    tab = run.data.tables[name]
    labels = list(GENRES if name == "genre" else FRAMES)
    v = run.frozen.article_vectors(tab.texts)
    mean, scale = v.mean(0), v.std(0) + 1e-6
    z = (v - mean) / scale
    xl = feat.transform(tab.texts)
    folds = group_folds(tab.groups, 5, run.cfg.seed)
    p_lex = np.zeros((len(z), len(labels)), dtype=np.float32)
    for tr, te in folds:
        p_lex[te] = fit_head(xl[tr], tab.y[tr], lexical_c, labels).proba(xl[te])

    def fit(c: float, idx) -> StandardisedHead:
        h = fit_head(z[idx], tab.y[idx], c, labels)
        return StandardisedHead(labels, h.coef, h.intercept, h.softmax, mean, scale)

    def score(p: np.ndarray) -> float:
        return macro_f1(tab.y, p.argmax(1)) if name == "genre" else best_global_f1(tab.y, p)

    best = None
    for c in (0.003, 0.01, 0.03, 0.1, 0.3):
        p_enc = np.zeros_like(p_lex)
        for tr, te in folds:
            p_enc[te] = fit(c, tr).proba(v[te])
        for w in BLEND_WEIGHTS:
            s = score(w * p_enc + (1 - w) * p_lex)
            if best is None or s > best[0]:
                best = (s, c, float(w), p_enc)
    _, c, w, p_enc = best
    metrics: dict[str, Any] = {"C": c, "weight": w}
    thresholds = {}
    for label, q in (("lexical", p_lex), ("encoder", p_enc), ("ensemble", w * p_enc + (1 - w) * p_lex)):
        if name == "genre":
            pred = q.argmax(1)
            metrics[label] = {
                "all": round(macro_f1(tab.y, pred), 4),
                **per_language(macro_f1, tab.y, pred, tab.langs),
            }
        else:
            pred = cross_fitted_folds(q, tab.y, tab.langs, folds)
            metrics[label] = {
                "all": round(micro_f1(tab.y, pred), 4),
                **per_language(micro_f1, tab.y, pred, tab.langs),
            }
            if label == "ensemble":
                thresholds = named_thresholds(choose_thresholds(q, tab.y, tab.langs), labels)
    log.info("%s CV: %s", name, metrics)
    return fit(c, np.arange(len(z))), w, thresholds, metrics


def finish(run: EncoderRun, out_dir: str | Path, lexical_dir: str | Path) -> EncoderModel:
    """Choose everything left, and write the encoder model directory."""
    t0 = time.time()
    lexical = load_model(lexical_dir)
    feat, chosen_c = lexical_partner(run, lexical_dir)
    best, w3, th3, m3, decisions = techniques(run, chosen_c["techniques"], feat)
    span_cfg, m_spans = spans(run, best, decisions)
    genre, w1, _, m1 = article_head(run, "genre", chosen_c["genre"], feat)
    tab = run.data.tables["genre"]
    cap = run.cfg.max_articles_per_language
    test = [a for lang in run.ds.languages("test", 1) for a in run.ds.articles(lang, "test", 1)[:cap]]
    pool_texts, pool_langs = tab.texts + [a.text for a in test], list(tab.langs) + [a.lang for a in test]
    pool = run.frozen.article_vectors(pool_texts)
    centres = pool_centres(pool, pool_texts, pool_langs)
    shift_data = GenreData(pool[: len(tab.texts)], tab.texts, tab.langs, tab.y, tab.groups, centres)
    base = {"features": ["state"], "C": m1["C"], "lexical_weight": round(1 - w1, 4)}
    genre, w1, genre_features, m_shift = choose_genre_head(
        shift_data, feat.transform(tab.texts), chosen_c["genre"], base
    )
    frames, w2, th2, m2 = article_head(run, "frames", chosen_c["frames"], feat)
    tops = run.top_states(best)
    out = Path(out_dir)
    rel = Path(lexical_dir).resolve()
    try:
        lexical_ref = str(rel.relative_to(out.resolve().parent).as_posix())
        lexical_ref = f"../{lexical_ref}"
    except ValueError:
        lexical_ref = str(rel)
    config = {
        "kind": "encoder",
        "name": "spinscan-encoder",
        "version": __version__,
        "base": run.backbone.spec.label,
        "n_frozen": run.cfg.n_frozen,
        "max_tokens": run.cfg.max_tokens,
        "members": len(tops),
        "labels": list(TECHNIQUES),
        "lexical": lexical_ref,
        "ensemble": {"techniques": w3, "genre": w1, "frames": w2},
        "spans": span_cfg,
        "genre_features": list(genre_features),
        "genre_temperature": m_shift["chosen"]["temperature"],
        "genre_class_weights": m_shift["chosen"]["class_weights"],
        "train": {**{k: v for k, v in vars(run.cfg).items() if k != "extra"}, "best_epoch": best},
    }
    if run.backbone.spec.kind != "e5":  # (a config without it means e5, as every earlier model)
        config["backbone"] = run.backbone.spec.to_dict()
    heads = {"genre": genre, "frames": frames}
    model = EncoderModel(config, tops, heads, {"techniques": th3, "frames": th2}, lexical, run.work)
    model.save(out)
    ptc = run.data.ptc_dev_dir()
    if ptc:  # the English held-out articles are exactly PTC dev: a clean check of the spans
        m_spans["ptc2020_dev_si"] = evaluate_ptc_si(model, ptc)
        log.info("PTC dev span identification: %s", m_spans["ptc2020_dev_si"])
    metrics = {
        "techniques_heldout": m3,
        "spans_heldout": m_spans,
        "genre_cv": m1,
        "genre_shift": m_shift,
        "frames_cv": m2,
        "finish_seconds": round(time.time() - t0, 1),
    }
    write_json(out / "metrics.json", metrics)
    (out / "README.md").write_text(encoder_card(config, metrics), encoding="utf-8")
    return model
