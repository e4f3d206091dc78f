"""Web pages: recognised by content, decoded by their declared charset, the article extracted.

Extraction is trafilatura's (with htmldate for the date), comments left out and its precision
setting on: on the 50 pages of ``web-articles`` that scored shingle F1 .968 (P .970, R .966)
against .951 with its defaults; see BENCHMARKS.md. Its paragraphs become one line each; the
duplicate and boilerplate lines among them are marked (a caption printed twice, "Advertisement").
"""

from __future__ import annotations

import codecs
import logging
import re

from ..errors import InputError
from ..text import usable_charset
from .clutter import mark_clutter
from .document import Document

log = logging.getLogger(__name__)

HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".html.gz", ".htm.gz", ".shtml")
_HTML_START = re.compile(
    rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title|div|p|article)\b", re.I | re.S
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_\-:.]+)""", re.I)
EXTRACT = {"include_comments": False, "favor_precision": True, "include_tables": True}


def looks_like_html(data: bytes) -> bool:
    """True when the bytes start like an HTML document (whatever the file is called)."""
    head = data[:4096].lstrip(codecs.BOM_UTF8)
    if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        try:
            head = head.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return False
    return bool(_HTML_START.match(head))


def decode_html(data: bytes, declared: str | None = None) -> str:
    """The page's text: by its BOM; as UTF-8 when the bytes are valid UTF-8 (decisive: text in a
    legacy charset almost never is, and pages often declare a charset they do not use); else by
    the HTTP charset, then the page's meta charset, then Windows-1252, bad bytes as U+FFFD."""
    for bom, enc in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(enc, errors="replace").lstrip("\ufeff")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    candidates = [declared] if declared else []
    m = _META_CHARSET.search(data[:8192])
    if m:
        candidates.append(m.group(1).decode("ascii", "replace"))
    for enc in [*candidates, "cp1252"]:
        if usable_charset(enc):
            return data.decode(enc, errors="replace")
    return data.decode("utf-8", errors="replace")


_HEADING = re.compile(r"<h([1-6])\b[^>]*>.*?</h\1\s*>", re.I | re.S)
_CODE = re.compile(r"<(script|style|noscript|template)\b[^>]*>.*?</\1\s*>", re.I | re.S)


def code_out_of_headings(html: str) -> str:
    """``html`` without the scripts and styles inside its headings: the title is read from the
    ``<h1>`` with all its text, and a tracker's script there would become part of the headline."""
    return _HEADING.sub(lambda m: _CODE.sub("", m.group(0)), html)


def extract_html(data: bytes, source: str, url: str | None = None, charset: str | None = None) -> Document:
    """The article of a web page as a :class:`Document`; InputError when it has none."""
    try:
        import trafilatura
    except ImportError as e:  # trafilatura 2.3 with lxml 6 needs lxml_html_clean
        raise InputError(f"reading web pages needs trafilatura and lxml_html_clean ({e})") from e
    if b"\x00" in data[:65536] and data[:2] not in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        raise InputError(f"{source}: looks like a binary file (it contains NUL bytes), not a web page")
    html = code_out_of_headings(decode_html(data, charset))
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)  # it logs every odd page as an error
    try:
        found = trafilatura.bare_extraction(html, url=url, with_metadata=True, **EXTRACT)
        doc = found.as_dict() if found is not None and hasattr(found, "as_dict") else (found or {})
    except Exception as e:  # lxml on broken markup: the page cannot be read, the batch goes on
        raise InputError(f"{source}: the web page cannot be parsed ({type(e).__name__}: {e})") from e
    body = (doc or {}).get("text") or ""
    lines = [" ".join(line.split()) for line in body.split("\n")]
    lines = [line for line in lines if line]
    if not lines or sum(len(line.split()) for line in lines) < 10:
        raise InputError(f"{source}: no article text found; it looks like a navigation, index or login page")
    title = " ".join((doc.get("title") or "").split()) or None
    while title and lines and _same(lines[0], title):  # the headline is line 1 already
        lines = lines[1:]
    if not lines:
        raise InputError(f"{source}: no article text found, only a title; it looks like a navigation page")
    text = (title or lines[0]) + "\n\n" + "\n".join(lines if title else lines[1:])
    d = Document(
        source=source,
        text=text,
        kind="html",
        title=title or lines[0],
        author=doc.get("author") or None,
        date=doc.get("date") or None,
        site=doc.get("sitename") or doc.get("hostname") or None,
        url=doc.get("url") or url,
        lang=doc.get("language") or None,
    )
    from ..types import split_paragraphs

    d.skipped = mark_clutter(split_paragraphs(text), page=False)
    return d


def _same(a: str, b: str) -> bool:
    norm = lambda t: " ".join(re.findall(r"\w+", t.lower()))  # noqa: E731
    return norm(a) == norm(b)
