"""The genre head of every language: SemEval, genre-en and genre-multi together.

On top of :mod:`.genre_mix` (SemEval's six languages and the masked English outside sources):

- the cue heads (:mod:`.cues`) learn, from genre-multi only, how subjective a paragraph is and
  how much it reads as satire; every article's cue features (the share of subjective
  paragraphs, its most satirical paragraphs) join its vector and style as the genre head's
  inputs, and are the evidence a reader is shown;
- FreSaDa's French articles join the outside rows as two sources (its train and test outlets,
  disjoint), so satire is learnt from French outlets too, and each is held out in turn;
- every language gets its own temperature, fitted on its held-out probabilities (SemEval
  languages in grouped CV, each outside source left out; ``*`` for the languages without
  labels, from the languages left out), with its reliability table.

What the encoder read is kept in ``work`` (one ``.npz`` per corpus, resumable).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

FRESADA_PER_SPLIT = 1000  # articles of each FreSaDa split (half satire), first 6 paragraphs
FRESADA_PARAGRAPHS = 6
OUTSIDE_PARAGRAPHS = 8  # of a genre-en article (the title and the first ones carry its genre)
# (outside weight, C, nuisance) tried: around what the full search of spinscan 0.5-0.9 chose
# (outside .5, C .03, no nuisance removed), which a search over every candidate with the cue
# columns would take hours of the 2 cores to repeat; outside weight 0 is SemEval alone (the
# baseline the metrics report beside the chosen head)
GRID = (
    (0.0, 0.03, None), (0.5, 0.01, None), (0.5, 0.03, None), (1.0, 0.01, None), (1.0, 0.03, None),
    (2.0, 0.03, None),
)  # fmt: skip


def reader(model, work, progress=None):
    """``states(name, articles)``: their paragraph states, kept in ``work/<name>.npz``."""
    from .states import cached_paragraph_states

    work = Path(work) if work is not None else None

    def states(name: str, arts: list) -> dict:
        path = work / f"{name}.npz" if work else None
        return cached_paragraph_states(model, arts, path, progress, f"reading {name}")

    return states


def read_cue_data(model, multi_dir, work, progress=None, max_articles=None):
    """The cue heads' rows with their states: (sentences, FreSaDa articles, states by id)."""
    from . import multi

    states = reader(model, work, progress)
    sentences = multi.subjectivity_sentences(multi_dir) + multi.selerosa_sample(multi_dir)
    if max_articles:
        sentences = sentences[:: max(1, len(sentences) // (20 * max_articles))]
    got = dict(states("sentences", multi.as_articles(sentences)))
    fresada = multi.fresada_articles(
        multi_dir, max_articles or FRESADA_PER_SPLIT, max_paragraphs=FRESADA_PARAGRAPHS
    )
    got |= states("fresada", fresada)
    return sentences, fresada, got


def read_all(model, data_dir, outside_dir, multi_dir, work, progress=None, max_articles=None):
    """Every corpus with its paragraph states: (SemEval train with a genre, SemEval pool with
    the unlabelled test, outside rows (genre-en, FreSaDa), sentences, FreSaDa, states by id)."""
    from ..labels import TRAIN_LANGUAGES
    from ..semeval.data import Dataset
    from .outside import outside_articles

    sentences, fresada, got = read_cue_data(model, multi_dir, work, progress, max_articles)
    states = reader(model, work, progress)
    ds = Dataset(data_dir)
    arts = [a for lang in TRAIN_LANGUAGES for a in ds.articles(lang, "train", 1)[:max_articles]]
    # the unlabelled test articles place the languages without train articles (their centres);
    # a language with train articles is placed by them
    langs = [lang for lang in ds.languages("test", 1) if lang not in TRAIN_LANGUAGES]
    test = [a for lang in langs for a in ds.articles(lang, "test", 1)[:max_articles]]
    pool = [a for a in arts + test if a.paragraphs]
    got |= states("semeval", pool)
    extra = outside_articles(outside_dir, max_articles, OUTSIDE_PARAGRAPHS) if outside_dir is not None else []
    got |= states("outside", extra)
    sem = [a for a in arts if a.genre and a.paragraphs]
    return sem, pool, extra + fresada, sentences, fresada, got


def refit_genre_multi(
    model_dir, data_dir, out_dir, outside_dir, multi_dir, work=None, progress=None, max_articles=None
) -> dict[str, Any]:
    """Write a copy of the encoder model at ``model_dir`` with cue heads and a genre head chosen
    as the module says; returns the genre metrics (also in metrics.json and the card)."""
    from ..models.base import load_model, read_json
    from ..models.style import genre_inputs
    from .cues import CueData, choose_cues
    from .genre import language_centres, lexical_dir, write_genre_model
    from .genre_mix import choose_with_outside

    model_dir, out_dir = Path(model_dir), Path(out_dir)
    model = load_model(model_dir)
    if model.kind != "encoder" or model.lexical is None:
        raise ValueError(f"{model_dir}: expected an encoder model with a lexical partner, found {model.kind}")
    sem, pool, outside, sentences, fresada, got = read_all(
        model, data_dir, outside_dir, multi_dir, work, progress, max_articles
    )
    cue_heads, cue_report = choose_cues(CueData(sentences, got, fresada, got))
    everyone = pool + outside
    states = np.stack([got[a.id][0].mean(0) for a in everyone]).astype(np.float32)
    cues = cue_heads.features([cue_heads.paragraph_cues(got[a.id][0]) for a in everyone])
    n = len(pool)
    x_pool = genre_inputs(
        states[:n], [a.text for a in pool], [a.lang for a in pool], ("state", "style", "cues"), cues[:n]
    )
    centres = language_centres(x_pool, [a.lang for a in pool])
    # choose_with_outside wants the pool's rows first with the labelled SemEval articles leading
    order = {a.id: i for i, a in enumerate(pool)}
    lead = [order[a.id] for a in sem]
    rest = [i for i in range(n) if i not in set(lead)]
    idx = np.r_[lead, rest, np.arange(n, len(everyone))].astype(int)
    xl = model.lexical.featurizer.transform([a.text for a in sem])
    lexical_c = read_json(lexical_dir(model, model_dir) / "metrics.json")["chosen"]["genre"]["C"]
    head, metrics = choose_with_outside(
        states[idx], sem, outside, centres, progress, (xl, lexical_c), cues[idx], list(GRID)
    )
    metrics["cues"] = cue_report
    model.cues = cue_heads
    model.config["cues"] = {
        "satire_languages": list(cue_heads.satire_languages),
        "trained_on": "CheckThat! 2025 subjectivity, SeLeRoSa, FreSaDa (CC BY-NC-SA 4.0)",
    }
    write_genre_model(model, model_dir, out_dir, head, tuple(metrics["chosen"]["features"]),
                      metrics["chosen"]["ensemble"], metrics)  # fmt: skip
    return metrics


def add_cue_heads(
    model_dir, multi_dir, out_dir, work=None, progress=None, max_articles=None
) -> dict[str, Any]:
    """Write a copy of the encoder model at ``model_dir`` with the paragraph cue heads learnt
    from genre-multi alone (what :func:`refit_genre_multi` learns first): the analyses show the
    cues as the genre's evidence; the genre head itself is left as it is (it does not read
    them). Returns the cues' report (also in metrics.json and the card)."""
    import shutil

    from ..models.base import load_model, read_json, write_json
    from .cards import CUES_HEADING, cues_section
    from .cues import CueData, choose_cues
    from .genre import replace_section

    model_dir, out_dir = Path(model_dir), Path(out_dir)
    model = load_model(model_dir)
    if model.kind != "encoder":
        raise ValueError(f"{model_dir}: expected an encoder model, found {model.kind}")
    sentences, fresada, got = read_cue_data(model, multi_dir, work, progress, max_articles)
    heads, report = choose_cues(CueData(sentences, got, fresada, got))
    if out_dir.resolve() != model_dir.resolve():
        shutil.copytree(model_dir, out_dir, dirs_exist_ok=True)
    model.cues = heads
    model.config["cues"] = {
        "satire_languages": list(heads.satire_languages),
        "trained_on": "CheckThat! 2025 subjectivity, SeLeRoSa, FreSaDa (CC BY-NC-SA 4.0)",
    }
    model.save(out_dir)
    metrics = read_json(model_dir / "metrics.json") if (model_dir / "metrics.json").is_file() else {}
    metrics["cues"] = report
    write_json(out_dir / "metrics.json", metrics)
    card = (
        (model_dir / "README.md").read_text(encoding="utf-8") if (model_dir / "README.md").is_file() else ""
    )
    section = "\n".join(cues_section(report, evidence_only=True)) + "\n"
    (out_dir / "README.md").write_text(replace_section(card, section, CUES_HEADING), encoding="utf-8")
    return report
