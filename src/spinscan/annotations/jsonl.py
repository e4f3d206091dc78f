"""spinscan's own annotation JSONL, in and out.

One JSON object a line: ``{"id", "text", "lang", "genre", "frames", "spans": [{"technique",
"start", "end"}], "techniques", "has_spans", "article"}``, code-point offsets, end exclusive. A
key that is absent is not learned. Two kinds of technique annotation live side by side:

- ``spans``: where each technique is; the paragraphs' techniques follow from them;
- ``techniques`` without spans (or with ``"has_spans": false``): labels only, the techniques of
  the whole text (a list; a text of several lines is then read as one paragraph) or of each line
  (``{"1": [...], "3": [...]}``). Such an item teaches the paragraph head, never the span head
  (its missing spans are unknown, not absent).

``article`` (or ``meta.page_id``, as the ArMPro and ArAIEval releases write it) names the article a
paragraph item belongs to: items of one article are held out together when ``learn`` chooses its
settings, so no article is on both sides. ``source`` is kept to count items by source.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import InputError
from ..types import Article, Span, split_paragraphs
from .doccano import lines_of, row_classes, row_lang, row_text
from .names import Names
from .spans import is_int, offsets, strings, with_paragraph_techniques


def read_jsonl(path: str | Path, names: Names | None = None, lang: str | None = None) -> list[Article]:
    """The articles of spinscan's own annotation JSONL (see the module's docstring)."""
    p, names = Path(path), names or Names()
    out = []
    for n, (where, row) in enumerate(lines_of(p), start=1):
        text = row_text(row, where)
        a = Article(id=str(row.get("id", n)), text=text, lang=row_lang(row, where) or lang)
        a.meta["where"] = where
        for key, value in (("group", _group(row, where)), ("source", row.get("source"))):
            if isinstance(value, str) and value:
                a.meta[key] = value
        if row.get("genre") is not None:
            if not isinstance(row["genre"], str):
                raise InputError(f"{where}: 'genre' should be one name, found {str(row['genre'])[:40]!r}")
            a.genre = row_classes([row["genre"]], names, where)[0]
            if a.genre is None:
                raise InputError(f"{where}: unknown genre {row['genre']!r}")
        if row.get("frames") is not None:
            a.frames = row_classes(strings(row["frames"], where, "frames"), names, where)[1] or []
        has_spans = row.get("has_spans", "spans" in row)
        if not isinstance(has_spans, bool):
            raise InputError(f"{where}: 'has_spans' should be true or false, found {has_spans!r}")
        if has_spans:
            a.spans = _spans(row.get("spans") or [], text, names, where)
            out.append(with_paragraph_techniques(a, known=True))
        elif row.get("techniques") is not None:
            out.append(_labels_only(a, row["techniques"], names, where))
        else:
            if row.get("spans"):
                raise InputError(f"{where}: 'has_spans' is false but the item has spans")
            out.append(with_paragraph_techniques(a, known=False))
    return out


def _group(row: dict, where: str) -> Any:
    group = row.get("article")
    if group is None and isinstance(row.get("meta"), dict):
        group = row["meta"].get("page_id")
    if group is not None and not isinstance(group, str | int):
        raise InputError(f"{where}: 'article' should name the article, found {str(group)[:40]!r}")
    return str(group) if group is not None else None


def _spans(rows: object, text: str, names: Names, where: str) -> list[Span]:
    if not isinstance(rows, list):
        raise InputError(f"{where}: 'spans' should be a list of {{technique, start, end}}")
    spans = []
    for k, s in enumerate(rows, start=1):
        t = names.find(str(s.get("technique", ""))) if isinstance(s, dict) else None
        if t is None:
            raise InputError(f"{where}, span {k}: expected {{technique, start, end}} with a known technique")
        start, end = offsets(s.get("start"), s.get("end"), len(text), f"{where}, span {k}")
        spans.append(Span(t, start, end, 1.0))
    return spans


def _labels_only(a: Article, value: object, names: Names, where: str) -> Article:
    """Paragraph techniques without spans: of the whole text (a list), or of its lines (a dict)."""

    def known(labels: object, at: str) -> list[str]:
        found = []
        for lab in strings(labels, at, "techniques"):
            t = names.find(lab, "techniques")
            if t is None:
                raise InputError(f"{at}: unknown technique {lab!r}; name it in a --map file")
            if t not in found:
                found.append(t)
        return found

    if isinstance(value, list):
        # one label set for the whole text: its lines are one paragraph (same length, no offsets)
        a.text = a.text.replace("\r\n", "  ").replace("\n", " ").replace("\r", " ")
        a.techniques = {p.line_no: known(value, where) for p in split_paragraphs(a.text)}
    elif isinstance(value, dict):
        lines = {p.line_no for p in split_paragraphs(a.text)}
        a.techniques = {n: [] for n in lines}
        for key, labels in value.items():
            if not (is_int(key) or (isinstance(key, str) and key.isdigit())) or int(key) not in lines:
                raise InputError(f"{where}: 'techniques' names line {key!r}, which the text does not have")
            a.techniques[int(key)] = known(labels, f"{where}, line {key}")
    else:
        raise InputError(f"{where}: 'techniques' should be a list of names or {{line: [names]}}")
    a.spans = None
    return a


def jsonl_row(a: Article) -> dict[str, Any]:
    """spinscan's own annotation JSONL row of an article with gold."""
    row: dict[str, Any] = {"id": a.id, "text": a.text, "lang": a.lang}
    if a.genre is not None:
        row["genre"] = a.genre
    if a.frames is not None:
        row["frames"] = a.frames
    if a.spans is not None:
        row["spans"] = [{"technique": s.technique, "start": s.start, "end": s.end} for s in a.spans]
    elif a.techniques is not None:
        row["has_spans"] = False
        row["techniques"] = {str(n): t for n, t in a.techniques.items() if t}
    if a.meta.get("group"):
        row["article"] = a.meta["group"]
    return row
