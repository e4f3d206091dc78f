"""Batch inputs that are web pages: saved HTML files, WARC crawls, ``html`` and ``url`` columns.

A page becomes an item whose text is what ``spinscan extract`` reads from it, with its clutter
marks; the page's site name and date fill ``source`` and ``date`` when the input gives none, so
statistics per outlet and month work on a crawl without metadata. URL items are fetched by the
driver, one at a time, and only when not already done (a rerun fetches nothing twice).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from ..errors import InputError
from ..text import MAX_BYTES
from .document import Document
from .read import read_bytes, read_source
from .warc import WarcCount, warc_pages


def fill_from_page(item, doc: Document) -> None:
    """An item's text and clutter marks from a page, and the metadata the input did not give."""
    item.text = doc.text
    item.skipped = sorted(doc.skipped.items())
    item.title = item.title or doc.title
    item.author = item.author or doc.author
    item.site = item.site or doc.site
    item.date = item.date or doc.date
    item.url = item.url or doc.url
    item.source = item.source or doc.site


def page_item(item, data: bytes, where: str, max_bytes: int = MAX_BYTES, url: str | None = None):
    """Fill ``item`` from the bytes of a page (HTML, or plain text), or set its error."""
    try:
        fill_from_page(item, read_bytes(data, where, url=url, max_bytes=max_bytes))
    except InputError as e:
        item.error = str(e)
    return item


def fetch_item(item, max_bytes: int = MAX_BYTES):
    """Fetch and read an item given by URL only (``item.fetch``); an error becomes its error."""
    if item.error or item.text is not None or not item.fetch:
        return item
    try:
        fill_from_page(item, read_source(item.fetch, max_bytes))
    except InputError as e:
        item.error = f"{item.where}: {e}"
    return item


def warc_items(entry, stream: BinaryIO, max_bytes: int, make_item) -> Iterator:
    """One item per ``response`` record with an HTML (or text) page; other records skipped.

    ``make_item(id, where)`` builds the item; its id is the record's target URI.
    """
    count = WarcCount()
    try:
        for page in warc_pages(stream, entry.path, max_bytes, count):
            item = make_item(page.uri, f"{entry.path}#{page.n}")
            item.url = page.uri
            yield page_item(item, page.data, item.where, max_bytes, page.uri)
    except InputError as e:
        yield _error(make_item, entry.path, str(e))
        return
    if not count.pages:
        yield _error(
            make_item, entry.path, f"{entry.path}: no HTML page in this WARC ({count.skipped} other records)"
        )


def _error(make_item, path: str, message: str):
    item = make_item(path, path)
    item.error = message
    return item
