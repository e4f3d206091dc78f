"""Whose words: the stretches of a paragraph inside quotation marks, in the conventions of the
9 languages, so a span can say whether it is the author's or a quoted speaker's.

Marks: straight ``"`` and ``'``, English “ ” and ‘ ’, German and Polish „ “ (and „ ”), French,
Italian, Spanish, Russian and Greek « » (with ‹ ›), German » «, Georgian „ “; and a paragraph
that opens with a dialogue dash (— or –, Russian, Polish, Spanish, Greek) is speech up to the
next spaced dash, where the author's words begin. An apostrophe inside or at the end of a word
(don't, Putin's, the Smiths') is not a quotation mark. A quote still open at the end of the
paragraph runs to its end (a quotation over several paragraphs opens each of them).
"""

from __future__ import annotations

from collections.abc import Iterable

QUOTED, AUTHOR = "quoted", "author"
_PAIRS = {"“": "”", "„": "“”", "«": "»", "‹": "›", "»": "«", "‘": "’", '"': '"', "'": "’'"}
_DASHES = ("—", "–", "―")
_OPEN_BEFORE = set(" \t\u00a0([{—–-/:;,.") | {""}


def _boundary(c: str) -> bool:
    return c == "" or c in _OPEN_BEFORE or c.isspace()


def quoted_ranges(text: str) -> list[tuple[int, int]]:
    """[start, end) stretches of ``text`` (one paragraph) that are quoted, marks included."""
    out: list[tuple[int, int]] = []
    stripped = text.lstrip()
    lead = len(text) - len(stripped)
    if stripped[:1] in _DASHES and stripped[1:2].isspace():  # dialogue: speech up to " — "
        pos, speaking, start = lead + 2, True, lead
        while True:
            nxt = min((i for d in _DASHES if (i := text.find(f" {d} ", pos)) >= 0), default=-1)
            if nxt < 0:
                if speaking:
                    out.append((start, len(text.rstrip())))
                break
            if speaking:
                out.append((start, nxt))
            speaking, start, pos = not speaking, nxt + 1, nxt + 3
    stack: list[tuple[str, int]] = []
    for i, c in enumerate(text):
        prev, nxt = text[i - 1] if i else "", text[i + 1] if i + 1 < len(text) else ""
        if stack and c in _PAIRS[stack[-1][0]]:
            opener = stack[-1][0]
            if opener in "'‘" and nxt.isalnum():
                continue  # an apostrophe inside a word (don't), not the closing mark
            if opener == c and c in "\"'" and prev.isspace():
                pass  # a straight mark after a space opens a nested quote rather than closing
            else:
                _, start = stack.pop()
                if not stack:
                    out.append((start, i + 1))
                continue
        if c in "\"'‘" and not (_boundary(prev) and nxt and not nxt.isspace()):
            continue  # a straight mark or ‘ not at a word's start: an apostrophe or a stray mark
        if c == "»" and not (nxt.isalnum() or nxt in "„“'\""):
            continue  # a closing » without its «
        if c in _PAIRS:
            stack.append((c, i))
    if stack:
        out.append((stack[0][1], len(text.rstrip())))
    return _merge(out)


def _merge(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for s, e in sorted(ranges):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


def quoted_share(ranges: list[tuple[int, int]], start: int, end: int) -> float:
    """The share of [start, end) inside the quoted ranges."""
    if end <= start:
        return 0.0
    inside = sum(max(0, min(e, end) - max(s, start)) for s, e in ranges)
    return inside / (end - start)


def voice_of(ranges: list[tuple[int, int]], start: int, end: int) -> str:
    """``quoted`` when most of [start, end) is inside quotation marks, else ``author``."""
    return QUOTED if quoted_share(ranges, start, end) > 0.5 else AUTHOR
