"""The genre head, chosen by a validation that imitates the shift to other sources.

Cross-validation inside the train articles rewards learning each outlet's habits (English
train is 88 % opinion, and its outlets are not the ones users bring). Here every candidate is
scored leave-one-language-out (trained on five languages, scored on the sixth: other outlets,
other habits); the best mean leave-one-language-out macro-F1 wins, and among candidates within
.005 of it the best grouped 5-fold CV. Candidates: the article vector (mean frozen state), the
style features of :mod:`spinscan.models.style`, or both, as they are or centred per language
(minus the language's mean over its train and test articles, no labels: where a language sits
in the encoder's space is not genre); and C. The lexical head is not blended in (see
``LEXICAL_WEIGHTS``).
Classes are balanced. The blended probabilities are calibrated by one temperature fitted on the
chosen candidate's leave-one-language-out predictions (a confident wrong genre is worse than an
honest "uncertain"); the reliability table goes into the model's metrics and card.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..labels import GENRES
from ..models.heads import CentredHead, StandardisedHead, with_class_weights, with_temperature
from ..models.style import genre_inputs
from .genre_scores import fit_standardised, per_language, reliability, temperature
from .lexical import fit_head
from .selection import group_folds

log = logging.getLogger(__name__)

FEATURES = (("state",), ("style",), ("state", "style"))
C_GRID = (0.003, 0.01, 0.03, 0.1)
# The lexical head is not blended in: scored on a language it never saw, it has no vocabulary
# of that language and looks harmless, while on a language it knows it brings the outlets'
# words (an English news report: opinion .68 with it at .5, reporting .51 without). Leaving
# one language out cannot measure that, so the head is left out. (The baseline still uses it.)
LEXICAL_WEIGHTS = (0.0,)
# Satire is rare everywhere (71 of 1,234 train articles), and balanced class weights let it
# take articles from the other two; its probability is scaled by one of these (chosen leave-one-
# language-out, like the rest) before the temperature.
SATIRE_WEIGHTS = (1.0, 0.7, 0.5, 0.35)
TIE = 0.005  # leave-one-language-out means closer than this are a tie


def language_centres(x: np.ndarray, langs) -> dict[str, np.ndarray]:
    """Each language's mean row of ``x``."""
    langs = np.asarray(langs)
    return {lang: x[langs == lang].mean(0) for lang in sorted(set(langs.tolist()))}


def pool_centres(states: np.ndarray, texts: list[str], langs) -> dict[str, np.ndarray]:
    """Each language's mean genre input (vector and style) over a pool of articles, no labels."""
    return language_centres(genre_inputs(states, texts, langs), langs)


@dataclass
class GenreData:
    """One row per train article with a genre; ``centres``: each language's mean raw input over
    as many articles as there are (train and test, no labels), for the centred candidates."""

    states: np.ndarray  # (articles, d) mean frozen-layer state
    texts: list[str]
    langs: np.ndarray
    y: np.ndarray  # genre index
    groups: np.ndarray  # article ids
    centres: dict[str, np.ndarray] | None = None

    def __post_init__(self) -> None:
        self.raw = genre_inputs(self.states, self.texts, self.langs)  # any candidate reads a part
        if self.centres is None:
            self.centres = language_centres(self.raw, self.langs)

    def columns(self, features: tuple[str, ...]) -> np.ndarray:
        d = self.states.shape[1]
        cols = [np.arange(d)] if "state" in features else []
        if "style" in features:
            cols.append(np.arange(d, self.raw.shape[1]))
        return np.concatenate(cols)

    def inputs(self, features: tuple[str, ...], centred: bool = False) -> np.ndarray:
        cols = self.columns(features)
        x = self.raw[:, cols]
        if centred:
            x = x - np.stack([self.centres[lang][cols] for lang in self.langs])
        return x


