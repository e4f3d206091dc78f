"""Predicting a whole split of an official data folder into the official files."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DataError
from ..models.base import Model
from ..types import Article
from .data import Dataset, write_spans, write_subtask1, write_subtask2, write_subtask3
from .evaluate import pred_path, spans_pred_path

log = logging.getLogger(__name__)

BATCH = 16


@dataclass
class PredictReport:
    files: list[Path] = field(default_factory=list)
    articles: int = 0
    paragraphs: int = 0
    errors: list[str] = field(default_factory=list)


def _load(ds: Dataset, lang: str, split: str, st: int, report: PredictReport) -> list[Article]:
    """Articles of one subtask; an unreadable article is reported and skipped, not fatal."""
    try:
        return ds.articles(lang, split, st, gold=False)
    except DataError:
        arts = []
        for p in ds.article_paths(lang, split, st):
            try:
                arts.append(Article(id=p.stem[len("article") :], text=p.read_text("utf-8"), lang=lang))
            except (OSError, UnicodeDecodeError) as e:
                report.errors.append(f"{p}: skipped ({e})")
                log.error("%s: skipped (%s)", p, e)
        return arts


def predict_split(
    ds: Dataset,
    split: str,
    model: Model,
    out: str | Path,
    langs: list[str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> PredictReport:
    """Write ``OUT/<lang>/<split>-predictions-subtask-{1,2,3}.txt`` for every language found."""
    report = PredictReport()
    available = ds.languages(split)
    for lang in langs or available:
        if lang not in available:
            raise DataError(
                f"{ds.root}: no {split} split for language {lang!r} (found: {', '.join(available)})"
            )
        for st in (1, 2, 3):
            arts = _load(ds, lang, split, st, report)
            if not arts:
                continue
            rows1, rows2, rows3, span_rows = [], [], [], []
            for i in range(0, len(arts), BATCH):
                batch = arts[i : i + BATCH]
                for a, pred in zip(batch, model.predict(batch, subtasks=(st,))):
                    rows1.append((a.id, pred.genre))
                    rows2.append((a.id, pred.frames))
                    rows3.extend(
                        (a.id, p.line_no, t) for p, t in zip(a.paragraphs, pred.paragraph_techniques)
                    )
                    if st == 3:
                        span_rows.extend(
                            (a.id, s.technique, s.start, s.end)
                            for ps in pred.spans_by_paragraph(a)
                            for s in ps
                        )
                if progress:
                    progress(len(batch))
            rows = {1: rows1, 2: rows2, 3: rows3}[st]
            path = pred_path(out, lang, split, st)
            {1: write_subtask1, 2: write_subtask2, 3: write_subtask3}[st](path, rows)
            report.files.append(path)
            if st == 3:
                write_spans(spans_pred_path(out, lang, split), span_rows)
                report.files.append(spans_pred_path(out, lang, split))
            report.articles += len(arts) if st == 1 else 0
            report.paragraphs += len(rows3) if st == 3 else 0
            log.info("%s: %d rows", path, len(rows))
    return report


def count_articles(ds: Dataset, split: str, langs: list[str] | None = None) -> int:
    return sum(
        len(ds.article_paths(lang, split, st)) for lang in langs or ds.languages(split) for st in (1, 2, 3)
    )
