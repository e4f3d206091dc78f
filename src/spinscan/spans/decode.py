"""Decoding technique spans from a paragraph's token scores.

Token runs over a threshold become character spans (grown to whole words when the
settings say so); techniques annotated on whole sentences may span the whole
paragraph instead. Offsets are end-exclusive and index the article text.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..languages import is_spaceless
from ..types import Paragraph, Span
from .metric import merge
from .settings import SpanSettings
from .stopwords import has_content
from .units import candidates


def decode_runs(
    probs: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
    threshold: float,
    gap: int = 1,
) -> list[tuple[int, int, float]]:
    """Runs of tokens scoring >= threshold -> (start, end, max score) character spans.

    ``probs`` is one technique's score per token; tokens with ``starts < 0`` (special or
    prefix tokens) never take part. Runs separated by at most ``gap`` tokens below the
    threshold are joined, since a span rarely breaks for one word.
    """
    out: list[tuple[int, int, float]] = []
    cur: list[int] | None = None  # [first token, last token]
    below = 0
    for k in range(len(probs)):
        if starts[k] < 0:
            continue
        if probs[k] >= threshold:
            if cur is not None and below <= gap:
                cur[1] = k
            else:
                if cur is not None:
                    out.append(_run(cur, probs, starts, ends))
                cur = [k, k]
            below = 0
        else:
            below += 1
    if cur is not None:
        out.append(_run(cur, probs, starts, ends))
    return out


def _run(cur: list[int], probs: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> tuple[int, int, float]:
    a, b = cur
    return int(starts[a]), int(ends[b]), float(probs[a : b + 1].max())


def best_run(
    probs: np.ndarray, starts: np.ndarray, ends: np.ndarray, rel: float = 0.5
) -> tuple[int, int, float]:
    """The most likely span when none passes the threshold: the top token, grown while
    neighbours score at least ``rel`` times its score."""
    ok = np.flatnonzero(starts >= 0)
    if not len(ok):
        return -1, -1, 0.0
    return _grow(int(ok[int(np.argmax(probs[ok]))]), probs, starts, ends, rel)


def _grow(
    k: int, probs: np.ndarray, starts: np.ndarray, ends: np.ndarray, rel: float
) -> tuple[int, int, float]:
    top = probs[k]
    a = b = k
    while a - 1 >= 0 and starts[a - 1] >= 0 and probs[a - 1] >= rel * top:
        a -= 1
    while b + 1 < len(probs) and starts[b + 1] >= 0 and probs[b + 1] >= rel * top:
        b += 1
    return int(starts[a]), int(ends[b]), float(top)


def best_content_run(
    probs: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
    text: str,
    lang: str | None,
    words: bool,
    tries: int = 12,
) -> tuple[int, int, float]:
    """The most likely run that holds a content word: tokens are tried best first (each grown
    as :func:`best_run` grows the top one) until one is more than function words."""
    ok = np.flatnonzero(starts >= 0)
    for k in ok[np.argsort(-probs[ok], kind="stable")][:tries]:
        s, e, sc = _grow(int(k), probs, starts, ends, 0.5)
        if words:
            s, e = snap_to_words(text, s, e)
        if has_content(text[s:e], lang):
            return s, e, sc
    return -1, -1, 0.0


def best_unit(
    probs: np.ndarray, starts: np.ndarray, ends: np.ndarray, text: str, start: int, end: int
) -> tuple[int, int, float]:
    """The sentence or clause of ``text[start:end]`` that best matches one technique's token scores.

    Each candidate (see :func:`.units.candidates`) is scored as the F1 it would have if the
    token scores were the chance that each character is annotated: 2 x its expected annotated
    characters / (its length + the paragraph's expected annotated characters). Returns the
    best candidate and that score; (-1, -1, 0.0) when there is none.
    """
    ok = (starts >= start) & (ends <= end) & (starts >= 0)
    mass = np.where(ok, probs * (ends - starts), 0.0)
    total = float(mass.sum())
    best = (-1, -1, 0.0)
    for a, b in candidates(text, start, end):
        inside = float(mass[ok & (starts >= a) & (ends <= b + 1)].sum())
        score = 2 * inside / ((b - a) + total) if b > a else 0.0
        if score > best[2]:
            best = (a, b, score)
    return best


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Grow a span to whole words: a run of sub-word tokens often starts or ends inside a word,
    while annotators (and readers) mark whole words. In scripts written without spaces (Chinese,
    Japanese, Thai) a run of letters is a whole clause, so a span there keeps its token edges."""

    def grows(into: int, edge: int) -> bool:  # may the span take in text[into] beside text[edge]?
        if not text[into].isalnum() or is_spaceless(text[into]):
            return False
        return not (0 <= edge < len(text) and is_spaceless(text[edge]))

    while start > 0 and grows(start - 1, start):
        start -= 1
    while end < len(text) and grows(end, end - 1):
        end += 1
    return start, end


def locate_spans(
    token_probs: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
    labels: Sequence[str],
    chosen: Sequence[str],
    settings: SpanSettings,
    bounds: tuple[int, int] | None = None,
    text: str | None = None,
    units: dict[str, list[tuple[int, int]]] | None = None,
    lang: str | None = None,
) -> list[Span]:
    """Spans of one paragraph from its token scores (see :class:`SpanSettings`).

    In ``filtered`` mode each chosen technique gets at least one span (the most likely one when
    none passes the threshold), so labels and highlights agree. Techniques in
    ``settings.whole`` span the whole paragraph (``bounds``) when chosen: on held-out articles
    that scores better than any narrower guess for techniques annotated on sentences. Such a
    span carries a ``focus``: its sentence or clause that the token scores favour
    (:func:`best_unit`), for a reader's eye. Techniques in ``settings.units`` span that best
    sentence or clause itself. With ``settings.words`` and the article ``text`` (which the
    offsets index), token runs are grown to whole words. ``units`` narrows a whole-paragraph
    technique to parts of the paragraph (the windows of a long one that have it); overlapping
    parts become one span. With ``settings.content`` and ``text``, a token run made only of
    function words or punctuation (``lang``'s, see :mod:`.stopwords`) is no span: a chosen
    technique whose runs are all such gets its best run that holds a content word instead.
    """
    out: list[Span] = []
    techs = chosen if settings.mode == "filtered" else labels
    whole = set(settings.whole) if bounds is not None else set()
    sentence = set(settings.units)
    for t in techs:
        j = labels.index(t)
        if t in whole:
            if t in chosen:
                score = round(float(token_probs[:, j].max(initial=0.0)), 4)
                parts = (units or {}).get(t) or [bounds]
                for s, e in merge(parts):
                    f = best_unit(token_probs[:, j], starts, ends, text, s, e) if text is not None else None
                    if f and f[0] >= 0 and (f[0], f[1]) != (s, e):
                        out.append(Span(t, s, e, score, focus_start=f[0], focus_end=f[1]))
                    else:
                        out.append(Span(t, s, e, score))
            continue
        if t in sentence and bounds is not None and text is not None:
            if t in chosen:
                s, e, _ = best_unit(token_probs[:, j], starts, ends, text, *bounds)
                s, e = (s, e) if s >= 0 else bounds
                out.append(Span(t, s, e, round(float(token_probs[:, j].max(initial=0.0)), 4)))
            continue
        thr = settings.threshold_of(t)
        if t not in chosen and token_probs[:, j].max(initial=0.0) < thr:
            continue  # the common case, decided without walking the tokens
        runs = decode_runs(token_probs[:, j], starts, ends, thr, settings.gap)
        if not runs and t in chosen:
            s, e, sc = best_run(token_probs[:, j], starts, ends)
            runs = [(s, e, sc)] if s >= 0 else []
        if settings.words and text is not None:
            runs = [(*snap_to_words(text, s, e), sc) for s, e, sc in runs]
            # two runs that met inside one word now overlap: one span each, with the higher score
            runs = [
                (a, b, max(sc for s, e, sc in runs if a <= s and e <= b))
                for a, b in merge(r[:2] for r in runs)
            ]
        if settings.content and text is not None:
            runs = [r for r in runs if has_content(text[r[0] : r[1]], lang)]
            if not runs and t in chosen:
                s, e, sc = best_content_run(token_probs[:, j], starts, ends, text, lang, settings.words)
                runs = [(s, e, sc)] if s >= 0 else []
        out.extend(Span(t, s, e, round(sc, 4)) for s, e, sc in runs)
    return sorted(out, key=lambda sp: (sp.start, -sp.end, sp.technique))


def whole_paragraph_spans(p: Paragraph, chosen: Sequence[str], scores: dict[str, float]) -> list[Span]:
    """For models without a span head: each chosen technique spans the paragraph (trimmed)."""
    start, end = p.trimmed
    return [Span(t, start, end, round(scores.get(t, 0.0), 4)) for t in chosen]
