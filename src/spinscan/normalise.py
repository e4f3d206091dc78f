"""Composed (NFC) text for the model, offsets back into the text the user gave.

Text typed or pasted on macOS often arrives decomposed (NFD: ``e`` + U+0301 for ``é``). The
model read composed text in training, so decomposed input got other labels and spans cut
between a letter and its accent. :func:`composed` cuts the text into clusters (a character
with the combining marks after it, and Hangul jamo that compose with it), composes each one
and keeps where it came from, so every offset of the composed copy maps back to a cluster
boundary of the original: a span never starts or ends before a combining mark.
"""

from __future__ import annotations

import bisect
import dataclasses
import unicodedata
from dataclasses import dataclass

from .types import Analysis, Span


def _continues(c: str) -> bool:
    """Whether ``c`` belongs to the cluster before it (combining marks, joiners, variation
    selectors, Hangul vowel and final jamo)."""
    o = ord(c)
    return (
        unicodedata.combining(c) != 0
        or unicodedata.category(c) in ("Mn", "Me", "Mc")
        or 0x1160 <= o <= 0x11FF  # Hangul medial vowels and final consonants
        or 0xD7B0 <= o <= 0xD7FF
        or o in (0x200D, 0x034F)  # zero-width joiner, combining grapheme joiner
        or 0xFE00 <= o <= 0xFE0F  # variation selectors
    )


@dataclass(frozen=True)
class Composed:
    """The composed copy of a text and the map of its clusters back to the original."""

    text: str
    original: str
    new_starts: list[int]  # where each cluster starts in ``text``
    old_starts: list[int]  # ... and in ``original`` (both ascending)

    @property
    def changed(self) -> bool:
        return self.text != self.original

    def start(self, i: int) -> int:
        """The original offset of a start offset ``i`` of ``text``: its cluster's start."""
        if i >= len(self.text):
            return len(self.original)
        k = bisect.bisect_right(self.new_starts, i) - 1
        return self.old_starts[k]

    def end(self, i: int) -> int:
        """The original offset of an end offset ``i`` of ``text``: the end of the cluster that
        holds its last character (so no cluster is cut)."""
        if i <= 0:
            return 0
        k = bisect.bisect_right(self.new_starts, i - 1)
        return self.old_starts[k] if k < len(self.old_starts) else len(self.original)


def composed(text: str) -> Composed:
    """``text`` composed cluster by cluster (NFC), with the map back to ``text``."""
    new_parts: list[str] = []
    new_starts: list[int] = []
    old_starts: list[int] = []
    n = 0
    i = 0
    while i < len(text):
        j = i + 1
        while j < len(text) and _continues(text[j]) and text[i] != "\n":
            j += 1
        part = unicodedata.normalize("NFC", text[i:j]) if j - i > 1 or ord(text[i]) > 0x7F else text[i]
        new_starts.append(n)
        old_starts.append(i)
        new_parts.append(part)
        n += len(part)
        i = j
    return Composed("".join(new_parts), text, new_starts, old_starts)


def needs_composing(text: str) -> bool:
    """Whether ``text`` has anything a cluster map would change (ASCII text has not)."""
    return not text.isascii() and (
        not unicodedata.is_normalized("NFC", text) or any(_continues(c) for c in text)
    )


def _span_back(sp: Span, c: Composed) -> Span:
    focus = {}
    if sp.focus_start is not None and sp.focus_end is not None:
        focus = {"focus_start": c.start(sp.focus_start), "focus_end": c.end(sp.focus_end)}
    start, end = c.start(sp.start), c.end(sp.end)
    if focus and not start <= focus["focus_start"] < focus["focus_end"] <= end:
        focus = {"focus_start": None, "focus_end": None}
    return dataclasses.replace(sp, start=start, end=end, **focus)


def back_to_original(result: Analysis, c: Composed) -> Analysis:
    """``result`` (of the composed text) with every offset and paragraph text in the original.

    Lines stay lines (a newline is a cluster of its own), so line numbers do not change.
    """
    from .types import split_paragraphs

    originals = {p.line_no: p for p in split_paragraphs(c.original)}
    for p in result.paragraphs:
        o = originals[p.line_no]
        p.start, p.end, p.text = o.start, o.end, o.text
        p.spans = [_span_back(sp, c) for sp in p.spans]
    for e in result.entities:  # (entity mentions: the same end-exclusive offsets)
        e["mentions"] = [[c.start(s), c.end(t)] for s, t in e["mentions"]]
    return result
