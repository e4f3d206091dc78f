"""``analyze()``: the one entry point that the CLI, the API and batch runs share."""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

from .errors import InputError
from .labels import normalise_language
from .language import detect_language
from .models.base import PRETRAINED, Model, Prediction, load_model
from .text import check_text
from .types import Analysis, Article, ParagraphResult

log = logging.getLogger(__name__)

DEFAULT_MODEL = "encoder-0.2"
LEXICAL_MODEL = "lexical-0.1"
_cache: dict[str, Model] = {}
_lock = threading.Lock()


def default_model_path() -> Path:
    """The model used when none is given: $SPINSCAN_MODEL, else the one shipped in the package."""
    env = os.environ.get("SPINSCAN_MODEL")
    return Path(env) if env else PRETRAINED / DEFAULT_MODEL


def default_lexical_path() -> Path:
    """The shipped lexical model (the encoder model's ensemble partner)."""
    return PRETRAINED / LEXICAL_MODEL


def get_model(path: str | Path | None = None) -> Model:
    """Load a model directory once per process and share it (loading is the slow part)."""
    key = str(Path(path or default_model_path()).resolve())
    with _lock:
        if key not in _cache:
            _cache[key] = load_model(key)
        return _cache[key]


def resolve_language(text: str, lang: str | None) -> tuple[str, bool]:
    """The official language code to use, and whether it was detected."""
    if lang:
        return normalise_language(lang), False
    return detect_language(text)[0], True


def to_analysis(article: Article, pred: Prediction, model: Model, detected: bool) -> Analysis:
    """A model's prediction for an article, as the user sees it (scores rounded to 4 places)."""
    paragraphs = []
    for p, techs, scores, spans in zip(
        article.paragraphs, pred.paragraph_techniques, pred.paragraph_scores, pred.spans_by_paragraph(article)
    ):
        paragraphs.append(
            ParagraphResult(
                line_no=p.line_no,
                start=p.start,
                end=p.end,
                text=p.text,
                techniques=techs,
                scores={t: round(v, 4) for t, v in scores.items()},
                spans=spans,
            )
        )
    return Analysis(
        id=article.id,
        lang=article.lang or "",
        lang_detected=detected,
        genre=pred.genre,
        genre_scores={k: round(v, 4) for k, v in pred.genre_scores.items()},
        frames=pred.frames,
        frame_scores={k: round(v, 4) for k, v in pred.frame_scores.items()},
        paragraphs=paragraphs,
        model={"name": model.name, "kind": model.kind, "version": model.version},
    )


def analyze(
    text: str,
    lang: str | None = None,
    model: Model | str | Path | None = None,
    id: str | None = None,
) -> Analysis:
    """Analyse one article: genre, frames and the techniques of each paragraph.

    ``text`` is the raw article (first line = title, as in the official data);
    offsets in the result index this exact string. ``lang`` is an official or ISO
    code; when omitted it is detected.
    """
    t0 = time.perf_counter()
    check_text(text)
    m = model if isinstance(model, Model) else get_model(model)
    t1 = time.perf_counter()
    code, detected = resolve_language(text, lang)
    article = Article(id=id or "article", text=text, lang=code)
    if not article.paragraphs:
        raise InputError("the text has no non-blank line to analyse")
    pred = m.predict([article])[0]
    result = to_analysis(article, pred, m, detected)
    t2 = time.perf_counter()
    result.timings = {"load_model_s": round(t1 - t0, 4), "analyze_s": round(t2 - t1, 4)}
    return result
