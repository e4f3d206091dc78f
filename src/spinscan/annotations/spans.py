"""What annotated spans say about paragraphs, and the checks every format shares."""

from __future__ import annotations

from ..errors import InputError
from ..types import Article, Span


def with_paragraph_techniques(a: Article, known: bool) -> Article:
    """``a`` with its spans checked, deduplicated and sorted, and each paragraph's techniques
    those of the spans that overlap it (the official data's rule). ``known``: the annotation
    said which spans there are (none is an answer); otherwise techniques stay unknown (None)."""
    where = a.meta.get("where", a.id)
    if not known:
        a.spans, a.techniques = None, None
        return a
    seen, spans = set(), []
    for s in a.spans or []:
        if not 0 <= s.start < s.end <= len(a.text):
            raise InputError(
                f"{where}: span {s.technique} {s.start}..{s.end} is outside the text "
                f"({len(a.text)} characters)"
            )
        if not a.text[s.start : s.end].strip():
            raise InputError(f"{where}: span {s.technique} {s.start}..{s.end} covers only blanks")
        if (s.technique, s.start, s.end) not in seen:
            seen.add((s.technique, s.start, s.end))
            spans.append(Span(s.technique, s.start, s.end, 1.0))
    a.spans = sorted(spans, key=lambda s: (s.start, s.end, s.technique))
    a.techniques = {}
    for p in a.paragraphs:
        techs = []
        for s in a.spans:
            if s.start < p.end and s.end > p.start and s.technique not in techs:
                techs.append(s.technique)
        a.techniques[p.line_no] = techs
    return a
