"""Reading inputs the way users have them: web pages (``html``), URLs (``fetch``), plain text
with page clutter marked (``clutter``), as :class:`Document` s (``document``), through one
entry point (``read``); ``metric`` is the extraction benchmark's shingle F1.

Imports only the core; trafilatura and httpx are imported when a page is read.
"""

from .clutter import mark_clutter
from .document import Document
from .read import read_bytes, read_source, read_url, text_document

__all__ = ["Document", "mark_clutter", "read_bytes", "read_source", "read_url", "text_document"]
