"""Following outlets: feeds (RSS, Atom), sitemaps, home pages and OPML lists read politely
(robots.txt, a delay per host, conditional GETs, Retry-After), every new article fetched once,
read, analysed and stored; one round at a time (``spinscan watch --once``) or every few minutes."""

from .http import PoliteClient
from .round import Round, Summary, watch_once
from .urls import canonical, content_hash

__all__ = ["PoliteClient", "Round", "Summary", "canonical", "content_hash", "watch_once"]
