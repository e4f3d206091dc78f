"""Sentences and clauses of a paragraph: the candidate spans of sentence-level techniques.

Punctuation rules, written once for the nine SemEval languages (Latin, Cyrillic, Greek and
Georgian script), with the full stops and commas of the other scripts the encoder reads (Arabic,
Devanagari, Armenian, Chinese and Japanese, ...). A sentence ends at ``. ! ? …`` or the Greek
``;`` (with any closing quotes or brackets) before a space and a character that is not a
lower-case letter, unless the word before the full stop is an initial, a number or a known
abbreviation; a Chinese or Japanese full stop ends one with no space after it. Clauses are cut
after ``, ; :``, at spaced dashes and around brackets, where the train spans of sentence-level
techniques begin and end (``scripts/span_shapes.py`` measures how often). Offsets index the
text given, end-exclusive, trimmed of surrounding spaces, quotes and dashes.
"""

from __future__ import annotations

import re

# Abbreviations that end in a full stop without ending a sentence (lower-cased, without it).
ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof st jr sr gen col lt sgt capt rev gov sen rep no vs etc e.g i.e approx
    jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k
    m mme mlle mm me av env cf
    hr fr bzw ca dr nr str usw z.b d.h vgl
    sig sigg dott ecc pag
    np ul tzw tj wg ok dr prof mgr inż godz
    г гг т.е т.д т.п им ул др пр см тыс млн млрд руб
    sr sra srta ud uds pág
    κ κα π.χ
    """.split()
)

# full stops of other scripts (Arabic ؟, Urdu ۔, Devanagari । ॥, Armenian ։, Ethiopic ።, Burmese ။),
# followed by a space like the Latin ones; Chinese and Japanese ones (。！？) need none
_END = re.compile(
    r"[.!?…;\u037e\u061f\u06d4\u0964\u0965\u0589\u1362\u104b]+[\"'»”’)\]]*(?=\s+)"
    r"|[。！？｡]+[」』”’）)]*"
)
_CJK_END = "。！？｡"
# clause marks: Arabic ، ؛ like , ; and the Chinese and Japanese ones (，、；：) with no space after
_CLAUSE = re.compile(r"[,;:\u060c\u061b](?=\s)|[，、；：]|\s[—–-]\s|\s\(|\)(?=\s)")
_TRIM = " \t\r\n\"'«»“”„‘’‹›—–「」『』"


def _strip(text: str, s: int, e: int) -> tuple[int, int]:
    """Narrow [s, e) past surrounding spaces (and quotes, when the rest is not empty)."""
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    a, b = s, e
    while a < b and text[a] in _TRIM:
        a += 1
    while b > a and text[b - 1] in _TRIM:
        b -= 1
    return (a, b) if a < b else (s, e)


def _lower(ch: str) -> bool:
    # Georgian Mkhedruli is a caseless script, though Unicode files it as lower case
    return ch.islower() and not "\u10d0" <= ch <= "\u10ff"


def _ends_sentence(text: str, dot: int, after: int) -> bool:
    """Is the terminator at ``dot`` (the next non-space character at ``after``) a sentence end?"""
    if after >= len(text) or text[dot] in _CJK_END:
        return True
    nxt = text[after]
    if _lower(nxt):
        return False
    if text[dot] == ";":  # the Greek question mark (";" elsewhere joins clauses)
        return "\u0370" <= nxt <= "\u03ff" and nxt.isupper()
    if text[dot] != ".":
        return True
    w = dot
    while w > 0 and (text[w - 1].isalnum() or text[w - 1] == "."):
        w -= 1
    word = text[w:dot].lower()
    if not word:
        return True
    if len(word) == 1 and word.isalpha():  # an initial: "J. Smith"
        return False
    if word.isdigit() and nxt.isdigit():  # "3. 4" rarely ends a sentence
        return False
    return word not in ABBREVIATIONS


def sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """The sentences of ``text[start:end]`` as (start, end) offsets into ``text``."""
    end = len(text) if end is None else end
    out, s = [], start
    for m in _END.finditer(text, start, end):
        after = m.end()
        while after < end and text[after].isspace():
            after += 1
        if after < end and _ends_sentence(text, m.start(), after):
            out.append(_strip(text, s, m.end()))
            s = after
    if s < end:
        out.append(_strip(text, s, end))
    return [(a, b) for a, b in out if b > a]


def clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The clauses of one sentence ``text[start:end]``: cut after , ; : and at dashes and brackets."""
    out, s = [], start
    for m in _CLAUSE.finditer(text, start, end):
        cut = m.start() + 1 if text[m.start()] in ",;:)\u060c\u061b，、；：" else m.start()
        if cut > s:
            out.append(_strip(text, s, cut))
        s = cut
    if s < end:
        out.append(_strip(text, s, end))
    return [(a, b) for a, b in out if b > a and any(ch.isalnum() for ch in text[a:b])]


def candidates(text: str, start: int, end: int, max_clauses: int = 8) -> list[tuple[int, int]]:
    """Every sentence of the paragraph, and every run of consecutive clauses inside one.

    A sentence of more than ``max_clauses`` clauses contributes its runs of up to that many.
    """
    out: set[tuple[int, int]] = set()
    for a, b in sentences(text, start, end):
        out.add((a, b))
        cl = clauses(text, a, b)
        for i in range(len(cl)):
            for j in range(i, min(len(cl), i + max_clauses)):
                out.add(_strip(text, cl[i][0], cl[j][1]))
    return sorted(out)
