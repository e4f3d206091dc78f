"""Technique spans: decoding them from token scores, their settings, and the SemEval-2020 T11 metric.

Imports only the core (types, labels, errors) and numpy.
"""

from .decode import best_run, decode_runs, locate_spans, snap_to_words, whole_paragraph_spans
from .metric import SpanRow, merge, span_prf, span_scores
from .settings import SpanSettings

__all__ = [
    "SpanRow",
    "SpanSettings",
    "best_run",
    "decode_runs",
    "locate_spans",
    "merge",
    "snap_to_words",
    "span_prf",
    "span_scores",
    "whole_paragraph_spans",
]
