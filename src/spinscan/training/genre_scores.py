"""What every genre module scores and fits with: a standardised linear head, macro-F1 per
language, the calibrating temperature and the reliability table; shared by the genre head's
choice (``genre``), its outside-data mix (``genre_mix``) and its lexical partner
(``genre_lexical``), which import this module and never each other in a circle."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.metrics import f1_score

from ..labels import GENRES
from ..models.heads import StandardisedHead
from .lexical import fit_head
from .selection import macro_f1

TEMPERATURES = tuple(np.round(np.arange(0.5, 3.01, 0.1), 2))


def fit_standardised(x: np.ndarray, y: np.ndarray, c: float) -> StandardisedHead:
    mean, scale = x.mean(0), x.std(0) + 1e-6
    h = fit_head((x - mean) / scale, y, c, list(GENRES))
    return StandardisedHead(list(GENRES), h.coef, h.intercept, True, mean, scale)


def per_language(data: Any, p: np.ndarray, uniform_priors: bool = False) -> dict[str, float]:
    """Macro-F1 per language and their mean. ``uniform_priors``: each article weighted by
    1 / its genre's count in its language, as if every genre were equally common (a source that
    is mostly reports, as English dev is, is scored fairly by a train split that is mostly opinion)."""
    out = {}
    for lang in sorted(set(data.langs.tolist())):
        m = data.langs == lang
        y, pred = data.y[m], p[m].argmax(1)
        if uniform_priors:
            w = 1.0 / np.bincount(y, minlength=len(GENRES))[y]
            labels = list(range(len(GENRES)))
            f1 = float(f1_score(y, pred, labels=labels, average="macro", zero_division=0, sample_weight=w))
        else:
            f1 = macro_f1(y, pred)
        out[lang] = round(f1, 4)
    out["mean"] = round(float(np.mean(list(out.values()))), 4)
    return out


def temperature(p: np.ndarray, y: np.ndarray) -> float:
    """The temperature that minimises the log-loss of ``p`` (probabilities) on ``y``."""
    logp = np.log(np.clip(p, 1e-9, 1.0))

    def nll(t: float) -> float:
        z = logp / t
        z = z - z.max(1, keepdims=True)
        q = np.exp(z) / np.exp(z).sum(1, keepdims=True)
        return float(-np.mean(np.log(np.clip(q[np.arange(len(y)), y], 1e-9, 1.0))))

    return float(min(TEMPERATURES, key=nll))


def reliability(p: np.ndarray, y: np.ndarray, bins: int = 5) -> dict[str, Any]:
    """Confidence (top probability) against accuracy in equal-width bins, and the expected
    calibration error (the gap weighted by each bin's share of articles)."""
    conf, right = p.max(1), (p.argmax(1) == y)
    edges = np.linspace(1 / len(GENRES), 1.0, bins + 1)
    rows, ece = [], 0.0
    for i in range(bins):
        m = (conf >= edges[i]) & ((conf < edges[i + 1]) if i + 1 < bins else (conf <= 1.0))
        if not m.any():
            continue
        gap = abs(float(conf[m].mean()) - float(right[m].mean()))
        ece += m.mean() * gap
        rows.append(
            {
                "confidence": f"{edges[i]:.2f}-{edges[i + 1]:.2f}",
                "articles": int(m.sum()),
                "mean_confidence": round(float(conf[m].mean()), 3),
                "accuracy": round(float(right[m].mean()), 3),
            }
        )
    return {"bins": rows, "ece": round(float(ece), 4)}


@dataclass
class LanguageView:  # what per_language reads of a GenreData
    langs: np.ndarray
    y: np.ndarray


def language_view(data: Any, rows: np.ndarray) -> LanguageView:
    """The languages and genres of ``rows``, for :func:`per_language`."""
    return LanguageView(data.langs[rows], data.y[rows])


def per_language_temperatures(
    p_cv: np.ndarray, p_shift: np.ndarray, y: np.ndarray, langs: np.ndarray, labelled: np.ndarray
) -> tuple[dict[str, float], dict[str, Any]]:
    """A temperature per language of the ``labelled`` rows from its grouped-CV probabilities
    (its own outlets, as its users' pages are), and ``*`` from every language left out (what a
    language without labels gets); each with its reliability before and after."""
    from ..models.heads import with_temperature

    temps: dict[str, float] = {}
    table: dict[str, Any] = {}
    for lang in sorted(set(langs[labelled].tolist())):
        m = labelled & (langs == lang)
        temps[lang] = temperature(p_cv[m], y[m])
        after = with_temperature(p_cv[m], temps[lang])
        table[lang] = {
            "articles": int(m.sum()),
            "before": reliability(p_cv[m], y[m]),
            "after": reliability(after, y[m]),
        }
    m = labelled
    temps["*"] = temperature(p_shift[m], y[m])
    after = with_temperature(p_shift[m], temps["*"])
    table["*"] = {
        "articles": int(m.sum()),
        "before": reliability(p_shift[m], y[m]),
        "after": reliability(after, y[m]),
    }
    return temps, table
