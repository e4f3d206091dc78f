"""Genre cues read from each paragraph: how subjective it is and how much it reads as satire.

Two small heads over the frozen-layer state every paragraph already has (a matrix product per
article): ``subjective`` learnt from news sentences marked subjective or objective in five
languages, ``satire`` from satirical and regular news sentences and articles in French and
Romanian (see ``training.cues``). They serve twice: as the article features the genre head
reads beside the article vector (:data:`FEATURES`), and as the evidence a reader is shown
(the share of subjective paragraphs, the paragraphs that carry the satire cue), so that a wrong
genre can be judged instead of trusted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .heads import LinearHead

CUES = ("subjective", "satire")
# what the genre head reads of the cues, per article
FEATURES = ("subjective_mean", "subjective_share", "satire_mean", "satire_top")
SUBJECTIVE = 0.5  # a paragraph at or over this reads as the author's view
SATIRICAL = 0.5  # ... as satire
TOP = 2  # satire_top: the mean of the article's this many most satirical paragraphs
SHOWN = 3  # paragraphs named as evidence of the satire cue


# the languages whose satire cue was measured to point the right way (see ``training.cues``): in
# French on outlets never seen, in Romanian on articles never seen; in English it pointed the
# wrong way on SemEval's articles, so elsewhere it is not shown
SATIRE_LANGUAGES = ("fr", "ro")


@dataclass
class CueHeads:
    heads: dict[str, LinearHead]  # cue -> a one-label sigmoid head on standardised states
    mean: np.ndarray
    scale: np.ndarray
    satire_languages: tuple[str, ...] = SATIRE_LANGUAGES

    def shows_satire(self, lang: str | None) -> bool:
        return lang in self.satire_languages

    def paragraph_cues(self, states: np.ndarray) -> np.ndarray:
        """(paragraphs, cues) probabilities."""
        z = (np.asarray(states, dtype=np.float32) - self.mean) / self.scale
        return np.stack([self.heads[c].proba(z)[:, 0] for c in CUES], axis=1)

    def features(self, per_article: list[np.ndarray]) -> np.ndarray:
        """(articles, FEATURES) from each article's (paragraphs, cues) probabilities."""
        return np.array([article_features(p) for p in per_article], dtype=np.float32)

    # ---- in a model folder: tensors cues.*, config cues ----
    def tensors(self) -> dict[str, np.ndarray]:
        t = {"cues.mean": self.mean.astype(np.float32), "cues.scale": self.scale.astype(np.float32)}
        for c in CUES:
            t[f"cues.{c}.coef"] = self.heads[c].coef.astype(np.float32)
            t[f"cues.{c}.intercept"] = self.heads[c].intercept.astype(np.float32)
        return t

    @classmethod
    def from_tensors(cls, t: dict[str, np.ndarray], config: dict | None = None) -> CueHeads | None:
        if "cues.mean" not in t:
            return None
        heads = {c: LinearHead([c], t[f"cues.{c}.coef"], t[f"cues.{c}.intercept"]) for c in CUES}
        langs = ((config or {}).get("cues") or {}).get("satire_languages", SATIRE_LANGUAGES)
        return cls(heads, t["cues.mean"], t["cues.scale"], tuple(langs))


def article_features(p: np.ndarray) -> list[float]:
    """FEATURES of one article's (paragraphs, cues) probabilities (zeros for no paragraph)."""
    if not len(p):
        return [0.0] * len(FEATURES)
    subj, sat = p[:, 0], np.sort(p[:, 1])[::-1]
    return [
        float(subj.mean()),
        float((subj >= SUBJECTIVE).mean()),
        float(sat.mean()),
        float(sat[:TOP].mean()),
    ]


def evidence(p: np.ndarray, starts: list[int], satire: bool = True) -> dict[str, Any]:
    """What a reader is shown of the cues: the share of subjective paragraphs, the article's
    satire cue (its paragraphs' mean: a long page always has a few odd paragraphs, so the
    strongest ones alone would call any long report satirical), and per paragraph (by its start
    offset) both cues; ``satire_paragraphs``: the (at most three) paragraphs whose satire cue is
    SATIRICAL or more, strongest first. Without ``satire`` (a language where the satire cue was
    not shown to work) the satire cue is null and no paragraph carries it."""
    if not len(p):
        return {}
    f = article_features(p)
    order = [i for i in np.argsort(-p[:, 1], kind="stable")[:SHOWN] if p[i, 1] >= SATIRICAL] if satire else []
    return {
        "paragraphs": len(p),
        "subjective_share": round(f[1], 3),
        "subjective_mean": round(f[0], 3),
        "satire_cue": round(f[2], 3) if satire else None,
        "subjective_paragraphs": [int(starts[i]) for i in np.flatnonzero(p[:, 0] >= SUBJECTIVE)],
        "satire_paragraphs": [[int(starts[i]), round(float(p[i, 1]), 3)] for i in order],
        "cues": {
            int(st): [round(float(a), 3), round(float(b), 3) if satire else None]
            for st, (a, b) in zip(starts, p)
        },
    }
