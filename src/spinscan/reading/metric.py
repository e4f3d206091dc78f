"""The article-extraction benchmark's shingle F1 (Zyte's article-extraction benchmark, as the
web-articles README defines it): tokens are ``\\w+`` runs, shingles are runs of 4 tokens counted
with multiplicity; per page tp/fp/fn are normalised by their sum; precision and recall are means
over pages, F1 their harmonic mean."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

_TOKEN = re.compile(r"\w+")


def shingles(text: str, n: int = 4) -> Counter:
    tokens = _TOKEN.findall(text)
    if len(tokens) < n:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def page_counts(true: str, extracted: str) -> tuple[float, float, float]:
    """(tp, fp, fn) of one page, divided by tp + fp + fn."""
    t, p = shingles(true), shingles(extracted)
    tp = sum(min(t[k], p[k]) for k in t.keys() & p.keys())
    fp = sum(max(0, p[k] - t.get(k, 0)) for k in p)
    fn = sum(max(0, t[k] - p.get(k, 0)) for k in t)
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def extraction_scores(pairs: Iterable[tuple[str, str]]) -> dict[str, float]:
    """Precision, recall and F1 over (true text, extracted text) pages."""
    precisions, recalls = [], []
    for true, extracted in pairs:
        tp, fp, fn = page_counts(true, extracted)
        if tp + fp > 0:
            precisions.append(tp / (tp + fp))
        if tp + fn > 0:
            recalls.append(tp / (tp + fn))
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "pages": len(recalls)}
