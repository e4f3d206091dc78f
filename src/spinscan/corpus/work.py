"""One article's work in a batch, the same on every engine: analyse an item into a record.

A record is what a store keeps for an article: its metadata, ``status`` ("ok" or "error"),
for errors ``error`` (the message) and ``error_code`` (the stable code of
:mod:`spinscan.errors`), else ``text`` and ``analysis`` (``Analysis.to_dict()``).
"""

from __future__ import annotations

import logging
import os
import resource
from typing import Any

from ..errors import InputError, InternalError, SpinscanError
from ..reading.sources import Item

log = logging.getLogger(__name__)

META = ("id", "where", "lang", "title", "source", "date", "url", "author", "site")


def error_record(item: Item, message: str, code: str = InputError.code) -> dict[str, Any]:
    """The record of an item that could not be analysed."""
    meta = {k: getattr(item, k) for k in META}
    return {**meta, "status": "error", "error": message, "error_code": code, "text": None, "analysis": None}


def analyze_item(item: Item, model) -> dict[str, Any]:
    """The record of one item; input problems become error records, never exceptions."""
    from ..analysis import analyze

    if item.fetch and item.text is None and not item.error:
        from ..reading.pages import fetch_item

        fetch_item(item)
    if item.error:
        return error_record(item, item.error)
    try:
        a = analyze(item.text, lang=item.lang, model=model, id=item.id, skipped=item.clutter())
    except SpinscanError as e:
        return error_record(item, f"{item.where}: {e}", e.code)
    except Exception as e:  # a model bug must not end a batch of thousands; it is logged and recorded
        log.exception("internal error on %s", item.where)
        msg = f"{item.where}: internal error: {type(e).__name__}: {e}"
        return error_record(item, msg, InternalError.code)
    meta = {k: getattr(item, k) for k in META}
    first = a.paragraphs[0] if a.paragraphs else None
    if meta["title"] is None and first is not None and first.line_no == 1 and not first.skipped:
        meta["title"] = first.text.strip()  # plain text: its first line, as analyse and extract show it
    return {
        **meta,
        "status": "ok",
        "error": None,
        "error_code": None,
        "text": item.text,
        "analysis": a.to_dict(),
    }


def threads_per_worker(workers: int) -> int:
    """Torch threads for each of `workers` models on this machine: the cores split between them."""
    return max(1, (os.cpu_count() or 1) // workers)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux
