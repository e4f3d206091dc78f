"""Which articles to annotate next: those the model is least sure about, unlike one another.

Uncertainty: the share of an article's paragraphs on which some technique's score lies near its
threshold (within :data:`MARGIN` in log-odds: a small change of the model would flip the label
there; measured in log-odds because most thresholds are low, and a raw margin of .1 around a
threshold of .15 took in nearly every paragraph of every article), with
the genre's margin between its top two. Diversity: the distance of the article's vector (the mean
state of its paragraphs) to those already chosen and to the articles already annotated. Articles
are taken greedily, each maximising ``uncertainty x (0.5 + distance)``, so a second copy of a
story is not worth much however unsure the model is about it. Every choice comes with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..models.heads import thresholds_for
from ..types import Analysis, split_paragraphs

MARGIN = 0.5  # log-odds: a technique score this close to its threshold could go either way


def logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return float(np.log(p / (1 - p)))


@dataclass
class Candidate:
    """An unannotated article, what the model said, and why it is worth annotating."""

    analysis: Analysis
    text: str
    vector: np.ndarray
    thresholds: dict[str, float]
    uncertainty: float = 0.0
    unsure: int = 0  # paragraphs with some technique near its threshold
    near: dict[str, int] = field(default_factory=dict)  # technique -> paragraphs where it is near
    reason: str = ""


def article_vector(model, text: str, lang: str | None) -> np.ndarray:
    """The mean state of the article's paragraphs (their readings are cached by the model); none
    for a model without an encoder, where uncertainty alone decides."""
    if not hasattr(model, "encode_paragraphs"):
        return np.zeros(1)
    paras = split_paragraphs(text)
    return np.mean(model.encode_paragraphs(paras, [lang] * len(paras)).states, axis=0)


def candidate(model, analysis: Analysis, text: str) -> Candidate:
    """An analysed article as a candidate: its vector (:func:`article_vector`) and the thresholds
    its techniques were decided by (its language's, moved as for a language analysed zero-shot)."""
    vector = article_vector(model, text, analysis.lang)
    labels = list(analysis.paragraphs[0].scores) if analysis.paragraphs else []
    table = (getattr(model, "thresholds", None) or {}).get("techniques") or {"*": {}}
    shift = model.settings.shift("techniques", analysis.lang) if hasattr(model, "settings") else 0.0
    values = (thresholds_for(table, analysis.lang, labels) + shift).tolist() if labels else []
    return Candidate(analysis, text, vector, dict(zip(labels, values)))


def measure(c: Candidate) -> Candidate:
    """Set ``c``'s uncertainty and the techniques it is unsure about."""
    paras = [p for p in c.analysis.paragraphs if not p.skipped]
    unsure = 0
    for p in paras:
        close = [t for t, s in p.scores.items() if abs(logit(s) - logit(c.thresholds.get(t, 0.5))) <= MARGIN]
        unsure += bool(close)
        for t in close:
            c.near[t] = c.near.get(t, 0) + 1
    top = sorted(c.analysis.genre_scores.values(), reverse=True) + [0.0, 0.0]
    genre_doubt = 1.0 - (top[0] - top[1])
    c.unsure = unsure
    c.uncertainty = 0.7 * (unsure / max(len(paras), 1)) + 0.3 * genre_doubt
    return c


def choose(candidates: list[Candidate], n: int, annotated: np.ndarray | None = None) -> list[Candidate]:
    """The ``n`` candidates to annotate first, in order, each with its reason."""
    for c in candidates:
        measure(c)
    if not candidates:
        return []
    vecs = np.stack([c.vector / (np.linalg.norm(c.vector) + 1e-9) for c in candidates])
    dist = np.ones(len(candidates))
    if annotated is not None and len(annotated):
        known = annotated / (np.linalg.norm(annotated, axis=1, keepdims=True) + 1e-9)
        dist = 1 - np.max(vecs @ known.T, axis=1)
    chosen: list[int] = []
    while len(chosen) < min(n, len(candidates)):
        scale = max(float(dist.max()), 1e-9)
        value = [
            -1.0 if i in chosen else c.uncertainty * (0.5 + dist[i] / scale) for i, c in enumerate(candidates)
        ]
        i = int(np.argmax(value))
        c = candidates[i]
        c.reason = reason(c, float(dist[i]), bool(chosen) or (annotated is not None and len(annotated) > 0))
        chosen.append(i)
        dist = np.minimum(dist, 1 - vecs @ vecs[i])
    return [candidates[i] for i in chosen]


def reason(c: Candidate, distance: float, compared: bool) -> str:
    """Why ``c`` was chosen, in a line."""
    paras = sum(1 for p in c.analysis.paragraphs if not p.skipped)
    unsure = c.unsure
    techs = ", ".join(t for t, _ in sorted(c.near.items(), key=lambda kv: -kv[1])[:3])
    top = sorted(c.analysis.genre_scores.items(), key=lambda kv: -kv[1])
    parts = []
    if techs:
        parts.append(f"unsure on {unsure} of {paras} paragraphs ({techs} near their thresholds)")
    if len(top) > 1 and top[0][1] - top[1][1] < 0.2:
        parts.append(f"genre {top[0][0]} {top[0][1]:.2f} or {top[1][0]} {top[1][1]:.2f}")
    if compared:
        parts.append(
            f"{'unlike' if distance > 0.05 else 'close to'} the articles before it (distance {distance:.2f})"
        )
    return "; ".join(parts) or "the model is fairly sure about it"
