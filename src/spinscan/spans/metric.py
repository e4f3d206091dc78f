"""The span metric of SemEval-2020 Task 11 (partial overlap), technique-aware and -agnostic.

The metric, from its definition: for predicted spans S and gold spans T of the same
article (and, technique-aware, the same technique), each pair (s, t) adds
|s ∩ t| / |s| to precision and |s ∩ t| / |t| to recall; precision is divided by |S|
and recall by |T|. Overlapping spans of the same kind are merged first, so a
repeated or overlapping prediction is not counted twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

SpanRow = tuple[str, str, int, int]  # (article id, technique, start, end), end exclusive


def merge(intervals: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Union of intervals: overlapping ones become one (touching ones stay apart)."""
    out: list[list[int]] = []
    for s, e in sorted(intervals):
        if e <= s:
            continue
        if out and s < out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def _group(rows: Iterable[SpanRow], aware: bool) -> dict[tuple[str, str], list[tuple[int, int]]]:
    groups: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for aid, tech, s, e in rows:
        groups[(aid, tech if aware else "*")].append((s, e))
    return {k: merge(v) for k, v in groups.items()}


def span_prf(pred: Iterable[SpanRow], gold: Iterable[SpanRow], aware: bool = True) -> dict[str, float]:
    """Precision, recall and F1 of predicted spans against gold spans."""
    p, g = _group(pred, aware), _group(gold, aware)
    n_pred = sum(len(v) for v in p.values())
    n_gold = sum(len(v) for v in g.values())
    p_sum = r_sum = 0.0
    for key, ps in p.items():
        gs = g.get(key)
        if not gs:
            continue
        for s, e in ps:
            for a, b in gs:
                inter = min(e, b) - max(s, a)
                if inter > 0:
                    p_sum += inter / (e - s)
                    r_sum += inter / (b - a)
    prec = p_sum / n_pred if n_pred else 0.0
    rec = r_sum / n_gold if n_gold else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"precision": prec, "recall": rec, "f1": f1, "n_pred": n_pred, "n_gold": n_gold}


def span_scores(pred: Sequence[SpanRow], gold: Sequence[SpanRow]) -> dict[str, dict[str, float]]:
    """Both variants: technique-aware and technique-agnostic."""
    return {"aware": span_prf(pred, gold, True), "agnostic": span_prf(pred, gold, False)}
