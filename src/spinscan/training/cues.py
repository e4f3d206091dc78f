"""The cue heads of :mod:`spinscan.models.cues`, learnt from genre-multi (:mod:`.multi`).

- ``subjective``: CheckThat! 2025 sentences (ar, bg, de, en, it), subjective or objective.
  Held out: the release's ``dev_test`` split per language (train and dev learn), and each
  language left out (trained on the other four: what a language it never saw gets).
- ``satire``: SeLeRoSa's Romanian sentences and FreSaDa's French paragraphs (each paragraph
  with its article's label), each source weighed alike. Held out: SeLeRoSa's test articles
  (sentence macro-F1) and FreSaDa's test outlets (article level: the AUC of the article's
  satire feature, and macro-F1 of ``satire_top >= .5``), trained on the other split.

Nothing of SemEval is used, so the genre head that reads these cues is validated on SemEval as
before without leaking its labels through them. C is chosen on the held-out scores; the heads
are then refitted on every row. Both heads read states standardised with one mean and scale.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
from sklearn.metrics import f1_score, roc_auc_score

from ..models.cues import CUES, CueHeads, article_features
from ..models.heads import LinearHead
from .multi import Sentence

log = logging.getLogger(__name__)

C_GRID = (0.0003, 0.001, 0.003, 0.01, 0.03)


def fit_one(x: np.ndarray, y: np.ndarray, w: np.ndarray, c: float, label: str) -> LinearHead:
    from sklearn.linear_model import LogisticRegression

    m = LogisticRegression(C=c, max_iter=2000).fit(x, y, sample_weight=w)
    coef = m.coef_.astype(np.float16).astype(np.float32)  # as saved
    return LinearHead([label], coef, m.intercept_.astype(np.float32))


def balanced(groups: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Sample weights giving each (source, label) cell the same total, mean 1."""
    keys = np.array([f"{g}|{v}" for g, v in zip(groups, y)])
    _, inv, counts = np.unique(keys, return_inverse=True, return_counts=True)
    w = 1.0 / counts[inv]
    return w * len(w) / w.sum()


def macro(y: np.ndarray, p: np.ndarray) -> float:
    return round(float(f1_score(y, p >= 0.5, average="macro", zero_division=0)), 4)


class CueData:
    """The rows of both cues: standardised states, labels, source, split, language."""

    def __init__(self, sentences: list[Sentence], sentence_states: dict, fresada: list, fresada_states: dict):
        subj = [s for s in sentences if s.id in sentence_states and not s.id.startswith("selerosa:")]
        ro = [s for s in sentences if s.id in sentence_states and s.id.startswith("selerosa:")]
        self.subj_x = np.stack([sentence_states[s.id][0][0] for s in subj])
        self.subj_y = np.array([s.label for s in subj])
        self.subj_lang = np.array([s.lang for s in subj])
        self.subj_test = np.array([s.split == "dev_test" for s in subj])
        fr = [a for a in fresada if a.id in fresada_states]
        fr_states = [fresada_states[a.id][0] for a in fr]
        self.fr_articles = fr
        self.fr_article_of = np.concatenate([np.full(len(s), i) for i, s in enumerate(fr_states)])
        self.sat_x = np.concatenate([np.stack([sentence_states[s.id][0][0] for s in ro]), *fr_states])
        self.sat_y = np.array(
            [s.label for s in ro] + [int(fr[i].genre == "satire") for i in self.fr_article_of]
        )
        self.sat_article = np.r_[np.full(len(ro), -1), self.fr_article_of]  # FreSaDa article of a row
        self.sat_source = np.array(["selerosa"] * len(ro) + ["fresada"] * len(self.fr_article_of))
        self.sat_test = np.array(
            [s.split == "test" for s in ro]
            + [fr[i].meta["source"] == "fresada:test" for i in self.fr_article_of]
        )
        allx = np.concatenate([self.subj_x, self.sat_x]).astype(np.float32)
        self.mean, self.scale = allx.mean(0), allx.std(0) + 1e-6
        self.subj_x = ((self.subj_x - self.mean) / self.scale).astype(np.float32)
        self.sat_x = ((self.sat_x - self.mean) / self.scale).astype(np.float32)
        log.info(
            "cues: %d subjectivity sentences, %d satire rows (%d Romanian sentences, %d French "
            "paragraphs of %d articles)",
            len(subj), len(self.sat_y), len(ro), len(self.fr_article_of), len(fr),
        )  # fmt: skip


