"""What annotated spans say about paragraphs, and the checks every format shares."""

from __future__ import annotations

from ..errors import InputError
from ..types import Article, Span


def is_int(x: object) -> bool:
    """A JSON integer (True and 7.0 are not offsets)."""
    return isinstance(x, int) and not isinstance(x, bool)


def offsets(start: object, end: object, length: int, at: str) -> tuple[int, int]:
    """``(start, end)`` when they are integers with 0 <= start < end <= ``length``, else InputError."""
    if not is_int(start) or not is_int(end):
        raise InputError(f"{at}: offsets {start!r}..{end!r} are not whole numbers")
    if not 0 <= start < end <= length:
        raise InputError(
            f"{at}: offsets {start}..{end} are outside the text ({length} characters) or reversed"
        )
    return start, end


def strings(value: object, at: str, what: str) -> list[str]:
    """``value`` as a list of strings (one string alone counts as one), else InputError."""
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise InputError(f"{at}: {what} should be a list of names, found {str(value)[:60]!r}")
    return list(value)


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