def splits(data: GenreData, how: str, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """``lolo``: one split per language (train on the others); ``cv``: grouped 5-fold."""
    if how == "lolo":
        return [
            (np.flatnonzero(data.langs != lang), np.flatnonzero(data.langs == lang))
            for lang in sorted(set(data.langs.tolist()))
        ]
    return group_folds(data.groups, 5, seed)


def out_of_fold(data: GenreData, x: np.ndarray, c: float, how: str) -> np.ndarray:
    """Genre probabilities of every article from heads that never saw it (or its language)."""
    p = np.zeros((len(data.y), len(GENRES)), dtype=np.float32)
    for tr, te in splits(data, how):
        p[te] = fit_standardised(x[tr], data.y[tr], c).proba(x[te])
    return p


def lexical_out_of_fold(data: GenreData, xl, lexical_c: float, how: str) -> np.ndarray:
    """The same for the lexical head (its features ``xl``, its C)."""
    p = np.zeros((len(data.y), len(GENRES)), dtype=np.float32)
    for tr, te in splits(data, how):
        p[te] = fit_head(xl[tr], data.y[tr], lexical_c, list(GENRES)).proba(xl[te])
    return p


def reweight(p: np.ndarray, satire: float) -> np.ndarray:
    """``p`` with the satire probability scaled by ``satire``, renormalised."""
    return with_class_weights(p, [satire if g == "satire" else 1.0 for g in GENRES])


def choose_genre_head(
    data: GenreData, xl, lexical_c: float, baseline: dict[str, Any] | None = None
) -> tuple[StandardisedHead, float, tuple[str, ...], dict[str, Any]]:
    """The head (fitted on all articles), the encoder's weight beside the lexical head, the
    features it reads, and the metrics: per candidate the mean leave-one-language-out
    macro-F1; for the chosen one (with the temperature to apply to the blend) and for the
    ``baseline`` (features, C, lexical weight) both protocols per language."""
    lex = {how: lexical_out_of_fold(data, xl, lexical_c, how) for how in ("lolo", "cv")}

    def blend(features: tuple[str, ...], centred: bool, c: float, w: float, how: str) -> np.ndarray:
        return (1 - w) * out_of_fold(data, data.inputs(features, centred), c, how) + w * lex[how]

    table = []
    for features in FEATURES:
        for centred in (False, True):
            for c in C_GRID:
                head = out_of_fold(data, data.inputs(features, centred), c, "lolo")
                for w in LEXICAL_WEIGHTS:
                    lolo = per_language(data, (1 - w) * head + w * lex["lolo"])
                    row = {"features": "+".join(features), "centred": centred, "C": c, "lexical_weight": w}
                    table.append(dict(row, lolo=lolo))
                    log.info("genre %s: leave-one-language-out %s", row, lolo)
    # candidates within TIE of the best are as good under the shift: the better grouped CV
    # (the sources we know) decides among them
    top = max(r["lolo"]["mean"] for r in table)
    for r in table:
        if r["lolo"]["mean"] >= top - TIE:
            args = (tuple(r["features"].split("+")), r["centred"], r["C"], r["lexical_weight"])
            r["cv"] = per_language(data, blend(*args, "cv"))
    best = max((r for r in table if "cv" in r), key=lambda r: r["cv"]["mean"])
    features, centred = tuple(best["features"].split("+")), best["centred"]
    c, w = best["C"], best["lexical_weight"]
    p_lolo, p_cv = blend(features, centred, c, w, "lolo"), blend(features, centred, c, w, "cv")
    prior = {s: per_language(data, reweight(p_lolo, s))["mean"] for s in SATIRE_WEIGHTS}
    s = max(SATIRE_WEIGHTS, key=lambda k: prior[k] + (1e-9 if k == 1.0 else 0))  # ties: no change
    class_weights = [1.0 if g != "satire" else s for g in GENRES]
    p_lolo, p_cv = reweight(p_lolo, s), reweight(p_cv, s)
    t = temperature(p_lolo, data.y)
    metrics: dict[str, Any] = {
        "protocol": "chosen by mean leave-one-language-out macro-F1 (train on 5 languages, score the 6th;"
        f" ties within {TIE}: the best grouped CV)",
        "chosen": {"features": list(features), "centred": centred, "C": c, "lexical_weight": w}
        | {"class_weights": class_weights, "temperature": t},
        "satire_weight_leave_one_language_out": {str(k): v for k, v in prior.items()},
        "leave_one_language_out": per_language(data, p_lolo),
        "leave_one_language_out_uniform_priors": per_language(data, p_lolo, uniform_priors=True),
        "grouped_cv": per_language(data, p_cv),
        "reliability_leave_one_language_out": {
            "before": reliability(p_lolo, data.y),
            "after_temperature": reliability(with_temperature(p_lolo, t), data.y),
        },
        "candidates": table,
    }
    if baseline:
        args = (tuple(baseline["features"]), bool(baseline.get("centred")), baseline["C"])
        args += (baseline["lexical_weight"],)
        metrics["baseline"] = dict(
            baseline,
            leave_one_language_out=per_language(data, p_base := blend(*args, "lolo")),
            leave_one_language_out_uniform_priors=per_language(data, p_base, uniform_priors=True),
            grouped_cv=per_language(data, blend(*args, "cv")),
        )
    head = fit_standardised(data.inputs(features, centred), data.y, c)
    if centred:  # the centres go with the head, which subtracts them at inference
        cols = data.columns(features)
        centres = {lang: v[cols] for lang, v in data.centres.items()}
        head = CentredHead(head.labels, head.coef, head.intercept, True, head.mean, head.scale, centres)
    return head, 1.0 - w, features, metrics


def refit_genre(
    model_dir,
    data_dir,
    out_dir,
    langs=None,
    progress=None,
    max_articles: int | None = None,
    outside=None,
    state_cache=None,
) -> dict[str, Any]:
    """Write a copy of the encoder model at ``model_dir`` whose genre head is chosen here.

    The model reads the ST1 train and test articles (about 15 minutes; with ``state_cache``, a
    file, what it read is kept and a second run reads nothing again); the lexical partner's
    features and C are the shipped ones; ``max_articles`` per language and split makes a quick
    run. With ``outside`` (a genre-en folder) the head also learns from those articles
    (:mod:`.genre_mix`). Techniques, frames and spans are untouched.
    """
    from pathlib import Path

    from ..labels import TRAIN_LANGUAGES
    from ..models.base import load_model, read_json
    from ..semeval.data import Dataset
    from .states import StateCache, cached_article_states, states_tag

    model_dir, out_dir = Path(model_dir), Path(out_dir)
    model = load_model(model_dir)
    if model.kind != "encoder" or model.lexical is None:
        raise ValueError(f"{model_dir}: expected an encoder model with a lexical partner, found {model.kind}")
    ds = Dataset(data_dir)
    found = [a for lang in (langs or TRAIN_LANGUAGES) for a in ds.articles(lang, "train", 1)[:max_articles]]
    arts = [a for a in found if a.genre and a.paragraphs]
    # the test articles of every language, unlabelled, only for the language centres
    test = [a for lang in ds.languages("test", 1) for a in ds.articles(lang, "test", 1)[:max_articles]]
    pool = arts + [a for a in test if a.paragraphs]
    extra = []
    if outside is not None:
        from .outside import outside_articles

        extra = outside_articles(outside, max_articles)
    cache = StateCache(state_cache, states_tag(model))
    states = cached_article_states(model, pool + extra, cache, progress, "reading the articles")
    pool_langs = [a.lang for a in pool]
    centres = pool_centres(states[: len(pool)], [a.text for a in pool], pool_langs)
    if outside is not None:
        from .genre_mix import choose_with_outside

        xl = model.lexical.featurizer.transform([a.text for a in arts])
        lexical_c = read_json(lexical_dir(model, model_dir) / "metrics.json")["chosen"]["genre"]["C"]
        head, metrics = choose_with_outside(states, arts, extra, centres, progress, (xl, lexical_c))
        features, weight = ("state", "style"), metrics["chosen"]["ensemble"]
    else:
        n = len(arts)
        data = GenreData(
            states[:n],
            [a.text for a in arts],
            np.array([a.lang for a in arts]),
            np.array([GENRES.index(a.genre) for a in arts]),
            np.array([a.id for a in arts]),
            centres,
        )
        xl = model.lexical.featurizer.transform(data.texts)
        lexical_c = read_json(lexical_dir(model, model_dir) / "metrics.json")["chosen"]["genre"]["C"]
        old = read_json(model_dir / "metrics.json").get("genre_cv", {})
        baseline = None
        if "C" in old:
            w_lex = round(1 - old.get("weight", 1.0), 4)
            baseline = {"features": ["state"], "C": old["C"], "lexical_weight": w_lex}
        head, weight, features, metrics = choose_genre_head(data, xl, lexical_c, baseline)
    write_genre_model(model, model_dir, out_dir, head, features, weight, metrics)
    return metrics


def lexical_dir(model, model_dir):
    from ..models.base import PRETRAINED

    lex_dir = (model_dir / str(model.config["lexical"])).resolve()
    return lex_dir if lex_dir.is_dir() else PRETRAINED / lex_dir.name  # shipped beside it


def write_genre_model(model, model_dir, out_dir, head, features, weight, metrics) -> None:
    """``model`` (read from ``model_dir``) with this genre head, written to ``out_dir``: weights,
    config, metrics (``genre_shift``) and the card's Genre section."""
    import shutil

    from ..models.base import read_json, write_json
    from .cards import encoder_card, genre_section

    if out_dir.resolve() != model_dir.resolve():
        shutil.copytree(model_dir, out_dir, dirs_exist_ok=True)
    model.article_heads["genre"] = head
    genre = weight if isinstance(weight, dict) else round(weight, 4)  # (by language, or one weight)
    model.config["ensemble"] = dict(model.config.get("ensemble", {}), genre=genre)
    model.config["genre_features"] = list(features)
    model.config["genre_temperature"] = metrics["chosen"]["temperature"]
    model.config["genre_class_weights"] = metrics["chosen"]["class_weights"]
    model.save(out_dir)
    all_metrics = read_json(model_dir / "metrics.json")
    all_metrics["genre_shift"] = metrics
    write_json(out_dir / "metrics.json", all_metrics)
    card = model_dir / "README.md"
    text = card.read_text(encoding="utf-8") if card.is_file() else encoder_card(model.config, all_metrics)
    (out_dir / "README.md").write_text(replace_section(text, genre_section(metrics)), encoding="utf-8")


def replace_section(card: str, section: str, heading: str = "## Genre") -> str:
    """``card`` with its ``heading`` section (if any) replaced by ``section``, which is appended."""
    start = card.find(f"\n{heading}\n")
    if start >= 0:
        nxt = card.find("\n## ", start + 1)
        card = card[:start] + (card[nxt:] if nxt >= 0 else "\n")
    return card.rstrip("\n") + "\n\n" + section
