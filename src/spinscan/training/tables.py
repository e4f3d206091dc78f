"""Training tables: the official train gold of the three subtasks as label matrices."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import DataError
from ..labels import FRAMES, GENRES, TECHNIQUES
from ..semeval.data import Dataset


@dataclass
class Table:
    """One subtask's training table: texts, label matrix, languages and CV groups."""

    texts: list[str]
    y: np.ndarray  # (n, n_labels) 0/1, or (n,) class index for genre
    langs: np.ndarray
    groups: np.ndarray


def build_tables(
    ds: Dataset, languages: tuple[str, ...], max_articles: int | None = None
) -> dict[str, Table]:
    """The train tables of the three subtasks (genre, frames: one row per article; techniques:
    one per paragraph, its stripped text), each article's rows grouped for cross-validation.

    ``max_articles`` keeps the first N articles of each language (tiny test models).
    """
    rows: dict[str, list[tuple[str, Any, str, str]]] = {"genre": [], "frames": [], "techniques": []}
    for lang in languages:
        if lang not in ds.languages("train"):
            raise DataError(f"{ds.root}/{lang}: no train split for language {lang!r}")
        for st, name in ((1, "genre"), (2, "frames"), (3, "techniques")):
            if not ds.has_gold(lang, "train", st):
                raise DataError(
                    f"{ds.root}/{lang}: train gold of subtask {st} is missing; "
                    "training needs the labels of all three subtasks"
                )
            arts = ds.articles(lang, "train", st)[:max_articles]
            for a in arts:
                if st == 1 and a.genre is not None:
                    rows[name].append((a.text, GENRES.index(a.genre), lang, a.id))
                elif st == 2 and a.frames is not None:
                    rows[name].append((a.text, [FRAMES.index(f) for f in a.frames], lang, a.id))
                elif st == 3 and a.techniques is not None:
                    for p in a.paragraphs:
                        labs = [TECHNIQUES.index(t) for t in a.techniques.get(p.line_no, [])]
                        rows[name].append((p.text.strip(), labs, lang, a.id))
    out = {}
    for name, rs in rows.items():
        if name == "genre":
            y = np.array([r[1] for r in rs], dtype=np.int64)
        else:
            y = np.zeros((len(rs), len(FRAMES if name == "frames" else TECHNIQUES)), dtype=np.int8)
            for i, r in enumerate(rs):
                y[i, r[1]] = 1
        out[name] = Table([r[0] for r in rs], y, np.array([r[2] for r in rs]), np.array([r[3] for r in rs]))
    return out
