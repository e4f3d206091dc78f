"""The lexical partner beside the genre head, for the trained languages other than English.

Model 0.3.0 dropped the lexical model's genre head from the blend: on a language it never saw
it has no vocabulary, and on English it brings the SemEval English outlets' words (88 % opinion)
to news pages of other outlets. In French, German, Italian, Polish and Russian the official
articles (train and dev) come from the same outlets, and there its words do help: Polish dev was
.93 with it (0.2.4) and .79 without (0.4.0). So here its weight for those five languages is
chosen by grouped 5-fold CV of their articles (the protocol of their own outlets); English, the
languages with no training articles and any other language keep the encoder's head alone.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from ..labels import GENRES
from .genre_scores import language_view, per_language
from .lexical import fit_head

log = logging.getLogger(__name__)

LEXICAL_WEIGHTS = (0.0, 0.2, 0.3, 0.5, 0.7)  # the lexical head's share of the blend


def partnered(data) -> np.ndarray:
    """The rows whose language may blend in the lexical head: SemEval, trained, not English."""
    return ~data.outside & (data.langs != "en")


def lexical_cv(data, xl, c: float, folds) -> np.ndarray:
    """The lexical genre head's probabilities of each SemEval row from the CV fold that left it
    out (``xl``: the lexical features of the SemEval rows, in order; outside rows stay 0)."""
    sem = np.flatnonzero(~data.outside)
    where = {r: i for i, r in enumerate(sem)}
    p = np.zeros((len(data.y), len(GENRES)), dtype=np.float32)
    for _, tr, te in folds:
        tr, te = tr[~data.outside[tr]], te[~data.outside[te]]
        head = fit_head(xl[[where[r] for r in tr]], data.y[tr], c, list(GENRES))
        p[te] = head.proba(xl[[where[r] for r in te]])
    return p


def blended(data, p: np.ndarray, p_lex: np.ndarray, w: float) -> np.ndarray:
    """``p`` with the partnered rows blended: (1 - w) of the encoder's head, w of the lexical."""
    out = p.copy()
    m = partnered(data)
    out[m] = (1 - w) * p[m] + w * p_lex[m]
    return out


def choose_weight(data, p_cv: np.ndarray, p_lex: np.ndarray) -> tuple[float, dict[str, Any]]:
    """The lexical weight with the best mean grouped-CV macro-F1 over the partnered languages
    (ties: the smaller weight), and every weight's per-language scores."""
    m = partnered(data)
    view = language_view(data, m)
    table = {str(w): per_language(view, blended(data, p_cv, p_lex, w)[m]) for w in LEXICAL_WEIGHTS}
    best = max(LEXICAL_WEIGHTS, key=lambda w: table[str(w)]["mean"] - 1e-9 * w)
    log.info(
        "genre: lexical weight %s for %s (grouped CV %s)", best, sorted(set(data.langs[m])), table[str(best)]
    )
    return best, table


def ensemble_weights(data, w: float) -> dict[str, float]:
    """The encoder's weight by language for the model's config (``ensemble.genre``)."""
    return {"*": 1.0, **{lang: round(1 - w, 4) for lang in sorted(set(data.langs[partnered(data)].tolist()))}}