def subjectivity_scores(d: CueData, c: float) -> dict[str, Any]:
    """Per language on dev_test (trained on train and dev), and each language left out."""
    tr = ~d.subj_test
    h = fit_one(d.subj_x[tr], d.subj_y[tr], balanced(d.subj_lang[tr], d.subj_y[tr]), c, "subjective")
    p = h.proba(d.subj_x)[:, 0]
    test = {lang: macro(d.subj_y[d.subj_test & (d.subj_lang == lang)], p[d.subj_test & (d.subj_lang == lang)])
            for lang in sorted(set(d.subj_lang.tolist()))}  # fmt: skip
    lolo = {}
    for lang in sorted(set(d.subj_lang.tolist())):
        tr, te = d.subj_lang != lang, d.subj_lang == lang
        h = fit_one(d.subj_x[tr], d.subj_y[tr], balanced(d.subj_lang[tr], d.subj_y[tr]), c, "subjective")
        lolo[lang] = macro(d.subj_y[te], h.proba(d.subj_x[te])[:, 0])
    test["mean"] = round(float(np.mean(list(test.values()))), 4)
    lolo["mean"] = round(float(np.mean(list(lolo.values()))), 4)
    return {"dev_test_macro_f1": test, "language_left_out_macro_f1": lolo}


def satire_scores(d: CueData, c: float) -> dict[str, Any]:
    """Trained on the train split of both sources; SeLeRoSa test sentences, FreSaDa test outlets."""
    tr = ~d.sat_test
    h = fit_one(d.sat_x[tr], d.sat_y[tr], balanced(d.sat_source[tr], d.sat_y[tr]), c, "satire")
    p = h.proba(d.sat_x)[:, 0]
    ro = d.sat_test & (d.sat_source == "selerosa")
    fr_test = [i for i, a in enumerate(d.fr_articles) if a.meta["source"] == "fresada:test"]
    feats, y = [], []
    for i in fr_test:
        rows = np.flatnonzero(d.sat_article == i)
        pp = np.stack([np.zeros(len(rows)), p[rows]], axis=1)
        feats.append(article_features(pp)[2])  # the article's cue as shown: its paragraphs' mean
        y.append(int(d.fr_articles[i].genre == "satire"))
    feats, y = np.array(feats), np.array(y)
    return {
        "selerosa_test_sentences_macro_f1": macro(d.sat_y[ro], p[ro]),
        "fresada_test_outlets_auc": round(float(roc_auc_score(y, feats)), 4) if len(set(y)) == 2 else None,
        "fresada_test_outlets_macro_f1": macro(y, feats),
        "fresada_test_articles": len(y),
    }


def choose_cues(d: CueData) -> tuple[CueHeads, dict[str, Any]]:
    """C per cue by its held-out mean; the heads refitted on all rows; the report."""
    report: dict[str, Any] = {"subjective": {}, "satire": {}}
    best: dict[str, tuple[float, float]] = {}
    for c in C_GRID:
        s = subjectivity_scores(d, c)
        report["subjective"][str(c)] = s
        v = (s["dev_test_macro_f1"]["mean"] + s["language_left_out_macro_f1"]["mean"]) / 2
        if v > best.get("subjective", (-1.0, 0.0))[0]:
            best["subjective"] = (v, c)
        s = satire_scores(d, c)
        report["satire"][str(c)] = s
        v = (s["selerosa_test_sentences_macro_f1"] + (s["fresada_test_outlets_auc"] or 0.0)) / 2
        if v > best.get("satire", (-1.0, 0.0))[0]:
            best["satire"] = (v, c)
        log.info("cues C %s: subjective %s, satire %s", c, report["subjective"][str(c)], s)
    c_subj, c_sat = best["subjective"][1], best["satire"][1]
    heads = {
        "subjective": fit_one(d.subj_x, d.subj_y, balanced(d.subj_lang, d.subj_y), c_subj, "subjective"),
        "satire": fit_one(d.sat_x, d.sat_y, balanced(d.sat_source, d.sat_y), c_sat, "satire"),
    }
    chosen = {cue: {"C": best[cue][1]} | report[cue][str(best[cue][1])] for cue in CUES}
    return CueHeads(heads, d.mean.astype(np.float32), d.scale.astype(np.float32)), {
        "chosen": chosen,
        "grid": report,
    }
