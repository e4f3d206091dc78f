"""One entry point for every input: a file, a URL or standard input, web page or plain text.

``analyze``, ``batch``, ``extract`` and the server all read through :func:`read_source` /
:func:`read_bytes`, so every path reads pages the same way.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import InputError
from ..text import MAX_BYTES, decode_bytes, read_file_bytes, too_big
from ..types import split_paragraphs
from .clutter import mark_clutter
from .document import Document
from .fetch import check_http_url, fetch, is_url
from .html import HTML_SUFFIXES, extract_html, looks_like_html
from .http import TOTAL_TIMEOUT
from .inflate import gunzip_capped


def read_bytes(
    data: bytes,
    source: str,
    content_type: str | None = None,
    url: str | None = None,
    charset: str | None = None,
    max_bytes: int = MAX_BYTES,
    keep_clutter: bool = False,
) -> Document:
    """A document from an input's bytes: HTML (by content type, name or content) or plain text."""
    if len(data) > max_bytes:
        raise too_big(source, len(data), max_bytes)
    data = gunzip_capped(data, max_bytes, source)
    named_html = source.lower().endswith(HTML_SUFFIXES)
    is_html = (content_type or "").startswith(("text/html", "application/xhtml")) or looks_like_html(data)
    if is_html or (named_html and data.strip()):  # (extract_html refuses binary data)
        doc = extract_html(data, source, url, charset)
        if keep_clutter:
            doc.skipped = {}
        return doc
    text = decode_bytes(data, source, max_bytes, charset)
    return text_document(text, source, url, keep_clutter)


def text_document(text: str, source: str, url: str | None = None, keep_clutter: bool = False) -> Document:
    """A document of plain text (title on line 1), its page clutter marked unless kept."""
    paras = split_paragraphs(text)
    skipped = {} if keep_clutter else mark_clutter(paras)
    title = paras[0].text.strip() if paras and paras[0].line_no == 1 and 1 not in skipped else None
    return Document(source=source, text=text, kind="text", title=title, url=url, skipped=skipped)


def read_url(
    url: str,
    max_bytes: int = MAX_BYTES,
    allow_private: bool = False,
    keep_clutter: bool = False,
    timeout: float = TOTAL_TIMEOUT,
) -> Document:
    """Read a web page by its absolute http(s) URL and nothing else (what a server may take
    from a request: :func:`read_source` also reads files, this never does); ``timeout``: the
    whole fetch's deadline, redirects included."""
    f = fetch(check_http_url(url), max_bytes, allow_private=allow_private, timeout=timeout)
    return read_bytes(f.data, url, f.content_type, f.url, f.charset, max_bytes, keep_clutter)


def read_source(
    source: str,
    max_bytes: int = MAX_BYTES,
    allow_private: bool = False,
    keep_clutter: bool = False,
    stdin=None,
) -> Document:
    """Read a file path, an http(s) URL or '-' (``stdin``, a binary stream). A URL is the
    user's own: its origin is fetched even when private; a redirect elsewhere must lead to a
    public address unless ``allow_private``."""
    if is_url(source):
        f = fetch(source, max_bytes, allow_private=allow_private, trust_named=True)
        return read_bytes(f.data, source, f.content_type, f.url, f.charset, max_bytes, keep_clutter)
    if source == "-":
        data = (stdin.read(max_bytes + 1)) if stdin is not None else b""
        return read_bytes(data, "<stdin>", max_bytes=max_bytes, keep_clutter=keep_clutter)
    scheme = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):/", source)
    if scheme and not Path(source).exists():  # htps://..., ftp://..., a URL that is not http(s)
        hint = (
            " (did you mean https://?)"
            if scheme.group(1).lower() in ("htps", "htp", "http", "https", "hhtp", "htttp", "htttps")
            else ""
        )
        raise InputError(f"{source}: neither a file nor an http(s) URL{hint}")
    p = Path(source)
    if p.is_dir():
        raise InputError(f"{p}: is a folder; give article files or URLs (`spinscan batch` reads folders)")
    data = read_file_bytes(p, max_bytes)  # (refused before it is read, let alone parsed)
    return read_bytes(data, str(p), max_bytes=max_bytes, keep_clutter=keep_clutter)
