"""Every input form, read in one place: web pages (``html``), URLs (``fetch`` through the one
HTTP client ``http``, its address rule ``addresses`` and its streamed inflation ``inflate``),
plain text with page clutter marked (``clutter``), as :class:`Document` s (``document``), through
one entry point (``read``); batch inputs (files, folders, JSONL and CSV rows, official folders:
``sources``; web pages and URL rows among them: ``pages``; WARC crawls: ``warc``); ``metric`` is
the extraction benchmark's shingle F1.

Imports only the core; trafilatura, httpx and warcio are imported when a page is read.
"""

from .clutter import mark_clutter
from .document import Document
from .read import read_bytes, read_source, read_url, text_document

__all__ = ["Document", "mark_clutter", "read_bytes", "read_source", "read_url", "text_document"]
